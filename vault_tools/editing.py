"""The commands that edit notes: ``check --fix`` / ``--diff`` and ``log``.

Each reads a note once, works out its new bytes with the editor (``edit.py``: only the
lines it must change, parsed again before anything is written), and writes them with
``files.replace_note``: atomically, inside the vault, and only if the file still holds what
was read. Nothing here prints: the CLI renders what comes back.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from vault_tools.app import Session, run_check
from vault_tools.diagnostics import Diagnostic, LintResult
from vault_tools.edit import EditRefused, apply_fixes, edit_bytes, overlapping
from vault_tools.errors import VaultToolsError
from vault_tools.events import EVENTS, Moment, applies_to, plan_event
from vault_tools.files import read_note_version, replace_note
from vault_tools.interview import Context, recency
from vault_tools.linter import lint_note
from vault_tools.note import parse_note, person_key

#: Rounds of fixing one note: a fix whose lines another fix touched waits for the next
#: round, found afresh in the note as the first left it.
MAX_ROUNDS = 20


# --------------------------------------------------------------------------------------------
# check --fix and --diff


@dataclass(frozen=True)
class NoteChange:
    """One note's change: its bytes before and after, and the findings it fixes."""

    path: str
    before: bytes
    after: bytes
    fixed: tuple[Diagnostic, ...]


@dataclass
class FixRun:
    """What ``check --fix`` changed (or, with ``--diff``, would change), and the notes it
    left alone, with the reason."""

    changes: list[NoteChange] = field(default_factory=list)
    left_alone: list[tuple[str, str]] = field(default_factory=list)

    @property
    def fixed(self) -> int:
        return sum(len(change.fixed) for change in self.changes)


def fixed_bytes(path: str, raw: bytes, ctx: Context) -> tuple[bytes, list[Diagnostic]]:
    """``raw`` with every safe fix of its findings applied, and the findings fixed.

    Round by round: the fixes that touch no common line are applied together, the note is
    linted again, and what is left is fixed in the next round. A fix that does not hold
    (its result does not read as intended, or its finding is still there) is dropped.
    """
    current = raw
    fixed: list[Diagnostic] = []
    dropped: set[tuple[str, str]] = set()
    for _ in range(MAX_ROUNDS):
        found = lint_note(parse_note(path, current), ctx)
        todo = [d for d in found if d.fix is not None and (d.rule, d.message) not in dropped]
        chosen: list[Diagnostic] = []
        for d in todo:
            if not any(overlapping(d.fix, c.fix) for c in chosen if c.fix and d.fix):
                chosen.append(d)
        if not chosen:
            break
        applied = _apply_round(path, current, chosen, ctx, dropped)
        if applied is None:
            continue  # what did not hold is dropped: the others are tried again
        current, done = applied
        fixed.extend(done)
    return current, fixed


def _apply_round(
    path: str,
    current: bytes,
    chosen: list[Diagnostic],
    ctx: Context,
    dropped: set[tuple[str, str]],
) -> tuple[bytes, list[Diagnostic]] | None:
    """The note with ``chosen``'s fixes applied, or ``None`` (and what failed dropped)."""
    try:
        new = apply_fixes(current, [d.fix for d in chosen if d.fix], path)
    except EditRefused:
        if len(chosen) == 1:
            dropped.add((chosen[0].rule, chosen[0].message))
            return None
        # Find the one that does not hold: each alone, the first that holds wins the round.
        for d in chosen:
            try:
                new = apply_fixes(current, [d.fix] if d.fix else [], path)
            except EditRefused:
                dropped.add((d.rule, d.message))
                continue
            return _held(path, new, [d], ctx, dropped)
        return None
    return _held(path, new, chosen, ctx, dropped)


def _held(
    path: str, new: bytes, chosen: list[Diagnostic], ctx: Context, dropped: set[tuple[str, str]]
) -> tuple[bytes, list[Diagnostic]] | None:
    """``(new, chosen)`` when every chosen finding is gone from ``new``; else the ones
    still there are dropped and ``None`` (the round is undone)."""
    still = {(d.rule, d.message) for d in lint_note(parse_note(path, new), ctx)}
    again = [d for d in chosen if (d.rule, d.message) in still]
    if again:
        dropped.update((d.rule, d.message) for d in again)
        return None
    return new, chosen


def plan_fixes(session: Session, result: LintResult) -> FixRun:
    """The change each note with a fixable finding in ``result`` would get."""
    run = FixRun()
    ctx = session.context()
    paths = sorted({d.path for d in result.diagnostics if d.fix is not None})
    for path in paths:
        try:
            raw, version = read_note_version(session.root, path)
        except OSError as exc:
            run.left_alone.append((path, f"cannot read it: {exc.strerror or exc}"))
            continue
        if version is None:
            run.left_alone.append((path, "it changed while it was read; run again"))
            continue
        new, fixed = fixed_bytes(path, raw, ctx)
        if new != raw:
            run.changes.append(NoteChange(path, raw, new, tuple(fixed)))
    return run


def write_fixes(session: Session, run: FixRun) -> None:
    """Write each change of ``run``; a note that changed since it was read, or cannot be
    written, is left alone (moved to ``run.left_alone``)."""
    kept: list[NoteChange] = []
    for change in run.changes:
        try:
            replace_note(session.root, change.path, change.before, change.after)
        except VaultToolsError as exc:
            run.left_alone.append((change.path, str(exc)))
            continue
        kept.append(change)
    run.changes = kept


def run_fix(session: Session, paths: Iterable[str], write: bool) -> tuple[FixRun, LintResult]:
    """Fix the findings of the vault (or of ``paths``): with ``write``, the notes are
    written and the result is the check of what is left; without, nothing is written and
    the result is the check as it was."""
    chosen = tuple(paths)
    result = run_check(session, chosen)
    run = plan_fixes(session, result)
    if write and run.changes:
        write_fixes(session, run)
        result = run_check(session, chosen)
    return run, result


# --------------------------------------------------------------------------------------------
# log


@dataclass(frozen=True)
class LogResult:
    """What ``log`` did: the note written (its bytes before and after; equal when the note
    already said it), and what it left alone and why."""

    path: str
    before: bytes
    after: bytes
    notes: tuple[str, ...]


def run_log(
    session: Session, target: str, event: str, when: Moment, cwd: Path | None = None
) -> LogResult:
    """Record ``event`` at ``when`` in the note ``target`` names (a path, a note's name, or
    a person with exactly one note the event fits), and write it."""
    if event not in EVENTS:
        raise VaultToolsError(f"unknown event {event!r}: use one of {', '.join(EVENTS)}")
    path, raw = resolve_note(session, target, event, cwd or Path.cwd())
    note = parse_note(path, raw)
    try:
        plan = plan_event(note, event, when, session.context())
        new = edit_bytes(raw, plan.edits, path) if plan.edits else raw
    except EditRefused as exc:
        message = str(exc)
        raise EditRefused(message if message.startswith(path) else f"{path}: {message}") from None
    if new != raw:
        replace_note(session.root, path, raw, new)
    return LogResult(path, raw, new, plan.notes)


def _read(session: Session, rel: str) -> bytes:
    try:
        raw, version = read_note_version(session.root, rel)
    except OSError as exc:
        raise VaultToolsError(f"cannot read {rel}: {exc.strerror or exc}") from None
    if version is None:
        raise VaultToolsError(f"{rel} changed while it was read; run again")
    return raw


def resolve_note(session: Session, target: str, event: str, cwd: Path) -> tuple[str, bytes]:
    """The vault path and bytes of the note ``target`` names: a file (from the working
    folder or the vault root, ``.md`` optional), an interview note's name, or a person's
    name: their one interview note, else the one ``event`` fits (for ``contact``, their own
    note when they have one, else their latest); several are exit 2, listed."""
    root = session.root.resolve()
    for base in (cwd, root):
        for name in (target, f"{target}.md"):
            candidate = (base / name).absolute()
            if candidate.is_file():
                try:
                    rel = candidate.resolve().relative_to(root).as_posix()
                except ValueError:
                    raise VaultToolsError(
                        f"{target} is outside the vault ({session.root})"
                    ) from None
                return rel, _read(session, rel)
    wanted = person_key(target.removesuffix(".md"))
    every = session.interview_facts()
    facts = [f for f in every if f.readable]
    named = [f for f in every if person_key(Path(f.path).stem) == wanted]
    if len(named) == 1:
        return named[0].path, _read(session, named[0].path)
    theirs = [f for f in facts if any(person_key(p) == wanted for p in f.people)]
    if not theirs:
        # A note whose front matter cannot be read names no person; its file name may
        # ("2026-11-17 Greta Nilsson"): the edit then says what is wrong with it.
        titled = [f for f in every if person_key(Path(f.path).stem).endswith(" " + wanted)]
        if len(titled) == 1:
            return titled[0].path, _read(session, titled[0].path)
        raise VaultToolsError(
            f"no note of {target!r}: no file of that name, and no interview note whose "
            "person it is; give the note's path"
        )
    ctx = session.context()
    own = ctx.persons.get(wanted)
    if event == "contact" and own is not None:
        # SPEC: a contact goes into the person's own note when they have one.
        return own.path, _read(session, own.path)
    theirs.sort(key=lambda f: recency(f, ctx))
    if len(theirs) == 1 or event == "contact":
        return theirs[-1].path, _read(session, theirs[-1].path)
    fitting = [f for f in theirs if applies_to(f, event)]
    if len(fitting) == 1:
        return fitting[0].path, _read(session, fitting[0].path)
    shown = "; ".join(f"{f.path} ({f.status or 'no status'})" for f in theirs)
    fits = f", and {event} fits {len(fitting)} of them" if fitting else f", and {event} fits none"
    raise VaultToolsError(
        f"{target!r} has {len(theirs)} interview notes{fits}; give the path of one: {shown}"
    )


def describe(result: LogResult) -> Sequence[str]:
    """Lines for stderr about what ``log`` left alone."""
    return [f"{result.path}: {note}" for note in result.notes]
