"""The cache never changes an answer, never runs code, never hangs, never writes outside.

SPEC, "Configuration" (the cache) and "Safety": the cache holds data only; any cache
content, however crafted, is either a valid cache or ignored with one warning; a damaged
cache is rebuilt; a symlinked cache is not used; a FIFO never hangs a command; worker
processes end with the command; a result from the cache is the result without it.

Each test pins one finding of ``shared/repros/2026-12-reliability`` (its number is in the
test's name). They drive the command line only (``vault_tools.cli.cli`` in this process, or
the ``vault-tools`` console script where a real process, a signal or the environment is
needed) and never import the cache's modules, so they hold across a rewrite of the cache.
The only thing they assume about the cache is where it lives: ``.vault-tools/cache.sqlite``,
an sqlite database; its tables and columns are discovered, not named.
"""

from __future__ import annotations

import contextlib
import ctypes
import datetime as dt
import difflib
import json
import os
import pickle
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import traceback
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from click.testing import CliRunner

from vault_tools.cli import cli

AS_OF = "2026-11-27"
#: An old mtime (``touch -d 2025-01-01``): a file saved long ago, which the cache trusts at once.
OLD = dt.datetime(2025, 1, 1).timestamp()
CACHE = Path(".vault-tools") / "cache.sqlite"
WARNING = "vault-tools: warning:"

#: The reading commands, each as a user runs it (``--vault`` and ``--as-of`` are added).
READING = (
    ("check",),
    ("index", "--format", "json"),
    ("followups", "--format", "json"),
    ("digest", "--format", "json"),
)


# --------------------------------------------------------------------------------------------
# Vaults


def interview_note(person: str = "Jane Doe", status: str = "done", notes: str = "n") -> str:
    """A complete, clean interview note (the repros' ``common.sh note()``)."""
    return f"""\
---
type: interview
person: "[[{person}]]"
company: Acme Corp
role: Staff Data Engineer
status: {status}
requested: 2026-11-10
date: 2026-11-20T15:00
thank_you_sent: 2026-11-20
follow_up: 2026-12-15
keep_in_touch: 60d
tags: [interview]
---
## Objectives
- o
## Research
r
## Questions
1. How did you decide?
## Notes
{notes}
## Takeaways
- t
## Reflection
### What went well
- w
### What to improve
- i
## Follow-up
- [ ] Share the article 📅 2026-11-28
"""


def write(root: Path, rel: str, content: str | bytes, mtime: float = OLD) -> Path:
    """Write a vault file and give it ``mtime`` (by default an old one)."""
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)
    os.utime(path, (mtime, mtime))
    return path


def small_vault(root: Path) -> Path:
    """A few notes that give every reading command something to say: a clean done note, a
    broken one (VT103, exit 1), a request awaiting an answer, a daily note, a person note."""
    write(root, "Interviews/a.md", interview_note("Jane Doe"))
    write(root, "Interviews/b.md", interview_note("Ana Souza", "waiting"))
    write(root, "Interviews/c.md", interview_note("Marcus Lee", "requested"))
    write(root, "Daily/2026-11-20.md", "---\ntags: [daily]\n---\nTalked about #interview prep.\n")
    write(root, "People/Jane Doe.md", "---\nkeep_in_touch: 30d\n---\n# Jane Doe\n")
    return root


def many_notes(root: Path, count: int, body_lines: int = 0) -> Path:
    """``count`` clean done notes ``Interviews/n0000.md``..., each ``body_lines`` long in Notes."""
    notes = "".join(f"- point {j} about the team and how it works\n" for j in range(body_lines))
    text = interview_note("Jane Doe", notes=notes.rstrip("\n") or "n")
    for i in range(count):
        write(root, f"Interviews/n{i:04d}.md", text.replace("Jane Doe", f"P{i:04d}"))
    return root


def clean_copy(root: Path, where: Path) -> Path:
    """The vault without its cache, as a user's ``cp -a`` makes it (same folder name)."""
    copy = where / root.name
    shutil.copytree(root, copy, ignore=shutil.ignore_patterns(".vault-tools"))
    return copy


# --------------------------------------------------------------------------------------------
# Running commands


@dataclass(frozen=True)
class Run:
    args: tuple[str, ...]
    exit_code: int
    stdout: str
    stderr: str
    crash: str = ""  # the traceback, when the command raised instead of exiting

    def warnings(self) -> list[str]:
        return [line for line in self.stderr.splitlines() if line.startswith(WARNING)]

    def cache_warnings(self) -> list[str]:
        return [line for line in self.warnings() if mentions_cache(line)]


def mentions_cache(line: str) -> bool:
    return "cache" in line.lower() or ".vault-tools" in line


def invoke(root: Path, *args: str, cache: bool = True, as_of: str = AS_OF) -> Run:
    """``vault-tools ARGS --vault ROOT --as-of AS_OF [--no-cache]`` in this process."""
    argv = [*args, "--vault", str(root), "--as-of", as_of, *([] if cache else ["--no-cache"])]
    result = CliRunner().invoke(cli, argv)
    crash = ""
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        assert result.exc_info is not None
        crash = "".join(traceback.format_exception(*result.exc_info))
    return Run(tuple(argv), result.exit_code, result.stdout, result.stderr, crash)


def console_script() -> list[str]:
    """The installed ``vault-tools`` (beside this Python), else ``python -m vault_tools``."""
    script = Path(sys.executable).with_name("vault-tools")
    return [str(script)] if script.exists() else [sys.executable, "-m", "vault_tools"]


def vt_argv(root: Path, *args: str, cache: bool = True, as_of: str = AS_OF) -> list[str]:
    extra = [] if cache else ["--no-cache"]
    return [*console_script(), *args, "--vault", str(root), "--as-of", as_of, *extra]


def run_vt(
    argv: Sequence[str],
    *,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    timeout: float = 60,
    preexec_fn: Callable[[], None] | None = None,
) -> Run:
    """A real ``vault-tools`` process, with a time limit."""
    done = subprocess.run(
        list(argv),
        capture_output=True,
        timeout=timeout,
        env={**os.environ, "PYTHONIOENCODING": "utf-8", **(env or {})},
        cwd=cwd,
        preexec_fn=preexec_fn,
        check=False,
    )
    stderr = done.stderr.decode("utf-8", "replace")
    crash = stderr if "Traceback (most recent call last)" in stderr else ""
    return Run(tuple(argv), done.returncode, done.stdout.decode("utf-8", "replace"), stderr, crash)


def _clip(text: str, limit: int = 3000) -> str:
    return text if len(text) <= limit else text[:limit] + f"\n... ({len(text) - limit} more)"


def differences(cached: Run, plain: Run) -> list[str]:
    """How a run with the cache differs from the same run with ``--no-cache`` (none: [])."""
    found = []
    if cached.crash:
        last = cached.crash.strip().splitlines()[-1]
        found.append(f"crashed: {last}\n{_clip(cached.crash)}")
    if cached.exit_code != plain.exit_code:
        found.append(f"exit code {cached.exit_code}, --no-cache: {plain.exit_code}")
    if cached.stdout != plain.stdout:
        diff = difflib.unified_diff(
            plain.stdout.splitlines(),
            cached.stdout.splitlines(),
            "--no-cache",
            "cached",
            lineterm="",
        )
        found.append("stdout differs:\n" + _clip("\n".join(diff)))
    about_cache = cached.cache_warnings()
    if len(about_cache) > 1:
        found.append("more than one warning about the cache:\n" + _clip("\n".join(about_cache)))
    rest = [line for line in cached.stderr.splitlines() if line not in about_cache]
    if rest != plain.stderr.splitlines():
        found.append(
            f"stderr differs:\ncached:\n{_clip(cached.stderr)}\n--no-cache:\n{plain.stderr}"
        )
    return found


def assert_like_no_cache(cached: Run, plain: Run, what: str = "") -> None:
    found = differences(cached, plain)
    assert not found, f"{what}\n{' '.join(cached.args)}\n" + "\n".join(found)


def report(failures: Sequence[str], shown: int = 2) -> str:
    """Many failures: one line each, then the first ones in full."""
    heads = [failure.splitlines()[0] for failure in failures]
    listed = "\n".join(heads[:40]) + (
        f"\n... and {len(heads) - 40} more" if len(heads) > 40 else ""
    )
    return f"{len(failures)} failures:\n{listed}\n\nin full:\n" + "\n".join(failures[:shown])


# --------------------------------------------------------------------------------------------
# The cache as a database (discovered, never named)


@dataclass(frozen=True)
class Column:
    table: str
    name: str
    declared: str  # the declared type, upper case ("" when none)
    key: tuple[str, ...]  # the table's primary key columns, or ("rowid",)


def columns(database: Path) -> list[Column]:
    """Every column of every table of the cache (sqlite's own tables aside)."""
    db = sqlite3.connect(database)
    try:
        tables = [
            name
            for (name,) in db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        found = []
        for table in tables:
            info = db.execute(f'PRAGMA table_info("{table}")').fetchall()
            key = tuple(row[1] for row in sorted(info, key=lambda r: r[5]) if row[5]) or ("rowid",)
            found += [Column(table, row[1], (row[2] or "").upper(), key) for row in info]
        return found
    finally:
        db.close()


def plant(database: Path, column: Column, value: object) -> str:
    """Set ``column`` to ``value`` in every row (or, when a constraint refuses that, in the
    first row). Returns "" when planted, else why it could not be (not a test failure: the
    database itself refuses that content, so no run can ever meet it)."""
    db = sqlite3.connect(database, isolation_level=None)
    table, name = f'"{column.table}"', f'"{column.name}"'
    try:
        if db.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0:
            return "the table has no row"
        try:
            db.execute(f"UPDATE {table} SET {name} = ?", (value,))
            return ""
        except sqlite3.IntegrityError:
            pass  # e.g. one primary key for every row: plant it in one row only
        keys = ", ".join(f'"{k}"' if k != "rowid" else k for k in column.key)
        first = db.execute(f"SELECT {keys} FROM {table} LIMIT 1").fetchone()
        where = " AND ".join(f"{k} IS ?" for k in keys.split(", "))
        try:
            db.execute(f"UPDATE {table} SET {name} = ? WHERE {where}", (value, *first))
        except sqlite3.IntegrityError as exc:
            return f"refused by a constraint: {exc}"
        return ""
    finally:
        db.close()


def restore(root: Path, pristine: Path) -> None:
    """Put back the cache folder saved in ``pristine``."""
    shutil.rmtree(root / ".vault-tools", ignore_errors=True)
    shutil.copytree(pristine, root / ".vault-tools", symlinks=True)


# --------------------------------------------------------------------------------------------
# 01: nothing in the cache is ever executed, whatever it holds


class RunsCode:
    """Unpickled, it creates ``marker``: proof that code from the cache ran."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[Callable[[str], int], tuple[str]]:
        return (os.system, (f"touch '{self.marker}'",))


def _wrong_type(declared: str) -> object:
    # text where an integer is, an integer where text (or bytes) is
    return "not a number" if any(t in declared for t in ("INT", "REAL", "NUM")) else 12345


Payload = Callable[[Column, Path], object]

PAYLOADS: dict[str, Payload] = {
    "pickle": lambda c, marker: pickle.dumps(RunsCode(marker), protocol=pickle.HIGHEST_PROTOCOL),
    "pickle-as-text": lambda c, marker: pickle.dumps(RunsCode(marker), protocol=0).decode("ascii"),
    "json-class": lambda c, marker: json.dumps(
        {"__class__": "os.system", "__args__": [f"touch '{marker}'"]}
    ),
    "jsonpickle-reduce": lambda c, marker: json.dumps(
        {"py/reduce": [{"py/function": "os.system"}, {"py/tuple": [f"touch '{marker}'"]}]}
    ),
    "json-list": lambda c, marker: "[1,2]",
    "json-string": lambda c, marker: '"x"',
    "json-null-text": lambda c, marker: "null",
    "sql-null": lambda c, marker: None,
    "wrong-sql-type": lambda c, marker: _wrong_type(c.declared),
    "negative": lambda c, marker: -1,
    "most-negative": lambda c, marker: -(2**63),
    "huge-integer": lambda c, marker: 2**63 - 1,
    "huge-value": lambda c, marker: "x" * (5 << 20),
}


@pytest.fixture(scope="module")
def planted_vault(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, Run]]:
    """A small vault with a full cache (every command ran once), a copy of that cache, and
    each reading command's ``--no-cache`` run on a clean copy of the vault."""
    base = tmp_path_factory.mktemp("planted")
    root = small_vault(base / "vault")
    # The files' ctimes are new (only mtimes can be set back): give them the time a cache
    # may wait before it trusts a file, so the cache below holds rows that runs use.
    time.sleep(2.5)
    for args in READING:
        assert not invoke(root, *args).crash
    assert (root / CACHE).is_file(), "no cache at .vault-tools/cache.sqlite after a run"
    pristine = base / "pristine-cache"
    shutil.copytree(root / ".vault-tools", pristine, symlinks=True)
    clean = clean_copy(root, base / "clean")
    plain = {args[0]: invoke(clean, *args, cache=False) for args in READING}
    return root, pristine, plain


@pytest.mark.parametrize("payload", PAYLOADS)
def test_01_no_planted_cache_content_runs_code_or_changes_an_answer(
    payload: str, planted_vault: tuple[Path, Path, dict[str, Run]], tmp_path: Path
) -> None:
    """Plant the payload in every column of every table, in turn; before each reading
    command the cache is put back as it was and planted again."""
    root, pristine, plain = planted_vault
    marker = tmp_path / "PWNED"
    failures: list[str] = []
    skipped: list[str] = []  # plantings the database itself refuses: no run can meet them
    planted = 0
    for column in columns(pristine / CACHE.name):
        value = PAYLOADS[payload](column, marker)
        for args in READING:
            restore(root, pristine)
            refused = plant(root / CACHE, column, value)
            if refused:
                skipped.append(f"{column.table}.{column.name}: {refused}")
                break  # the same for every command
            planted += 1
            cached = invoke(root, *args)
            where = f"{payload} in {column.table}.{column.name}, then {args[0]}"
            if marker.exists():
                failures.append(f"{where}: code from the cache ran (marker created)")
                marker.unlink()
            failures += [f"{where}: {problem}" for problem in differences(cached, plain[args[0]])]
    restore(root, pristine)
    assert planted, f"nothing could be planted: {skipped}"
    assert not failures, report(failures) + "\n\nnot planted: " + "; ".join(skipped)


def test_cache_folder_marks_itself_as_a_cache(tmp_path: Path) -> None:
    root = small_vault(tmp_path / "vault")
    assert not invoke(root, "check").crash
    folder = root / ".vault-tools"
    ignore = folder / ".gitignore"
    tag = folder / "CACHEDIR.TAG"
    assert ignore.is_file(), "no .vault-tools/.gitignore: git would offer to commit the cache"
    lines = [line.strip() for line in ignore.read_text().splitlines()]
    assert [line for line in lines if line and not line.startswith("#")] == ["*"]
    assert tag.is_file(), "no .vault-tools/CACHEDIR.TAG: backup tools would save the cache"
    assert tag.read_bytes().startswith(b"Signature: 8a477f597d28d172789f06886806bc55")


# --------------------------------------------------------------------------------------------
# Concurrency (04, 05): real processes


def has_open(pid: int, name: str) -> bool:
    """Whether process ``pid`` holds a file named ``name`` open (False once it is gone)."""
    with contextlib.suppress(OSError):
        for fd in os.listdir(f"/proc/{pid}/fd"):
            with contextlib.suppress(OSError):
                if os.readlink(f"/proc/{pid}/fd/{fd}").endswith(name):
                    return True
    return False


def start(argv: Sequence[str]) -> subprocess.Popen[bytes]:
    """A ``vault-tools`` process in the background, its output discarded."""
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.Popen(
        list(argv), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env
    )


def wait_until_reading_cache(process: subprocess.Popen[bytes], limit: float = 5) -> None:
    """Until the process has the cache open (it has listed the vault), or it ended, or
    ``limit`` seconds passed (a cache that is never opened: go on anyway)."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline and process.poll() is None:
        if has_open(process.pid, CACHE.name):
            return
        time.sleep(0.005)


def finish(process: subprocess.Popen[bytes], timeout: float = 30) -> None:
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        pytest.fail(f"{process.args} still running after {timeout} s")


def test_04_a_note_checked_alone_during_a_new_days_whole_vault_check(tmp_path: Path) -> None:
    """The whole-vault check of a new day re-lints every note; a note edited and checked on
    its own meanwhile (pre-commit, an editor) must not get the old content's findings back."""
    root = many_notes(tmp_path / "vault", 2000)
    assert run_vt(vt_argv(root, "check", as_of="2026-11-01")).exit_code == 0
    stale = []
    for day, delay in ((2, 0.0), (3, 0.05), (4, 0.1)):  # three rounds, three timings
        as_of = f"2026-11-{day:02d}"
        rel = f"Interviews/n{day:04d}.md"
        whole = start(vt_argv(root, "check", as_of=as_of))
        wait_until_reading_cache(whole)
        time.sleep(delay)
        path = root / rel
        path.write_text(path.read_text().replace("status: done", "status: bogus-status"))
        saved = time.time() - 10  # saved 10 s before it is checked: an mtime to trust
        os.utime(path, (saved, saved))
        alone = run_vt(vt_argv(root, "check", rel, as_of=as_of), cwd=root)
        assert alone.exit_code == 1, alone.stderr
        finish(whole)
        cached = run_vt(vt_argv(root, "check", rel, as_of=as_of), cwd=root)
        plain = run_vt(vt_argv(root, "check", rel, as_of=as_of, cache=False), cwd=root)
        stale += [f"round {as_of} (delay {delay} s): {d}" for d in differences(cached, plain)]
    assert not stale, "\n".join(stale)


def test_05_overlapping_whole_vault_checks_while_files_change(tmp_path: Path) -> None:
    """A first check reads many changed notes; meanwhile they are put back as they were
    (content and mtime: a branch switched back, ``rsync -t``), a note is renamed, and a
    second check runs. Whatever order the two finish in, the cache then gives the answer."""
    root = many_notes(tmp_path / "vault", 200, body_lines=3000)
    broken = root / "Interviews/n0010.md"
    write(
        root, "Interviews/n0010.md", broken.read_text().replace("status: done", "status: waiting")
    )
    assert run_vt(vt_argv(root, "check")).exit_code == 1  # the whole-vault result is kept
    originals = {p: p.read_bytes() for p in sorted(root.glob("Interviews/n0*.md"))[20:170]}
    for path, text in originals.items():
        write(root, str(path.relative_to(root)), text + b"edit\n", mtime=OLD + 86400)
    first = start(vt_argv(root, "check"))
    wait_until_reading_cache(first)
    for path, text in originals.items():
        write(root, str(path.relative_to(root)), text)  # back as they were, old mtime too
    broken.rename(root / "Interviews/n0010b.md")
    second = run_vt(vt_argv(root, "check"))
    finish(first)
    assert "n0010b.md" in second.stdout, second.stdout
    for fmt in ("text", "json"):
        for attempt in (1, 2):
            cached = run_vt(vt_argv(root, "check", "--format", fmt))
            plain = run_vt(vt_argv(root, "check", "--format", fmt, cache=False))
            assert_like_no_cache(cached, plain, f"--format {fmt}, run {attempt} after the overlap")


# --------------------------------------------------------------------------------------------
# 06, 07, 08: everything a result depends on is in the key


def test_06_the_machines_time_zone_is_part_of_the_key(tmp_path: Path) -> None:
    """No time zone in the config: the machine's is the vault's. 23:30 UTC on Nov 20 is
    Nov 21 in Tokyo, where a done interview "tomorrow" is a VT104 warning."""
    root = tmp_path / "vault"
    text = interview_note().replace("date: 2026-11-20T15:00", "date: 2026-11-20T23:30:00Z")
    write(root, "Interviews/a.md", text)
    failures = []
    for tz in ("UTC", "Asia/Tokyo", "UTC"):
        for args in (("check",), ("followups", "--format", "json", "--all")):
            env = {"TZ": tz}
            cached = run_vt(vt_argv(root, *args, as_of="2026-11-20"), env=env)
            plain = run_vt(vt_argv(root, *args, as_of="2026-11-20", cache=False), env=env)
            failures += [f"TZ={tz} {args[0]}: {d}" for d in differences(cached, plain)]
    by_zone = {
        tz: run_vt(vt_argv(root, "check", as_of="2026-11-20", cache=False), env={"TZ": tz})
        for tz in ("UTC", "Asia/Tokyo")
    }
    assert by_zone["UTC"].stdout != by_zone["Asia/Tokyo"].stdout, "the zone changes nothing"
    assert not failures, "\n".join(failures)


def _without_dac_override() -> None:  # pragma: no cover - runs in the child
    """Run as root without the capabilities that let root read any file (dropped from the
    bounding set, so the exec'd program never gets them)."""
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (1, 2):  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH
        if libc.prctl(24, capability, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def _can_read(path: Path, preexec_fn: Callable[[], None] | None = None) -> bool:
    probe = [sys.executable, "-c", f"open({str(path)!r}, 'rb').read()"]
    try:
        done = subprocess.run(probe, preexec_fn=preexec_fn, capture_output=True, check=False)
    except (OSError, subprocess.SubprocessError):
        return True  # the capabilities could not be dropped: as good as readable
    return done.returncode == 0


def test_07_a_note_unreadable_once_is_read_again_when_it_is_readable(tmp_path: Path) -> None:
    """With VT005 off an unreadable note has no finding of its own; once readable again
    (chmod changes neither mtime nor size) its findings must come back."""
    root = tmp_path / "vault"
    write(root, ".vault-tools.toml", '[rules]\nVT005 = "off"\n')
    path = write(root, "Interviews/a.md", interview_note(status="waiting"))  # VT103: exit 1
    before = path.stat()
    path.chmod(0)
    try:
        # Root reads a chmod 000 file; root without CAP_DAC_OVERRIDE/CAP_DAC_READ_SEARCH
        # does not, as an ordinary user does not.
        runner = None
        if _can_read(path):
            runner = _without_dac_override
            if _can_read(path, runner):
                pytest.skip("root can read a chmod 000 file (and cannot drop CAP_DAC_OVERRIDE)")
        cached = run_vt(vt_argv(root, "check"), preexec_fn=runner)
        plain = run_vt(vt_argv(root, "check", cache=False), preexec_fn=runner)
        assert "a.md" not in plain.stdout, "the note was read: it is not unreadable"
        assert_like_no_cache(cached, plain, "while the note is unreadable")
    finally:
        path.chmod(0o644)
        os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert (path.stat().st_mtime_ns, path.stat().st_size) == (before.st_mtime_ns, before.st_size)
    cached = run_vt(vt_argv(root, "check"), preexec_fn=runner)
    plain = run_vt(vt_argv(root, "check", cache=False), preexec_fn=runner)
    assert plain.exit_code == 1, plain.stdout
    assert_like_no_cache(cached, plain, "readable again (same mtime and size)")


def _edit_in_place_keeping_mtime(path: Path) -> None:
    """A same-size edit whose mtime is put back, as ``touch -r`` does."""
    before = path.stat()
    path.write_text(path.read_text().replace("status: done", "status: dune"))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))


def _replace_like_cp_p(path: Path) -> None:
    """A same-size version with the old mtime, copied in as ``cp -p``/``rsync -t`` do: a
    new file (a new inode) renamed over the note."""
    before = path.stat()
    staged = path.with_name(f".{path.name}.tmp")
    staged.write_text(path.read_text().replace("status: done", "status: dune"))
    os.utime(staged, ns=(before.st_atime_ns, before.st_mtime_ns))
    os.replace(staged, path)


def _retarget_symlink(path: Path) -> None:
    """A symlinked note pointed at another file of the same size and mtime."""
    os.unlink(path)
    os.symlink("../People/y.md", path)


CHANGES_THAT_KEEP_MTIME_AND_SIZE = {
    "same-size-edit-mtime-restored": _edit_in_place_keeping_mtime,
    "cp-p-replacement-new-inode": _replace_like_cp_p,
    "symlink-retargeted": _retarget_symlink,
}


@pytest.mark.parametrize("change", CHANGES_THAT_KEEP_MTIME_AND_SIZE)
def test_08_a_change_that_keeps_mtime_and_size_is_noticed(change: str, tmp_path: Path) -> None:
    root = tmp_path / "vault"
    path = write(root, "Interviews/a.md", interview_note())
    write(root, "People/x.md", interview_note("Xavier"))
    write(root, "People/y.md", interview_note("Xavier").replace("status: done", "status: dune"))
    if change == "symlink-retargeted":
        path.unlink()
        os.symlink("../People/x.md", path)
    for args in (("check",), ("index", "--format", "json")):
        assert not invoke(root, *args).crash
    before = os.stat(path)
    CHANGES_THAT_KEEP_MTIME_AND_SIZE[change](path)
    after = os.stat(path)
    assert (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    for args in (("check",), ("check", "--format", "json"), ("index", "--format", "json")):
        assert_like_no_cache(invoke(root, *args), invoke(root, *args, cache=False), change)


# --------------------------------------------------------------------------------------------
# 13, 21: a damaged cache is never used and is rebuilt


def json_columns(database: Path) -> dict[Column, list[str | bytes]]:
    """The columns that hold JSON lists or objects (results, as text or UTF-8 bytes), with
    their values."""
    db = sqlite3.connect(database)
    found: dict[Column, list[str | bytes]] = {}
    try:
        for column in columns(database):
            values = db.execute(
                f'SELECT DISTINCT "{column.name}" FROM "{column.table}" '
                f"WHERE typeof(\"{column.name}\") IN ('text', 'blob')"
            ).fetchall()
            for (value,) in values:
                try:
                    text = value.decode("utf-8") if isinstance(value, bytes) else value
                    shaped = isinstance(json.loads(text), list | dict)
                except ValueError:  # UnicodeDecodeError too
                    continue
                if shaped and len(text) > 2:  # holds something, not [] or {}
                    found.setdefault(column, []).append(value)
        return found
    finally:
        db.close()


DAMAGE: dict[str, Callable[[str], str]] = {
    # the repro's flipped bits: "[[" -> "[{" (invalid JSON), then others
    "bracket-flipped": lambda text: text.replace("[[", "[{") if "[[" in text else "{" + text,
    "truncated": lambda text: text[: len(text) // 2],
    "wrong-shape": lambda text: '[["Interviews/b.md"], {"line": "x"}, 7]',
    "not-json": lambda text: "\x00garbage\xff",
}


def damage(
    database: Path, targets: Mapping[Column, list[str | bytes]], how: Callable[[str], str]
) -> None:
    db = sqlite3.connect(database, isolation_level=None)
    try:
        for column, values in targets.items():
            for value in values:
                text = value.decode("utf-8") if isinstance(value, bytes) else value
                damaged = how(text)
                new = (
                    damaged.encode("utf-8", "surrogatepass")
                    if isinstance(value, bytes)
                    else damaged
                )
                db.execute(
                    f'UPDATE "{column.table}" SET "{column.name}" = ? WHERE "{column.name}" = ?',
                    (new, value),
                )
    finally:
        db.close()


@pytest.mark.parametrize("how", DAMAGE)
def test_13_a_damaged_result_row_never_crashes_check(
    how: str, planted_vault: tuple[Path, Path, dict[str, Run]]
) -> None:
    root, pristine, _ = planted_vault
    results = json_columns(pristine / CACHE.name)
    assert results, "no column of the cache holds a result as JSON"
    plain = {fmt: invoke(root, "check", "--format", fmt, cache=False) for fmt in ("text", "json")}
    assert plain["text"].exit_code == 1, plain["text"].stdout
    # Every result column at once (nothing left intact to fall back on), then each alone.
    targets: list[tuple[str, dict[Column, list[str | bytes]]]] = [("every result column", results)]
    targets += [(f"{c.table}.{c.name}", {c: v}) for c, v in results.items()]
    failures = []
    for label, target in targets:
        restore(root, pristine)
        damage(root / CACHE, target, DAMAGE[how])
        for run in (1, 2, 3):
            for fmt in ("text", "json"):
                found = differences(invoke(root, "check", "--format", fmt), plain[fmt])
                failures += [f"{how} in {label}, run {run} ({fmt}): {d}" for d in found]
    restore(root, pristine)
    assert not failures, report(failures)


def test_21_a_cache_damaged_deep_inside_is_rebuilt(tmp_path: Path) -> None:
    root = many_notes(tmp_path / "vault", 800)
    assert run_vt(vt_argv(root, "check")).exit_code == 0
    database = root / CACHE
    header = database.read_bytes()[:100]
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = database.stat().st_size // page_size
    assert pages >= 8, f"the cache has only {pages} pages: too small to damage deep inside"
    deep = min(100, pages // 2)  # the repro's page 100, when the file has that many
    with open(database, "r+b") as f:
        f.seek(page_size * deep)
        f.write(b"\x0d" + b"\xff" * (page_size - 1))
    runs = []
    for day in (21, 22, 23, 24):  # a new as-of each time: every run has results to store
        as_of = f"2026-11-{day}"
        cached = run_vt(vt_argv(root, "check", as_of=as_of))
        plain = run_vt(vt_argv(root, "check", as_of=as_of, cache=False))
        assert_like_no_cache(cached, plain, f"as of {as_of}, after the damage")
        runs.append((as_of, cached.warnings()))
    warned = [(as_of, found) for as_of, found in runs if found]
    assert len(warned) <= 1, f"the damage is warned about again and again: {warned}"
    assert not runs[-1][1] and not runs[-2][1], f"still warning: {runs}"


# --------------------------------------------------------------------------------------------
# 15, 16: nothing hangs, nothing is left behind


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
@pytest.mark.parametrize("suffix", ["-journal", "-wal"])
def test_15_a_fifo_beside_the_cache_hangs_no_command(suffix: str, tmp_path: Path) -> None:
    root = small_vault(tmp_path / "vault")
    for args in READING:
        run_vt(vt_argv(root, *args))  # an ordinary cache first
    plain = {args[0]: run_vt(vt_argv(root, *args, cache=False)) for args in READING}
    os.mkfifo(root / f"{CACHE}{suffix}")
    limit = 20.0
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    running = {
        args[0]: subprocess.Popen(
            vt_argv(root, *args),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            start_new_session=True,  # so a hung one is stopped with whatever it started
        )
        for args in READING  # at once: one limit for all, not 20 s each
    }
    deadline = time.monotonic() + limit
    failures = []
    for name, process in running.items():
        try:
            out, err = process.communicate(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            failures.append(f"{name}: still running after {limit} s")
            continue
        stdout, stderr = out.decode("utf-8", "replace"), err.decode("utf-8", "replace")
        crash = stderr if "Traceback (most recent call last)" in stderr else ""
        cached = Run((name,), process.returncode, stdout, stderr, crash)
        failures += [f"{name}: {d}" for d in differences(cached, plain[name])]
    assert not failures, f"a FIFO at .vault-tools/cache.sqlite{suffix}:\n" + "\n".join(failures)


def _children(pid: int) -> list[int]:
    found = []
    with contextlib.suppress(OSError):
        for task in os.listdir(f"/proc/{pid}/task"):
            with contextlib.suppress(OSError):
                found += [
                    int(c) for c in Path(f"/proc/{pid}/task/{task}/children").read_text().split()
                ]
    return found


def _descendants(pid: int) -> set[int]:
    found: set[int] = set()
    todo = _children(pid)
    while todo:
        child = todo.pop()
        if child not in found:
            found.add(child)
            todo += _children(child)
    return found


@dataclass(frozen=True)
class Proc:
    pid: int
    started: str  # field 22 of /proc/PID/stat: tells a reused pid apart

    @classmethod
    def of(cls, pid: int) -> Proc | None:
        stat = cls._stat(pid)
        return cls(pid, stat[19]) if stat else None

    @staticmethod
    def _stat(pid: int) -> list[str]:
        try:
            text = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            return []
        return text.rsplit(")", 1)[1].split()  # fields from the state on

    def alive(self) -> bool:
        """Running or sleeping (a zombie has ended: it holds no memory, does nothing)."""
        stat = self._stat(self.pid)
        return bool(stat) and stat[19] == self.started and stat[0] not in ("Z", "X")


def _processes_mentioning(text: str) -> set[Proc]:
    found = set()
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            cmdline = Path(f"/proc/{entry}/cmdline").read_bytes()
        except OSError:
            continue
        if text.encode() in cmdline and (proc := Proc.of(int(entry))) and proc.alive():
            found.add(proc)
    return found


@dataclass
class Leftovers:
    seen: set[Proc] = field(default_factory=set)

    def alive(self, vault: Path) -> set[Proc]:
        return {p for p in self.seen if p.alive()} | _processes_mentioning(str(vault))

    def clean_up(self, vault: Path) -> None:
        # What the command left behind is ours to end (our own descendants), by pid.
        for proc in self.alive(vault):
            with contextlib.suppress(OSError):
                os.kill(proc.pid, signal.SIGKILL)


@pytest.mark.skipif(not os.path.isdir("/proc/self/task"), reason="needs Linux /proc")
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
def test_16_killing_a_parallel_run_leaves_no_worker_behind(
    sig: signal.Signals, tmp_path: Path
) -> None:
    if len(os.sched_getaffinity(0)) < 2:
        pytest.skip("one CPU: a cold run parses in one process, with no worker to leave")
    root = many_notes(tmp_path / "vault", 3000)
    left = Leftovers()
    parent = start(vt_argv(root, "check"))
    try:
        deadline = time.monotonic() + 15
        while parent.poll() is None and time.monotonic() < deadline and not left.seen:
            left.seen |= {p for c in _descendants(parent.pid) if (p := Proc.of(c))}
            time.sleep(0.01)
        if not left.seen:
            finish(parent)
            pytest.skip("the cold run of 3000 notes started no worker process")
        settle = time.monotonic() + 0.3  # the workers busy parsing
        while time.monotonic() < settle:
            left.seen |= {p for c in _descendants(parent.pid) if (p := Proc.of(c))}
            time.sleep(0.02)
        parent.send_signal(sig)
        parent.wait(timeout=10)
        deadline = time.monotonic() + 5
        while left.alive(root) and time.monotonic() < deadline:
            time.sleep(0.05)
        remaining = left.alive(root)
        assert not remaining, (
            f"{sig.name} to the parent {parent.pid}; 5 s later still running: "
            f"{sorted(p.pid for p in remaining)} (workers seen: {sorted(p.pid for p in left.seen)})"
        )
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait()
        left.clean_up(root)


# --------------------------------------------------------------------------------------------
# 17: the cache is never followed through a symlink


def listing(folder: Path) -> dict[str, tuple[str, int, int]]:
    """Everything under ``folder`` (itself too): kind, size and mtime, without following links."""
    found = {}
    for path in [folder, *folder.rglob("*")]:
        st = path.lstat()
        kind = "link" if path.is_symlink() else "dir" if path.is_dir() else "file"
        found[str(path.relative_to(folder))] = (kind, st.st_size, st.st_mtime_ns)
    return found


def _link_the_folder(root: Path, outside: Path, with_cache: Path | None) -> None:
    if with_cache is not None:
        shutil.copytree(with_cache, outside / "cache-folder")
    else:
        (outside / "cache-folder").mkdir()
    os.symlink(outside / "cache-folder", root / ".vault-tools")


def _link_the_file(root: Path, outside: Path, with_cache: Path | None) -> None:
    (root / ".vault-tools").mkdir()
    if with_cache is not None:
        shutil.copy2(with_cache / CACHE.name, outside / "cache.sqlite")
    os.symlink(outside / "cache.sqlite", root / CACHE)  # dangling when there is no cache


SYMLINKED = {
    "folder-to-an-empty-folder": (_link_the_folder, False),
    "folder-to-a-real-cache": (_link_the_folder, True),
    "file-dangling": (_link_the_file, False),
    "file-to-a-real-cache": (_link_the_file, True),
}


@pytest.mark.parametrize("case", SYMLINKED)
def test_17_a_symlinked_cache_is_not_used_nor_written_through(case: str, tmp_path: Path) -> None:
    root = small_vault(tmp_path / "vault")
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    link, with_cache = SYMLINKED[case]
    real_cache = None
    if with_cache:
        # A genuine cache of this very vault, made on another day (so a run would update it).
        assert not invoke(root, "check", as_of="2026-11-01").crash
        real_cache = tmp_path / "real-cache"
        shutil.move(root / ".vault-tools", real_cache)
    link(root, outside, real_cache)
    before = listing(outside)
    failures = []
    for args in (("check",), ("check", "--format", "json"), *READING[1:]):
        found = differences(invoke(root, *args), invoke(root, *args, cache=False))
        failures += [f"{' '.join(args)}: {d}" for d in found]
        after = listing(outside)
        if after != before:
            changed = sorted(
                k for k in before.keys() | after.keys() if before.get(k) != after.get(k)
            )
            failures.append(f"{' '.join(args)} changed files outside the vault: {changed}")
            before = after
    assert not failures, "\n".join(failures)


def test_helpers_see_a_difference(tmp_path: Path) -> None:
    """The comparison the tests rely on does fail: a stale answer, a second warning."""
    plain = Run(("check",), 1, "a.md:6:1: VT103 error\n", "1 note checked\n")
    assert differences(plain, plain) == []
    stale = Run(("check",), 0, "", "1 note checked\n")
    assert len(differences(stale, plain)) == 2
    twice = f"{WARNING} cache x not used\n{WARNING} cache x not updated\n1 note checked\n"
    assert differences(Run(("check",), 1, plain.stdout, twice), plain)
    once = f"{WARNING} cache x not used\n1 note checked\n"
    assert differences(Run(("check",), 1, plain.stdout, once), plain) == []
