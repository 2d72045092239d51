"""Where the vault is (issue #11, points 9 and 11): no vault found is exit 2 with the fix and
nothing written (cron from ``$HOME``); ``check PATH...`` finds the vault from the paths and
skips what lies outside it (pre-commit in a repository whose vault is a subfolder)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from vault_tools.cli import cli

BIN = Path(sys.executable).parent
VAULT_TOOLS = BIN / "vault-tools"

# A note as a user writes it in Obsidian (no marker needed to be a note, but a vault needs one).
JANE = """\
---
type: interview
person: "[[Jane Doe]]"
company: Acme Corp
role: Staff Data Engineer
status: done
date: 2026-11-20T15:00
thank_you_sent: 2026-11-20
tags: [interview]
---
# Informational interview with Jane Doe

## Objectives
- Understand how data teams at mid-size fintechs are organised.

## Research
Jane moved from consulting to Acme in 2023.

## Questions
1. How did you decide to leave consulting?

## Notes
Platform team of six; analysts embedded in product squads.

## Takeaways
- Platform teams own the pipelines.

## Reflection
### What went well
- Asked follow-up questions instead of reading my list.
### What to improve
- Talked too much about my own background.

## Follow-up
- [x] Send thank-you note ✅ 2026-11-20
"""

# Half-filled in a hurry: no status, no sections yet.
BAD = """\
---
type: interview
person: Omar Farouk
company: Delta Bank
---
# Omar Farouk

some notes from the call
"""

# The interview template as Templater users keep it: placeholders, empty values.
TEMPLATE = """\
---
type: interview
person: "<% tp.file.title %>"
company:
role:
status: planned
date:
tags: [interview]
---
# Informational interview with <% tp.file.title %>

## Objectives
-

## Questions
1.
"""

REPO_README = "# My notes\n\nThe vault is in `notes/`; open that folder in Obsidian.\n"
VAULT_README = "# How this vault works\n\nOne note per conversation, in Interviews/.\n"

# ---------------------------------------------------------------------------------------------
# 9. No vault found: exit 2 with the folder searched and the fix, nothing written.

NO_VAULT_COMMANDS = [
    ("check",),
    ("followups",),
    ("followups", "--quiet"),
    ("index", "--write"),
    ("digest", "--write"),
    ("new", "Jane Doe", "--company", "Acme Corp"),
    ("watch",),
]


def everything_in(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*")}


def bare_run(args: tuple[str, ...], cwd: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    """The console script as cron runs it: `env -i`, a bare PATH, HOME and nothing else."""
    env = {"PATH": f"{BIN}:/usr/bin:/bin", "HOME": str(cwd), **extra}
    return subprocess.run(
        [str(VAULT_TOOLS), *args, "--as-of", "2026-11-30"],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=20,  # a guard against a watch that starts watching, not a timed assertion
        check=False,
    )


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """A $HOME with an interview note lying around, but no vault marker anywhere."""
    folder = tmp_path / "home"
    (folder / "Interviews").mkdir(parents=True)
    (folder / "Interviews" / "2026-11-20 Jane Doe.md").write_text(JANE, encoding="utf-8")
    return folder


@pytest.mark.skipif(
    not VAULT_TOOLS.exists(), reason="the vault-tools console script is not installed"
)
@pytest.mark.parametrize("args", NO_VAULT_COMMANDS, ids=" ".join)
def test_no_vault_found_is_exit_2_and_writes_nothing(home: Path, args: tuple[str, ...]) -> None:
    before = everything_in(home)
    result = bare_run(args, home)
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stdout == ""
    message = result.stderr.strip()
    assert len(message.splitlines()) == 1, message
    assert message.startswith("vault-tools: error: no vault found")
    assert str(home.resolve()) in message  # the folder it searched from
    assert "--vault PATH" in message and "vault-tools init" in message  # the fix
    assert everything_in(home) == before  # no Digests/, no Index.md, no .vault-tools/


@pytest.mark.skipif(
    not VAULT_TOOLS.exists(), reason="the vault-tools console script is not installed"
)
def test_a_vault_the_user_names_needs_no_marker(home: Path) -> None:
    named = bare_run(("index", "--write", "--vault", str(home)), home)
    assert named.returncode == 0, named.stderr
    assert (home / "Interviews" / "Index.md").is_file()
    from_env = bare_run(("check",), home / "Interviews", VAULT_TOOLS_VAULT=str(home))
    assert from_env.returncode == 0, from_env.stderr
    assert "1 interview note checked" in from_env.stderr


@pytest.mark.skipif(
    not VAULT_TOOLS.exists(), reason="the vault-tools console script is not installed"
)
def test_rules_needs_no_vault_and_init_sets_the_folder_up(home: Path) -> None:
    before = everything_in(home)
    rules = bare_run(("rules", "VT101"), home)
    assert rules.returncode == 0 and rules.stdout.startswith("VT101 ")
    assert everything_in(home) == before
    init = bare_run(("init",), home)
    assert init.returncode == 0, init.stderr
    assert (home / ".vault-tools.toml").is_file()
    assert bare_run(("check",), home / "Interviews").returncode == 0  # found from below


# ---------------------------------------------------------------------------------------------
# 11. check PATH... finds the vault from the paths; files outside it are skipped.


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository of notes whose vault is the subfolder notes/."""
    root = tmp_path / "repo"
    files = {
        "README.md": REPO_README,
        "notes/.vault-tools.toml": '[interviews]\nfolders = ["Interviews"]\n',
        "notes/README.md": VAULT_README,
        "notes/Templates/Interview.md": TEMPLATE,
        "notes/Interviews/2026-11-20 Jane Doe.md": JANE,
    }
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return root


STAGED = [
    "README.md",
    "notes/README.md",
    "notes/Templates/Interview.md",
    "notes/Interviews/2026-11-20 Jane Doe.md",
]


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(
        cli, list(args), catch_exceptions=False, env={"VAULT_TOOLS_VAULT": ""}
    )
    return result.exit_code, result.stdout, result.stderr


def test_check_finds_the_vault_from_the_paths_and_skips_the_rest(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(repo)
    code, out, err = run("check", "--as-of", "2026-11-30", "--format", "json", *STAGED)
    assert code == 0, out + err
    payload = json.loads(out)
    assert payload["notes_checked"] == 1  # Jane's note: not the READMEs, not the template
    assert payload["diagnostics"] == []
    assert not (repo / ".vault-tools").exists()  # the cache is the vault's, in notes/


def test_check_reports_a_bad_note_staged_beside_a_readme(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (repo / "notes/Interviews/2026-11-28 Omar Farouk.md").write_text(BAD, encoding="utf-8")
    monkeypatch.chdir(repo)
    code, out, err = run("check", "--as-of", "2026-11-30", "README.md", "notes/Interviews")
    assert code == 1, err
    assert out.startswith("Interviews/2026-11-28 Omar Farouk.md:")  # relative to the vault
    assert "missing required key" in out and "status" in out
    assert "README" not in out


def test_check_paths_in_no_vault_is_exit_2(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(repo)
    code, out, err = run("check", "--as-of", "2026-11-30", "README.md")
    assert (code, out) == (2, "")
    assert "none of the given paths is inside a vault" in err and "--vault PATH" in err
    assert "above README.md;" in err  # the path it searched from


def test_check_paths_in_two_vaults_is_exit_2_naming_both(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (repo / "work" / ".obsidian").mkdir(parents=True)
    (repo / "work" / "Interviews").mkdir()
    (repo / "work" / "Interviews" / "a.md").write_text(JANE, encoding="utf-8")
    monkeypatch.chdir(repo)
    code, _, err = run("check", "notes/Interviews", "work/Interviews/a.md")
    assert code == 2
    assert "more than one vault" in err and "notes" in err and "work" in err


PRE_COMMIT = shutil.which("pre-commit") or (
    str(BIN / "pre-commit") if (BIN / "pre-commit").exists() else None
)
HOOKS = """\
repos:
  - repo: local
    hooks:
      - id: vault-tools-check
        name: vault-tools check
        entry: vault-tools check --as-of 2026-11-30
        language: system
        types: [markdown]
"""


@pytest.mark.skipif(
    PRE_COMMIT is None, reason="pre-commit is not installed (pip install pre-commit)"
)
@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_real_pre_commit_in_a_repository_whose_vault_is_a_subfolder(
    repo: Path, tmp_path: Path
) -> None:
    assert PRE_COMMIT is not None
    env = {
        "PATH": f"{BIN}:/usr/bin:/bin",
        "HOME": str(tmp_path),
        "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-cache"),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "Me",
        "GIT_AUTHOR_EMAIL": "me@example.com",
        "GIT_COMMITTER_NAME": "Me",
        "GIT_COMMITTER_EMAIL": "me@example.com",
        "VAULT_TOOLS_VAULT": "",
    }

    def sh(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            list(args), cwd=repo, env=env, capture_output=True, text=True, timeout=120, check=False
        )

    (repo / ".pre-commit-config.yaml").write_text(HOOKS, encoding="utf-8")
    assert sh("git", "init", "-q").returncode == 0
    installed = sh(PRE_COMMIT, "install")
    assert installed.returncode == 0, installed.stdout + installed.stderr
    sh("git", "add", ".pre-commit-config.yaml", *STAGED)
    first = sh("git", "commit", "-q", "-m", "notes")
    assert first.returncode == 0, first.stdout + first.stderr
    assert "vault-tools check" in first.stdout + first.stderr  # the hook ran, and passed

    (repo / "notes/Interviews/2026-11-28 Omar Farouk.md").write_text(BAD, encoding="utf-8")
    (repo / "README.md").write_text(REPO_README + "\nNow with Omar.\n", encoding="utf-8")
    sh("git", "add", "README.md", "notes/Interviews/2026-11-28 Omar Farouk.md")
    second = sh("git", "commit", "-q", "-m", "Omar")
    output = second.stdout + second.stderr
    assert second.returncode != 0, output
    assert "Interviews/2026-11-28 Omar Farouk.md:" in output and "missing required key" in output
    assert sh("git", "rev-list", "--count", "HEAD").stdout.strip() == "1"  # not committed
