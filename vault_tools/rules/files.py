"""VT0xx: the file itself can be read as a note (encoding, front matter block, YAML)."""

from __future__ import annotations

from collections.abc import Iterator

from vault_tools.diagnostics import Finding
from vault_tools.interview import Context, in_interview_folder
from vault_tools.note import Note


def _problems(note: Note, code: str) -> Iterator[Finding]:
    for problem_code, line, column, message in note.problems:
        if problem_code == code:
            yield Finding(line, column, message)


def invalid_yaml(note: Note, ctx: Context) -> Iterator[Finding]:
    """Front matter that is not valid YAML.

    Why: Obsidian shows no properties for such a note and every tool that reads YAML
    skips it, so its status, dates and person are lost to every report.

    Example: ``company: "Acme`` (unclosed quote). Fix: ``company: "Acme"``.
    """
    yield from _problems(note, "VT001")


def not_utf8(note: Note, ctx: Context) -> Iterator[Finding]:
    """A file that is not valid UTF-8 (for example Latin-1 or UTF-16 text).

    Why: Obsidian, git diffs and this tool read notes as UTF-8; other encodings show as
    garbled text and their front matter cannot be read.

    Example: a note saved as Latin-1 by an old editor. Fix: re-save it as UTF-8
    (in VS Code: "Save with Encoding" -> UTF-8).
    """
    yield from _problems(note, "VT002")


def missing_frontmatter(note: Note, ctx: Context) -> Iterator[Finding]:
    """A note in an interview folder without front matter, or whose front matter is not a
    mapping of keys to values.

    Why: the interview's person, status and dates live in the front matter; without it the
    note is invisible to follow-ups, the index and the digest.

    Example: a note that starts with ``# Call with Jane``. Fix: add
    ``---`` / ``type: interview`` / ``person: "[[Jane Doe]]"`` / ``status: planned`` / ``---``
    at the top.
    """
    if not note.readable or not in_interview_folder(note.path, ctx.config):
        return
    if note.frontmatter_kind == "none":
        yield Finding(1, 1, "note has no front matter (add person, status and the other keys)")
    elif note.frontmatter_kind == "not-a-mapping":
        yield Finding(2, 1, "front matter is not a mapping of keys to values")


def unclosed_frontmatter(note: Note, ctx: Context) -> Iterator[Finding]:
    """Front matter opened with ``---`` on the first line and never closed.

    Why: Obsidian then treats the whole note as text: no properties, and the keys show as
    a paragraph at the top.

    Example: ``---`` / ``status: done`` / ``# Notes`` ... Fix: add a line ``---`` after the
    last key.
    """
    yield from _problems(note, "VT004")


def unreadable_file(note: Note, ctx: Context) -> Iterator[Finding]:
    """A note file that cannot be read (permission denied, an I/O error).

    Why: whatever it holds is missing from every check and report until it can be read.

    Example: a note copied from another account, owned by that user. Fix: give yourself
    read permission (``chmod u+r FILE``) or copy it again.
    """
    yield from _problems(note, "VT005")
