"""Small pieces of Obsidian Markdown shared by the note-writing renderers."""

from __future__ import annotations


def wikilink(path: str, in_table: bool = False) -> str:
    """``[[Interviews/2026-11-20 Jane Doe|2026-11-20 Jane Doe]]`` for a note's vault path.

    The full path (without ``.md``) is the target, so the link resolves even when two notes
    share a name; the alias shows just the name. Inside a table the alias bar is escaped.
    """
    target = path[:-3] if path.lower().endswith(".md") else path
    name = target.rsplit("/", 1)[-1]
    if name == target:
        return f"[[{target}]]"
    bar = "\\|" if in_table else "|"
    return f"[[{target}{bar}{name}]]"


def table_cell(text: str) -> str:
    """Text made safe for one cell of a Markdown table: one line, bars escaped."""
    return " ".join(text.split()).replace("|", "\\|")
