"""Writes that cannot escape the vault or lose a word.

Every write (`index`/`followups`/`digest --write`, `watch --write-index`, `new`, `init`)
walks its folders from the vault root without following a symlink, stages the note where a
killed run leaves nothing behind, and replaces a generated note only while it still holds
what vault-tools wrote. Each test here is one of the findings of
``../shared/repros/2026-12-reliability`` (02, 03, 10, 11, 14, 18, 20), or a case next to one.
"""

from __future__ import annotations

import contextlib
import errno
import os
import random
import shutil
import signal
import subprocess
import sys
import textwrap
import threading
import time
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from conftest import AS_OF, REPO, copy_sample_vault, unstamped

from vault_tools import files
from vault_tools.app import changed_since_written, generated_text, stamped, write_note
from vault_tools.cli import cli
from vault_tools.config import Config
from vault_tools.errors import VaultToolsError
from vault_tools.files import (
    AlreadyExistsError,
    WriteRefused,
    create_new,
    open_folder,
    write_generated,
)
from vault_tools.scaffold import NAME_MAX, cut_to_bytes
from vault_tools.vault import list_notes
from vault_tools.watch import is_watched_note

POSIX = pytest.mark.skipif(sys.platform == "win32", reason="symlinks and signals of POSIX")
GENERATED = "---\ngenerated_by: vault-tools\n---\n# Index\n"
TIME_LIMIT_S = 60


def ours(raw: bytes) -> bool:
    return raw.startswith(b"---\ngenerated_by: vault-tools\n")


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(
        cli, [str(a) for a in args] + ["--as-of", AS_OF.isoformat()], catch_exceptions=False
    )


def temps(root: Path) -> list[str]:
    """Temporary files anywhere in the vault, ours or an earlier version's."""
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.name.endswith(".tmp"))


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    return copy_sample_vault(tmp_path / "vault")


@pytest.fixture(params=["dir-fd", "by-path"])
def both_ways(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run a test with directory descriptors, and as where there are none (Windows)."""
    if request.param == "by-path":
        monkeypatch.setattr(files, "DIR_FD", False)
    elif not files.DIR_FD:
        pytest.skip("no directory descriptors on this system")
    return str(request.param)


# --------------------------------------------------------------------------------------------
# 02: a folder swapped for a symlink while the write happens


@POSIX
def test_a_folder_flipped_to_a_symlink_mid_write_never_sends_a_note_outside(
    tmp_path: Path,
) -> None:
    root, outside = tmp_path / "vault", tmp_path / "outside"
    out, parked, link = root / "Out", root / "Out.real", root / "Out.link"
    out.mkdir(parents=True)
    outside.mkdir()
    link.symlink_to(outside, target_is_directory=True)
    stop = threading.Event()
    flips = 0

    def flip() -> None:
        nonlocal flips
        while not stop.is_set():
            try:
                os.rename(out, parked)
            except OSError:
                continue
            try:
                os.rename(link, out)  # Out/ now leads outside the vault
                flips += 1
                os.rename(out, link)
            except OSError:
                pass  # the writer made a fresh Out/ in between
            try:
                os.rename(parked, out)
            except OSError:  # over the writer's fresh Out/: remove that one first
                shutil.rmtree(out, ignore_errors=True)
                with contextlib.suppress(OSError):
                    os.rename(parked, out)
            time.sleep(0)  # a window for the writer to get through now and then

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # interleave the two threads as finely as can be
    flipper = threading.Thread(target=flip, daemon=True)
    flipper.start()
    written = refused = 0
    try:
        for i in range(300):
            try:
                write_generated(root, "Out/Index.md", GENERATED + f"run {i}\n", ours)
                written += 1
            except VaultToolsError:
                refused += 1
            assert list(outside.iterdir()) == [], f"written outside the vault at run {i}"
    finally:
        stop.set()
        flipper.join(TIME_LIMIT_S)
        sys.setswitchinterval(interval)
    # How many writes got through depends on how the threads were scheduled (on a loaded
    # machine, none may): what must hold is that the race ran and nothing left the vault.
    assert flips and written + refused == 300, (written, refused, flips)
    assert list(outside.iterdir()) == []
    # Once the folder is itself again, the write lands inside.
    if out.is_symlink():
        out.unlink()
    if parked.is_dir():
        shutil.rmtree(out, ignore_errors=True)  # a fresh Out/ the writer made meanwhile
        os.rename(parked, out)
    write_generated(root, "Out/Index.md", GENERATED + "after\n", ours)
    assert (out / "Index.md").read_text("utf-8").endswith("after\n")
    assert list(outside.iterdir()) == []


@POSIX
@pytest.mark.parametrize(
    "case",
    [
        "folder-symlink-leading-outside",
        "folder-symlink-inside-the-vault",
        "dangling-folder-symlink",
        "output-symlink-to-another-note",
        "dangling-output-symlink",
    ],
)
@pytest.mark.parametrize("command", ["index", "followups", "digest"])
def test_a_planted_symlink_on_the_output_path_is_refused(
    sample: Path, tmp_path: Path, case: str, command: str
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    folder = "Digests" if command == "digest" else "Interviews"
    rel = {"index": "Interviews/Index.md", "followups": "Interviews/Follow-ups.md"}.get(
        command, "Digests/2026-W47.md"
    )
    victim = sample / "People/Ana Souza.md"
    before = victim.read_bytes()
    people = sorted(p.name for p in (sample / "People").iterdir())
    if case.startswith(("folder", "dangling-folder")):
        config = (
            '[output]\nindex = "Out/Index.md"\nfollowups = "Out/Follow-ups.md"\ndigests = "Out"\n'
        )
        (sample / ".vault-tools.toml").write_text(config, "utf-8")
        rel = {"index": "Out/Index.md", "followups": "Out/Follow-ups.md"}.get(
            command, "Out/2026-W47.md"
        )
        target = {
            "folder-symlink-leading-outside": outside,
            "folder-symlink-inside-the-vault": sample / "People",
            "dangling-folder-symlink": tmp_path / "nowhere",
        }[case]
        (sample / "Out").symlink_to(target, target_is_directory=True)
    else:
        (sample / folder).mkdir(exist_ok=True)
        target = victim if case == "output-symlink-to-another-note" else sample / "People/New.md"
        (sample / rel).symlink_to(target)
    result = run(command, "--write", "--vault", sample)
    assert result.exit_code == 2, result.output
    assert "is a symlink, and vault-tools never writes through one" in result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert victim.read_bytes() == before
    assert not (sample / "People/New.md").exists() and not (tmp_path / "nowhere").exists()
    assert list(outside.iterdir()) == []
    assert sorted(p.name for p in (sample / "People").iterdir()) == people


@POSIX
def test_new_and_init_refuse_a_symlinked_folder(tmp_path: Path) -> None:
    root, outside = tmp_path / "vault", tmp_path / "outside"
    root.mkdir()
    outside.mkdir()
    (root / "Interviews").symlink_to(outside, target_is_directory=True)
    (root / "Templates").symlink_to(tmp_path / "nowhere", target_is_directory=True)
    new = run("new", "Jane Doe", "--vault", root)
    assert new.exit_code == 2
    assert new.stderr == (
        "vault-tools: error: refusing to write Interviews/Jane Doe.md: Interviews is a symlink, "
        "and vault-tools never writes through one (it could lead outside the vault)\n"
    )
    init = run("init", "--vault", root)
    assert init.exit_code == 2 and "Templates is a symlink" in init.stderr
    assert list(outside.iterdir()) == [] and not (tmp_path / "nowhere").exists()


def test_both_writers_refuse_a_symlink_or_a_folder_at_the_name(
    tmp_path: Path, both_ways: str
) -> None:
    (tmp_path / "Interviews").mkdir()
    (tmp_path / "other.md").write_text("mine\n", "utf-8")
    (tmp_path / "Interviews/Index.md").symlink_to(tmp_path / "other.md")
    (tmp_path / "Interviews/Gone.md").symlink_to(tmp_path / "nowhere.md")
    (tmp_path / "Interviews/Folder.md").mkdir()
    for name in ("Index.md", "Gone.md"):
        with pytest.raises(VaultToolsError, match="it is a symlink"):
            write_generated(tmp_path, f"Interviews/{name}", GENERATED, ours)
        with pytest.raises(AlreadyExistsError, match="a symlink, never written through"):
            create_new(tmp_path, f"Interviews/{name}", "x")
    with pytest.raises(VaultToolsError, match="not a regular file"):
        write_generated(tmp_path, "Interviews/Folder.md", GENERATED, ours)
    with pytest.raises(AlreadyExistsError):
        create_new(tmp_path, "Interviews/Folder.md", "x")
    with pytest.raises(VaultToolsError, match=r"other\.md is not a folder"):
        write_generated(tmp_path, "other.md/x.md", GENERATED, ours)
    assert (tmp_path / "other.md").read_text("utf-8") == "mine\n"
    assert not (tmp_path / "nowhere.md").exists()
    assert temps(tmp_path) == []


def test_without_directory_descriptors_writes_are_whole_and_keep_the_mode(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Where names cannot be reached through a folder's descriptor (Windows), every folder is
    # looked at with lstat first: the same refusals (above), the same results.
    monkeypatch.setattr(files, "DIR_FD", False)
    folder = open_folder(tmp_path, ("A", "B"), create=True)
    assert (folder.fd, folder.made) == (-1, True)
    assert write_generated(tmp_path, "A/B/Index.md", GENERATED, ours)
    os.chmod(tmp_path / "A/B/Index.md", 0o640)
    assert write_generated(tmp_path, "A/B/Index.md", GENERATED + "rows\n", ours)
    assert (tmp_path / "A/B/Index.md").read_text("utf-8") == GENERATED + "rows\n"
    assert (tmp_path / "A/B/Index.md").stat().st_mode & 0o777 == 0o640
    create_new(tmp_path, "A/New.md", "new\n")
    with pytest.raises(AlreadyExistsError):
        create_new(tmp_path, "A/New.md", "other\n")
    assert (tmp_path / "A/New.md").read_text("utf-8") == "new\n"
    assert temps(tmp_path) == []


@pytest.mark.skipif(not files.TMPFILE, reason="O_TMPFILE is Linux's")
@pytest.mark.parametrize("failure", ["O_TMPFILE-refused", "no-link-from-proc"])
def test_without_anonymous_files_a_named_temporary_file_is_used_and_removed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failure: str
) -> None:
    real_open, real_link = os.open, os.link
    named: list[str] = []

    def open_(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        if flags & os.O_TMPFILE == os.O_TMPFILE and failure == "O_TMPFILE-refused":
            raise OSError(errno.EOPNOTSUPP, "Operation not supported")
        if str(path).startswith(".vault-tools."):
            named.append(str(path))
        return real_open(path, flags, *args, **kwargs)

    def link(source: Any, *args: Any, **kwargs: Any) -> None:
        if str(source).startswith("/proc/"):
            raise OSError(errno.ENOENT, "No such file or directory")
        real_link(source, *args, **kwargs)

    monkeypatch.setattr(files.os, "open", open_)
    if failure == "no-link-from-proc":
        monkeypatch.setattr(files.os, "link", link)
    write_generated(tmp_path, "Interviews/Index.md", GENERATED, ours)
    write_generated(tmp_path, "Interviews/Index.md", GENERATED + "rows\n", ours)
    create_new(tmp_path, "Interviews/Jane Doe.md", "note\n")
    assert (tmp_path / "Interviews/Index.md").read_text("utf-8") == GENERATED + "rows\n"
    assert (tmp_path / "Interviews/Jane Doe.md").read_text("utf-8") == "note\n"
    assert len(named) >= 2 and all(len(name) < 40 for name in named)
    assert temps(tmp_path) == []


# --------------------------------------------------------------------------------------------
# 20: temporary files left by a killed run


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait(TIME_LIMIT_S)
    return child.pid


@POSIX
def test_a_write_removes_the_temporary_files_killed_runs_left_in_its_folder(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "Interviews"
    folder.mkdir()
    hour_ago = time.time() - 2 * 3600
    planted = {
        f".vault-tools.{_dead_pid()}.0123abcd.tmp": "removed: its process is gone",
        f".vault-tools.{os.getpid()}.4567cdef.tmp": "kept: a write of this process",
        f".vault-tools.{os.getpid()}.89abcdef.tmp": "removed: over an hour old",
        ".2026-11-20 Jane Doe.md.k2_x9qzp.tmp": "kept: an earlier version's, recent",
        ".Index.md.a1b2c3d4.tmp": "removed: an earlier version's, over an hour old",
        ".Follow-ups.ics.zzzzzzzz.tmp": "removed: an earlier version's, over an hour old",
        ".notes.tmp": "kept: not ours",
        ".draft.md.tmp": "kept: not ours",
    }
    for name in planted:
        (folder / name).write_text("partial", "utf-8")
        if "over an hour" in planted[name]:
            os.utime(folder / name, (hour_ago, hour_ago))
    (folder / ".vault-tools.1.deadbeef.tmp").symlink_to(tmp_path / "elsewhere")
    (tmp_path / "elsewhere").write_text("not a temp of ours", "utf-8")
    write_generated(tmp_path, "Interviews/Index.md", GENERATED, ours)
    left = sorted(p.name for p in folder.iterdir())
    expected = sorted(
        [name for name, fate in planted.items() if fate.startswith("kept")]
        + ["Index.md", ".vault-tools.1.deadbeef.tmp"]
    )
    assert left == expected
    assert (tmp_path / "elsewhere").exists()


def test_temporary_files_are_never_listed_or_watched(tmp_path: Path) -> None:
    names = [f".vault-tools.{os.getpid()}.0123abcd.tmp", ".Index.md.a1b2c3d4.tmp"]
    for name in names:
        (tmp_path / "Interviews").mkdir(exist_ok=True)
        (tmp_path / "Interviews" / name).write_text("---\ntype: interview\n---\n", "utf-8")
    (tmp_path / "Interviews/a.md").write_text("---\ntype: interview\n---\n", "utf-8")
    assert list_notes(tmp_path, Config()).paths == ("Interviews/a.md",)
    assert not any(is_watched_note(f"Interviews/{name}", Config()) for name in names)


_KILLED = textwrap.dedent(
    """\
    import sys
    from pathlib import Path
    from vault_tools.files import create_new, write_generated
    root = Path(sys.argv[1])
    text = "---\\ngenerated_by: vault-tools\\n---\\n" + "row\\n" * 20000
    print("ready", flush=True)
    for i in range(1000000):
        create_new(root, f"Interviews/{sys.argv[2]} {i}.md", text)
        write_generated(root, "Interviews/Index.md", text, lambda raw: True)
    """
)


@POSIX
def test_runs_killed_mid_write_leave_whole_notes_and_the_next_write_leaves_no_temp(
    tmp_path: Path,
) -> None:
    chance = random.Random(20)  # fixed: the same kill points every run
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    text = "---\ngenerated_by: vault-tools\n---\n" + "row\n" * 20000
    for run_no in range(12):
        child = subprocess.Popen(
            [sys.executable, "-c", _KILLED, str(tmp_path), f"n{run_no}"],
            stdout=subprocess.PIPE,
            env=env,
        )
        assert child.stdout is not None and child.stdout.readline() == b"ready\n"
        time.sleep(chance.uniform(0.0, 0.05))
        child.send_signal(signal.SIGKILL)
        child.wait(TIME_LIMIT_S)
        child.stdout.close()
    notes = sorted((tmp_path / "Interviews").glob("*.md"))
    assert len(notes) >= 2  # writes happened before the kills
    assert all(note.read_text("utf-8") == text for note in notes), "a partial note"
    assert all(name.startswith("Interviews/.vault-tools.") for name in temps(tmp_path))
    create_new(tmp_path, "Interviews/After.md", text)
    assert temps(tmp_path) == []


# --------------------------------------------------------------------------------------------
# 03: a generated note the user wrote into is not replaced


def test_a_written_note_records_the_hash_of_what_was_written(sample: Path) -> None:
    assert run("digest", "--write", "--vault", sample).exit_code == 0
    written = (sample / "Digests/2026-W47.md").read_text("utf-8")
    assert written.splitlines()[1:3] == [
        "generated_by: vault-tools",
        f"generated_sha256: {written.splitlines()[2].split(': ')[1]}",
    ]
    assert unstamped(written) == run("digest", "--vault", sample).stdout  # stdout: no hash
    assert "generated_sha256" not in run("index", "--format", "md", "--vault", sample).stdout
    assert not changed_since_written(written.encode("utf-8"))


@pytest.mark.parametrize(
    "edit",
    ["a-paragraph-appended", "a-property-added", "a-word-changed", "crlf"],
)
def test_a_digest_changed_after_it_was_written_is_left_as_it_is(sample: Path, edit: str) -> None:
    assert run("digest", "--write", "--vault", sample).exit_code == 0
    path = sample / "Digests/2026-W47.md"
    text = path.read_text("utf-8")
    edited = {
        "a-paragraph-appended": text + "\n## My reflection\nThree paragraphs I wrote.\n",
        "a-property-added": text.replace("type: digest\n", "type: digest\nreviewed: true\n"),
        "a-word-changed": text.replace("Weekly digest", "Weekly Digest"),
        "crlf": text.replace("\n", "\r\n"),
    }[edit]
    assert edited != text
    path.write_bytes(edited.encode("utf-8"))
    again = run("digest", "--write", "--vault", sample)
    assert (again.exit_code, again.stdout, again.stderr) == (
        2,
        "",
        "vault-tools: error: refusing to replace Digests/2026-W47.md: it was changed after "
        "vault-tools wrote it; move your text elsewhere, or run again with --force to "
        "replace it\n",
    )
    assert path.read_bytes() == edited.encode("utf-8")
    forced = run("digest", "--write", "--force", "--vault", sample)
    assert (forced.exit_code, forced.stderr) == (0, "wrote Digests/2026-W47.md\n")
    assert path.read_text("utf-8") == text
    assert run("digest", "--write", "--vault", sample).exit_code == 0  # ours again
    assert temps(sample) == []


@pytest.mark.parametrize("command", ["index", "followups"])
def test_index_and_followups_refuse_an_edited_note_too(sample: Path, command: str) -> None:
    rel = "Interviews/Index.md" if command == "index" else "Interviews/Follow-ups.md"
    assert run(command, "--write", "--vault", sample).exit_code == 0
    assert run(command, "--write", "--vault", sample).exit_code == 0  # unchanged: replaced
    with (sample / rel).open("a", encoding="utf-8") as handle:
        handle.write("- [ ] my own reminder\n")
    refused = run(command, "--write", "--vault", sample)
    assert refused.exit_code == 2 and f"refusing to replace {rel}: it was changed" in refused.stderr
    assert (sample / rel).read_text("utf-8").endswith("- [ ] my own reminder\n")
    assert run(command, "--write", "--force", "--vault", sample).exit_code == 0
    assert "my own reminder" not in (sample / rel).read_text("utf-8")


def test_a_generated_note_without_a_hash_from_an_earlier_version_is_replaced(
    sample: Path,
) -> None:
    # Earlier versions wrote what --format md prints: no hash line. It is replaced as before
    # (there is no telling what was changed), edited or not.
    (sample / "Digests").mkdir()
    earlier = run("digest", "--vault", sample).stdout + "\nA line added by hand.\n"
    (sample / "Digests/2026-W47.md").write_text(earlier, "utf-8")
    assert not changed_since_written(earlier.encode("utf-8"))
    result = run("digest", "--write", "--vault", sample)
    assert result.exit_code == 0
    written = (sample / "Digests/2026-W47.md").read_text("utf-8")
    assert "A line added by hand" not in written and "generated_sha256: " in written


def test_force_never_replaces_a_users_own_file(sample: Path) -> None:
    (sample / "Digests").mkdir()
    (sample / "Digests/2026-W47.md").write_text("# My week\n", "utf-8")
    result = run("digest", "--write", "--force", "--vault", sample)
    assert result.exit_code == 2
    assert "not written by vault-tools" in result.stderr
    assert "--force never replaces a file of yours" in result.stderr
    assert (sample / "Digests/2026-W47.md").read_text("utf-8") == "# My week\n"


@pytest.mark.parametrize("command", ["index", "followups", "digest"])
def test_force_goes_with_write(sample: Path, command: str) -> None:
    result = run(command, "--force", "--vault", sample)
    assert result.exit_code == 2 and "--force goes with --write" in result.stderr
    assert "--force" in run(command, "--help").stdout
    assert f"vault-tools {command} --write --force" in run(command, "--help").stdout


def test_writing_the_same_note_again_is_a_no_op(tmp_path: Path) -> None:
    meta = {"type": "index"}
    assert write_note(tmp_path, "Interviews/Index.md", meta, "rows\n", only_if_changed=True)
    path = tmp_path / "Interviews/Index.md"
    before = path.stat()
    assert not write_note(tmp_path, "Interviews/Index.md", meta, "rows\n", only_if_changed=True)
    after = path.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert write_note(tmp_path, "Interviews/Index.md", meta, "more rows\n", only_if_changed=True)
    assert unstamped(path.read_text("utf-8")) == generated_text(meta, "more rows\n")


def test_a_note_edited_while_it_is_being_written_is_not_lost(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The user saves the note between vault-tools' check of it and the rename: the rename
    # checks again, and refuses.
    text = stamped(generated_text({"type": "index"}, "rows\n"))
    write_generated(tmp_path, "Index.md", text, ours, edited=changed_since_written)
    real_staged = files._staged

    def user_saves_meanwhile(*args: Any) -> str:
        name = real_staged(*args)
        with (tmp_path / "Index.md").open("a", encoding="utf-8") as handle:
            handle.write("my words\n")
        return name

    monkeypatch.setattr(files, "_staged", user_saves_meanwhile)
    new = stamped(generated_text({"type": "index"}, "other rows\n"))
    with pytest.raises(WriteRefused, match="changed after vault-tools wrote it") as refused:
        write_generated(tmp_path, "Index.md", new, ours, edited=changed_since_written)
    assert refused.value.edited and refused.value.rel == "Index.md"
    assert (tmp_path / "Index.md").read_text("utf-8") == text + "my words\n"
    assert temps(tmp_path) == []


# --------------------------------------------------------------------------------------------
# 11: names of any length in `new`


def name_bytes(path: str) -> int:
    return len(os.fsencode(path.rsplit("/", 1)[-1]))


@pytest.mark.parametrize(
    ("person", "date"),
    [
        ("😀" * 100, None),
        ("ü" * 200, "2026-12-01"),
        ("q\u0301" * 150, None),  # q + combining acute: never cut between the two
        ("🇩🇪🇫🇷" * 40, "2026-12-01"),  # flags: never half of one
        ("👩\u200d👩\u200d👧" * 30, None),  # a family: never cut after a joiner
        ("Jane " * 80, "2026-12-01"),
    ],
    ids=["emoji", "accented", "combining", "flags", "zwj", "ascii"],
)
def test_a_long_name_is_shortened_to_fit_and_the_person_kept_whole(
    tmp_path: Path, person: str, date: str | None
) -> None:
    (tmp_path / "Interviews").mkdir()
    args = ["new", person, "--vault", tmp_path] + (["--date", date] if date else [])
    result = run(*args)
    assert result.exit_code == 0, result.output
    rel = result.stdout.strip()
    assert NAME_MAX - 18 <= name_bytes(rel) <= NAME_MAX, name_bytes(rel)
    stem = rel.rsplit("/", 1)[-1].removesuffix(".md").removeprefix(f"{date} " if date else "")
    whole = person.strip()
    assert whole.startswith(stem)
    cut_before = whole[len(stem)]  # the first character left out begins a new one
    assert not unicodedata.combining(cut_before) and cut_before != "\u200d"
    assert stem[-1] != "\u200d"
    assert sum(0x1F1E6 <= ord(c) <= 0x1F1FF for c in stem) % 2 == 0
    text = (tmp_path / rel).read_text("utf-8")
    assert person.strip() in text  # the front matter holds the whole name
    assert temps(tmp_path) == []


def test_a_name_of_254_bytes_is_not_refused_for_its_temporary_file(tmp_path: Path) -> None:
    name = "a" * 251 + ".md"
    assert len(name.encode()) == 254
    create_new(tmp_path, f"Interviews/{name}", "note\n")
    write_generated(tmp_path, f"Out/{name}", GENERATED, ours)
    write_generated(tmp_path, f"Out/{name}", GENERATED + "again\n", ours)
    assert (tmp_path / "Out" / name).read_text("utf-8") == GENERATED + "again\n"
    assert temps(tmp_path) == []


def test_names_too_long_for_the_file_system_are_one_clear_line(tmp_path: Path) -> None:
    (tmp_path / ".vault-tools.toml").write_text(
        f'[interviews]\nfolders = ["{"F" * 300}"]\n[output]\nindex = "{"I" * 300}.md"\n', "utf-8"
    )
    for args in (("new", "Jane Doe"), ("index", "--write"), ("init",)):
        result = run(*args, "--vault", tmp_path)
        assert result.exit_code == 2, (args, result.output)
        assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
        # Refused at config load (the name no file system holds), or by the writer.
        assert "name over 255 bytes" in result.stderr or "name too long" in result.stderr
    with pytest.raises(VaultToolsError, match="cannot write"):
        create_new(tmp_path, "x" * 300 + ".md", "x")


def test_a_name_holding_a_nul_character_is_refused_not_a_traceback(tmp_path: Path) -> None:
    for write in (
        lambda: create_new(tmp_path, "Interviews/a\x00b.md", "x"),
        lambda: write_generated(tmp_path, "In\x00terviews/Index.md", GENERATED, ours),
    ):
        with pytest.raises(VaultToolsError, match="cannot hold a NUL character"):
            write()
    assert list(tmp_path.iterdir()) == []


def test_cut_to_bytes() -> None:
    assert cut_to_bytes("abc", 3) == "abc"
    assert cut_to_bytes("abcd", 3) == "abc"
    assert cut_to_bytes("aü", 2) == "a"  # never half of a code point
    assert cut_to_bytes("ae\u0301", 3) == "a"  # nor an accent without its letter
    assert cut_to_bytes("a🇩🇪", 8) == "a"  # nor half a flag
    assert cut_to_bytes("a🇩🇪🇫🇷", 13) == "a🇩🇪"
    assert cut_to_bytes("a👍🏽", 8) == "a"  # nor a thumb without its skin tone


# --------------------------------------------------------------------------------------------
# 14: init --vault on a symlink


@POSIX
@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("loop", "it is a symlink loop"),
        ("dangling", "it is a symlink to a folder that does not exist"),
        ("under-a-dangling-symlink", "cannot create the vault folder"),
    ],
)
def test_init_on_a_symlink_that_leads_nowhere_is_refused(
    tmp_path: Path, case: str, message: str
) -> None:
    os.symlink("loop", tmp_path / "loop")
    os.symlink(tmp_path / "outside/vault", tmp_path / "dangling")
    vault = {"loop": "loop", "dangling": "dangling", "under-a-dangling-symlink": "dangling/sub"}
    result = run("init", "--vault", tmp_path / vault[case])
    assert result.exit_code == 2
    assert message in result.stderr and result.stderr.count("\n") == 1
    assert not (tmp_path / "outside").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dangling", "loop"]


@POSIX
def test_init_through_a_symlink_to_a_folder_sets_it_up(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "real", target_is_directory=True)
    result = run("init", "--vault", tmp_path / "link")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "real/.vault-tools.toml").is_file()
    assert (tmp_path / "real/Templates/Interview.md").is_file()
    assert (tmp_path / "real/Interviews").is_dir()
    again = run("init", "--vault", tmp_path / "link")
    assert again.exit_code == 0 and again.stdout.count("exists, left as it is") == 3


# --------------------------------------------------------------------------------------------
# 10: names that are not UTF-8


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="file names of any bytes")
def test_writes_in_a_vault_whose_names_are_not_utf8(tmp_path: Path) -> None:
    from notes import DONE

    root = tmp_path / os.fsdecode(b"Caf\xe9 \xff")  # the vault's own folder, as it may be
    assert run("init", "--vault", root).exit_code == 0
    (root / os.fsdecode(b"Interviews/Jos\xe9.md")).write_text(DONE, "utf-8")
    made = run("new", os.fsdecode(b"Ren\xe9"), "--vault", root)
    assert made.exit_code == 0, made.output
    for args in (("index", "--write"), ("followups", "--write"), ("digest", "--write")):
        result = run(*args, "--vault", root)
        assert result.exit_code == 0, (args, result.output)
    assert (root / "Digests/2026-W47.md").is_file()
    create_new(root, os.fsdecode(b"Interviews/x\xff.md"), "note\n")
    write_generated(root, os.fsdecode(b"Out\xff/Index.md"), GENERATED, ours)
    assert (root / os.fsdecode(b"Interviews/x\xff.md")).read_text("utf-8") == "note\n"
    assert len(list((root / "Interviews").iterdir())) == 5  # José, René, x, the two reports
    assert temps(root) == []


# --------------------------------------------------------------------------------------------
# An edited note (log, check --fix): replaced only if it still holds what was read


def test_an_edited_note_replaces_only_what_was_read(tmp_path: Path, both_ways: str) -> None:
    (tmp_path / "Interviews").mkdir()
    note = tmp_path / "Interviews" / "Jane.md"
    note.write_bytes(b"---\r\nstatus: planned\r\n---\r\n")
    os.chmod(note, 0o640)
    read = note.read_bytes()
    files.replace_note(tmp_path, "Interviews/Jane.md", read, read.replace(b"planned", b"done"))
    assert note.read_bytes() == b"---\r\nstatus: done\r\n---\r\n"
    assert note.stat().st_mode & 0o777 == 0o640  # the note's mode is kept
    # Saved meanwhile (the bytes are not those the edit was made from): left as saved.
    with pytest.raises(files.NoteChanged, match="changed on disk"):
        files.replace_note(tmp_path, "Interviews/Jane.md", read, b"lost\n")
    assert note.read_bytes() == b"---\r\nstatus: done\r\n---\r\n"
    # Read-only, even for root (whom `access` would let write): refused, not renamed over.
    now = note.read_bytes()
    os.chmod(note, 0o444)
    with pytest.raises(VaultToolsError, match="read-only"):
        files.replace_note(tmp_path, "Interviews/Jane.md", now, b"lost\n")
    assert note.read_bytes() == now
    os.chmod(note, 0o644)
    with pytest.raises(files.NoteChanged, match="is gone"):
        files.replace_note(tmp_path, "Interviews/Gone.md", b"", b"x\n")
    assert temps(tmp_path) == []


@POSIX
def test_an_edited_note_is_never_written_through_a_symlink(tmp_path: Path, both_ways: str) -> None:
    root, outside = tmp_path / "vault", tmp_path / "outside.md"
    (root / "Interviews").mkdir(parents=True)
    outside.write_bytes(b"---\nstatus: planned\n---\n")
    (root / "Interviews" / "Jane.md").symlink_to(outside)
    with pytest.raises(VaultToolsError, match="symlink"):
        files.replace_note(root, "Interviews/Jane.md", outside.read_bytes(), b"x\n")
    assert outside.read_bytes() == b"---\nstatus: planned\n---\n"
    (root / "Linked").symlink_to(tmp_path, target_is_directory=True)
    with pytest.raises(VaultToolsError, match="symlink"):
        files.replace_note(root, "Linked/outside.md", outside.read_bytes(), b"x\n")
    assert outside.read_bytes() == b"---\nstatus: planned\n---\n"
