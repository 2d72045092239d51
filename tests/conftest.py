"""Shared fixtures: build a vault from a dict of files, a fixed as-of, and golden updates."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

from vault_tools.config import Config
from vault_tools.interview import make_context
from vault_tools.linter import lint_note
from vault_tools.note import Note, parse_note

AS_OF = dt.date(2026, 11, 27)
REPO = Path(__file__).resolve().parent.parent
SAMPLE_VAULT = REPO / "sample_vault"
CORPUS = REPO.parent / "shared" / "corpus"


_SAMPLE_CACHE = SAMPLE_VAULT / ".vault-tools"
_SAMPLE_CACHE_BEFORE = _SAMPLE_CACHE.exists()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Tests work on copies: a run that left a cache in the repository's sample_vault
    fails, naming the folder."""
    if _SAMPLE_CACHE.exists() and not _SAMPLE_CACHE_BEFORE:
        session.exitstatus = 1
        print(f"\nERROR: a test wrote into the repository: {_SAMPLE_CACHE} was created")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="rewrite tests/golden/* from the current output instead of comparing",
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


def copy_sample_vault(target: Path) -> Path:
    """A copy of the repository's sample_vault (without any cache of its own) at ``target``:
    tests work on copies, so the repository's tree is never written."""
    import shutil

    shutil.copytree(
        SAMPLE_VAULT, target, symlinks=True, ignore=shutil.ignore_patterns(".vault-tools")
    )
    return target


@pytest.fixture
def sample_vault(tmp_path: Path) -> Path:
    """A fresh copy of sample_vault in a temporary folder."""
    return copy_sample_vault(tmp_path / "sample_vault")


@pytest.fixture
def as_of() -> dt.date:
    return AS_OF


def unstamped(written: str) -> str:
    """A generated note as ``--write`` wrote it, without its ``generated_sha256`` line: what
    ``--format md`` prints. Fails unless that line, right after ``generated_by``, records
    the SHA-256 of the rest."""
    import hashlib

    head = "---\ngenerated_by: vault-tools\n"
    assert written.startswith(head + "generated_sha256: "), written[:120]
    line_end = written.index("\n", len(head)) + 1
    rest = written[: len(head)] + written[line_end:]
    recorded = written[len(head) : line_end].split(": ", 1)[1].strip()
    assert recorded == hashlib.sha256(rest.encode("utf-8")).hexdigest()
    return rest


def make_vault(root: Path, files: Mapping[str, str | bytes]) -> Path:
    """Write ``files`` (relative path -> text or bytes) under ``root``; returns ``root``."""
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8", newline="")
    return root


@pytest.fixture
def vault(tmp_path: Path) -> Callable[[Mapping[str, str | bytes]], Path]:
    """``vault({"Interviews/a.md": "..."})`` -> the vault's root folder."""

    def build(files: Mapping[str, str | bytes]) -> Path:
        return make_vault(tmp_path / "vault", files)

    (tmp_path / "vault").mkdir()
    return build


def findings(
    text: str | bytes,
    path: str = "Interviews/note.md",
    config: Config | None = None,
    as_of: dt.date = AS_OF,
    root: Path | None = None,
) -> list[tuple[str, int]]:
    """A note's text in, its ``(code, line)`` findings out (sorted)."""
    raw = text if isinstance(text, bytes) else text.encode("utf-8")
    note: Note = parse_note(path, raw)
    ctx = make_context(root or Path("/nonexistent-vault"), config or Config(), as_of)
    return sorted((d.rule, d.line) for d in lint_note(note, ctx))


def codes(text: str | bytes, **kwargs: object) -> set[str]:
    return {code for code, _ in findings(text, **kwargs)}  # type: ignore[arg-type]
