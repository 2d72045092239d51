"""A note parsed once: raw lines, front matter with the line of each key, headings, tasks.

This module is the only importer of the YAML and Markdown parsers. Parsing does not depend
on the configuration (so a cached parse stays valid when the config changes): which notes
are interviews and which heading is which section are decided later, by the caller.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import unquote

from vault_tools.fastyaml import MAX_YAML_NODES as MAX_YAML_NODES
from vault_tools.fastyaml import read_simple_lines, yaml_int
from vault_tools.structure import scan_structure
from vault_tools.vocabulary import canonical_key, section_for

if TYPE_CHECKING:
    import yaml

#: Findings the parser itself makes (codes VT001, VT002, VT004, VT107, VT110), as
#: (code, line, col, msg).
ParseProblem = tuple[str, int, int, str]

_NEWLINE = re.compile(r"\r\n|\r|\n")
_FENCE_OPEN = re.compile(r"^---[ \t]*$")
_MAYBE_INTERVIEW = re.compile(r"interview", re.IGNORECASE)

# Front matter bigger than this is almost surely not front matter a person wrote; we still
# read it, but cap what YAML may build from it (aliases can multiply a small text):
# MAX_YAML_NODES values (fastyaml's, so both readers keep one limit), MAX_YAML_DEPTH levels.
MAX_YAML_DEPTH = 100
#: A message quoting a value or a key shows at most this many characters of it.
MAX_QUOTED = 80


def shorten(text: str, limit: int = MAX_QUOTED) -> str:
    """``text`` cut to ``limit`` characters with an ellipsis: a finding quoting a value
    must stay one short line, whatever the value's length."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --------------------------------------------------------------------------------------------
# Model


class FrontMatter(dict[str, Any]):
    """Front matter values by canonical key (``canonical_key``), found by any spelling:
    ``fm.get("Thank You Sent")`` is ``fm.get("thank_you_sent")``. Every reader of a key
    goes through this one lookup."""

    __slots__ = ()

    def __getitem__(self, key: str) -> Any:
        return super().__getitem__(canonical_key(key) if isinstance(key, str) else key)

    def __contains__(self, key: object) -> bool:
        return super().__contains__(canonical_key(key) if isinstance(key, str) else key)

    def get(self, key: str, default: Any = None) -> Any:
        return super().get(canonical_key(key) if isinstance(key, str) else key, default)


@dataclass(frozen=True)
class Heading:
    """A top-level heading: 1-based line of its text, level, text, and its last line."""

    line: int
    level: int
    text: str
    end_line: int  # the underline of a setext heading, else ``line``


@dataclass(frozen=True, slots=True)  # a note may hold hundreds of thousands
class Task:
    """A checklist item (Obsidian Tasks or Dataview fields), outside code blocks."""

    line: int
    status: str  # the character between the brackets
    text: str  # the description, with date markers removed
    due: str | None  # as written: ``YYYY-MM-DD``
    completed: str | None

    @property
    def done(self) -> bool:
        return self.status in "xX"

    @property
    def open(self) -> bool:
        # ``- [-]`` is cancelled in Obsidian Tasks: neither open nor done.
        return not self.done and self.status != "-"


@dataclass(frozen=True)
class Note:
    """Everything the rules and reports read from one file."""

    path: str  # relative to the vault root, ``/`` separators
    lines: tuple[str, ...]  # the decoded text, split on any line ending
    frontmatter: Mapping[str, Any] | None  # None: absent, invalid or not a mapping
    has_frontmatter: bool  # the file opens with a closed ``---`` block
    frontmatter_kind: str  # "mapping", "none", "invalid", "not-a-mapping", "unclosed"
    key_lines: Mapping[str, int]
    body_start: int  # 1-based line of the first body line
    problems: tuple[ParseProblem, ...] = ()
    maybe_interview: bool = False  # unreadable note whose raw text mentions "interview"
    readable: bool = True

    # The body's structure is worked out on first use: only interview notes need it.
    @cached_property
    def _structure(self) -> tuple[tuple[Heading, ...], frozenset[int]]:
        if not self.readable:
            return (), frozenset()
        return _structure(self.lines, self.body_start)

    @property
    def headings(self) -> tuple[Heading, ...]:
        """Top-level headings of the body, with their lines."""
        return self._structure[0]

    @property
    def code_lines(self) -> frozenset[int]:
        """Lines inside fenced or indented code blocks."""
        return self._structure[1]

    @cached_property
    def tasks(self) -> tuple[Task, ...]:
        """Checklist items of the body, outside code blocks."""
        if not self.readable:
            return ()
        return _tasks(self.lines, self.body_start, self.code_lines)

    def line_text(self, line: int) -> str:
        return self.lines[line - 1] if 0 < line <= len(self.lines) else ""

    def key_line(self, key: str) -> int:
        return self.key_lines.get(canonical_key(key), 1)

    def get(self, key: str) -> Any:
        """The value of ``key`` written in any spelling (``Person``, ``thank-you-sent``);
        ``None`` when absent, empty or still a template placeholder."""
        if self.frontmatter is None:
            return None
        return self.frontmatter.get(canonical_key(key))


@dataclass(frozen=True)
class Section:
    """A level-2 heading and the lines up to the next heading of level 1 or 2."""

    heading: Heading
    name: str | None  # canonical name (``Follow-up``), None when not a known section
    first_line: int  # first line after the heading
    last_line: int  # last line of the section (inclusive); < first_line when empty
    subsections: tuple[Heading, ...] = field(default=())

    @property
    def line(self) -> int:
        return self.heading.line


# --------------------------------------------------------------------------------------------
# YAML with YAML 1.2 (core schema) meaning, as Obsidian reads it


def _yaml12_loader() -> Any:
    """PyYAML's safe loader with YAML 1.2 core-schema scalars, built on first use (so a run
    whose front matter the plain reader understands never imports PyYAML).

    ``No``/``On`` stay text, ``10:00`` stays text (not 600), ``019`` is 19, and dates stay
    strings: each key's type comes from the schema, so a bad date is a finding, not a crash.
    """
    found = globals().get("_Yaml12Loader")
    if found is not None:
        return found
    import yaml

    base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class _Yaml12Loader(base):  # type: ignore[misc]
        yaml_implicit_resolvers: ClassVar[dict[str, list[tuple[str, re.Pattern[str]]]]] = {}

    for tag, pattern, starts in (
        ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
        ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", "~nN"),
        ("tag:yaml.org,2002:int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", "-+0123456789"),
        (
            "tag:yaml.org,2002:float",
            r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
            r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
            "-+0123456789.",
        ),
    ):
        _Yaml12Loader.add_implicit_resolver(tag, re.compile(pattern), list(starts))
    _Yaml12Loader.add_implicit_resolver("tag:yaml.org,2002:null", re.compile(r"^$"), [""])
    _Yaml12Loader.add_constructor("tag:yaml.org,2002:int", _construct_int)
    _Yaml12Loader.add_constructor("tag:yaml.org,2002:float", _construct_float)
    _Yaml12Loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp_as_text)
    globals()["_Yaml12Loader"] = _Yaml12Loader
    return _Yaml12Loader


def __getattr__(name: str) -> Any:
    if name == "_Yaml12Loader":
        return _yaml12_loader()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


_YAML_INT = re.compile(r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+")


def _construct_int(loader: Any, node: Any) -> int | str:
    text = str(loader.construct_scalar(node))
    if _YAML_INT.fullmatch(text):
        return yaml_int(text)  # as the plain reader reads it: a long number stays text
    # An explicit ``!!int`` tag on other text: what Python reads (``1_000``), else VT001.
    if text.startswith(("0o", "0x")):
        return int(text, 0)
    return int(text, 10)


def _construct_float(loader: Any, node: Any) -> float:
    text = str(loader.construct_scalar(node)).lower()
    if text.endswith(".inf"):
        return float("-inf") if text.startswith("-") else float("inf")
    if text == ".nan":
        return float("nan")
    return float(text)


def _construct_timestamp_as_text(loader: Any, node: Any) -> str:
    # An explicit ``!!timestamp`` tag: keep the text; the schema decides what it means.
    return str(loader.construct_scalar(node))


class _FrontMatterError(Exception):
    def __init__(self, line: int, column: int, message: str) -> None:
        super().__init__(message)
        self.line, self.column, self.message = line, column, message


def _measure(node: yaml.Node) -> tuple[int, int]:
    """Nodes YAML would build (aliases expanded) and the deepest nesting; stops early."""
    import yaml

    sizes: dict[int, int] = {}
    depth = 0
    # Iterative post-order walk, memoising shared (aliased) nodes by identity.
    stack: list[tuple[yaml.Node, int, bool]] = [(node, 1, False)]
    while stack:
        current, level, expanded = stack.pop()
        depth = max(depth, level)
        if depth > MAX_YAML_DEPTH:
            return 0, depth
        key = id(current)
        if key in sizes:
            continue
        children: list[yaml.Node] = []
        if isinstance(current, yaml.SequenceNode):
            children = list(current.value)
        elif isinstance(current, yaml.MappingNode):
            children = [n for pair in current.value for n in pair]
        if not children:
            sizes[key] = 1
            continue
        if expanded:
            total = 1 + sum(sizes.get(id(c), 1) for c in children)
            sizes[key] = total
            if total > MAX_YAML_NODES:
                return total, depth
            continue
        stack.append((current, level, True))
        stack.extend((c, level + 1, False) for c in children if id(c) not in sizes)
    return sizes.get(id(node), 1), depth


_DEEP_OR_WIDE = re.compile(rf"^[ \t]{{{MAX_YAML_DEPTH}}}|[^\n]{{{2 * MAX_YAML_DEPTH}}}")


def _could_explode(lines: Sequence[str]) -> bool:
    """Whether the YAML could hold aliases or nest deeper than MAX_YAML_DEPTH.

    Nesting that deep needs that many brackets, that much indentation, or a long line of
    compact ``- - -`` items; aliases need ``*``. Anything else is measured for free.
    """
    brackets = 0
    for line in lines:
        if "*" in line or _DEEP_OR_WIDE.search(line) is not None:
            return True
        brackets += line.count("[") + line.count("{")
    return brackets >= MAX_YAML_DEPTH


# What PyYAML's reader refuses (yaml.reader.Reader.NON_PRINTABLE).
_YAML_UNPRINTABLE = re.compile(
    "[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)


class _MarkPlacer:
    """Places a YAML mark on the note's lines, from its character index.

    YAML also breaks lines at U+0085, U+2028 and U+2029, which editors (and split_lines)
    do not: counted by YAML's own line numbers, a key after one of them landed lines
    below its real place, even past the end of the file.
    """

    def __init__(self, lines: Sequence[str], first_line: int) -> None:
        self.lines, self.first_line = lines, first_line
        self.starts: list[int] | None = None

    def place(self, mark: Any) -> tuple[int, int]:
        """``(line, column)``, 1-based, of a mark (``None``: the start of the text)."""
        if mark is None:
            return self.first_line, 1
        return self.at(int(mark.index))

    def at(self, index: int) -> tuple[int, int]:
        """``(line, column)``, 1-based, of a character index into the lines' text."""
        if self.starts is None:
            self.starts = [0]
            for line in self.lines:
                self.starts.append(self.starts[-1] + len(line) + 1)
        index = min(max(index, 0), self.starts[-1] - 1)
        row = bisect.bisect_right(self.starts, index) - 1
        return self.first_line + row, index - self.starts[row] + 1

    def unprintable(self) -> tuple[int, int, str] | None:
        """``(line, column, character)`` of the first character YAML refuses."""
        for row, line in enumerate(self.lines):
            bad = _YAML_UNPRINTABLE.search(line)
            if bad is not None:
                return self.first_line + row, bad.start() + 1, bad.group()
        return None


class _Utf8Lines:
    """The lines joined by ``"\n"``, as UTF-8 bytes that YAML reads piece by piece, as it
    reads a file: a long value is not held a second and a third time (as one text, then as
    the bytes PyYAML would encode it to) while it is parsed.

    A lone surrogate (none comes from a file) passes as bytes YAML's reader refuses.
    """

    PIECE = 1 << 16

    def __init__(self, lines: Sequence[str]) -> None:
        self._pieces = self._encoded(lines)

    def read(self, size: int = -1) -> bytes:
        return next(self._pieces, b"")

    def _encoded(self, lines: Sequence[str]) -> Iterator[bytes]:
        batch: list[str] = []
        held = 0
        for row, line in enumerate(lines):
            if row:
                batch.append("\n")
                held += 1
            for start in range(0, max(len(line), 1), self.PIECE):
                piece = line[start : start + self.PIECE] if len(line) > self.PIECE else line
                batch.append(piece)
                held += len(piece)
                if held >= self.PIECE:
                    yield "".join(batch).encode("utf-8", "surrogatepass")
                    batch, held = [], 0
        if batch:
            yield "".join(batch).encode("utf-8", "surrogatepass")


def _holds_too_many_values(lines: Sequence[str]) -> bool:
    """Whether the YAML holds more than ``MAX_YAML_NODES`` values, counted from its events
    one at a time before any node is built: composing first cost about a kilobyte per value
    (a 20 MB flow list of short words took gigabytes before it could be measured).

    Only a text longer than ``MAX_YAML_NODES`` characters can: every value takes one.
    Aliases count once here; ``_measure`` counts what they expand to.
    """
    if sum(len(line) + 1 for line in lines) <= MAX_YAML_NODES:
        return False
    import yaml

    counted = (yaml.ScalarEvent, yaml.CollectionStartEvent, yaml.AliasEvent)
    loader = _yaml12_loader()(_Utf8Lines(lines))
    count = 0
    try:
        while loader.check_event():
            if isinstance(loader.get_event(), counted):
                count += 1
                if count > MAX_YAML_NODES:
                    return True
    except (yaml.YAMLError, RecursionError):
        return False  # reading it properly reports the error where it is
    finally:
        loader.dispose()
    return False


def _load_yaml(text: str, first_line: int) -> tuple[Any, dict[str, int], list[ParseProblem]]:
    """Parse front matter text; returns (data, line of each top-level key, problems)."""
    return _load_yaml_lines(text.split("\n"), first_line)


def _load_yaml_lines(
    lines: Sequence[str], first_line: int
) -> tuple[Any, dict[str, int], list[ParseProblem]]:
    """``_load_yaml`` of the front matter's lines (first one on ``first_line``), which YAML
    reads piece by piece (``_Utf8Lines``)."""
    placer = _MarkPlacer(lines, first_line)
    import yaml

    if _holds_too_many_values(lines):
        raise _FrontMatterError(
            first_line, 1, f"front matter holds more than {MAX_YAML_NODES:,} values"
        )
    loader = _yaml12_loader()(_Utf8Lines(lines))
    try:
        try:
            node = loader.get_single_node()
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            reason = exc.problem or exc.context or "invalid YAML"
            if exc.context and exc.problem:
                reason = f"{exc.context}, {exc.problem}"
                if "end of stream" in exc.problem and exc.context_mark:
                    # An unclosed quote or bracket: point where it opened, not at the end.
                    mark = exc.context_mark
            line, column = placer.place(mark)
            raise _FrontMatterError(
                line, column, f"front matter is not valid YAML: {shorten(reason, 240)}"
            ) from None
        except yaml.reader.ReaderError:
            # A character YAML does not allow. The error's own position counts bytes under
            # libyaml and its text spans two lines, so find the character ourselves.
            bad = placer.unprintable()
            line, column = bad[:2] if bad else (first_line, 1)
            what = f"character U+{ord(bad[2]):04X}" if bad else "a character"
            raise _FrontMatterError(
                line, column, f"front matter is not valid YAML: {what} is not allowed in YAML"
            ) from None
        except yaml.YAMLError as exc:
            reason = " ".join(str(exc).split())  # one line, like every other message
            raise _FrontMatterError(
                first_line, 1, f"front matter is not valid YAML: {shorten(reason, 240)}"
            ) from None
        except RecursionError:
            # PyYAML without libyaml composes recursively: a few hundred nested brackets
            # exhaust the stack (libyaml stops at its own limit with a YAMLError instead).
            raise _FrontMatterError(
                first_line, 1, f"front matter nests deeper than {MAX_YAML_DEPTH} levels"
            ) from None
        if node is None:
            return None, {}, []
        size, depth = _measure(node) if _could_explode(lines) else (0, 0)
        if depth > MAX_YAML_DEPTH:
            raise _FrontMatterError(
                first_line, 1, f"front matter nests deeper than {MAX_YAML_DEPTH} levels"
            )
        if size > MAX_YAML_NODES:
            raise _FrontMatterError(
                first_line,
                1,
                f"front matter expands to more than {MAX_YAML_NODES:,} values (YAML aliases)",
            )
        key_lines: dict[str, int] = {}
        problems: list[ParseProblem] = []
        if isinstance(node, yaml.MappingNode):
            for key_node, _ in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    continue
                name = str(key_node.value)
                line, column = placer.place(key_node.start_mark)
                if name in key_lines:
                    problems.append(
                        (
                            "VT107",
                            line,
                            column,
                            f'key "{shorten(name)}" appears twice '
                            f"(first on line {key_lines[name]}); "
                            "the last one wins",
                        )
                    )
                key_lines.setdefault(name, line)
        try:
            data = loader.construct_document(node)
        except (yaml.YAMLError, ValueError, TypeError, OverflowError) as exc:
            line, _ = placer.place(getattr(exc, "problem_mark", None))
            reason = " ".join(str(getattr(exc, "problem", None) or exc).split())
            raise _FrontMatterError(
                line, 1, f"front matter is not valid YAML: {shorten(reason, 240)}"
            ) from None
        return data, key_lines, problems
    finally:
        loader.dispose()


# --------------------------------------------------------------------------------------------
# Markdown structure: mistune's block parser, with the line of each top-level block recorded


_TASK = re.compile(
    r"^[ \t]*(?:>[ \t]?)*[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+\[(?P<status>[^\]])\][ \t]+(?P<text>.*)$"
)
_TASKS_DUE = re.compile(r"[📅📆🗓]\uFE0F?\s*(\d{4}-\d{2}-\d{2})")
_TASKS_SCHEDULED = re.compile(r"⏳\uFE0F?\s*(\d{4}-\d{2}-\d{2})")
_TASKS_DONE = re.compile(r"✅\uFE0F?\s*(\d{4}-\d{2}-\d{2})")
_DATAVIEW_FIELD = re.compile(r"[\[(](?P<key>[\w -]+?)::\s*(?P<value>[^\[\]()]*)[\])]")
# Obsidian Tasks' fields: dates (due, scheduled, start, created, done, cancelled),
# priorities, recurrence (up to the next field), ids, dependencies and on-completion; the
# spaces left between words are squeezed afterwards. A recurrence rule is free text, so it
# ends where another field or the block id begins. No pattern starts with a run of spaces:
# a line of a million characters takes linear time.
_TASKS_FIELD_START = "📅📆🗓✅⏳🛫➕❌⏫🔼🔽🔺⏬🔁🆔⛔🏁"
_TASKS_SIGNIFIERS = re.compile(
    r"(?:[📅📆🗓✅⏳🛫➕❌]\uFE0F?\s*\d{4}-\d{2}-\d{2}"
    r"|[⏫🔼🔽🔺⏬]\uFE0F?"
    rf"|🔁\uFE0F?(?:(?!\s\^[A-Za-z0-9-]+\s*$)[^{_TASKS_FIELD_START}])*"
    r"|🆔\uFE0F?\s*[\w-]+"
    r"|⛔\uFE0F?\s*[\w-]+(?:\s*,\s*[\w-]+)*"
    r"|🏁\uFE0F?\s*\w+)"
)
# Obsidian's block id: ``^`` and letters, digits or dashes, last on the line.
_BLOCK_ID = re.compile(r"(?:^|\s)\^[A-Za-z0-9-]+\s*$")


def _markdown_parser() -> Any:
    import mistune
    from mistune.core import BlockState

    class LineState(BlockState):
        """Stamps each top-level token with the offset where it starts and ends."""

        def add_paragraph(self, text: str) -> None:
            last = self.last_token()
            super().add_paragraph(text)
            if self.parent is None and self.last_token() is not last:
                self.tokens[-1]["_start"] = self.cursor

    # The lines that end a block quote's lazy continuation, as mistune 3 lists them.
    quote_breaks = ["blank_line", "thematic_break", "fenced_code", "list", "block_html"]

    class LineBlockParser(mistune.BlockParser):
        # CommonMark: a setext underline is a run of "=" or a run of "-" (up to three
        # spaces before, spaces or tabs after). mistune 3's pattern, (=|-){1,}, also took a
        # mixed "=-" as one, so "Questions" then "=-" became a heading, but only when the
        # line scan handed the note over (an HTML block anywhere in it). The backreference
        # keeps the group one character, as mistune's own level test reads it.
        SPECIFICATION: ClassVar[dict[str, str]] = {
            **mistune.BlockParser.SPECIFICATION,
            "setex_heading": r"^ {0,3}(?P<setext_1>[=-])(?P=setext_1)*[ \t]*$",
        }

        def compile_sc(self, rules: list[str] | None = None) -> Any:
            # CommonMark: an ATX heading cannot continue a block quote lazily, so
            # "> quote" then "## Notes" is a quote and a heading. mistune 3 read the heading
            # as part of the quote, and a Notes section went missing.
            if rules == quote_breaks:
                rules = ["atx_heading", *rules]
            return super().compile_sc(rules)

        def parse(self, state: Any, rules: list[str] | None = None) -> None:
            # Only top-level blocks are read (headings, code blocks). The extent of a list
            # or block quote is settled before its contents are parsed, so skip parsing
            # the contents: it was most of the time on big notes and grew to gigabytes
            # of memory on one long list item such as ``- *****...``.
            if state.parent is None:
                super().parse(state, rules)

        def parse_method(self, m: re.Match[str], state: Any) -> int | None:
            if state.parent is not None:
                return super().parse_method(m, state)
            start, count = state.cursor, len(state.tokens)
            last = state.tokens[-1] if state.tokens else None
            end = super().parse_method(m, state)
            if len(state.tokens) > count:
                state.tokens[-1].setdefault("_start", start)
                state.tokens[-1]["_end"] = end if end else state.find_line_end()
            elif last is not None and last.get("type") == "heading" and "_end" not in last:
                last["_end"] = end  # a paragraph turned into a setext heading
            return end

        def _parse_indent_code_fast(self, state: Any) -> int | None:
            if state.parent is not None:
                return super()._parse_indent_code_fast(state)
            start, count = state.cursor, len(state.tokens)
            end = super()._parse_indent_code_fast(state)
            if end is not None and len(state.tokens) > count:
                state.tokens[-1]["_start"] = start
                state.tokens[-1]["_end"] = end
            return end

    return LineState, LineBlockParser()


_PARSER: Any = None


def _block_tokens(body: str) -> list[dict[str, Any]]:
    global _PARSER
    if _PARSER is None:
        _PARSER = _markdown_parser()
    state_class, parser = _PARSER
    state = state_class()
    state.process(body if body.endswith("\n") else body + "\n")
    parser.parse(state)
    tokens: list[dict[str, Any]] = state.tokens
    return tokens


#: Lines longer than this reach the Markdown parser as their first and last halves only.
MAX_BLOCK_LINE = 8192


def _clip(text: str) -> str:
    """A very long line cut in the middle, for the block parser only.

    What makes a line a heading, a fence or a list item is at its start (and, for a setext
    underline or a thematic break, in every character, which both ends keep). Whole, one
    5 MB line of ``- - - ...`` took mistune's patterns over a gigabyte of memory.
    """
    if len(text) <= MAX_BLOCK_LINE:
        return text
    half = MAX_BLOCK_LINE // 2
    return text[:half] + text[-half:]


def _structure(
    lines: tuple[str, ...], body_start: int, fast: bool = True
) -> tuple[tuple[Heading, ...], frozenset[int]]:
    """Top-level headings and code-block lines of the body (1-based file lines).

    A line scan answers for most notes; mistune's block parser for the rest.
    """
    if fast:
        scanned = scan_structure(lines, body_start)
        if scanned is not None:
            return tuple(Heading(*found) for found in scanned[0]), scanned[1]
    body_lines = [_clip(text) for text in lines[body_start - 1 :]]
    if not body_lines:
        return (), frozenset()
    body = "\n".join(body_lines) + "\n"
    # Offsets of line starts, to turn token offsets into line numbers.
    starts = [0]
    for text in body_lines:
        starts.append(starts[-1] + len(text) + 1)

    def line_of(offset: int) -> int:
        return body_start + bisect.bisect_right(starts, offset) - 1

    headings: list[Heading] = []
    code: set[int] = set()
    for token in _block_tokens(body):
        kind = token.get("type")
        if kind == "heading" and "_start" in token:
            first = line_of(token["_start"])
            last = line_of(max(token.get("_end", token["_start"]) - 1, token["_start"]))
            text = " ".join(token.get("text", "").split())
            headings.append(Heading(first, token["attrs"]["level"], text, last))
        elif kind == "block_code" and "_start" in token:
            first = line_of(token["_start"])
            last = line_of(max(token["_end"] - 1, token["_start"]))
            code.update(range(first, last + 1))
    # A heading or rule that ends a block quote is stored before the quote's own token.
    return tuple(sorted(headings, key=lambda h: h.line)), frozenset(code)


def _tasks(lines: tuple[str, ...], body_start: int, code: frozenset[int]) -> tuple[Task, ...]:
    found: list[Task] = []
    for number in range(body_start, len(lines) + 1):
        if number in code:
            continue
        m = _TASK.match(lines[number - 1])
        if not m:
            continue
        text = m["text"]
        due = _first(_TASKS_DUE, text)
        scheduled = _first(_TASKS_SCHEDULED, text)
        completed = _first(_TASKS_DONE, text)
        for field_match in _DATAVIEW_FIELD.finditer(text):
            key = field_match["key"].strip().lower()
            value = field_match["value"].strip()
            if key == "due" and due is None:
                due = value
            elif key == "scheduled" and scheduled is None:
                scheduled = value
            elif key == "completion" and completed is None:
                completed = value
        # As Obsidian Tasks reads it: a task with no due date is due on its scheduled day.
        if due is None:
            due = scheduled
        description = _BLOCK_ID.sub("", text)
        description = _DATAVIEW_FIELD.sub("", _TASKS_SIGNIFIERS.sub("", description))
        description = _BLOCK_ID.sub("", description)
        found.append(Task(number, m["status"], " ".join(description.split()), due, completed))
    return tuple(found)


def _first(pattern: re.Pattern[str], text: str) -> str | None:
    m = pattern.search(text)
    return m.group(1) if m else None


# --------------------------------------------------------------------------------------------
# Parsing a file


def decode(raw: bytes) -> str | None:
    """UTF-8 text with any BOM removed; ``None`` when the bytes are not UTF-8."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


def split_lines(text: str) -> tuple[str, ...]:
    """Split on ``\\r\\n``, ``\\r`` or ``\\n`` only, as editors number lines."""
    parts = _NEWLINE.split(text) if "\r" in text else text.split("\n")
    if parts and parts[-1] == "":
        parts.pop()
    return tuple(parts)


def parse_note(path: str, raw: bytes) -> Note:
    """Parse a file's bytes into a Note. Never raises for any input."""
    text = decode(raw)
    if text is None:
        if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
            return _unreadable(path, raw, 1, 1, "file is UTF-16 text; save it as UTF-8")
        try:
            bad = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            bad_at = exc.start
        else:  # pragma: no cover - decode() would have succeeded
            bad_at = len(bad)
        # Count lines as split_lines does (CR and CRLF too) and columns in characters.
        before = _NEWLINE.split(raw[:bad_at].decode("utf-8").removeprefix("\ufeff"))
        line, column = len(before), len(before[-1]) + 1
        message = f"file is not valid UTF-8 (byte {bad_at + 1}); save it as UTF-8"
        return _unreadable(path, raw, line, column, message)
    if "\x00" in text:
        # Binary content (or UTF-16 read as bytes): nothing to parse as Markdown.
        text = text.replace("\x00", "")
    lines = split_lines(text)
    del text  # a long note is held once, as its lines, while its front matter is read
    return parse_lines(path, lines)


def _unreadable(path: str, raw: bytes, line: int, column: int, message: str) -> Note:
    latin = raw[:65536].decode("latin-1")
    return Note(
        path=path,
        lines=split_lines(raw.decode("latin-1")),
        frontmatter=None,
        has_frontmatter=False,
        frontmatter_kind="none",
        key_lines={},
        body_start=1,
        problems=(("VT002", line, column, message),),
        maybe_interview=bool(_MAYBE_INTERVIEW.search(latin)),
        readable=False,
    )


def parse_lines(path: str, lines: tuple[str, ...]) -> Note:
    problems: list[ParseProblem] = []
    frontmatter: Mapping[str, Any] | None = None
    key_lines: dict[str, int] = {}
    kind = "none"
    body_start = 1
    maybe_interview = False

    if lines and _FENCE_OPEN.match(lines[0]):
        close = next((i for i in range(1, len(lines)) if _FENCE_OPEN.match(lines[i])), None)
        if close is None:
            kind = "unclosed"
            problems.append(
                ("VT004", 1, 1, "front matter opened with --- on line 1 is never closed")
            )
            maybe_interview = any(_MAYBE_INTERVIEW.search(t) for t in lines[:50])
        else:
            body_start = close + 2
            front = _quote_placeholders(lines[1:close])
            simple = read_simple_lines(front, 2)
            try:
                data, key_lines, more = (*simple, []) if simple else _load_yaml_lines(front, 2)
            except _FrontMatterError as exc:
                kind = "invalid"
                problems.append(("VT001", exc.line, exc.column, exc.message))
                maybe_interview = any(_MAYBE_INTERVIEW.search(t) for t in front)
            else:
                problems.extend(more)
                if data is None:
                    kind, frontmatter = "mapping", FrontMatter()
                elif isinstance(data, dict):
                    kind = "mapping"
                    frontmatter, key_lines = _canonical(data, key_lines, problems)
                else:
                    kind = "not-a-mapping"
    return Note(
        path=path,
        lines=lines,
        frontmatter=frontmatter,
        has_frontmatter=kind not in ("none", "unclosed"),
        frontmatter_kind=kind,
        key_lines=key_lines,
        body_start=body_start,
        problems=tuple(problems),
        maybe_interview=maybe_interview,
    )


# --------------------------------------------------------------------------------------------
# Keys as people write them, values templates left behind

# A value that opens with a placeholder, unquoted (``date: {{date}}``, ``- <% tp.x %>``):
# YAML would read ``{{date}}`` as a mapping inside a mapping and refuse the whole block.
# Quoted too: a Templater call quotes its arguments, inside the value's own quotes.
_UNQUOTED_PLACEHOLDER = re.compile(
    r"^(?P<head>[ \t]*(?:[^\s#:'\"\-{\[][^:]*?:|-)[ \t]+)(?P<value>[\"']?(?:\{\{|<%).*)$"
)


def _quote_placeholders(front: tuple[str, ...]) -> tuple[str, ...]:
    """The front matter's lines with each unquoted placeholder value single-quoted, so that
    YAML reads it as the text it is (and the other keys are still read)."""
    if not any("{{" in line or "<%" in line for line in front):
        return front
    quoted = list(front)
    for row, line in enumerate(front):
        if "{{" not in line and "<%" not in line:
            continue
        m = _UNQUOTED_PLACEHOLDER.match(line)
        if m is None or placeholder_in(m["value"]) is None:
            continue
        value = m["value"].rstrip(" \t")
        if value[0] in "\"'":
            # Quoted: valid YAML unless the placeholder holds that quote itself
            # (``"<% tp.system.prompt("Role") %>"``), as Templater's often do.
            if len(value) < 2 or value[-1] != value[0] or value[0] not in value[1:-1]:
                continue
            value = value[1:-1]
        quoted[row] = m["head"] + "'" + value.replace("'", "''") + "'"
    return tuple(quoted)


def placeholder_in(text: str) -> str | None:
    """The first template placeholder in ``text`` (``{{date:YYYY-MM-DD}}``, Templater's
    ``<% tp.file.title %>`` or ``<%* ... %>``), ``None`` when it holds none."""
    found: list[tuple[int, str]] = []
    for opening, closing in (("{{", "}}"), ("<%", "%>")):
        start = text.find(opening)
        if start >= 0:
            end = text.find(closing, start + len(opening))
            if end >= 0:
                found.append((start, text[start : end + len(closing)]))
    return min(found)[1] if found else None


def _without_placeholder(value: Any) -> tuple[Any, str | None]:
    """``value`` with what is still a template placeholder absent: a text holding one is
    ``None``, a list loses such items (``None`` when none is left); and the first found."""
    if isinstance(value, str):
        found = placeholder_in(value)
        return (None, found) if found is not None else (value, None)
    if isinstance(value, list) and any(isinstance(item, str) for item in value):
        kept: list[Any] = []
        first: str | None = None
        for item in value:
            found = placeholder_in(item) if isinstance(item, str) else None
            if found is None:
                kept.append(item)
            elif first is None:
                first = found
        if first is not None:
            return (kept or None), first
    return value, None


def _canonical(
    data: Mapping[Any, Any], key_lines: Mapping[str, int], problems: list[ParseProblem]
) -> tuple[FrontMatter, dict[str, int]]:
    """The front matter by canonical key, and the line of each (its first spelling's).

    Two spellings of one key (``Status`` and ``status``) are VT107, the last one winning as
    YAML's own duplicates do; a value still a template placeholder is absent, and VT110.
    """
    front = FrontMatter()
    lines: dict[str, int] = {}
    spelled: dict[str, str] = {}
    written = [
        (key_lines.get(name, 0), name, canonical_key(name), value)
        for name, value in ((str(raw), value) for raw, value in data.items())
    ]
    if any(key != raw for _, raw, key, _ in written):
        written.sort(key=lambda item: item[0])  # in the order written: the last one wins
    for line, raw, key, value in written:
        if key in spelled:
            problems.append(
                (
                    "VT107",
                    line or 1,
                    1,
                    f'key "{shorten(raw)}" is "{shorten(spelled[key])}" again, spelled '
                    f"differently (first on line {lines.get(key, 1)}); the last one wins",
                )
            )
        else:
            spelled[key] = raw
            if line:
                lines[key] = line
        value, placeholder = _without_placeholder(value)
        if placeholder is not None:
            problems.append(
                (
                    "VT110",
                    line or 1,
                    1,
                    f'"{shorten(raw)}" holds a placeholder left from a template: '
                    f"{shorten(placeholder)} (fill it in, or delete the line)",
                )
            )
        front[key] = value
    return front, lines


# --------------------------------------------------------------------------------------------
# Reading parsed notes (used by rules and reports)


def sections(note: Note, lookup: Mapping[str, str]) -> tuple[Section, ...]:
    """The note's level-2 sections; ``lookup`` maps normalised headings to canonical names."""
    found: list[Section] = []
    headings = note.headings
    last = len(note.lines)
    for i, heading in enumerate(headings):
        if heading.level != 2:
            continue
        end = last
        subs: list[Heading] = []
        # Walk by index: slicing ``headings[i + 1 :]`` here made a note with many
        # headings quadratic (a million headings took minutes).
        for j in range(i + 1, len(headings)):
            later = headings[j]
            if later.level <= 2:
                end = later.line - 1
                break
            subs.append(later)
        found.append(
            Section(
                heading=heading,
                name=section_for(heading.text, lookup),
                first_line=heading.end_line + 1,
                last_line=end,
                subsections=tuple(subs),
            )
        )
    return tuple(found)


_HTML_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)
_OBSIDIAN_COMMENT = re.compile(r"%%.*?(?:%%|\Z)", re.DOTALL)


def content_lines(note: Note, first: int, last: int) -> list[tuple[int, str]]:
    """Lines ``first..last`` with HTML and Obsidian comments blanked (code kept verbatim)."""
    chosen = note.lines[first - 1 : last]
    text = "\n".join(chosen)
    if "<!--" in text or "%%" in text:
        text = _HTML_COMMENT.sub(lambda m: "\n" * m.group(0).count("\n"), text)
        text = _OBSIDIAN_COMMENT.sub(lambda m: "\n" * m.group(0).count("\n"), text)
        chosen = tuple(text.split("\n"))
    return list(zip(range(first, first + len(chosen)), chosen, strict=False))


_LIST_ITEM = re.compile(r"^[ \t]*(?:>[ \t]?)*[ \t]*(?:[-*+]|\d{1,9}[.)])(?:[ \t]+(?P<text>.*))?$")
_CHECKBOX = re.compile(r"^\[.\][ \t]+")


def list_items(note: Note, first: int, last: int) -> list[tuple[int, str]]:
    """``(line, text)`` of each list item in a line range, outside code, comments removed."""
    items: list[tuple[int, str]] = []
    for number, line in content_lines(note, first, last):
        if number in note.code_lines:
            continue
        m = _LIST_ITEM.match(line)
        if m and m["text"] and m["text"].strip():
            items.append((number, _CHECKBOX.sub("", m["text"].strip())))
    return items


def is_list_item(line: str) -> bool:
    return bool(_LIST_ITEM.match(line))


_WIKILINK = re.compile(r"^\[\[(?P<target>[^\]|#^]*)(?:[#^][^\]|]*)?(?:\|(?P<alias>[^\]]*))?\]\]$")


def unquoted_wikilink(value: Any) -> str | None:
    """The link text of a YAML value that is an unquoted ``[[...]]`` (a nested list)."""
    if (
        isinstance(value, list)
        and len(value) == 1
        and isinstance(value[0], list)
        and len(value[0]) == 1
        and isinstance(value[0][0], str)
    ):
        return value[0][0]
    return None


def person_name(value: Any) -> str | None:
    """The person a ``person`` value names: link target's last segment, or the plain text.

    A list of people (``person: ["[[Jane Doe]]", "[[John Roe]]"]``) names its first one;
    ``person_names`` gives them all."""
    names = person_names(value)
    return names[0] if names else None


def person_names(value: Any) -> tuple[str, ...]:
    """Every person a ``person`` value names, in order and each once (SPEC: ``person`` may be
    a list of one or more people): a text, a wikilink, a Markdown link, an unquoted wikilink
    (a nested list), or a list of those."""
    inner = unquoted_wikilink(value)
    if inner is not None:
        value = f"[[{inner}]]"
    if isinstance(value, str):
        name = _person_in_text(value)
        return (name,) if name else ()
    if not isinstance(value, list):
        return ()
    names: dict[str, str] = {}
    for item in value:
        inner = unquoted_wikilink(item)  # "- [[Jane Doe]]" in a block list
        if inner is None and isinstance(item, list) and len(item) == 1:
            inner = item[0] if isinstance(item[0], str) else None
        if inner is not None:
            item = f"[[{inner}]]"
        if isinstance(item, str) and (name := _person_in_text(item)):
            names.setdefault(person_key(name), name)
    return tuple(names.values())


#: ``[text](target)``, the target bare or in ``<...>``, with an optional ``"title"``.
_MARKDOWN_LINK = re.compile(
    r"^\[(?P<text>[^\]]*)\]\((?P<target><[^>]*>|[^)\s]*)(?:\s+\"[^\"]*\")?\)$"
)


@lru_cache(maxsize=8192)
def _person_in_text(value: str) -> str | None:
    # Reports ask for each note's person many times over: the answer is the text's alone.
    text = value.strip()
    m = _WIKILINK.match(text)
    if m:
        text = _last_segment(m["target"]) or (m["alias"] or "").strip()
    elif md := _MARKDOWN_LINK.match(text):
        # "[Jane](People/Jane%20Doe.md)" names the person its target names; a web address
        # names no note, so its text is the name.
        target = md["target"].strip("<>").strip()
        name = _last_segment(unquote(target)) if _is_note_path(target) else ""
        text = name or md["text"].strip()
    return " ".join(text.split()) or None


def person_link_paths(value: Any) -> dict[str, str]:
    """The vault paths (without ``.md``) a ``person`` value's links name, by person key:
    ``"[[People/Jane Doe|Jane]]"`` -> ``{"jane doe": "People/Jane Doe"}``. A link without
    a folder names no path (Obsidian finds the note by its name)."""
    items = value if isinstance(value, list) else [value]
    found: dict[str, str] = {}
    for item in items:
        inner = unquoted_wikilink(item)
        text = f"[[{inner}]]" if inner is not None else item
        if not isinstance(text, str):
            continue
        text = text.strip()
        target = ""
        if m := _WIKILINK.match(text):
            target = m["target"].strip()
        elif (md := _MARKDOWN_LINK.match(text)) and _is_note_path(md["target"].strip("<>")):
            target = unquote(md["target"].strip("<>").strip())
        target = target.split("#", 1)[0].strip().strip("/")
        if target.lower().endswith(".md"):
            target = target[:-3]
        name = _person_in_text(text)
        if "/" in target and name:
            found.setdefault(person_key(name), target)
    return found


def _is_note_path(target: str) -> bool:
    return bool(target) and "://" not in target and not target.startswith(("mailto:", "#"))


def _last_segment(target: str) -> str:
    """A link target's note name: its last path segment, without ``.md`` or a ``#heading``."""
    text = target.split("#", 1)[0].strip().rstrip("/")
    text = text.rsplit("/", 1)[-1]
    if text.lower().endswith(".md"):
        text = text[:-3]
    return text.strip()


def link_text(value: str) -> str:
    """A text value as shown: a wikilink or Markdown link as its display text (the alias, or
    the target's note name), anything else as written (SPEC: ``company`` and ``role`` may be
    links, shown as their display text or target)."""
    text = value.strip()
    m = _WIKILINK.match(text)
    if m:
        return (m["alias"] or "").strip() or _last_segment(m["target"]) or text
    if md := _MARKDOWN_LINK.match(text):
        target = md["target"].strip("<>").strip()
        return md["text"].strip() or _last_segment(unquote(target)) or text
    return text


def person_key(name: str) -> str:
    """What identifies a person: the name compared case-insensitively after Unicode NFC
    normalisation, so "Zoë" typed (NFC) and "Zoë" from a macOS file name or a pasted link
    (NFD: "e" and a combining diaeresis) are one person. The name is shown as written."""
    return unicodedata.normalize("NFC", name).casefold()


def generated_note(meta: Mapping[str, Any], body: str) -> str:
    """Text of a generated note: YAML front matter (``meta`` in order) and a Markdown body."""
    import frontmatter

    post = frontmatter.Post(body.rstrip("\n"), **dict(meta))
    text: str = frontmatter.dumps(post, sort_keys=False, width=1000)
    return text + "\n"
