"""Vault root discovery and which notes are interviews."""

from __future__ import annotations

from pathlib import Path

import pytest
from notes import PLANNED

from vault_tools.config import Config
from vault_tools.errors import VaultToolsError
from vault_tools.interview import is_interview
from vault_tools.note import parse_note
from vault_tools.vault import find_vault_root, list_notes


def test_root_is_explicit_then_env_then_marker_else_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("VAULT_TOOLS_VAULT", raising=False)
    (tmp_path / "v" / ".obsidian").mkdir(parents=True)
    deep = tmp_path / "v" / "a" / "b"
    deep.mkdir(parents=True)
    assert find_vault_root(None, cwd=deep) == (tmp_path / "v").resolve()
    other = tmp_path / "other"
    other.mkdir()
    (other / ".vault-tools.toml").write_text("")
    monkeypatch.setenv("VAULT_TOOLS_VAULT", str(other))
    assert find_vault_root(None, cwd=deep) == other.resolve()
    assert find_vault_root(str(tmp_path / "v"), cwd=deep) == (tmp_path / "v").resolve()
    monkeypatch.delenv("VAULT_TOOLS_VAULT")
    lonely = tmp_path / "lonely"
    lonely.mkdir()
    with pytest.raises(VaultToolsError, match="no vault found") as caught:
        find_vault_root(None, cwd=lonely)
    assert str(lonely.resolve()) in str(caught.value)
    assert "--vault PATH" in str(caught.value) and "vault-tools init" in str(caught.value)
    # init sets the working directory up
    assert find_vault_root(None, cwd=lonely, here_if_none=True) == lonely.resolve()


def test_missing_vault_is_a_user_error(tmp_path: Path) -> None:
    with pytest.raises(VaultToolsError, match="vault not found"):
        find_vault_root(str(tmp_path / "nope"))


def test_listing_skips_dot_folders_templates_outputs_and_excludes(vault) -> None:  # type: ignore[no-untyped-def]
    root = vault(
        {
            "Interviews/a.md": PLANNED,
            "Interviews/Index.md": "generated",
            "Interviews/notes.txt": "not markdown",
            ".trash/old.md": PLANNED,
            ".obsidian/x.md": PLANNED,
            "Templates/Interview.md": PLANNED,
            "Archive/2020/b.md": PLANNED,
            "Daily/2026-11-20.md": "text",
            "Deep/er/c.MD": PLANNED,
        }
    )
    config = Config(exclude=("Archive/**",))
    assert list_notes(root, config).paths == (
        "Daily/2026-11-20.md",
        "Deep/er/c.MD",
        "Interviews/a.md",
    )


def test_symlinked_folders_are_not_followed(vault, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.md").write_text(PLANNED)
    root = vault({"Interviews/a.md": PLANNED})
    (root / "Interviews" / "link").symlink_to(outside, target_is_directory=True)
    (root / "loop").symlink_to(root, target_is_directory=True)
    assert list_notes(root, Config()).paths == ("Interviews/a.md",)


def note(text: str, path: str):  # type: ignore[no-untyped-def]
    return parse_note(path, text.encode())


def test_interview_by_type_tag_or_folder() -> None:
    config = Config()
    assert is_interview(note("---\ntype: interview\n---\n", "x.md"), config)
    assert is_interview(note("---\ntags: [work, interview]\n---\n", "x.md"), config)
    assert is_interview(note("---\ntags: interview\n---\n", "x.md"), config)
    assert is_interview(note("---\ntags: ['#interview/fintech']\n---\n", "x.md"), config)
    assert is_interview(note("# no front matter\n", "Interviews/x.md"), config)
    assert not is_interview(note("---\ntype: person\n---\n", "People/x.md"), config)


def test_daily_note_mentioning_the_tag_in_text_is_not_an_interview() -> None:
    daily = note("---\ntags: [daily]\n---\nMet Jane #interview today\n", "Daily/2026-11-20.md")
    assert not is_interview(daily, Config())


def test_whole_vault_folder_and_custom_type_and_tag() -> None:
    assert is_interview(note("# x\n", "Anywhere/x.md"), Config(folders=("",)))
    custom = Config(type=("informational",), tag="ii", folders=())
    assert is_interview(note("---\ntype: Informational\n---\n", "x.md"), custom)
    assert is_interview(note("---\ntags: [ii]\n---\n", "x.md"), custom)
    assert not is_interview(note("---\ntype: interview\n---\n", "x.md"), custom)


def test_generated_notes_are_not_interviews_even_in_the_folder() -> None:
    generated = note("---\ngenerated_by: vault-tools\n---\n", "Interviews/Other.md")
    assert not is_interview(generated, Config())


# --------------------------------------------------------------------------------------------
# exclude globs: gitignore's meaning, in time linear in the path


@pytest.mark.parametrize(
    ("pattern", "path", "excluded"),
    [
        ("Archive/**", "Archive/2025/a.md", True),
        ("Archive/**", "Archived/a.md", False),
        ("Archive", "Archive/a.md", True),  # a folder's name excludes what is under it
        ("**/*.excalidraw.md", "Drawings/deep/x.excalidraw.md", True),
        ("**/*.excalidraw.md", "x.excalidraw.md", True),  # ** may be no folder at all
        ("*.md", "Interviews/a.md", False),  # * stays inside one name
        ("Interviews/*.md", "Interviews/a.md", True),
        ("Interviews/?.md", "Interviews/ab.md", False),
        ("Interviews/**/Old*", "Interviews/2025/Q1/Old notes.md", True),
        ("a**b.md", "a/x/b.md", False),  # ** inside a name is *, as in .gitignore
        ("a**b.md", "axxb.md", True),
        ("\\Archive\\", "Archive/a.md", True),  # Windows separators and slashes trimmed
    ],
)
def test_exclude_glob_meaning(pattern: str, path: str, excluded: bool) -> None:
    from vault_tools.vault import Glob

    assert Glob(pattern).match(path) is excluded


def test_exclude_glob_with_many_stars_does_not_backtrack_exponentially() -> None:
    """As a regular expression, ``*a*a*a*a*a*ab`` against a long name of a's took about a
    minute per name (each ``*`` a nested retry); a config of 30 characters hung every
    command. It must answer at once (a hang here fails the run)."""
    from vault_tools.vault import Glob

    glob = Glob("*a*a*a*a*a*a*a*a*a*ab")
    names = ["a" * 250 + ".md", "x/" + "a" * 250, "a" * 4000]
    assert [glob.match(name) for name in names] == [False, False, False]
    assert Glob("**/**/**/**/**/**/*b").match("/".join(["a"] * 200) + "/b")
