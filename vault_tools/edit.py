"""Byte-keeping note edits: the one editor that ``log``, ``check --fix`` (and the language
server) change notes with.

A note is its lines with their endings (``Source``); an edit replaces whole lines and keeps
every other byte: comments, key order, quoting, blank lines, CRLF or LF, a BOM, trailing
whitespace, the body. Front matter is edited line by line from its layout (``layout``):
which lines hold which top-level key, and whether the value is a shape this module
rewrites safely (a plain or quoted scalar on one line, a flow list on one line, a block
list of one-line items). Anything else on a key being edited (a block scalar, an anchor, a
value over several lines, invalid YAML) is refused with what to do instead.

Every result is parsed again before it is given back (``verified``): the keys edited must
read back as intended, and every other key exactly as before; otherwise the edit is
refused. Writing (``files.replace_note``) happens only if the file still holds the bytes
that were read.
"""

from __future__ import annotations

import difflib
import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from vault_tools.diagnostics import Fix, LineEdit, fix_of
from vault_tools.errors import VaultToolsError
from vault_tools.note import Note, parse_note, shorten, unquoted_wikilink
from vault_tools.vocabulary import canonical_key

_ENDING = re.compile(r"\r\n|\r|\n")
_FENCE = re.compile(r"^---[ \t]*$")
_BOM = "\ufeff"


class EditRefused(VaultToolsError):
    """An edit this module will not make, with the reason and what to do (exit 2)."""


# --------------------------------------------------------------------------------------------
# A note's text as lines with their endings


@dataclass(frozen=True)
class Source:
    """A note's text: a BOM or not, its lines (as ``note.split_lines`` numbers them) and
    each line's ending (``""`` for a last line without one)."""

    bom: bool
    lines: tuple[str, ...]
    ends: tuple[str, ...]

    @classmethod
    def of_bytes(cls, raw: bytes, path: str = "the note") -> Source:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise EditRefused(f"{path} is not valid UTF-8; save it as UTF-8 first") from None
        if "\x00" in text:
            raise EditRefused(f"{path} holds NUL characters (binary data); nothing was changed")
        return cls.of_text(text)

    @classmethod
    def of_text(cls, text: str) -> Source:
        bom = text.startswith(_BOM)
        if bom:
            text = text[1:]
        lines: list[str] = []
        ends: list[str] = []
        start = 0
        for m in _ENDING.finditer(text):
            lines.append(text[start : m.start()])
            ends.append(m.group())
            start = m.end()
        if start < len(text):
            lines.append(text[start:])
            ends.append("")
        return cls(bom, tuple(lines), tuple(ends))

    def text(self) -> str:
        body = "".join(line + end for line, end in zip(self.lines, self.ends, strict=True))
        return (_BOM if self.bom else "") + body

    def to_bytes(self) -> bytes:
        return self.text().encode("utf-8")

    @property
    def newline(self) -> str:
        """The ending new lines take: the file's first one, else LF."""
        return next((end for end in self.ends if end), "\n")

    def edited(self, edits: Iterable[LineEdit]) -> Source:
        """These lines with ``edits`` applied (sorted; they must not overlap)."""
        lines = list(self.lines)
        ends = list(self.ends)
        newline = self.newline
        # From the bottom up, so each edit's line numbers stay those of the original.
        ordered = sorted(edits, key=lambda e: (e.line, e.remove))
        _check_disjoint(ordered, len(lines))
        for edit in reversed(ordered):
            at = edit.line - 1
            removed_ends = ends[at : at + edit.remove]
            new_ends = [newline] * len(edit.insert)
            if new_ends and removed_ends:
                # The last line inserted ends as the last line replaced did (a last line
                # without an ending stays without one).
                new_ends[-1] = removed_ends[-1]
            elif new_ends and at >= len(lines) and at > 0 and ends[at - 1] == "":
                # Appending after a last line without an ending: it gets one, and the new
                # last line goes without, as the file did.
                ends[at - 1] = newline
                new_ends[-1] = ""
            lines[at : at + edit.remove] = list(edit.insert)
            ends[at : at + edit.remove] = new_ends
        return Source(self.bom, tuple(lines), tuple(ends))


def _check_disjoint(ordered: Sequence[LineEdit], count: int) -> None:
    end = 0
    for edit in ordered:
        if edit.line < 1 or edit.line + edit.remove - 1 > count or edit.line > count + 1:
            raise EditRefused(f"an edit of line {edit.line} lies outside the note")
        if edit.line < end:
            raise EditRefused(f"two edits of line {edit.line} overlap")
        end = edit.line + edit.remove


def overlapping(a: Fix, b: Fix) -> bool:
    """Whether two fixes touch a common line (or insert at one place): apply one of them,
    read the note again, and the other is found afresh."""
    for x in a.edits:
        for y in b.edits:
            x_end = x.line + max(x.remove, 1)
            y_end = y.line + max(y.remove, 1)
            if x.line < y_end and y.line < x_end:
                return True
    return False


# --------------------------------------------------------------------------------------------
# The front matter's layout


@dataclass(frozen=True)
class Item:
    """One item of a block list: its line, and where its value starts and ends."""

    line: int
    start: int  # 0-based column of the value
    end: int  # 0-based column just past the value (a comment after it is kept)


@dataclass(frozen=True)
class KeyBlock:
    """A top-level key and the lines of its value."""

    raw: str  # the key as written (quotes removed)
    key: str  # canonical_key(raw)
    line: int  # 1-based line of the key
    last: int  # last line of its value (the key's line when the value is on it)
    key_end: int  # 0-based column just past the key as written (quotes included)
    colon_end: int  # 0-based column just past the key's colon
    start: int  # 0-based column where the value starts on the key's line
    end: int  # 0-based column just past the value (before spaces and a comment)
    shape: str  # "empty", "plain", "quoted", "flow", "block-list", or "unsafe"
    why: str = ""  # for "unsafe": what the value is
    items: tuple[Item, ...] = ()


@dataclass(frozen=True)
class Layout:
    """Where the front matter is (``close``: the line of its closing ``---``) and its keys;
    ``why``: set when a line could not be placed (then nothing is edited)."""

    close: int
    blocks: tuple[KeyBlock, ...]
    why: str = ""

    def find(self, key: str) -> KeyBlock | None:
        """The block of canonical ``key``; refused when the key is written twice."""
        found = [b for b in self.blocks if b.key == key]
        if len(found) > 1:
            raise EditRefused(
                f'"{key}" is written {len(found)} times (lines '
                f"{', '.join(str(b.line) for b in found)}); keep one, then try again"
            )
        return found[0] if found else None

    @property
    def last_line(self) -> int:
        """The line after which a new key goes: the last key's last line, else the opening."""
        return max((b.last for b in self.blocks), default=1)


_KEY = re.compile(
    r"""^(?P<key>"(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s#'"?:,\[\]{}&*!|>%@`-][^\n]*?|-[^\s\n][^\n]*?)"""
    r"[ \t]*:(?=[ \t]|$)"
)
_ITEM = re.compile(r"^(?P<indent>[ \t]*)-(?:[ \t]+|$)")
_UNSAFE_START = {
    "|": "a block scalar (| or >)",
    ">": "a block scalar (| or >)",
    "&": "an anchor (&)",
    "*": "an alias (*)",
    "!": "a tag (!)",
    "{": "a mapping ({...})",
    "%": "a reserved character",
    "@": "a reserved character",
    "`": "a reserved character",
}
# YAML breaks lines at these too, where editors do not: a line holding one is not edited.
_YAML_BREAKS = re.compile("[\x85\u2028\u2029]")


def front_matter_close(lines: Sequence[str]) -> int | None:
    """The 1-based line of the closing ``---``, ``None`` without closed front matter."""
    if not lines or not _FENCE.match(lines[0]):
        return None
    return next((i + 1 for i in range(1, len(lines)) if _FENCE.match(lines[i])), None)


def layout(lines: Sequence[str]) -> Layout:
    """The layout of the front matter of ``lines`` (a note's lines, line 1 being ``---``)."""
    close = front_matter_close(lines)
    if close is None:
        raise EditRefused(
            "the note has no front matter (a --- block at its top); "
            "add one, or make the note with vault-tools new"
        )
    blocks: list[KeyBlock] = []
    pending: list[int] = []  # continuation lines of the current key
    why = ""

    def finish() -> None:
        if blocks and pending:
            blocks[-1] = _with_continuation(blocks[-1], lines, pending)
        pending.clear()

    for number in range(2, close):
        text = lines[number - 1]
        if not text.strip() or text.lstrip().startswith("#"):
            continue  # a blank or comment line belongs to no key
        if text[0] in " \t" or _ITEM.match(text):
            if not blocks:
                why = why or f"line {number} is indented before any key"
            pending.append(number)
            continue
        m = _KEY.match(text)
        if m is None:
            why = why or f"line {number} is not a key: {shorten(text.strip(), 40)!r}"
            continue
        finish()
        blocks.append(_key_block(text, number, m))
    finish()
    return Layout(close, tuple(blocks), why)


def _unquote_key(written: str) -> str:
    if written.startswith('"') and written.endswith('"') and len(written) >= 2:
        try:
            value = json.loads(written)
            return value if isinstance(value, str) else written
        except ValueError:
            return written[1:-1]
    if written.startswith("'") and written.endswith("'") and len(written) >= 2:
        return written[1:-1].replace("''", "'")
    return written


def _key_block(text: str, number: int, m: re.Match[str]) -> KeyBlock:
    written = m["key"].rstrip(" \t")
    raw = _unquote_key(written)
    rest_at = m.end()
    while rest_at < len(text) and text[rest_at] in " \t":
        rest_at += 1
    shape, end, why = _inline_shape(text, rest_at)
    return KeyBlock(
        raw=raw,
        key=canonical_key(raw),
        line=number,
        last=number,
        key_end=len(written),
        colon_end=m.end(),
        start=rest_at,
        end=end,
        shape=shape,
        why=why,
    )


def _inline_shape(text: str, start: int) -> tuple[str, int, str]:
    """(shape, end column, why) of the value starting at ``start`` of ``text``."""
    if _YAML_BREAKS.search(text):
        return "unsafe", len(text), "a character YAML reads as a line break (U+2028, U+0085)"
    rest = text[start:]
    if not rest or rest.startswith("#"):
        return "empty", start, ""
    first = rest[0]
    if rest.startswith(("{{", "<%")):
        # A template placeholder left in (``date: {{date}}``): the parser reads it as text.
        comment = re.search(r"[ \t]#", rest)
        value = rest[: comment.start()] if comment else rest
        return "plain", start + len(value.rstrip(" \t")), ""
    if first in _UNSAFE_START:
        return "unsafe", len(text), _UNSAFE_START[first]
    if first in "\"'":
        end = _quoted_end(text, start)
        if end is None:
            return "unsafe", len(text), "a quoted value over several lines"
        if not _only_comment(text[end:]):
            return "unsafe", len(text), "text after a quoted value"
        return "quoted", end, ""
    if first == "[":
        end = _flow_end(text, start)
        if end is None:
            return "unsafe", len(text), "a list over several lines"
        if not _only_comment(text[end:]):
            return "unsafe", len(text), "text after a list"
        return "flow", end, ""
    # A plain scalar: up to a comment (`` #``) or the end, trailing spaces aside.
    comment = re.search(r"[ \t]#", rest)
    value = rest[: comment.start()] if comment else rest
    return "plain", start + len(value.rstrip(" \t")), ""


def _only_comment(rest: str) -> bool:
    stripped = rest.lstrip(" \t")
    return not stripped or (stripped.startswith("#") and (rest[:1] in " \t"))


def _quoted_end(text: str, start: int) -> int | None:
    quote = text[start]
    i = start + 1
    while i < len(text):
        c = text[i]
        if quote == '"' and c == "\\":
            i += 2
            continue
        if c == quote:
            if quote == "'" and text[i + 1 : i + 2] == "'":
                i += 2
                continue
            return i + 1
        i += 1
    return None


def _flow_end(text: str, start: int) -> int | None:
    depth = 0
    i = start
    while i < len(text):
        c = text[i]
        if c in "\"'" and (i == start or text[i - 1] in "[, \t"):
            end = _quoted_end(text, i)
            if end is None:
                return None
            i = end
            continue
        if c in "[{":
            depth += 1
        elif c in "]}":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return None


def _with_continuation(block: KeyBlock, lines: Sequence[str], numbers: list[int]) -> KeyBlock:
    last = numbers[-1]
    if block.shape != "empty":
        why = block.why or "a value over several lines"
        return _replace(block, last=last, shape="unsafe", why=why)
    items: list[Item] = []
    indent: str | None = None
    for number in numbers:
        text = lines[number - 1]
        m = _ITEM.match(text)
        if m is None or (indent is not None and m["indent"] != indent):
            return _replace(block, last=last, shape="unsafe", why="a nested value")
        indent = m["indent"]
        shape, end, _ = _inline_shape(text, m.end())
        if shape not in ("plain", "quoted", "flow") or text[m.end() :].startswith("-"):
            return _replace(block, last=last, shape="unsafe", why="a list item that is not text")
        items.append(Item(number, m.end(), end))
    return _replace(block, last=last, shape="block-list", items=tuple(items))


def _replace(block: KeyBlock, **changes: Any) -> KeyBlock:
    return replace(block, **changes)


def _editable(block: KeyBlock, what: str) -> None:
    if block.shape == "unsafe":
        raise EditRefused(
            f'cannot edit "{shorten(block.raw)}" on line {block.line}: its value is '
            f"{block.why}; {what} by hand, or rewrite the value on one line and try again"
        )


# --------------------------------------------------------------------------------------------
# Values as YAML text

_PLAIN_SAFE = re.compile(r"[A-Za-z0-9][A-Za-z0-9 _.:/+-]*")
_LOOKS_OTHER = re.compile(
    r"(?i:true|false|null|~|yes|no|on|off|[-+]?(\.[0-9]+|[0-9][0-9_]*(\.[0-9]*)?)(e[-+]?[0-9]+)?)"
)


def yaml_text(value: str) -> str:
    """``value`` as YAML text that reads back as that text: plain when safe, else quoted."""
    if (
        _PLAIN_SAFE.fullmatch(value)
        and not _LOOKS_OTHER.fullmatch(value)
        and ": " not in value
        and not value.endswith((" ", ":"))
        and " #" not in value
    ):
        return value
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def _in_style(old: str, new: str) -> str:
    """``new`` (YAML text) written as ``old`` was: quoted with its quote when it was quoted,
    and a plain text can be quoted so."""
    if old[:1] in "\"'" and new[:1] not in "\"'":
        if old[0] == "'" and "'" not in new:
            return f"'{new}'"
        if old[0] == '"' and '"' not in new and "\\" not in new:
            return f'"{new}"'
    return new


# --------------------------------------------------------------------------------------------
# Edits


@dataclass(frozen=True)
class SetValue:
    """Set canonical ``key`` to ``text`` (YAML text), which must read back as ``expect``."""

    key: str
    text: str
    expect: Any


@dataclass(frozen=True)
class AddItem:
    """Add ``text`` to list key ``key`` (a scalar becomes a list; absent, it is set)."""

    key: str
    text: str
    expect: Any


@dataclass(frozen=True)
class TickTask:
    """Mark the task on ``line`` done on ``day``: ``✅ day``, or ``[completion:: day]``
    when ``dataview`` (the note writes its tasks' dates as Dataview fields)."""

    line: int
    day: str
    dataview: bool = False


Edit = SetValue | AddItem | TickTask


@dataclass
class Plan:
    """Line edits, with what each edited key must read back as."""

    edits: list[LineEdit] = field(default_factory=list)
    expect: dict[str, Any] = field(default_factory=dict)
    ticked: dict[int, str] = field(default_factory=dict)


def _list_style(lines: Sequence[str], lay: Layout) -> str | None:
    """The prefix of a block list item in this front matter (``"  - "``), or ``"flow"``;
    ``None`` when it holds no list."""
    for block in lay.blocks:
        if block.shape == "block-list" and block.items:
            item = block.items[0]
            return lines[item.line - 1][: item.start]
        if block.shape == "flow":
            return "flow"
    return None


def plan_edits(lines: Sequence[str], edits: Sequence[Edit]) -> Plan:
    """The line edits that make ``edits`` (at most one per key and task), refused when a
    key to edit is not safe to edit."""
    lay = layout(lines)
    if lay.why:
        raise EditRefused(
            f"cannot edit the front matter: {lay.why}; fix it (vault-tools check shows "
            "where) and try again"
        )
    plan = Plan()
    appended: list[str] = []
    for edit in edits:
        if isinstance(edit, TickTask):
            ticked = tick_line(lines[edit.line - 1], edit.day, edit.dataview)
            plan.edits.append(LineEdit(edit.line, 1, (ticked,)))
            plan.ticked[edit.line] = edit.day
            continue
        block = lay.find(edit.key)
        plan.expect[edit.key] = edit.expect
        if block is None:
            appended.append(f"{edit.key}: {edit.text}")  # a list's first item is a scalar
            continue
        _editable(block, f'edit "{block.raw}"')
        line = lines[block.line - 1]
        if isinstance(edit, SetValue):
            if block.shape in ("block-list", "flow"):
                raise EditRefused(
                    f'"{block.raw}" on line {block.line} holds a list; '
                    f"set it by hand to {edit.text}"
                )
            plan.edits.append(LineEdit(block.line, 1, (_set_line(line, block, edit.text),)))
        else:
            plan.edits.extend(_add_item(lines, lay, block, edit))
    if appended:
        plan.edits.append(LineEdit(lay.last_line + 1, 0, tuple(appended)))
    return plan


def _set_line(line: str, block: KeyBlock, text: str) -> str:
    """The key's line with its one-line value replaced by ``text``."""
    if block.shape == "empty":
        # ``key:`` alone, or with a comment: the value after one space, the comment kept.
        rest = line[block.colon_end :].strip()
        return line[: block.colon_end] + " " + text + (" " + rest if rest else "")
    old = line[block.start : block.end]
    new = _in_style(old, text) if block.shape == "quoted" else text
    return line[: block.start] + new + line[block.end :]


def _add_item(lines: Sequence[str], lay: Layout, block: KeyBlock, edit: AddItem) -> list[LineEdit]:
    line = lines[block.line - 1]
    if block.shape == "block-list":
        last = block.items[-1]
        prefix = lines[last.line - 1][: last.start]
        return [LineEdit(last.line + 1, 0, (prefix + edit.text,))]
    if block.shape == "flow":
        inner = line[block.start + 1 : block.end - 1].rstrip()
        inner = inner[:-1].rstrip() if inner.endswith(",") else inner  # ``[a, ]``
        joined = f"{edit.text}" if not inner.strip() else f"{inner}, {edit.text}"
        new_line = line[: block.start] + "[" + joined + "]" + line[block.end :]
        return [LineEdit(block.line, 1, (new_line,))]
    if block.shape == "empty":
        return [LineEdit(block.line, 1, (_set_line(line, block, edit.text),))]
    # A scalar becomes a list, in the style the front matter already uses.
    old = line[block.start : block.end]
    style = _list_style(lines, lay)
    # A plain text holding a flow indicator would be more than one item inside ``[...]``.
    if style == "flow" and not (block.shape == "plain" and re.search(r"[,\[\]{}]", old)):
        new_line = line[: block.start] + f"[{old}, {edit.text}]" + line[block.end :]
        return [LineEdit(block.line, 1, (new_line,))]
    prefix = style if style not in (None, "flow") else "  - "
    head = line[: block.colon_end] + line[block.end :].rstrip(" \t")
    return [LineEdit(block.line, 1, (head, prefix + old, prefix + edit.text))]


_BLOCK_ID = re.compile(r"(?P<space>[ \t]+)\^[A-Za-z0-9-]+[ \t]*$")
_OPEN_TASK = re.compile(
    r"^(?P<head>[ \t]*(?:>[ \t]?)*[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+\[)[^\]](?=\])"
)
_DATAVIEW = re.compile(r"[\[(][\w -]+::")
_TASKS_DATES = ("📅", "📆", "🗓", "⏳", "🛫", "➕", "✅")


_DATAVIEW_DATE = re.compile(r"[\[(](?:due|completion|scheduled|start|created)::", re.IGNORECASE)


def writes_dataview(task_lines: Iterable[str]) -> bool:
    """Whether a note's tasks (their lines, in order) write their dates as Dataview fields
    (``[due:: …]``) rather than as Tasks emoji, by the first that writes one: a tick is
    stamped as the others are."""
    for text in task_lines:
        if _DATAVIEW_DATE.search(text):
            return True
        if any(mark in text for mark in _TASKS_DATES):
            return False
    return False


def tick_line(text: str, day: str, dataview: bool = False) -> str:
    """A task line marked done on ``day``, as Obsidian Tasks writes it: ``[x]``, and
    ``✅ day`` before a block id; ``[completion:: day]`` in a task with Dataview fields,
    or with ``dataview`` when the line has neither kind."""
    m = _OPEN_TASK.match(text)
    if m is None:
        raise EditRefused(f"line is not a task: {shorten(text.strip(), 60)!r}")
    ticked = m["head"] + "x" + text[m.end() :]
    emoji = any(mark in ticked for mark in _TASKS_DATES)
    if _DATAVIEW.search(ticked) is not None or emoji:
        dataview = not emoji
    stamp = f"[completion:: {day}]" if dataview else f"✅ {day}"
    body = ticked.rstrip(" \t")
    tail = ticked[len(body) :]
    block_id = _BLOCK_ID.search(body)
    if block_id is not None:
        return body[: block_id.start()] + " " + stamp + body[block_id.start() :] + tail
    return body + " " + stamp + tail


# --------------------------------------------------------------------------------------------
# Checking a result before it is written


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    if type(a) is not type(b):
        return False
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    return bool(a == b)


def verified(
    before: Note,
    after: Note,
    expect: Mapping[str, Any],
    may_change: Iterable[str] = (),
    ticked: Mapping[int, str] | None = None,
) -> None:
    """Refuse (EditRefused) unless ``after`` reads as intended: its front matter a mapping,
    each key of ``expect`` that value, each key of ``may_change`` anything, every other key
    as in ``before``; no new parse problem; each ticked task done on its day."""
    if after.frontmatter is None or after.frontmatter_kind != "mapping":
        raise EditRefused(
            "the edit would leave front matter that is not valid YAML; nothing was changed"
        )
    old, new = before.frontmatter or {}, after.frontmatter
    free = set(may_change)
    for key in set(old) | set(new) | set(expect):
        if key in expect:
            if not _same(new.get(key), expect[key]):
                raise EditRefused(
                    f'"{shorten(key)}" would read back as {shorten(repr(new.get(key)))}, '
                    f"not {shorten(repr(expect[key]))}; nothing was changed"
                )
        elif key not in free and not _same(old.get(key), new.get(key)):
            raise EditRefused(f'the edit would change "{shorten(key)}" too; nothing was changed')
    if _problem_count(after) > _problem_count(before):
        raise EditRefused(
            "the edit would make the front matter harder to read; nothing was changed"
        )
    for line, day in (ticked or {}).items():
        task = next((t for t in after.tasks if t.line == line), None)
        if task is None or not task.done or task.completed != day:
            raise EditRefused(f"the task on line {line} would not read as done on {day}")


def moved(line: int, edits: Iterable[LineEdit]) -> int:
    """Where ``line`` (not itself removed) is after ``edits``."""
    return line + sum(len(e.insert) - e.remove for e in edits if e.line + e.remove <= line)


def _problem_count(note: Note) -> int:
    return sum(1 for code, *_ in note.problems if code in ("VT001", "VT004", "VT107"))


def edit_bytes(raw: bytes, edits: Sequence[Edit], path: str = "note") -> bytes:
    """The note ``raw`` with ``edits`` made, every other byte kept; refused (EditRefused)
    when it cannot be done safely. Unchanged bytes when the note already says it."""
    source = Source.of_bytes(raw, path)
    before = parse_note(path, raw)
    _editable_note(before)
    try:
        plan = plan_edits(source.lines, edits)
    except EditRefused as exc:
        raise EditRefused(f"{path}: {exc}") from None
    result = source.edited(plan.edits)
    new = result.to_bytes()
    ticked = {moved(line, plan.edits): day for line, day in plan.ticked.items()}
    try:
        verified(before, parse_note(path, new), plan.expect, ticked=ticked)
    except EditRefused as exc:
        raise EditRefused(f"{path}: {exc}") from None
    return new


def _editable_note(note: Note) -> None:
    """Refuse a note whose front matter cannot be edited at all, saying what to fix."""
    kind = note.frontmatter_kind
    if kind in ("mapping", "none"):
        return  # "none": ``layout`` says so, with what to do
    problem = next((p for p in note.problems if p[0] in ("VT001", "VT004")), None)
    if kind == "not-a-mapping":
        reason = "its front matter is not a list of keys"
    elif problem is not None:
        reason = f"line {problem[1]}: {problem[3]}"
    else:
        reason = "its front matter cannot be read"
    raise EditRefused(f"{note.path}: {reason}; fix that first (vault-tools check shows it)")


def apply_fixes(raw: bytes, fixes: Sequence[Fix], path: str = "note") -> bytes:
    """The note ``raw`` with ``fixes`` applied (they must not overlap), checked as
    ``verified`` checks an edit: only the keys a fix names may change."""
    source = Source.of_bytes(raw, path)
    before = parse_note(path, raw)
    result = source.edited([edit for fix in fixes for edit in fix.edits])
    new = result.to_bytes()
    verified(before, parse_note(path, new), {}, [key for fix in fixes for key in fix.keys])
    return new


def front_matter_fix(
    note: Note, message: str, edits: Sequence[LineEdit], expect: Mapping[str, Any]
) -> Fix | None:
    """A fix of ``note``'s front matter, or ``None`` when its result would not read as
    ``expect`` with every other key unchanged: a rule offers only fixes that hold. Only the
    front matter is parsed again (the edits lie in it)."""
    close = front_matter_close(note.lines)
    if close is None or any(e.line + e.remove > close for e in edits):
        return None
    head = note.lines[:close]
    source = Source(False, head, ("\n",) * len(head))
    try:
        result = source.edited(edits)
        before = parse_note(note.path, Source(False, head, source.ends).to_bytes())
        verified(before, parse_note(note.path, result.to_bytes()), expect)
    except EditRefused:
        return None
    return fix_of(message, edits, list(expect))


def _block_of(note: Note, key: str) -> tuple[Layout, KeyBlock] | None:
    try:
        lay = layout(note.lines)
        block = lay.find(key)
    except EditRefused:
        return None
    if lay.why or block is None or block.shape == "unsafe":
        return None
    return lay, block


_UNQUOTED_LINK = re.compile(r"(?<![\"'])\[\[([^\[\]\"'\\]*)\]\](?![\"'])")


def quote_links_fix(note: Note, key: str) -> Fix | None:
    """VT105's fix: each unquoted ``[[link]]`` of ``key`` written as ``"[[link]]"``."""
    found = _block_of(note, key)
    if found is None or note.frontmatter is None:
        return None
    _, block = found
    spans = _value_spans(note.lines, block)
    edits: list[LineEdit] = []
    for number, start, end in spans:
        text = note.lines[number - 1]
        value = _UNQUOTED_LINK.sub(lambda m: f'"[[{m[1]}]]"', text[start:end])
        if value != text[start:end]:
            edits.append(LineEdit(number, 1, (text[:start] + value + text[end:],)))
    if not edits:
        return None
    expect = {key: _quoted_links(note.frontmatter.get(key))}
    return front_matter_fix(note, f'quote the link in "{shorten(block.raw)}"', edits, expect)


def _quoted_links(value: Any) -> Any:
    inner = unquoted_wikilink(value)
    if inner is not None:
        return f"[[{inner}]]"
    if isinstance(value, list):
        return [_quoted_links(item) for item in value]
    return value


def key_spelling_fix(note: Note, key: str, spelling: str) -> Fix | None:
    """VT111's fix: the key ``key`` written ``spelling``, its value untouched (whatever
    its shape: only the key's own characters change)."""
    try:
        lay = layout(note.lines)
        block = lay.find(key)
    except EditRefused:
        return None
    if lay.why or block is None or note.frontmatter is None or key not in note.frontmatter:
        return None
    text = note.lines[block.line - 1]
    edits = [LineEdit(block.line, 1, (spelling + text[block.key_end :],))]
    expect = {key: note.frontmatter.get(key)}
    return front_matter_fix(note, f'write the key as "{spelling}"', edits, expect)


def value_text_fix(note: Note, key: str, old: str, new: str, expect: Any) -> Fix | None:
    """A fix writing the value (or the list item) of ``key`` that reads ``old`` as YAML
    text ``new``, so that ``key`` reads back as ``expect``."""
    found = _block_of(note, key)
    if found is None:
        return None
    _, block = found
    for number, start, end in _value_spans(note.lines, block, each_item=True):
        text = note.lines[number - 1]
        written = text[start:end]
        if _unquoted(written) == old:
            value = _in_style(written, new)
            edits = [LineEdit(number, 1, (text[:start] + value + text[end:],))]
            return front_matter_fix(note, f"write {new}", edits, {key: expect})
    return None


def _value_spans(
    lines: Sequence[str], block: KeyBlock, each_item: bool = False
) -> list[tuple[int, int, int]]:
    """(line, start, end) of the key's value: each item of a block list, the value on the
    key's line, or with ``each_item`` each item of a one-line flow list."""
    if block.shape == "block-list":
        return [(item.line, item.start, item.end) for item in block.items]
    if block.shape == "flow" and each_item:
        line = lines[block.line - 1]
        return [(block.line, a, b) for a, b in _flow_items(line, block.start, block.end)]
    return [(block.line, block.start, block.end)]


def _flow_items(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The columns of each item of the one-line flow list ``text[start:end]``, spaces
    trimmed; none when it nests."""
    spans: list[tuple[int, int]] = []
    i = item = start + 1
    while i < end - 1:
        c = text[i]
        if c in "\"'" and not text[item:i].strip():
            closed = _quoted_end(text, i)
            if closed is None:
                return []
            i = closed
            continue
        if c in "[]{}":
            return []
        if c == ",":
            spans.append((item, i))
            item = i + 1
        i += 1
    spans.append((item, end - 1))
    trimmed: list[tuple[int, int]] = []
    for a, b in spans:
        while a < b and text[a] in " \t":
            a += 1
        while b > a and text[b - 1] in " \t":
            b -= 1
        if a < b:
            trimmed.append((a, b))
    return trimmed


def _unquoted(written: str) -> str:
    if len(written) >= 2 and written[0] == written[-1] and written[0] in "\"'":
        return written[1:-1]
    return written


# --------------------------------------------------------------------------------------------
# Showing a change


def unified_diff(path: str, old: bytes, new: bytes) -> str:
    """A unified diff of a note's change, as ``git diff`` makes it (``a/`` and ``b/``): a
    CRLF line keeps its CR, so the diff applies to the note as it is (``git apply``)."""
    # Split as editors do, not at every character Python calls a line break.
    before = list(_lines_with_ends(old.decode("utf-8")))
    after = list(_lines_with_ends(new.decode("utf-8")))
    out: list[str] = []
    for line in difflib.unified_diff(before, after, f"a/{path}", f"b/{path}"):
        if line.endswith("\n"):
            out.append(line)
        elif line.endswith("\r"):
            out.append(line[:-1] + "\n")  # a lone CR ends no line in a patch
        else:
            out.append(line + "\n\\ No newline at end of file\n")
    return "".join(out)


def _lines_with_ends(text: str) -> Iterable[str]:
    start = 0
    for m in _ENDING.finditer(text):
        yield text[start : m.end()]
        start = m.end()
    if start < len(text):
        yield text[start:]
