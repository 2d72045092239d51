"""The people of a vault, for the language server's ``[[`` completion, in a process of its
own: ``python -m vault_tools.lsp.people ROOT AS_OF [--no-cache]`` prints them as JSON.

Reading a large vault's people (through the cache, or every note when it is cold) takes
seconds; in a process of its own it uses the worker processes every report uses (a
process with threads, as the server is, must not fork them), and it takes no time from
the server, which keeps answering the editor meanwhile.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

from vault_tools.app import Session, read_config
from vault_tools.errors import VaultToolsError
from vault_tools.note import person_key


def vault_people(root: Path, as_of: dt.date, use_cache: bool = True) -> tuple[list[str], list[str]]:
    """The people of the vault's interview notes and everyone with a note of their own
    (``Context.persons``: the people folder included), sorted by name, and the warnings
    met on the way."""
    session = Session(root, read_config(root), as_of, use_cache=use_cache)
    names: dict[str, str] = {}
    for facts in session.interview_facts():
        for name in facts.people:
            names.setdefault(person_key(name), name)
    for key, own in session.context().persons.items():
        names.setdefault(key, own.name)
    return sorted(names.values(), key=person_key), session.warnings


def main(argv: list[str]) -> int:
    root, as_of, *rest = argv
    try:
        names, warnings = vault_people(
            Path(root), dt.date.fromisoformat(as_of), use_cache="--no-cache" not in rest
        )
    except VaultToolsError as exc:
        names, warnings = [], [str(exc)]
    sys.stdout.write(json.dumps({"people": names, "warnings": warnings}, ensure_ascii=True))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
