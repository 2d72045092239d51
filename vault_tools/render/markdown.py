"""Small pieces of Obsidian Markdown shared by the note-writing renderers."""

from __future__ import annotations

import re

from vault_tools.render import is_printable, printable

# Characters that end or change a wikilink's target: Obsidian refuses them in the names it
# makes, but a file made elsewhere (a sync, a shell) can hold them.
_LINK_BREAKERS = frozenset("[]|#^")


def can_link(path: str) -> bool:
    """Whether a wikilink to ``path`` is both clean Markdown and a link that resolves: a
    name with an undecodable byte, a control or bidirectional character, or one of
    ``[]|#^`` cannot be written as one."""
    return is_printable(path) and not _LINK_BREAKERS.intersection(path)


def wikilink(path: str, in_table: bool = False) -> str:
    """``[[Interviews/2026-11-20 Jane Doe|2026-11-20 Jane Doe]]`` for a note's vault path.

    The full path (without ``.md``) is the target, so the link resolves even when two notes
    share a name; the alias shows just the name. Inside a table the alias bar is escaped.

    A path that cannot be a link (see :func:`can_link`) is written as its escaped name in a
    code span, `` `Interviews/caf\\xe9.md` ``: the note stays valid UTF-8, Markdown reads
    nothing in the name as a link, a tag or HTML, and the reader sees which file it is.
    """
    if not can_link(path):
        return code_span(printable(path), in_table)
    target = path[:-3] if path.lower().endswith(".md") else path
    name = target.rsplit("/", 1)[-1]
    if name == target:
        return f"[[{target}]]"
    bar = "\\|" if in_table else "|"
    return f"[[{target}{bar}{name}]]"


def place_link(path: str, heading: str | None = None) -> str:
    """``[[Interviews/2026-11-20 Jane Doe#Takeaways]]``: a link to a place in a note, its
    heading when it has one, else ``[[Interviews/2026-11-20 Jane Doe]]`` (no alias: the
    link shows where it goes). A heading that cannot be part of a clean link (see
    :func:`can_link`; ``#`` and ``|`` end a heading link's text) leaves the note link; a
    path that cannot be a link at all is its escaped name in a code span, as
    :func:`wikilink` writes it."""
    if not can_link(path):
        return code_span(printable(path))
    target = path[:-3] if path.lower().endswith(".md") else path
    if heading is not None:
        heading = " ".join(heading.split())
    if heading and can_link(heading):
        return f"[[{target}#{heading}]]"
    return f"[[{target}]]"


def code_span(text: str, in_table: bool = False) -> str:
    """``text`` as inline code, shown exactly: fenced by more backticks than it holds."""
    fence = "`" * (max((len(run) for run in re.findall("`+", text)), default=0) + 1)
    pad = " " if text[:1] in ("`", " ") or text[-1:] in ("`", " ") else ""
    span = f"{fence}{pad}{text}{pad}{fence}"
    return span.replace("|", "\\|") if in_table else span


#: What Markdown (and Obsidian: ``#tag``, ``==highlight==``, ``%%comment%%``, ``$math$``,
#: ``^block``) reads as markup; a backslash before it shows it as itself.
_MARKUP = re.compile(r"([\\`*_\[\]{}<>#|$~=^%!])")


def plain_text(text: str) -> str:
    """Text from a note (a finding's message quotes it) as one line of a generated note that
    shows it as written: escaped as every output is, and no link, tag, HTML or emphasis."""
    return _MARKUP.sub(r"\\\1", printable(" ".join(text.split())))


def table_cell(value: str) -> str:
    """Text made safe for one cell of a Markdown table: one line, bars escaped."""
    return printable(" ".join(value.split())).replace("|", "\\|")
