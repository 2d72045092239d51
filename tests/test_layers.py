"""The package's layers point one way: every import (in functions too) goes down.

Read from the source with ``ast``, so nothing is imported to check it. ``TYPE_CHECKING``
imports are left out: they name types and run nothing. docs/ARCHITECTURE.md draws the
same picture.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "vault_tools"

#: Each module's floor, from the bottom up. A module may import only modules on lower floors.
FLOORS: dict[str, int] = {
    "vault_tools": 0,
    "vault_tools.vocabulary": 0,
    "vault_tools.errors": 0,
    "vault_tools.dates": 0,
    "vault_tools.diagnostics": 0,
    "vault_tools.fastyaml": 0,
    "vault_tools.structure": 0,
    "vault_tools.files": 1,
    "vault_tools.slots": 1,  # free times for `draft request`: weekly hours, a busy calendar
    "vault_tools.note": 2,
    "vault_tools.config": 3,
    "vault_tools.templates": 4,
    "vault_tools.interview": 5,
    "vault_tools.vault": 6,
    "vault_tools.persons": 6,  # a person's own note: which it is, what it says
    "vault_tools.edit": 6,  # byte-keeping note edits: log, check --fix
    "vault_tools.events": 7,  # what each step of the practice records (log)
    "vault_tools.rules.files": 7,
    "vault_tools.rules.frontmatter": 7,
    "vault_tools.rules.questions": 7,
    "vault_tools.rules.sections": 7,
    "vault_tools.rules": 8,
    "vault_tools.linter": 9,
    "vault_tools.reports": 7,
    "vault_tools.reports.followups": 7,
    "vault_tools.reports.index": 7,
    "vault_tools.reports.digest": 7,
    "vault_tools.reports.people": 7,
    "vault_tools.reports.drafts": 7,
    "vault_tools.store": 10,
    "vault_tools.store.cache": 10,
    "vault_tools.store.sync": 11,
    "vault_tools.app": 12,
    "vault_tools.scaffold": 12,
    "vault_tools.watch": 13,
    "vault_tools.editing": 13,  # the commands that edit notes: log, check --fix
    "vault_tools.drafting": 14,  # draft: the note a name means (as log), templates, slots
    "vault_tools.render": 14,  # the output boundary: how paths and note text are shown
    "vault_tools.render.markdown": 15,
    "vault_tools.render.check": 16,  # its md note links with render.markdown
    "vault_tools.render.ics": 15,  # RFC 5545 content lines
    "vault_tools.render.followups": 16,
    "vault_tools.render.index": 16,
    "vault_tools.render.people": 17,  # its table cells are cut as the index's
    "vault_tools.render.watch": 17,  # prints findings as render.check does
    "vault_tools.render.digest": 17,
    "vault_tools.render.rules": 15,  # every rule's docs as Markdown (RULES.md)
    "vault_tools.render.draft": 15,  # a drafted message as text, eml or mailto
    "vault_tools.lsp": 15,  # the language server: features from a buffer's text ...
    "vault_tools.lsp.people": 13,  # a vault's people, in a process of their own
    "vault_tools.lsp.features": 15,
    "vault_tools.lsp.server": 16,  # ... and the pygls adapter, the only importer of pygls
    "vault_tools.cli": 18,
    "vault_tools.__main__": 19,
}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def imports_of(path: Path) -> set[str]:
    """The package modules a file imports, anywhere in it, TYPE_CHECKING blocks aside."""
    tree = ast.parse(path.read_text("utf-8"))
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("vault_tools"))
        elif (
            isinstance(node, ast.ImportFrom)
            and node.level == 0
            and (node.module or "").startswith("vault_tools")
        ):
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                found.add(sub if sub in FLOORS else str(node.module))
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


def all_modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def test_every_module_has_a_floor() -> None:
    assert set(all_modules()) == set(FLOORS)


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_imports_point_down(name: str) -> None:
    path = all_modules()[name]
    wrong = sorted(
        target for target in imports_of(path) if target != name and FLOORS[target] >= FLOORS[name]
    )
    assert not wrong, f"{name} (floor {FLOORS[name]}) imports upwards or sideways: {wrong}"


def test_reports_import_no_rule_and_no_other_report() -> None:
    reports = [n for n in FLOORS if n.startswith("vault_tools.reports.")]
    for name in reports:
        targets = imports_of(all_modules()[name])
        assert not {t for t in targets if t.startswith(("vault_tools.rules", "vault_tools.linter"))}
        assert not {t for t in targets if t in reports and t != name}, name


def test_rules_read_settings_as_data() -> None:
    """Rules get config and vocabulary through their context: they never import the config
    module or the vault walk (STYLE.md)."""
    for name in FLOORS:
        if name.startswith("vault_tools.rules."):
            targets = imports_of(all_modules()[name])
            assert not targets & {"vault_tools.config", "vault_tools.vault"}, name


def test_no_import_cycle() -> None:
    graph = {name: imports_of(path) - {name} for name, path in all_modules().items()}
    state: dict[str, int] = {}

    def walk(node: str, trail: list[str]) -> None:
        state[node] = 1
        for target in sorted(graph.get(node, ())):
            if state.get(target) == 1:
                cycle = [*trail[trail.index(target) :], target] if target in trail else [target]
                raise AssertionError(f"import cycle: {' -> '.join(cycle)}")
            if target not in state:
                walk(target, [*trail, target])
        state[node] = 2

    for name in sorted(graph):
        if name not in state:
            walk(name, [name])
