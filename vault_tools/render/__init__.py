"""Renderers: data in, string out. Nothing here reads files or decides anything."""

from __future__ import annotations

import re

# C0 and C1 controls, DEL, the Unicode line and paragraph separators, and surrogates:
# a file name that is not UTF-8 reaches us with each undecodable byte as a lone surrogate
# (Python's surrogateescape), which no terminal or UTF-8 file can hold.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:
        return f"\\x{code - 0xDC00:02x}"  # the byte the file name really holds
    if char in _NAMED:
        return _NAMED[char]
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def printable(text: str) -> str:
    """``text`` safe to print on one line: control characters and undecodable bytes of a
    file name shown as escapes (``new\\nline.md``, ``caf\\xe9.md``), the rest unchanged."""
    return _UNPRINTABLE.sub(_escape, text)


_SURROGATE = re.compile("[\ud800-\udfff]")


def json_text(text: str) -> str:
    """JSON text from ``json.dumps(..., ensure_ascii=False)`` made valid UTF-8: lone
    surrogates (undecodable bytes of a file name) written as ``\\udcXX`` escapes, which
    ``json.loads`` and ``os.fsencode`` turn back into the file's real name."""
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
