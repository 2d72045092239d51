"""The incremental cache: correct results whatever state it is in, and work saved."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sqlite3
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from notes import DONE, PLANNED, replace

from vault_tools.app import read_config
from vault_tools.cli import cli
from vault_tools.config import Config
from vault_tools.store.cache import CACHE_DIR, CACHE_NAME
from vault_tools.store.sync import check_vault, load_interview_notes
from vault_tools.vault import list_notes

AS_OF = dt.date(2026, 11, 27)
BROKEN = replace(PLANNED, "status: planned", "status: waiting")


def age(root: Path, seconds: float = 3600) -> None:
    """Make files look saved a while ago: fresh mtimes are not trusted by the cache.

    ``root`` is a vault (every note) or one file.
    """
    old = time.time() - seconds
    for path in [root] if root.is_file() else root.rglob("*.md"):
        os.utime(path, (old, old))


@pytest.fixture(autouse=True)
def trust_recent_times(monkeypatch: pytest.MonkeyPatch) -> None:
    """A test's files were all changed a moment ago (``os.utime`` sets the ctime to now),
    so the racy-timestamp guard would have every row read again. The guard's own tests
    set it back to the real value."""
    monkeypatch.setattr("vault_tools.store.cache.RACY_NS", 0)


@pytest.fixture
def root(vault) -> Path:  # type: ignore[no-untyped-def]
    made: Path = vault(
        {
            "Interviews/a.md": DONE,
            "Interviews/b.md": BROKEN,
            "Daily/2026-11-20.md": "---\ntags: [daily]\n---\nhello\n",
        }
    )
    age(made)
    return made


def check(root: Path, config: Config | None = None, as_of: dt.date = AS_OF, **kw: object):  # type: ignore[no-untyped-def]
    config = config or read_config(root)
    return check_vault(root, config, as_of, list_notes(root, config), **kw)  # type: ignore[arg-type]


def codes(result) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return [(d.path, d.rule) for d in result.diagnostics]


def test_second_run_reads_no_note_and_gives_the_same_result(root: Path) -> None:
    first, run1 = check(root)
    second, run2 = check(root)
    assert first == second
    assert codes(first) == [("Interviews/b.md", "VT103")]
    assert run1.parsed == 3
    assert (run2.parsed, run2.linted) == (0, 0)


def test_a_changed_note_is_parsed_again_alone(root: Path) -> None:
    check(root)
    (root / "Interviews" / "b.md").write_text(PLANNED)
    age(root / "Interviews" / "b.md")
    result, run = check(root)
    assert codes(result) == []
    assert run.parsed == 1


def test_a_note_changed_just_now_with_the_same_size_and_mtime_is_not_missed(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Same size, and the mtime restored: the ctime and the racy-timestamp guard catch
    # this; a file saved less than 2 s before the cache recorded it is re-checked next time.
    monkeypatch.setattr("vault_tools.store.cache.RACY_NS", 2_000_000_000)
    path = root / "Interviews" / "b.md"
    os.utime(path, None)  # "saved now"
    check(root)
    stat = path.stat()
    path.write_text(BROKEN.replace("waiting", "planned"))  # same length as "waiting"
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert path.stat().st_size == stat.st_size
    result, _ = check(root)
    assert codes(result) == []


def test_a_row_stored_for_a_file_saved_just_now_is_read_again(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("vault_tools.store.cache.RACY_NS", 2_000_000_000)
    os.utime(root / "Interviews" / "b.md", None)  # saved now: its times are not trusted yet
    check(root)
    _, again = check(root)
    assert again.parsed >= 1


@pytest.mark.parametrize(
    "planted",
    [
        '[1, [["Elsewhere/x.md", 1, 1, "VT103", "error", "a note this vault lacks"]]]',
        '[1, [["Interviews/b.md", 1, 1, "VT999", "error", "a rule that does not exist"]]]',
    ],
)
def test_a_stored_result_that_is_not_this_vaults_is_not_shown(root: Path, planted: str) -> None:
    # Even with a key that matches (written by hand into one's own cache), findings of a
    # file the listing lacks, or of a rule that does not exist, are not taken.
    expected, _ = check(root)
    db = sqlite3.connect(root / CACHE_DIR / CACHE_NAME)
    db.execute("UPDATE snapshot SET result = ?", (planted,))
    db.execute("UPDATE files SET lint = ? WHERE path = 'Interviews/b.md'", (planted,))
    db.commit()
    db.close()
    result, _ = check(root)
    assert result == expected


def test_deleted_notes_are_dropped(root: Path) -> None:
    check(root)
    (root / "Interviews" / "b.md").unlink()
    result, _ = check(root)
    assert result.notes_checked == 1 and codes(result) == []
    db = sqlite3.connect(root / CACHE_DIR / CACHE_NAME)
    assert [p for (p,) in db.execute("SELECT path FROM files")] == [
        "Daily/2026-11-20.md",
        "Interviews/a.md",
    ]


def test_config_change_reruns_rules_on_the_interview_notes_only(root: Path) -> None:
    # The cache holds results, not parses: the interview notes are read again, and the
    # daily note, known to be no interview under this selection, is not.
    check(root)
    config = Config(rules={"VT103": "off"})
    result, run = check(root, config)
    assert codes(result) == [] and run.parsed == 2 and run.linted == 2 and run.reused == 1
    # ... and the rules always run on the current config: back to the default.
    result, _ = check(root, Config())
    assert codes(result) == [("Interviews/b.md", "VT103")]


def test_as_of_change_reruns_date_rules(root: Path) -> None:
    check(root)
    result, run = check(root, as_of=dt.date(2026, 11, 19))
    assert ("Interviews/a.md", "VT104") in codes(result)  # done, dated 11-20: the future
    assert run.parsed == 2 and run.reused == 1  # the interview notes, not the daily note


def test_selection_change_brings_other_notes_in(root: Path) -> None:
    check(root)
    result, _ = check(root, Config(folders=("",)))
    assert result.notes_checked == 3  # the daily note is now an interview too


def test_no_cache_neither_reads_nor_writes_it(root: Path) -> None:
    result, _run = check(root, use_cache=False)
    assert codes(result) == [("Interviews/b.md", "VT103")]
    assert not (root / CACHE_DIR).exists()


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda p: p.write_bytes(b"this is not a database" * 100), id="garbage"),
        pytest.param(lambda p: p.write_bytes(p.read_bytes()[:1000]), id="truncated"),
    ],
)
def test_a_corrupt_cache_is_rebuilt_with_one_warning(root: Path, damage) -> None:  # type: ignore[no-untyped-def]
    check(root)
    damage(root / CACHE_DIR / CACHE_NAME)
    result, run = check(root)
    assert codes(result) == [("Interviews/b.md", "VT103")]
    assert len(run.warnings) <= 1
    again, run2 = check(root)
    assert again == result and run2.warnings == [] and run2.parsed == 0


def test_a_foreign_version_cache_is_started_over(root: Path) -> None:
    check(root)
    db = sqlite3.connect(root / CACHE_DIR / CACHE_NAME)
    db.execute("UPDATE meta SET value = '999' WHERE key = 'schema'")
    db.commit()
    db.close()
    result, run = check(root)
    assert codes(result) == [("Interviews/b.md", "VT103")] and run.parsed == 3


def test_a_read_only_cache_is_bypassed_with_a_warning(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    check(root)
    connect = sqlite3.connect

    def read_only(path: object, **kwargs: object) -> sqlite3.Connection:
        # As on a read-only file system (CI runs as root, so permissions would not do).
        kwargs.pop("uri", None)
        return connect(f"file:{path}?mode=ro", uri=True, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr("vault_tools.store.cache.sqlite3.connect", read_only)
    (root / "Interviews" / "b.md").write_text(PLANNED)
    age(root / "Interviews" / "b.md")
    result, run = check(root)
    assert codes(result) == []
    assert len(run.warnings) == 1 and "cache" in run.warnings[0]


def test_a_locked_cache_costs_a_warning_not_the_run(root: Path) -> None:
    check(root)
    holder = sqlite3.connect(root / CACHE_DIR / CACHE_NAME, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # another process holds the write lock for long
    try:
        (root / "Interviews" / "b.md").write_text(PLANNED)
        age(root / "Interviews" / "b.md")
        started = time.monotonic()
        result, run = check(root)
        assert codes(result) == []
        assert run.warnings and "cache" in run.warnings[0]
        assert time.monotonic() - started < 30
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_an_unusable_cache_folder_is_bypassed(root: Path) -> None:
    (root / CACHE_DIR).write_text("a file where the cache folder should be")
    result, run = check(root)
    assert codes(result) == [("Interviews/b.md", "VT103")]
    assert len(run.warnings) == 1


def test_two_processes_at_once_leave_a_readable_cache(root: Path) -> None:
    for i in range(30):
        (root / "Interviews" / f"n{i}.md").write_text(DONE)
    age(root)
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            for _ in range(3):
                check(root)
        except BaseException as exc:  # pragma: no cover - the assertion below reports it
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors
    result, run = check(root)
    assert result.notes_checked == 32 and run.parsed == 0


def test_reports_read_only_facts_when_nothing_changed(root: Path) -> None:
    from vault_tools.store.sync import load_interview_facts

    config = read_config(root)
    first, run1 = load_interview_facts(root, config, AS_OF, list_notes(root, config))
    again, run2 = load_interview_facts(root, config, AS_OF, list_notes(root, config))
    assert [f.path for f in first] == ["Interviews/a.md", "Interviews/b.md"]
    assert again == first
    assert (run1.parsed, run2.parsed, run2.reused) == (3, 0, 3)
    # ... and a check after a report reads nothing either: the report linted what it read.
    _, run3 = check(root)
    assert run3.parsed == 0


def test_the_report_snapshot_is_used_only_for_the_listing_it_saw(root: Path) -> None:
    from vault_tools.store.sync import load_interview_facts

    config = read_config(root)

    def facts() -> tuple[list[str], object]:
        found, run = load_interview_facts(root, config, AS_OF, list_notes(root, config))
        return [f"{f.path}:{f.status}" for f in found], run

    first, _ = facts()
    again, run = facts()
    assert again == first and run.parsed == 0  # type: ignore[attr-defined]
    # The same size, the mtime put back: the ctime tells the note changed.
    path = root / "Interviews" / "b.md"
    info = path.stat()
    path.write_text(BROKEN.replace("waiting", "planned"))
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
    changed, run = facts()
    assert "Interviews/b.md:planned" in changed and run.parsed == 1  # type: ignore[attr-defined]
    # A row the snapshot counts on, gone (another run forgot it): read the note again.
    db = sqlite3.connect(root / CACHE_DIR / CACHE_NAME)
    db.execute("DELETE FROM files WHERE path = 'Interviews/a.md'")
    db.commit()
    db.close()
    last, run = facts()
    assert last == changed and run.parsed == 1  # type: ignore[attr-defined]


def test_a_check_for_another_day_keeps_the_facts_a_report_stored(root: Path) -> None:
    from vault_tools.store.sync import load_interview_facts

    config = read_config(root)
    load_interview_facts(root, config, AS_OF, list_notes(root, config))
    _, relint = check(root, as_of=dt.date(2026, 11, 28))  # the next morning's check
    assert relint.parsed == 2
    _, run = load_interview_facts(root, config, dt.date(2026, 11, 28), list_notes(root, config))
    assert run.parsed == 0  # the check stored its results beside the facts, not over them


def test_facts_follow_the_template(root: Path) -> None:
    from vault_tools.store.sync import load_interview_facts

    config = read_config(root)
    load_interview_facts(root, config, AS_OF, list_notes(root, config))
    template = root / "Templates" / "Interview.md"
    template.parent.mkdir()
    template.write_text("---\ntype: interview\n---\n## Research\nWho are they?\n")
    _, run = load_interview_facts(root, config, AS_OF, list_notes(root, config))
    assert run.parsed == 2  # the prompts count as empty: the interview notes' facts redone


def test_reports_read_interview_notes_through_the_cache(root: Path) -> None:
    config = read_config(root)
    notes, run1 = load_interview_notes(root, config, list_notes(root, config))
    again, run2 = load_interview_notes(root, config, list_notes(root, config))
    assert (
        [n.path for n in notes] == [n.path for n in again] == ["Interviews/a.md", "Interviews/b.md"]
    )
    assert run1.parsed == 3 and run2.parsed == 2  # the daily note is known: not read again
    assert again[0].frontmatter == notes[0].frontmatter and again[0].tasks == notes[0].tasks


def test_cli_no_cache_flag(root: Path) -> None:
    result = CliRunner().invoke(
        cli,
        ["check", "--vault", str(root), "--as-of", "2026-11-27", "--no-cache"],
        catch_exceptions=False,
    )
    assert result.exit_code == 1 and not (root / CACHE_DIR).exists()


def test_the_patched_snapshot_always_equals_a_full_check(root: Path) -> None:
    """Edits, new notes, deletions and renames, one run after another: the cached result
    (patched from the last whole-vault check) equals a check that reads everything."""
    import random

    rng = random.Random(5)
    texts = [
        DONE,
        BROKEN,
        PLANNED,
        replace(DONE, "## Takeaways", "## Other"),
        "# no front matter\n",
    ]
    for i in range(12):
        (root / "Interviews" / f"n{i}.md").write_text(rng.choice(texts))
    age(root)
    check(root)
    for step in range(25):
        notes = sorted((root / "Interviews").glob("*.md"))
        action = rng.choice(["edit", "add", "delete", "rename"])
        target = rng.choice(notes)
        if action == "edit":
            target.write_text(rng.choice(texts) + f"\n{step}\n")
            age(target, 1000 - step)
        elif action == "add":
            new = root / "Interviews" / f"added{step}.md"
            new.write_text(rng.choice(texts))
            age(new)
        elif action == "delete" and len(notes) > 2:
            target.unlink()
        elif action == "rename":
            target.rename(target.with_name(f"renamed{step}.md"))
        cached, run = check(root)
        fresh, _ = check(root, use_cache=False)
        assert cached == fresh, (step, action)
        assert run.parsed <= 1


def test_a_read_error_is_not_kept_in_the_snapshot(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from vault_tools import vault as vault_module

    real = vault_module.read_note_version

    def deny(root_: Path, rel: str) -> object:
        if rel.endswith("b.md"):  # CI runs as root: simulate the permission error
            raise PermissionError(13, "Permission denied")
        return real(root_, rel)

    monkeypatch.setattr(vault_module, "read_note_version", deny)
    denied, _ = check(root)
    assert ("Interviews/b.md", "VT005") in codes(denied)
    monkeypatch.undo()  # permission fixed: neither mtime nor size changed
    again, _ = check(root)
    assert codes(again) == [("Interviews/b.md", "VT103")]


def test_without_directory_descriptors_the_folder_is_still_never_followed(
    root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Where names cannot be reached through a folder's descriptor (Windows), each is
    # looked at with lstat first: the same refusals, the same results.
    monkeypatch.setattr("vault_tools.store.cache._DIR_FD", False)
    first, _ = check(root)
    again, run = check(root)
    assert again == first and run.parsed == 0
    assert (root / CACHE_DIR / "CACHEDIR.TAG").is_file()
    assert (root / CACHE_DIR / ".gitignore").read_text().splitlines()[-1] == "*"
    journal = root / CACHE_DIR / f"{CACHE_NAME}-journal"
    journal.symlink_to(tmp_path / "elsewhere")
    third, run = check(root)
    assert third == first and not journal.is_symlink() and not (tmp_path / "elsewhere").exists()
    outside = tmp_path / "outside"
    outside.mkdir()
    shutil.rmtree(root / CACHE_DIR)
    (root / CACHE_DIR).symlink_to(outside)
    fourth, run = check(root)
    assert fourth == first and any("symlink" in w for w in run.warnings)
    assert list(outside.iterdir()) == []
