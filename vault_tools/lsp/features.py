"""What the language server knows, worked out from a buffer's text: no protocol here.

Positions are 0-based lines and code-point columns, with lines split as LSP splits them
(``\\r\\n``, ``\\r`` or ``\\n``, as the note parser does); the server turns columns into the
client's units. Everything is computed from the unsaved text in the editor: a fix offered
as a code action comes from linting that text, never from the cache, so a crafted cache
cannot make an editor apply anything.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import os
import re
import subprocess
import sys
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from vault_tools.app import read_config
from vault_tools.config import CONFIG_NAME, Config
from vault_tools.dates import today_in
from vault_tools.diagnostics import Diagnostic
from vault_tools.edit import EditRefused, apply_fixes
from vault_tools.editing import fixed_bytes
from vault_tools.errors import VaultToolsError
from vault_tools.interview import Context, make_context
from vault_tools.linter import lint_note, severity_of
from vault_tools.note import Note, parse_note, split_lines
from vault_tools.render import printable
from vault_tools.rules import RULES_BY_CODE
from vault_tools.templates import TEMPLATE_NAME
from vault_tools.vault import is_skipped, marked_vault
from vault_tools.vocabulary import (
    KEY_DOCS,
    SCHEMA_KEYS,
    STATUS_DOCS,
    STATUSES,
    canonical_key,
)

#: The rules' documentation, shipped with the package (``vault-tools rules --format md``).
RULES_DOC = Path(__file__).resolve().parent.parent / "RULES.md"

#: Code action kinds.
QUICKFIX = "quickfix"
FIX_ALL = "source.fixAll.vault-tools"

#: Settings files whose change re-reads the vault's settings (with the template).
SETTINGS_FILES = (
    CONFIG_NAME,
    ".obsidian/templates.json",
    ".obsidian/plugins/templater-obsidian/data.json",
)

_FENCE = re.compile(r"^---[ \t]*$")
#: A top-level front matter key and the colon after it.
_KEY = re.compile(r"^([^\s:#\-\[{'\"][^:]*?)[ \t]*:(?=[ \t]|$)")
_RULE_CODE = re.compile(r"\bVT\d{3}\b")
_LINE_WITH_END = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


@dataclass(frozen=True)
class Span:
    """Part of one line: 0-based line, code-point columns ``start`` to ``end``."""

    line: int
    start: int
    end: int


@dataclass(frozen=True)
class TextChange:
    """Replace the text from ``start`` to ``end`` (each a 0-based line and code-point
    column) with ``text``."""

    start: tuple[int, int]
    end: tuple[int, int]
    text: str


@dataclass(frozen=True)
class Action:
    title: str
    kind: str
    diagnostics: tuple[Diagnostic, ...]
    changes: tuple[TextChange, ...]
    preferred: bool = False


@dataclass(frozen=True)
class Completion:
    label: str
    kind: str  # "key", "status", "section" or "person"
    detail: str
    documentation: str
    insert: str
    replace: Span  # what the completion replaces: the part already typed
    order: int


@dataclass(frozen=True)
class Hover:
    markdown: str
    span: Span


def buffer_bytes(text: str) -> bytes:
    """An editor's text as the bytes a note's file would hold (a lone surrogate, which no
    UTF-8 file can hold, becomes ``?``: one character for one, so columns still agree)."""
    return text.encode("utf-8", "replace")


def _stat(path: Path) -> tuple[int, int, int] | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_mtime_ns, info.st_size, info.st_ino


class Vault:
    """One vault the editor has notes of: its settings, kept current, and its people.

    The settings are the config, the interview template and the day (``--as-of``, else
    today in the vault's zone): ``refresh`` reads them again when one of their files or the
    day changed, which costs a few ``stat`` calls, so it runs before every lint.
    """

    def __init__(self, root: Path, as_of: dt.date | None = None, use_cache: bool = True) -> None:
        self.root = root
        self.fixed_as_of = as_of
        self.use_cache = use_cache
        #: What the server should log: settings that could not be read, and why.
        self.messages: list[str] = []
        self.config = Config()
        self._context: Context | None = None
        self._signature: object = None
        self._people: tuple[str, ...] | None = None
        self._people_lock = threading.Lock()
        self._last_lint: tuple[str, str, Context, Note, tuple[Diagnostic, ...]] | None = None
        self.refresh()

    @property
    def as_of(self) -> dt.date:
        return self.fixed_as_of or today_in(self.config.tz)

    @property
    def context(self) -> Context:
        if self._context is None:
            self._context = make_context(self.root, self.config, self.as_of)
        return self._context

    def _settings_signature(self, config: Config) -> object:
        files = [*SETTINGS_FILES]
        if config.templates:
            files.append(f"{config.templates}/{TEMPLATE_NAME}")
        day = self.fixed_as_of or today_in(config.tz)
        return tuple(_stat(self.root / name) for name in files), day

    def refresh(self) -> bool:
        """Read the settings again if they changed; ``True`` when they did. A config that
        no longer reads keeps the last good one in use (and says why in ``messages``)."""
        if self._settings_signature(self.config) == self._signature:
            return False
        try:
            self.config = read_config(self.root)
        except VaultToolsError as exc:
            self.messages.append(f"{exc} (the last settings that read stay in use)")
        self._signature = self._settings_signature(self.config)
        self._context = make_context(self.root, self.config, self.as_of)
        return True

    def relative(self, path: Path) -> str | None:
        """``path`` relative to the vault root with ``/``, or ``None`` when outside it."""
        for candidate in (path, path.resolve()):
            try:
                return candidate.relative_to(self.root).as_posix()
            except ValueError:
                continue
        return None

    def is_note(self, rel: str) -> bool:
        """A note ``check`` would read: Markdown, not in a dot-folder, the templates
        folder, the tool's outputs or an ``exclude`` glob."""
        return rel[-3:].lower() == ".md" and not is_skipped(rel, self.config)

    def lint(self, rel: str, text: str) -> tuple[Note, list[Diagnostic]]:
        """The buffer's note and its findings (none when it is not an interview note).

        The last answer is kept: the code actions and hover an editor asks for as the cursor
        moves read the text that was just published."""
        held = self._last_lint
        if held is not None and held[0] == rel and held[1] == text and held[2] is self.context:
            return held[3], list(held[4])
        note = parse_note(rel, buffer_bytes(text))
        found = lint_note(note, self.context)
        self._last_lint = (rel, text, self.context, note, tuple(found))
        return note, found

    # People, for ``[[`` completion ------------------------------------------------------

    def people(self, wait: bool = True) -> tuple[str, ...] | None:
        """The people of the vault's interview notes (through the cache) and the notes of
        the people folder, sorted by name; read on first use (the server reads them in a
        thread as a vault's first note opens, and again when a note is saved).

        ``wait=False``: ``None`` while they are still being read, rather than wait (the
        server answers a completion with what it has and says the list is incomplete)."""
        held = self._people
        if held is not None or not wait:
            return held
        return self.load_people()

    def load_people(self, fresh: bool = False) -> tuple[str, ...]:
        """Read the people (again, when ``fresh``: the list read before is served
        meanwhile), in a process of their own (``lsp/people.py``)."""
        with self._people_lock:
            if self._people is not None and not fresh:
                return self._people
            command = [sys.executable, "-m", "vault_tools.lsp.people", str(self.root)]
            command.append(self.as_of.isoformat())
            if not self.use_cache:
                command.append("--no-cache")
            try:
                done = subprocess.run(
                    command, capture_output=True, stdin=subprocess.DEVNULL, check=False
                )
                found = json.loads(done.stdout)
                names = [n for n in found["people"] if isinstance(n, str)]
                self.messages.extend(w for w in found["warnings"] if isinstance(w, str))
            except (OSError, ValueError, KeyError, TypeError) as exc:
                self.messages.append(f"the vault's people could not be read: {exc}")
                names = list(self._people or ())
            self._people = tuple(names)
            return self._people


def vault_root_of(path: Path, folders: Sequence[Path]) -> Path | None:
    """The vault a file belongs to: the nearest folder at or above it holding
    ``.vault-tools.toml`` or ``.obsidian/``, else the workspace folder holding it."""
    marked = marked_vault(path.parent)
    if marked is not None:
        return marked
    holding = [f for f in folders if path.is_relative_to(f)]
    return max(holding, key=lambda f: len(f.parts)) if holding else None


# --------------------------------------------------------------------------------------------
# Positions


def front_matter_end(lines: Sequence[str]) -> int | None:
    """0-based line of the front matter's closing ``---`` (``len(lines)`` while it is still
    open: the user is writing it), or ``None`` when the note has none."""
    if not lines or not _FENCE.match(lines[0].removeprefix("\ufeff")):
        return None
    for i in range(1, len(lines)):
        if _FENCE.match(lines[i]):
            return i
    return len(lines)


def _key_at(text: str) -> tuple[int, int] | None:
    match = _KEY.match(text)
    return (match.start(1), match.end(1)) if match else None


def diagnostic_span(lines: Sequence[str], diagnostic: Diagnostic) -> Span:
    """Where a finding is shown: the heading, or the key (its value when the finding points
    into it), else the line's text from the finding's column on."""
    i = diagnostic.line - 1
    text = lines[i] if 0 <= i < len(lines) else ""
    end = len(text.rstrip())
    first = len(text) - len(text.lstrip())
    column = min(max(diagnostic.column - 1, 0), len(text))
    if end == 0:
        return Span(i, 0, len(text))
    fm_end = front_matter_end(lines)
    in_front = fm_end is not None and 0 < i < fm_end
    if not in_front and text.lstrip().startswith("#"):
        return Span(i, first, end)
    key = _key_at(text) if in_front else None
    if key is not None:
        if column <= key[1]:
            return Span(i, key[0], key[1])
        return Span(i, column, max(end, column))
    if column >= end or column < first:
        return Span(i, first, end)
    return Span(i, column, end)


#: Lines between the first and the last difference up to which ``text_changes`` finds the
#: fewest lines to replace; past it (a fix-all far apart in a long note) it replaces line
#: by line, or the whole stretch: matching is quadratic on repeated lines.
MATCH_LINES = 400


def text_changes(old: str, new: str) -> list[TextChange]:
    """The changes that make ``old`` into ``new``, by whole lines: only the lines that
    differ are replaced, so the editor keeps its cursor and marks everywhere else."""
    a = _LINE_WITH_END.findall(old)
    b = _LINE_WITH_END.findall(new)

    def position(i: int) -> tuple[int, int]:
        if i < len(a):
            return i, 0
        if not a:
            return 0, 0
        last = a[-1]
        return (len(a), 0) if last.endswith(("\n", "\r")) else (len(a) - 1, len(last))

    # The lines both share at the start and at the end are left out of the matching.
    head = 0
    while head < min(len(a), len(b)) and a[head] == b[head]:
        head += 1
    tail = 0
    while tail < min(len(a), len(b)) - head and a[-1 - tail] == b[-1 - tail]:
        tail += 1
    middle_a, middle_b = a[head : len(a) - tail], b[head : len(b) - tail]
    if not middle_a and not middle_b:
        return []
    if max(len(middle_a), len(middle_b)) <= MATCH_LINES:
        opcodes = difflib.SequenceMatcher(None, middle_a, middle_b, autojunk=False).get_opcodes()
    elif len(middle_a) == len(middle_b):
        opcodes = [
            ("replace", i, i + 1, i, i + 1)
            for i in range(len(middle_a))
            if middle_a[i] != middle_b[i]
        ]
    else:
        opcodes = [("replace", 0, len(middle_a), 0, len(middle_b))]
    return [
        TextChange(position(head + i1), position(head + i2), "".join(middle_b[j1:j2]))
        for tag, i1, i2, j1, j2 in opcodes
        if tag != "equal"
    ]


# --------------------------------------------------------------------------------------------
# Code actions


def _allowed(kind: str, only: Sequence[str] | None) -> bool:
    return not only or any(kind == o or kind.startswith(o + ".") for o in only)


def code_actions(
    vault: Vault,
    rel: str,
    text: str,
    first_line: int,
    last_line: int,
    only: Sequence[str] | None = None,
) -> list[Action]:
    """Each safe fix of a finding on lines ``first_line``..``last_line`` (0-based) as a
    quick fix, and "fix all" for the note: each worked out from the buffer's text, and each
    offered only when its result reads back as intended (what ``check --fix`` would do)."""
    raw = buffer_bytes(text)
    _, found = vault.lint(rel, text)
    fixable = [d for d in found if d.fix is not None]
    if not fixable:
        return []
    actions: list[Action] = []
    if _allowed(QUICKFIX, only):
        for d in fixable:
            if not first_line <= d.line - 1 <= last_line or d.fix is None:
                continue
            try:
                new = apply_fixes(raw, [d.fix], rel)
            except EditRefused:
                continue
            changes = text_changes(text, new.decode("utf-8"))
            if changes:
                message = printable(d.fix.message)
                title = f"{message[:1].upper()}{message[1:]} ({d.rule})"
                actions.append(Action(title, QUICKFIX, (d,), tuple(changes), preferred=True))
    fix_all_kind = FIX_ALL if only and _allowed(FIX_ALL, only) else QUICKFIX
    if _allowed(fix_all_kind, only) and (fix_all_kind == FIX_ALL or actions):
        new, fixed = fixed_bytes(rel, raw, vault.context)
        changes = text_changes(text, new.decode("utf-8"))
        if fixed and changes and (fix_all_kind == FIX_ALL or len(fixed) > 1):
            title = f"Fix all vault-tools findings in this note ({len(fixed)})"
            actions.append(Action(title, fix_all_kind, tuple(fixed), tuple(changes)))
    return actions


# --------------------------------------------------------------------------------------------
# Completion


def _key_completions(note_keys: set[str], typed: Span) -> list[Completion]:
    found = []
    for order, key in enumerate(SCHEMA_KEYS):
        if canonical_key(key) in note_keys:
            continue
        kind, meaning = KEY_DOCS[key]
        found.append(Completion(key, "key", kind, meaning, f"{key}: ", typed, order))
    return found


def _person_completions(vault: Vault, line: str, typed: Span, wait: bool) -> list[Completion]:
    after = line[typed.end :]
    close = "" if after.startswith("]]") else "]]"
    return [
        Completion(name, "person", "person", "", name + close, typed, order)
        for order, name in enumerate(vault.people(wait) or ())
    ]


def _section_completions(note: Note, ctx: Context, typed: Span) -> list[Completion]:
    present = {s.name for s in ctx.sections(note) if s.name is not None}
    written = dict(ctx.template_headings)
    found = []
    for order, name in enumerate(ctx.section_order):
        if name in present:
            continue
        heading = written.get(name, f"## {name}").removeprefix("## ")
        required = [status for status, names in ctx.config.sections.items() if name in names]
        detail = "section" + (f", required when {' / '.join(required)}" if required else "")
        found.append(Completion(heading, "section", detail, "", heading, typed, order))
    return found


def completions(
    vault: Vault, rel: str, text: str, line: int, column: int, wait: bool = True
) -> list[Completion]:
    """What may be written at a position: a front matter key (with its type and meaning),
    a ``status`` value, a person's name after ``[[``, a missing section after ``## ``.
    ``wait=False``: no names while the vault's people are still being read."""
    lines = split_lines(text)
    current = lines[line] if 0 <= line < len(lines) else ""
    before = current[:column]
    link = before.rfind("[[")
    if link >= 0 and "]]" not in before[link:]:
        return _person_completions(vault, current, Span(line, link + 2, column), wait)
    fm_end = front_matter_end(lines)
    if fm_end is not None and 0 < line < fm_end:
        if ":" not in before:
            # A key being written at the start of a line; an indented line is the value
            # of the key above.
            if not re.fullmatch(r"[A-Za-z_][\w \-]*|", before):
                return []
            # The keys written on the other lines: while a key is half typed, the front
            # matter may not be valid YAML, so they are read off the lines themselves.
            present = set()
            for number in range(1, fm_end):
                key = _key_at(lines[number]) if number != line else None
                if key is not None:
                    present.add(canonical_key(lines[number][key[0] : key[1]]))
            return _key_completions(present, Span(line, 0, column))
        key = _key_at(current)
        if key is not None and canonical_key(current[key[0] : key[1]]) == "status":
            value = before[key[1] + 1 :]
            start = key[1] + 1 + len(value) - len(value.lstrip())
            return [
                Completion(s, "status", "status", STATUS_DOCS[s], s, Span(line, start, column), i)
                for i, s in enumerate(STATUSES)
            ]
        return []
    heading = re.match(r"^##[ \t]+", before)
    if heading and not before.startswith("###"):
        note, _ = vault.lint(rel, text)
        return _section_completions(note, vault.context, Span(line, heading.end(), column))
    return []


# --------------------------------------------------------------------------------------------
# Hover


def rule_doc_link(code: str) -> str:
    """Where a rule's docs are: the shipped ``RULES.md``, at the rule."""
    return f"{RULES_DOC.as_uri()}#{code.lower()}"


def rule_markdown(code: str, config: Config) -> str | None:
    rule = RULES_BY_CODE.get(code)
    if rule is None:
        return None
    severity = severity_of(rule, config)
    return (
        f"**{rule.code}** `{rule.name}` ({severity} in this vault; default {rule.severity})"
        f"\n\n{rule.doc}"
    )


def hover(vault: Vault, rel: str, text: str, line: int, column: int) -> Hover | None:
    """The docs of what is under the cursor: a rule code, the rule of a finding shown
    there, or a front matter key's type and meaning."""
    lines = split_lines(text)
    current = lines[line] if 0 <= line < len(lines) else ""
    for match in _RULE_CODE.finditer(current):
        if match.start() <= column <= match.end():
            shown = rule_markdown(match.group(), vault.config)
            if shown:
                return Hover(shown, Span(line, match.start(), match.end()))
    parts: list[str] = []
    where: Span | None = None
    _, found = vault.lint(rel, text)
    for d in found:
        span = diagnostic_span(lines, d)
        if span.line == line and span.start <= column <= max(span.end, span.start + 1):
            shown = rule_markdown(d.rule, vault.config)
            if shown and shown not in parts:
                parts.append(shown)
                where = where or span
    fm_end = front_matter_end(lines)
    key = _key_at(current) if fm_end is not None and 0 < line < fm_end else None
    if key is not None and key[0] <= column <= key[1]:
        name = canonical_key(current[key[0] : key[1]])
        for known in SCHEMA_KEYS:
            if canonical_key(known) == name:
                kind, meaning = KEY_DOCS[known]
                parts.append(f"**{known}**: {kind}\n\n{meaning}")
                where = where or Span(line, key[0], key[1])
    if not parts or where is None:
        return None
    return Hover("\n\n---\n\n".join(parts), where)
