"""Never crash, never lose a word (SPEC: Safety).

* ``HOSTILE``: a table of hostile inputs, each with the finding or message it must produce.
  Each runs as ``vault-tools check`` runs (the CLI, in-process; the heavy ones in a
  subprocess with a time and memory limit), next to a healthy note that must still be read.
* Writes: atomic, refused outside the vault, whole under concurrent writers.
* ``COMMANDS``: every command with every flag leaves every file the user wrote unchanged.

docs/RELIABILITY.md lists every case id of these tables; a test keeps it that way.
"""

from __future__ import annotations

import builtins
import contextlib
import errno
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from conftest import AS_OF, REPO, SAMPLE_VAULT

from vault_tools import app as app_module
from vault_tools import files as writes
from vault_tools import note as note_module
from vault_tools import vault as vault_module
from vault_tools.cli import cli
from vault_tools.errors import VaultToolsError


def IS_OURS(raw: bytes) -> bool:
    return b"generated_by: vault-tools" in raw


GENERATED = "---\ngenerated_by: vault-tools\n---\n# Index\n"

#: A healthy interview note next to every hostile one: one known warning proves it was read.
CONTROL = (
    "Interviews/control.md",
    "---\nperson: Ana Souza\ncompany: Acme\nstatus: planned\n---\n## Objectives\n- Learn.\n",
)
CONTROL_FINDING = ("Interviews/control.md", "VT106", 1)  # missing recommended key "role"


@dataclass(frozen=True)
class Outcome:
    exit_code: int
    payload: dict[str, Any]  # the --format json report
    stderr: str
    text: str  # the --format text report

    def findings(self) -> set[tuple[str, str, int]]:
        return {(d["path"], d["rule"], d["line"]) for d in self.payload["diagnostics"]}

    def messages(self, path: str) -> list[str]:
        return [d["message"] for d in self.payload["diagnostics"] if d["path"] == path]


def check_in_process(root: Path, *extra: str) -> Outcome:
    """`vault-tools check` as a user runs it, in this process (faults can be patched in)."""
    runner = CliRunner()
    base = ["check", "--vault", str(root), "--as-of", AS_OF.isoformat(), *extra]
    as_json = runner.invoke(cli, [*base, "--format", "json"], catch_exceptions=False)
    as_text = runner.invoke(cli, [*base, "--format", "text"], catch_exceptions=False)
    as_github = runner.invoke(cli, [*base, "--format", "github"], catch_exceptions=False)
    assert as_json.exit_code == as_text.exit_code == as_github.exit_code
    payload = json.loads(as_json.stdout) if as_json.exit_code in (0, 1) else {}
    return Outcome(as_json.exit_code, payload, as_json.stderr, as_text.stdout)


CHECK_MODULE = (sys.executable, "-m", "vault_tools", "check")

#: Limits for the cases that could exhaust the machine: a hang or a blow-up fails the test.
TIME_LIMIT_S = 60
MEMORY_LIMIT = 1 << 30  # 1 GiB of address space


def _limit_memory() -> None:  # pragma: no cover - runs in the child
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def check_in_subprocess(root: Path, *extra: str, cwd: Path | None = None) -> Outcome:
    """`python -m vault_tools check` in a child with a time limit and a memory limit: a hang
    or a blow-up fails the test instead of stopping the suite."""
    command = [*CHECK_MODULE, "--vault", str(root)]
    command += ["--as-of", AS_OF.isoformat(), *extra]
    limit = _limit_memory if sys.platform.startswith("linux") else None
    runs = [
        subprocess.run(
            [*command, "--format", fmt],
            capture_output=True,
            timeout=TIME_LIMIT_S,
            preexec_fn=limit,
            env={**os.environ, "PYTHONIOENCODING": "utf-8"},
            cwd=cwd,
            check=False,
        )
        for fmt in ("json", "text")
    ]
    for run in runs:
        assert b"Traceback" not in run.stderr, run.stderr.decode(errors="replace")
    payload = json.loads(runs[0].stdout) if runs[0].returncode in (0, 1) else {}
    return Outcome(
        runs[0].returncode, payload, runs[0].stderr.decode(), runs[1].stdout.decode("utf-8")
    )


# --------------------------------------------------------------------------------------------
# The table of hostile inputs

Setup = Callable[[Path, pytest.MonkeyPatch], None]


@dataclass(frozen=True)
class Hostile:
    id: str
    setup: Setup  # writes the hostile files into the vault root; may patch in a fault
    #: (path, rule, line) that must be reported; a line given as text is the first line
    #: of the file that holds that text.
    findings: tuple[tuple[str, str, int | str], ...] = ()
    message: str = ""  # must appear in a finding's message (or on stderr, for exit 2)
    exit_code: int = 1
    absent: tuple[str, ...] = ()  # paths that must not be reported
    isolated: bool = False  # in a subprocess, with a time and memory limit
    slow: bool = False


def files(mapping: dict[str, str | bytes]) -> Setup:
    def setup(root: Path, patch: pytest.MonkeyPatch) -> None:
        for rel, content in mapping.items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))

    return setup


def then(*steps: Setup) -> Setup:
    def setup(root: Path, patch: pytest.MonkeyPatch) -> None:
        for step in steps:
            step(root, patch)

    return setup


DONE_HEAD = textwrap.dedent(
    """\
    ---
    person: "[[Jane Doe]]"
    company: Acme
    role: Engineer
    status: done
    date: 2026-11-20
    thank_you_sent: 2026-11-20
    ---
    """
)
SECTIONS = {
    "Objectives": "- Learn how the team works.",
    "Research": "- Jane moved from consulting.",
    "Questions": "- How did you start?",
    "Notes": "- Platform teams own pipelines.",
    "Takeaways": "- Learn Kafka basics.",
    "Reflection": "### What went well\n- Listened.\n### What to improve\n- Less talking.",
    "Follow-up": "- [x] Thank-you ✅ 2026-11-20",
}


def done_note(**override: str) -> str:
    """A clean ``done`` note; ``override`` replaces (or, with "", removes) sections."""
    parts = [DONE_HEAD]
    for name, body in {**SECTIONS, **override}.items():
        if body:
            parts.append(f"## {name}\n{body}\n\n")
    return "".join(parts)


def huge_note(root: Path, patch: pytest.MonkeyPatch) -> None:
    """20 MB of notes, and no Takeaways: reported where it belongs, after all of them."""
    paragraph = "- They said something worth writing down, at some length, again.\n" * 30 + "\n"
    notes = paragraph * (20_000_000 // len(paragraph))
    (root / "Interviews").mkdir(exist_ok=True)
    (root / "Interviews/huge.md").write_text(done_note(Takeaways="", Notes=notes), "utf-8")


def long_line_note(root: Path, patch: pytest.MonkeyPatch) -> None:
    """One 5 MB line (a pasted data URI), then a closed question on the line after it."""
    data = "![scan](data:image/png;base64," + "iVBORw0KGgo" * 470_000 + ")"
    text = done_note(Research=data, Questions="- How did you start?\n- Do you like it?")
    # Scheduled, not done: VT301 reports closed questions only before the interview.
    done = "status: done\ndate: 2026-11-20\nthank_you_sent: 2026-11-20\n"
    text = text.replace(done, "status: scheduled\ndate: 2026-12-03\n")
    (root / "Interviews").mkdir(exist_ok=True)
    (root / "Interviews/long.md").write_text(text, encoding="utf-8")


def long_marker_line_note(root: Path, patch: pytest.MonkeyPatch) -> None:
    """One 5 MB line of list markers (``- - - ...``): once a gigabyte in the block parser."""
    text = done_note(Notes="- " * 2_500_000 + "x", Takeaways="")
    (root / "Interviews").mkdir(exist_ok=True)
    (root / "Interviews/markers.md").write_text(text, encoding="utf-8")


def alias_bomb() -> str:
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    previous = "a"
    for name in "bcdefghi":
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]")
        previous = name
    return "---\nperson: Jane\nstatus: planned\n" + "\n".join(lines) + "\n---\n## Objectives\n- x\n"


def pure_python_yaml(root: Path, patch: pytest.MonkeyPatch) -> None:
    """PyYAML without libyaml (no wheel for the platform) composes recursively."""

    class PurePythonLoader(yaml.SafeLoader):
        yaml_implicit_resolvers = note_module._Yaml12Loader.yaml_implicit_resolvers
        yaml_constructors = note_module._Yaml12Loader.yaml_constructors

    patch.setattr(note_module, "_Yaml12Loader", PurePythonLoader)


def after_listing(action: Callable[[Path], None]) -> Setup:
    """Run ``action`` on the vault after `check` listed the notes and before it reads them."""

    def setup(root: Path, patch: pytest.MonkeyPatch) -> None:
        real = vault_module.list_notes

        def list_then_act(root_: Path, config: Any) -> vault_module.Listing:
            listing = real(root_, config)
            action(root_)
            return listing

        patch.setattr(app_module, "list_notes", list_then_act)

    return setup


def replace_with_folder(path: Path) -> None:
    if path.is_file():
        path.unlink()
        path.mkdir()


def deny(rel: str, *, folder: bool = False) -> Setup:
    """The file (or folder) cannot be read: CI runs as root, so the PermissionError is
    raised where the file system would raise it."""

    def setup(root: Path, patch: pytest.MonkeyPatch) -> None:
        target = os.path.realpath(root / rel)
        if folder:
            real_scandir = os.scandir

            def scandir(path: Any = ".") -> Any:
                if os.path.realpath(path) == target:
                    raise PermissionError(errno.EACCES, "Permission denied", str(path))
                return real_scandir(path)

            patch.setattr(vault_module.os, "scandir", scandir)
        else:
            # Every way a file gets opened: os.open, and open() / Path.read_bytes (io.open).
            for module, name in ((os, "open"), (io, "open"), (builtins, "open")):
                patch.setattr(module, name, _denying(getattr(module, name), target))

    return setup


def _denying(real: Callable[..., Any], target: str) -> Callable[..., Any]:
    def opener(path: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(path, str | bytes | os.PathLike) and os.path.realpath(path) == target:
            raise PermissionError(errno.EACCES, "Permission denied", os.fsdecode(path))
        return real(path, *args, **kwargs)

    return opener


def symlink(rel: str, target: str | Callable[[Path], Path]) -> Setup:
    def setup(root: Path, patch: pytest.MonkeyPatch) -> None:
        if not hasattr(os, "symlink"):
            pytest.skip("no symlinks here")
        link = root / rel
        link.parent.mkdir(parents=True, exist_ok=True)
        os.symlink(target(root) if callable(target) else target, link)

    return setup


def outside_folder(root: Path) -> Path:
    """A folder next to the vault holding an interview note full of errors."""
    outside = root.parent / "outside"
    (outside / "Interviews").mkdir(parents=True, exist_ok=True)
    (outside / "Interviews/secret.md").write_text("---\nstatus: bogus\n---\n", encoding="utf-8")
    (outside / "secret.md").write_text("---\nstatus: bogus\n---\n", encoding="utf-8")
    return outside


def raw_name(name: bytes, content: str) -> Setup:
    """A note whose file name is given as bytes (a newline, bytes that are not UTF-8)."""

    def setup(root: Path, patch: pytest.MonkeyPatch) -> None:
        folder = root / "Interviews"
        folder.mkdir(exist_ok=True)
        try:
            with open(os.path.join(os.fsencode(folder), name), "wb") as handle:
                handle.write(content.encode("utf-8"))
        except (OSError, ValueError):
            pytest.skip("this file system does not take such a name")

    return setup


def fifo(rel: str) -> Setup:
    def setup(root: Path, patch: pytest.MonkeyPatch) -> None:
        if not hasattr(os, "mkfifo"):
            pytest.skip("no FIFOs here")
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        os.mkfifo(root / rel)

    return setup


MISSING_ROLE = "---\nperson: Jane\ncompany: Acme\nstatus: planned\n---\n## Objectives\n- x\n"
NOT_UTF8_NAME = b"caf\xe9 \xff.md"

HOSTILE: tuple[Hostile, ...] = (
    Hostile(
        "empty-file",
        files({"Interviews/empty.md": ""}),
        findings=(("Interviews/empty.md", "VT003", 1),),
    ),
    Hostile(
        "front-matter-only",
        files({"Interviews/fm.md": "---\nperson: Jane\ncompany: A\nrole: B\nstatus: planned\n---"}),
        findings=(("Interviews/fm.md", "VT201", 6),),
        message='missing section "Objectives"',
    ),
    Hostile(
        "huge-note-20mb",
        huge_note,
        findings=(("Interviews/huge.md", "VT201", "## Reflection"),),
        message='missing section "Takeaways"',
        isolated=True,
        slow=True,
    ),
    Hostile(
        "one-5mb-line",
        long_line_note,
        findings=(("Interviews/long.md", "VT301", "- Do you like it?"),),
        message='closed (yes/no) question starts with "Do"',
        isolated=True,
        slow=True,
        exit_code=0,
    ),
    Hostile(
        "one-5mb-line-of-list-markers",
        long_marker_line_note,
        findings=(("Interviews/markers.md", "VT201", "## Reflection"),),
        message='missing section "Takeaways"',
        isolated=True,
        slow=True,
    ),
    Hostile(
        "nul-bytes",
        files({"Interviews/nul.md": MISSING_ROLE.replace("person", "per\x00son").encode()}),
        findings=(("Interviews/nul.md", "VT106", 1),),  # read as if the NULs were not there
        message='missing recommended key "role"',
        exit_code=0,
    ),
    Hostile(
        "binary-file-named-md",
        files({"Interviews/photo.md": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))}),
        findings=(("Interviews/photo.md", "VT002", 1),),
        message="not valid UTF-8",
    ),
    Hostile(
        "utf-16-with-bom",
        files({"Interviews/utf16.md": MISSING_ROLE.encode("utf-16")}),
        findings=(("Interviews/utf16.md", "VT002", 1),),
        message="file is UTF-16 text; save it as UTF-8",
    ),
    Hostile(
        "latin-1",
        files(
            {"Interviews/latin1.md": "---\nperson: Zoë\nstatus: planned\n---\n".encode("latin-1")}
        ),
        findings=(("Interviews/latin1.md", "VT002", 2),),
        message="not valid UTF-8 (byte 15)",
    ),
    Hostile(
        "utf-8-bom-crlf-and-cr",
        files(
            {
                "Interviews/bom.md": "\ufeff" + MISSING_ROLE,
                "Interviews/crlf.md": MISSING_ROLE.replace("\n", "\r\n"),
                "Interviews/cr.md": MISSING_ROLE.replace("\n", "\r"),
            }
        ),
        findings=(
            ("Interviews/bom.md", "VT106", 1),
            ("Interviews/crlf.md", "VT106", 1),
            ("Interviews/cr.md", "VT106", 1),
        ),
        exit_code=0,
    ),
    Hostile(
        "yaml-alias-bomb",
        files({"Interviews/bomb.md": alias_bomb()}),
        findings=(("Interviews/bomb.md", "VT001", 2),),
        message="expands to more than 100,000 values",
        isolated=True,
    ),
    Hostile(
        "yaml-10000-nested-lists",
        files({"Interviews/deep.md": "---\nx: " + "[" * 10_000 + "]" * 10_000 + "\n---\n"}),
        findings=(("Interviews/deep.md", "VT001", 2),),
        message="nest",
        isolated=True,
    ),
    Hostile(
        "yaml-10000-nested-mappings",
        files(
            {"Interviews/deep.md": "---\nx: " + "{a: " * 10_000 + "1" + "}" * 10_000 + "\n---\n"}
        ),
        findings=(("Interviews/deep.md", "VT001", 2),),
        message="nest",
        isolated=True,
    ),
    Hostile(
        "yaml-deep-nesting-without-libyaml",
        then(
            pure_python_yaml,
            files({"Interviews/deep.md": "---\nx: " + "[" * 10_000 + "]" * 10_000 + "\n---\n"}),
        ),
        findings=(("Interviews/deep.md", "VT001", 2),),
        message="front matter nests deeper than 100 levels",
    ),
    Hostile(
        "duplicate-keys",
        files({"Interviews/dup.md": "---\nperson: Jane\nstatus: done\nstatus: planned\n---\n"}),
        findings=(("Interviews/dup.md", "VT107", 4),),
        message='key "status" appears twice (first on line 3)',
    ),
    Hostile(
        "tabs-in-yaml",
        files({"Interviews/tabs.md": "---\nperson: Jane\n\tstatus: done\n---\n"}),
        findings=(("Interviews/tabs.md", "VT001", 3),),
        message="tab",
    ),
    Hostile(
        "control-character-in-yaml",
        files({"Interviews/ctrl.md": "---\nperson: Jane\nrole: a\x08b\n---\n"}),
        findings=(("Interviews/ctrl.md", "VT001", 3),),
        message="character U+0008 is not allowed in YAML",
    ),
    Hostile(
        "unicode-line-separators-in-yaml",
        files({"Interviews/ls.md": "---\nperson: J\u2028\u2028\u2028\nstatus: bogus\n---\n"}),
        findings=(("Interviews/ls.md", "VT103", 3),),  # YAML alone would say line 6
        message="status 'bogus'",
    ),
    Hostile(
        "note-deleted-between-listing-and-reading",
        then(
            files({"Interviews/gone.md": ""}),
            after_listing(lambda root: (root / "Interviews/gone.md").unlink(missing_ok=True)),
        ),
        absent=("Interviews/gone.md",),
        exit_code=0,
    ),
    Hostile(
        "note-replaced-between-listing-and-reading",
        then(
            files({"Interviews/swap.md": ""}),
            after_listing(
                lambda root: (root / "Interviews/swap.md").write_text(MISSING_ROLE, "utf-8")
            ),
        ),
        findings=(("Interviews/swap.md", "VT106", 1),),  # the new text, not VT003 of the old
        exit_code=0,
    ),
    Hostile(
        "note-replaced-by-a-folder-between-listing-and-reading",
        then(
            files({"Interviews/swap.md": ""}),
            after_listing(lambda root: replace_with_folder(root / "Interviews/swap.md")),
        ),
        absent=("Interviews/swap.md",),
        exit_code=0,
    ),
    Hostile(
        "unreadable-file",
        then(files({"Interviews/locked.md": MISSING_ROLE}), deny("Interviews/locked.md")),
        findings=(("Interviews/locked.md", "VT005", 1),),
        message="file cannot be read: Permission denied",
    ),
    Hostile(
        "unreadable-folder",
        then(files({"Interviews/Private/a.md": ""}), deny("Interviews/Private", folder=True)),
        message="cannot read Interviews/Private: Permission denied",
        absent=("Interviews/Private/a.md",),
        exit_code=0,
    ),
    Hostile(
        "symlink-loop",
        then(
            symlink("Interviews/a.md", "b.md"),
            symlink("Interviews/b.md", "a.md"),
        ),
        findings=(("Interviews/a.md", "VT005", 1), ("Interviews/b.md", "VT005", 1)),
        message="file cannot be read:",
    ),
    Hostile(
        "symlinked-folder-loop",
        then(symlink("Interviews/loop", ".."), symlink("Interviews/self", ".")),
        absent=("Interviews/loop/Interviews/control.md", "Interviews/self/control.md"),
        exit_code=0,
    ),
    Hostile(
        "symlink-to-folder-outside-the-vault",
        symlink("Interviews/outside", outside_folder),
        absent=("Interviews/outside/secret.md", "Interviews/outside/Interviews/secret.md"),
        exit_code=0,
    ),
    Hostile(
        "symlink-to-file-outside-the-vault",
        symlink("Interviews/linked.md", lambda root: outside_folder(root) / "secret.md"),
        absent=("Interviews/linked.md",),
        exit_code=0,
    ),
    Hostile(
        "fifo-named-md",
        fifo("Interviews/pipe.md"),
        absent=("Interviews/pipe.md",),  # not a file: not listed, and never opened
        exit_code=0,
        isolated=True,  # opening a FIFO blocks: a regression would hang in-process
    ),
    Hostile(
        "file-name-with-newline",
        raw_name(b"new\nline.md", MISSING_ROLE),
        findings=(("Interviews/new\nline.md", "VT106", 1),),
        exit_code=0,
    ),
    Hostile(
        "file-name-not-utf-8",
        raw_name(NOT_UTF8_NAME, MISSING_ROLE),
        findings=(("Interviews/" + os.fsdecode(NOT_UTF8_NAME), "VT106", 1),),
        exit_code=0,
    ),
    Hostile(
        "terminal-escape-in-a-heading",
        files({"Interviews/esc.md": done_note(Notes="- x\n\n## Notes \x1b\x07\n- y")}),
        findings=(("Interviews/esc.md", "VT203", "## Notes \x1b\x07"),),
        message='section "Notes \x1b\x07" appears twice',
        exit_code=0,
    ),
    Hostile(
        "output-path-outside-the-vault",
        files({".vault-tools.toml": '[output]\nindex = "../outside.md"\n'}),
        message="output.index: must be a path inside the vault",
        exit_code=2,
    ),
    Hostile(
        "unreadable-config",
        then(files({".vault-tools.toml": "timezone = 'UTC'\n"}), deny(".vault-tools.toml")),
        message="cannot read the config: Permission denied",
        exit_code=2,
    ),
)


HOSTILE_PARAMS = [
    pytest.param(case, id=case.id, marks=[pytest.mark.slow] if case.slow else [])
    for case in HOSTILE
]


@pytest.mark.parametrize("case", HOSTILE_PARAMS)
def test_hostile_input(case: Hostile, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "vault"
    (root / "Interviews").mkdir(parents=True)
    (root / CONTROL[0]).write_text(CONTROL[1], encoding="utf-8")
    case.setup(root, monkeypatch)

    started = time.monotonic()
    outcome = check_in_subprocess(root) if case.isolated else check_in_process(root)
    elapsed = time.monotonic() - started
    assert elapsed < TIME_LIMIT_S * 2

    assert outcome.exit_code == case.exit_code, outcome.stderr
    if case.exit_code == 2:
        assert case.message in outcome.stderr
        assert "Traceback" not in outcome.stderr
        return
    found = outcome.findings()
    # The rest of the vault is still processed.
    assert CONTROL_FINDING in found, found
    for path, rule, line in case.findings:
        if isinstance(line, str):
            with open(root / path, encoding="utf-8") as handle:
                line = next(n for n, text in enumerate(handle, 1) if line in text)
        assert (path, rule, line) in found, (path, rule, line, sorted(found)[:10])
    if case.message and case.findings:
        assert any(
            case.message in m for path, _, _ in case.findings for m in outcome.messages(path)
        ), [outcome.messages(p) for p, _, _ in case.findings]
    elif case.message:
        assert case.message in outcome.stderr
    reported = {path for path, _, _ in found}
    for path in case.absent:
        assert path not in reported
    # What reaches a terminal: one line per finding, no control characters, no raw bytes.
    printed = outcome.text.splitlines()
    assert len(printed) == len(outcome.payload["diagnostics"])
    assert not any(ch < " " or "\ud800" <= ch <= "\udfff" for line in printed for ch in line)


#: The hostile vaults the editing commands run on: not the heavy ones (they have their own
#: limits in a child), and not the faults that change the vault themselves mid-run.
EDITOR_PARAMS = [
    pytest.param(case, id=case.id)
    for case in HOSTILE
    if not case.isolated and not case.slow and case.exit_code != 2 and "-between-" not in case.id
]


def hostile_vault(case: Hostile, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A vault with the control note and ``case`` set up in it."""
    root = tmp_path / "vault"
    (root / "Interviews").mkdir(parents=True)
    (root / CONTROL[0]).write_text(CONTROL[1], encoding="utf-8")
    case.setup(root, monkeypatch)
    return root


def vault_files(root: Path) -> dict[str, bytes]:
    """Every readable file of the vault (the cache and symlinks aside), by path."""
    found: dict[str, bytes] = {}
    for path in root.rglob("*"):
        rel = path.relative_to(root).as_posix()
        if rel.startswith(".vault-tools") or path.is_symlink() or not path.is_file():
            continue
        with contextlib.suppress(OSError):
            found[rel] = path.read_bytes()
    return found


@pytest.mark.parametrize("case", EDITOR_PARAMS)
def test_hostile_input_through_the_editing_commands(
    case: Hostile, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``check --diff``, ``check --fix`` and ``log`` on each hostile vault: no traceback
    (the runner raises), exit 0, 1 or 2 with a message; --diff writes nothing; after
    --fix, nothing is left to fix; a refused log leaves its note byte for byte."""
    root = hostile_vault(case, tmp_path, monkeypatch)
    runner = CliRunner()
    base = ["--vault", str(root), "--as-of", AS_OF.isoformat()]

    before = vault_files(root)
    diff = runner.invoke(cli, ["check", "--diff", *base], catch_exceptions=False)
    assert diff.exit_code in (0, 1), diff.stderr
    assert vault_files(root) == before
    fixed = runner.invoke(cli, ["check", "--fix", *base], catch_exceptions=False)
    assert fixed.exit_code in (0, 1), fixed.stderr
    again = runner.invoke(cli, ["check", "--diff", *base], catch_exceptions=False)
    assert (again.exit_code, again.stdout) == (0, ""), again.stdout
    for rel in sorted(vault_files(root)):
        if not rel.endswith(".md"):
            continue
        kept = vault_files(root).get(rel)
        result = runner.invoke(cli, ["log", rel, "nudged", *base], catch_exceptions=False)
        assert result.exit_code in (0, 2), result.stderr
        if result.exit_code == 2:
            assert result.stderr.startswith("vault-tools: error: "), result.stderr
            assert vault_files(root).get(rel) == kept


def test_file_names_are_printed_escaped_and_round_trip_in_json(tmp_path: Path) -> None:
    """Undecodable bytes and control characters in a name: escaped for the terminal (like
    ``ls -b``), exact in JSON (``os.fsencode`` gives back the name on disk)."""
    root = tmp_path / "vault"
    (root / "Interviews").mkdir(parents=True)
    for name in (b"new\nline.md", NOT_UTF8_NAME):
        try:
            (Path(os.fsdecode(os.fsencode(root / "Interviews") + b"/" + name))).write_text(
                MISSING_ROLE, encoding="utf-8"
            )
        except (OSError, ValueError):
            pytest.skip("this file system does not take such names")
    outcome = check_in_process(root)
    assert "Interviews/new\\nline.md:1:1: VT106" in outcome.text
    assert "Interviews/caf\\xe9 \\xff.md:1:1: VT106" in outcome.text
    on_disk = {os.fsencode(p) for p in os.listdir(os.fsencode(root / "Interviews"))}
    for diagnostic in outcome.payload["diagnostics"]:
        name = os.fsencode(diagnostic["path"]).split(b"/", 1)[1]
        assert name in on_disk


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("fifo", ("VT005", "not a regular file")),
        ("symlink-loop", ("VT005", "file cannot be read")),
        ("folder-named-md", None),
    ],
)
def test_check_paths_that_are_not_plain_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str, expected: tuple[str, str] | None
) -> None:
    """`check PATH` as pre-commit passes paths: a FIFO used to hang, a loop to crash."""
    root = tmp_path / "vault"
    (root / "Interviews").mkdir(parents=True)
    target = root / "Interviews/odd.md"
    if kind == "fifo":
        fifo("Interviews/odd.md")(root, monkeypatch)
    elif kind == "symlink-loop":
        symlink("Interviews/odd.md", "odd.md")(root, monkeypatch)
    else:
        target.mkdir()
    outcome = check_in_subprocess(root, "Interviews/odd.md", cwd=root)
    found = {(d["rule"], d["message"]) for d in outcome.payload["diagnostics"]}
    if expected is None:
        assert outcome.exit_code == 0 and not found
    else:
        assert outcome.exit_code == 1
        assert any(rule == expected[0] and expected[1] in m for rule, m in found), found


@pytest.mark.parametrize("encoding", ["utf-8:strict", "ascii:strict", "latin-1", "cp1252"])
def test_printing_never_raises_for_the_output_encoding(tmp_path: Path, encoding: str) -> None:
    """A name or heading the output encoding cannot hold (a Windows console redirected to a
    file) is printed as an escape; JSON stays valid."""
    root = tmp_path / "vault"
    (root / "Interviews").mkdir(parents=True)
    (root / "Interviews/Zoë 日本.md").write_text(
        done_note(Notes="- x\n\n## Notes 📅\n- y", Questions="- Do you?", Takeaways=""), "utf-8"
    )
    raw_name(NOT_UTF8_NAME, MISSING_ROLE)(root, pytest.MonkeyPatch())
    env = {**os.environ, "PYTHONIOENCODING": encoding}
    for fmt in ("text", "json", "github"):
        run = subprocess.run(
            [*CHECK_MODULE, "--vault", str(root), "--as-of", AS_OF.isoformat(), "--format", fmt],
            capture_output=True,
            env=env,
            timeout=TIME_LIMIT_S,
            check=False,
        )
        assert run.returncode == 1, run.stderr.decode(errors="replace")
        assert b"Traceback" not in run.stderr
        if fmt == "json":
            payload = json.loads(run.stdout)
            assert "Interviews/Zoë 日本.md" in {d["path"] for d in payload["diagnostics"]}


# --------------------------------------------------------------------------------------------
# Writes: atomic, inside the vault, whole under concurrency


def leftovers(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.name.endswith(".tmp"))


def _fail_replace(*args: Any, **kwargs: Any) -> None:
    raise OSError(errno.EXDEV, "Invalid cross-device link")


def _fail_fsync(fd: int) -> None:
    raise OSError(errno.ENOSPC, "No space left on device")


def _interrupt_fsync(fd: int) -> None:
    raise KeyboardInterrupt


def _half_then_fail(fd: int, data: bytes) -> None:
    with os.fdopen(fd, "wb") as handle:
        handle.write(data[: len(data) // 2])
        handle.flush()
    raise OSError(errno.EIO, "Input/output error")


#: Where a write can fail: the patched function, its stand-in, and what the caller sees.
WRITE_FAULTS: tuple[tuple[str, str, Callable[..., Any], type[BaseException]], ...] = (
    ("rename-fails", "os.replace", _fail_replace, VaultToolsError),
    ("disk-full-at-fsync", "os.fsync", _fail_fsync, VaultToolsError),
    ("half-written-then-io-error", "writes._write_all", _half_then_fail, VaultToolsError),
    ("interrupted-mid-write", "os.fsync", _interrupt_fsync, KeyboardInterrupt),
)


def _patch(monkeypatch: pytest.MonkeyPatch, where: str, stand_in: Callable[..., Any]) -> None:
    module, name = where.split(".")
    monkeypatch.setattr(writes if module == "writes" else writes.os, name, stand_in)


@pytest.mark.parametrize(
    ("where", "stand_in", "raised"), [f[1:] for f in WRITE_FAULTS], ids=[f[0] for f in WRITE_FAULTS]
)
@pytest.mark.parametrize("previous", [True, False], ids=["replacing", "first-write"])
def test_failed_write_of_a_generated_note_leaves_the_old_file_and_no_temp(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    where: str,
    stand_in: Callable[..., Any],
    raised: type[BaseException],
    previous: bool,
) -> None:
    target = tmp_path / "Interviews/Index.md"
    target.parent.mkdir()
    if previous:
        target.write_text(GENERATED + "old rows\n", encoding="utf-8")
    before = target.read_bytes() if previous else None
    _patch(monkeypatch, where, stand_in)
    with pytest.raises(raised) as caught:
        writes.write_generated(
            tmp_path, "Interviews/Index.md", GENERATED + "new rows\n" * 1000, IS_OURS
        )
    if raised is VaultToolsError:
        assert str(caught.value).startswith("cannot write Interviews/Index.md: ")
    assert (target.read_bytes() if target.exists() else None) == before
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize(
    ("where", "stand_in", "raised"), [f[1:] for f in WRITE_FAULTS], ids=[f[0] for f in WRITE_FAULTS]
)
@pytest.mark.parametrize("hard_links", [True, False], ids=["link", "no-hard-links"])
def test_failed_create_leaves_no_note_and_no_temp(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    where: str,
    stand_in: Callable[..., Any],
    raised: type[BaseException],
    hard_links: bool,
) -> None:
    """`new` and `init` create a note whole or not at all."""
    if not hard_links:

        def no_link(*args: Any, **kwargs: Any) -> None:
            raise OSError(errno.EPERM, "Operation not permitted")

        monkeypatch.setattr(writes.os, "link", no_link)
    _patch(monkeypatch, where, stand_in)
    try:
        writes.create_new(tmp_path, "Interviews/Jane Doe.md", "---\nperson: Jane\n---\n" * 100)
    except raised:
        pass
    else:  # os.replace is not on the create path: the note is then whole
        assert where == "os.replace"
        assert (tmp_path / "Interviews/Jane Doe.md").read_text("utf-8").count("person") == 100
        return
    assert not (tmp_path / "Interviews/Jane Doe.md").exists()
    assert leftovers(tmp_path) == []


def test_exclusive_create_that_fails_half_way_leaves_no_note(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without hard links `create_new` creates the note itself: a failure while writing it
    removes the part written."""

    def no_link(*args: Any, **kwargs: Any) -> None:
        raise OSError(errno.EPERM, "Operation not permitted")

    real_write_all = writes._write_all
    calls: list[int] = []

    def second_write_fails(fd: int, data: bytes) -> None:
        calls.append(fd)
        if len(calls) == 1:
            real_write_all(fd, data)  # the temporary file
        else:
            _half_then_fail(fd, data)  # the note itself

    monkeypatch.setattr(writes.os, "link", no_link)
    monkeypatch.setattr(writes, "_write_all", second_write_fails)
    with pytest.raises(VaultToolsError, match=r"cannot write Interviews/Jane Doe\.md"):
        writes.create_new(tmp_path, "Interviews/Jane Doe.md", "---\nperson: Jane\n---\n" * 100)
    assert len(calls) == 2
    assert not (tmp_path / "Interviews/Jane Doe.md").exists()
    assert leftovers(tmp_path) == []


def test_write_generated_replaces_whole_and_keeps_the_mode(tmp_path: Path) -> None:
    target = tmp_path / "Interviews/Index.md"
    target.parent.mkdir()
    target.write_text(GENERATED, encoding="utf-8")
    os.chmod(target, 0o640)
    writes.write_generated(tmp_path, "Interviews/Index.md", GENERATED + "rows\n", IS_OURS)
    assert target.read_text("utf-8") == GENERATED + "rows\n"
    assert target.stat().st_mode & 0o777 == 0o640
    assert leftovers(tmp_path) == []


def test_write_generated_never_replaces_a_users_note(tmp_path: Path) -> None:
    target = tmp_path / "Interviews/Index.md"
    target.parent.mkdir()
    target.write_text("# My own index\n", encoding="utf-8")
    with pytest.raises(VaultToolsError, match="not written by vault-tools"):
        writes.write_generated(tmp_path, "Interviews/Index.md", GENERATED, IS_OURS)
    assert target.read_text("utf-8") == "# My own index\n"


@pytest.mark.parametrize(
    "case",
    ["symlinked-output-folder", "symlinked-output-file", "dot-dot", "absolute", "vault-root"],
)
def test_writes_outside_the_vault_are_refused(tmp_path: Path, case: str) -> None:
    root, outside = tmp_path / "vault", tmp_path / "outside"
    root.mkdir()
    outside.mkdir()
    (outside / "Index.md").write_text(GENERATED, encoding="utf-8")
    rel = {
        "symlinked-output-folder": "Interviews/Index.md",
        "symlinked-output-file": "Index.md",
        "dot-dot": "../outside/Index.md",
        "absolute": str(outside / "Index.md"),
        "vault-root": ".",
    }[case]
    if case == "symlinked-output-folder":
        os.symlink(outside, root / "Interviews")
    elif case == "symlinked-output-file":
        os.symlink(outside / "Index.md", root / "Index.md")
    with pytest.raises(VaultToolsError, match="outside the vault"):
        writes.write_generated(root, rel, GENERATED + "new\n", IS_OURS)
    with pytest.raises(VaultToolsError, match="outside the vault"):
        writes.create_new(root, rel if case != "symlinked-output-file" else "Index.md", "x")
    assert (outside / "Index.md").read_text("utf-8") == GENERATED
    assert sorted(p.name for p in outside.iterdir()) == ["Index.md"]


#: Every command there is, with arguments that make it run (all load the config).
ALL_COMMANDS: tuple[tuple[str, ...], ...] = (
    ("check",),
    ("rules",),
    ("init",),
    ("new", "Jane Doe"),
    ("index",),
    ("followups",),
    ("digest",),
    ("watch",),
)


@pytest.mark.parametrize("command", ALL_COMMANDS, ids=lambda c: c[0])
@pytest.mark.parametrize(
    "output", ["index", "followups", "digests"], ids=lambda o: f"output.{o}-outside"
)
def test_output_path_outside_the_vault_is_refused_by_every_command(
    tmp_path: Path, command: tuple[str, ...], output: str
) -> None:
    root = tmp_path / "vault"
    root.mkdir()
    (root / ".vault-tools.toml").write_text(f'[output]\n{output} = "../outside.md"\n', "utf-8")
    result = CliRunner().invoke(
        cli, [*command, "--vault", str(root), "--as-of", AS_OF.isoformat()], catch_exceptions=False
    )
    assert result.exit_code == 2
    assert f"output.{output}: must be a path inside the vault" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["vault"]
    assert sorted(p.name for p in root.iterdir()) == [".vault-tools.toml"]


_WRITER = textwrap.dedent(
    """\
    import sys
    from pathlib import Path
    from vault_tools.files import write_generated
    root, marker, count = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    text = "---\\ngenerated_by: vault-tools\\n---\\n" + (marker * 64 + "\\n") * 2000
    for _ in range(count):
        write_generated(root, "Interviews/Index.md", text, lambda raw: True)
    """
)


def test_two_writers_at_once_leave_one_whole_file(tmp_path: Path) -> None:
    """Two `--write` runs at once (cron and `watch`): every read sees one whole file."""
    (tmp_path / "Interviews").mkdir()
    whole = {
        marker: "---\ngenerated_by: vault-tools\n---\n" + (marker * 64 + "\n") * 2000
        for marker in "AB"
    }
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", _WRITER, str(tmp_path), marker, "200"],
            stderr=subprocess.PIPE,
        )
        for marker in "AB"
    ]
    reads = 0
    target = tmp_path / "Interviews/Index.md"
    while any(w.poll() is None for w in writers):
        try:
            text = target.read_text("utf-8")
        except FileNotFoundError:
            continue  # before the first rename
        assert text in whole.values(), f"a torn read: {len(text)} characters"
        reads += 1
    for writer in writers:
        _, err = writer.communicate(timeout=TIME_LIMIT_S)
        assert writer.returncode == 0, err.decode(errors="replace")
    assert target.read_text("utf-8") in whole.values()
    assert leftovers(tmp_path) == []
    assert reads, "the writers finished before a single read: make them write more"


# --------------------------------------------------------------------------------------------
# Nothing the user wrote is ever modified

#: Every command with every flag. Add each new command's lines here as it lands.
COMMANDS: tuple[tuple[str, ...], ...] = (
    ("check",),
    ("check", "--format", "text"),
    ("check", "--format", "json"),
    ("check", "--format", "github"),
    ("check", "--strict"),
    ("check", "Interviews"),
    ("check", "Interviews/2026-11-20 Jane Doe.md", "People/Ana Souza.md"),
    ("rules",),
    ("rules", "VT301"),
    ("rules", "VT999"),
    ("init",),
    ("new", "Jane Doe", "--company", "Brightline Mobility", "--role", "Staff Data Engineer"),
    ("new", "Jane Doe", "--company", "Brightline Mobility"),  # exists by now: refused
    ("new", "Jane Doe", "--date", "2026-11-20T15:00", "--status", "done"),  # the user's: refused
    ("new", "Priya Nair", "--date", "2026-12-01", "--status", "requested"),
    ("index",),
    ("index", "--format", "md"),
    ("index", "--format", "json"),
    ("index", "--format", "csv"),
    ("index", "--write"),
    ("followups",),
    ("followups", "--format", "md"),
    ("followups", "--format", "json"),
    ("followups", "--format", "ics"),
    ("followups", "--all"),
    ("followups", "--horizon", "2w"),
    ("followups", "--quiet"),
    ("followups", "--write"),
    ("digest",),
    ("digest", "--format", "json"),
    ("digest", "--week", "2026-W46"),
    ("digest", "--since", "2026-11-01", "--until", "2026-11-15"),
    ("digest", "--write"),
    ("check", "--no-cache"),
    ("--help",),
    ("--version",),
)
READ_ONLY = tuple(c for c in COMMANDS if c[0] not in ("init", "new") and "--write" not in c)
#: What the writing commands may add: new notes, the generated index, follow-ups and digests.
WRITABLE = ("Interviews/", "Digests/")


def fingerprint(root: Path) -> dict[str, tuple[str, int]]:
    """Every file under ``root``: content hash and permission bits."""
    return {
        p.relative_to(root).as_posix(): (
            hashlib.sha256(p.read_bytes()).hexdigest(),
            p.stat().st_mode & 0o7777,
        )
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".vault-tools" not in p.relative_to(root).parts  # the tool's cache
    }


def run_command(root: Path, command: tuple[str, ...]) -> int:
    args = list(command)
    if not command[0].startswith("-"):
        args += ["--vault", str(root), "--as-of", AS_OF.isoformat()]
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert result.exit_code in (0, 1, 2), result.output
    return result.exit_code


def test_every_command_leaves_the_users_files_unchanged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    vault = tmp_path / "sample_vault"
    shutil.copytree(SAMPLE_VAULT, vault, symlinks=True)
    before = fingerprint(vault)
    monkeypatch.chdir(vault)  # PATHS arguments are relative to the working directory
    for command in COMMANDS:
        run_command(vault, command)
    after = fingerprint(vault)
    assert {rel: after.get(rel) for rel in before} == before
    created = sorted(set(after) - set(before))
    # Only what init, new and the --write flags create, nothing else.
    assert all(rel.startswith(WRITABLE) for rel in created), created


def test_read_only_commands_leave_sample_vault_byte_for_byte(
    sample_vault: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A copy of sample_vault (tests never write into the repository), hashed before and
    after: the read-only commands change no file but the cache."""
    before = fingerprint(sample_vault)
    monkeypatch.chdir(sample_vault)
    for command in READ_ONLY:
        run_command(sample_vault, command)
    assert fingerprint(sample_vault) == before


# --------------------------------------------------------------------------------------------
# docs/RELIABILITY.md lists what is tried here


def test_reliability_doc_lists_every_case() -> None:
    doc = (REPO / "docs" / "RELIABILITY.md").read_text("utf-8")
    ids = [case.id for case in HOSTILE] + [fault[0] for fault in WRITE_FAULTS]
    missing = [case_id for case_id in ids if f"`{case_id}`" not in doc]
    assert not missing, f"docs/RELIABILITY.md does not list: {missing}"
    for command in COMMANDS:
        assert f"`{' '.join(command)}`" in doc, f"docs/RELIABILITY.md lacks `{' '.join(command)}`"


# --------------------------------------------------------------------------------------------
# The writing commands, end to end


def test_write_flags_refuse_a_symlinked_output_folder_leading_outside(tmp_path: Path) -> None:
    root = tmp_path / "vault"
    outside = tmp_path / "outside"
    outside.mkdir()
    shutil.copytree(SAMPLE_VAULT, root, symlinks=True)
    shutil.rmtree(root / ".vault-tools", ignore_errors=True)
    (root / "Digests").symlink_to(outside, target_is_directory=True)
    (root / ".vault-tools.toml").write_text(
        '[output]\nindex = "Digests/Index.md"\nfollowups = "Digests/Follow-ups.md"\n', "utf-8"
    )
    for command in (("index", "--write"), ("followups", "--write"), ("digest", "--write")):
        result = CliRunner().invoke(
            cli, [*command, "--vault", str(root), "--as-of", AS_OF.isoformat()],
            catch_exceptions=False,
        )  # fmt: skip
        assert result.exit_code == 2, (command, result.output)
        assert "outside the vault" in result.stderr
    assert list(outside.iterdir()) == []


def test_two_write_runs_at_once_with_the_cache_leave_whole_files_and_a_readable_cache(
    tmp_path: Path,
) -> None:
    """Cron's `index --write` and `watch --write-index` at once, the cache shared."""
    import sqlite3

    root = tmp_path / "vault"
    shutil.copytree(SAMPLE_VAULT, root, symlinks=True)
    shutil.rmtree(root / ".vault-tools", ignore_errors=True)
    script = textwrap.dedent(
        """\
        import sys
        from click.testing import CliRunner
        from vault_tools.cli import cli
        for i in range(15):
            args = [sys.argv[2], "--write", "--vault", sys.argv[1], "--as-of", "2026-11-27"]
            result = CliRunner().invoke(cli, args)
            assert result.exit_code == 0, result.output
        """
    )
    runs = [
        subprocess.Popen([sys.executable, "-c", script, str(root), command], stderr=subprocess.PIPE)
        for command in ("index", "index", "followups")
    ]
    for run in runs:
        _, err = run.communicate(timeout=TIME_LIMIT_S)
        assert run.returncode == 0, err.decode(errors="replace")
    db = sqlite3.connect(root / ".vault-tools" / "cache.sqlite")
    assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    db.close()
    index = (root / "Interviews" / "Index.md").read_text("utf-8")
    assert index.startswith("---\n") and index.count("generated_by: vault-tools") == 1
    assert leftovers(root) == []
    cached = CliRunner().invoke(cli, ["check", "--vault", str(root), "--as-of", "2026-11-27"])
    fresh = CliRunner().invoke(
        cli, ["check", "--vault", str(root), "--as-of", "2026-11-27", "--no-cache"]
    )
    assert cached.stdout == fresh.stdout


@pytest.mark.parametrize("case", EDITOR_PARAMS)
def test_hostile_input_through_people_and_drafts(
    case: Hostile, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``people`` (every format) and each ``draft`` (every format) on each hostile vault: no
    traceback (the runner raises), exit 0 or a one-line message with exit 2, and nothing in
    the vault changed (drafts never write)."""
    root = hostile_vault(case, tmp_path, monkeypatch)
    runner = CliRunner()
    base = ["--vault", str(root), "--as-of", AS_OF.isoformat()]

    before = vault_files(root)
    for output in ("text", "md", "json"):
        result = runner.invoke(cli, ["people", "--format", output, *base], catch_exceptions=False)
        assert result.exit_code == 0, result.stderr
        assert "Ana Souza" in result.stdout
    notes = sorted(rel for rel in before if rel.endswith(".md"))
    for rel in notes:
        for kind in ("thank-you", "request"):
            for output in ("text", "eml", "mailto"):
                result = runner.invoke(
                    cli, ["draft", kind, rel, "--format", output, *base], catch_exceptions=False
                )
                assert result.exit_code in (0, 2), result.stderr
                if result.exit_code == 2:
                    assert result.stderr.startswith("vault-tools: error: "), result.stderr
                    assert result.stderr.count("\n") == 1, result.stderr
    kept = runner.invoke(
        cli, ["draft", "keep-in-touch", "Ana Souza", *base], catch_exceptions=False
    )
    assert kept.exit_code == 0, kept.stderr
    assert vault_files(root) == before
