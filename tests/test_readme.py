"""The README's examples are real: each ``console`` block that runs vault-tools on
``sample_vault`` (or ``rules``) is run again, on a copy, and must print what the README
shows, stdout then stderr.

A line ``...`` (or ``…``) elides a part: the parts shown must appear in the output, in
order. Blocks on a vault of the reader's own (``~/Notes``) and ``watch``, which runs until
stopped, are not run.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import REPO, copy_sample_vault

from vault_tools.cli import cli

README = REPO / "README.md"
_BLOCK = re.compile(r"(`{3,})console\n(.*?)\1", re.DOTALL)


def _runnable(command: str) -> bool:
    return command.startswith("vault-tools ") and (
        "--vault sample_vault" in command or command.split()[1] == "rules"
    )


def console_blocks() -> list[tuple[int, list[tuple[str, str]]]]:
    """(line of the block, [(command, expected output)]) of each block to run."""
    text = README.read_text("utf-8")
    found: list[tuple[int, list[tuple[str, str]]]] = []
    for m in _BLOCK.finditer(text):
        steps: list[tuple[str, list[str]]] = []
        for line in m[2].splitlines():
            if line.startswith("$ "):
                steps.append((line[2:], []))
            elif steps:
                steps[-1][1].append(line)
        if not steps or not all(_runnable(command) for command, _ in steps):
            continue
        if any(" watch " in command for command, _ in steps):
            continue
        line = text.count("\n", 0, m.start()) + 2
        found.append((line, [(command, "\n".join(out)) for command, out in steps]))
    return found


BLOCKS = console_blocks()


def run_line(command: str, cwd: Path) -> str:
    """What ``command`` prints (stdout, then stderr), with ``> /dev/null`` and
    ``| head -N`` as a shell would do them."""
    head: int | None = None
    m = re.search(r"\s*\|\s*head -(\d+)$", command)
    if m:
        head = int(m[1])
        command = command[: m.start()]
    quiet_stdout = command.endswith("> /dev/null")
    command = command.removesuffix("> /dev/null").strip()
    args = shlex.split(command)[1:]
    args = [str(cwd / a) if a == "sample_vault" else a for a in args]
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    out = "" if quiet_stdout else result.stdout
    if head is not None:
        return "".join(out.splitlines(keepends=True)[:head])
    return out + result.stderr


def test_the_readme_has_examples_to_run() -> None:
    commands = {command.split()[1] for _, steps in BLOCKS for command, _ in steps}
    assert {"check", "followups", "log", "index", "digest", "rules"} <= commands


@pytest.mark.parametrize("block", BLOCKS, ids=[f"README.md:{line}" for line, _ in BLOCKS])
def test_readme_example_prints_what_it_shows(
    block: tuple[int, list[tuple[str, str]]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy_sample_vault(tmp_path / "sample_vault")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "1000")  # the README's tables are shown whole
    monkeypatch.delenv("VAULT_TOOLS_VAULT", raising=False)
    _, steps = block
    for command, expected in steps:
        shown = run_line(command, tmp_path).replace(str(tmp_path) + "/", "")
        parts = re.split(r"(?m)^[ \t]*(?:\.\.\.|…)\n", expected.rstrip("\n") + "\n")
        if len(parts) == 1:
            assert shown.rstrip("\n") == expected.rstrip("\n"), command
            continue
        at = 0
        for part in parts:
            found = shown.find(part, at)
            assert found >= 0, f"{command}: not in its output (in order):\n{part}"
            at = found + len(part)
