"""watch: real file events in a temporary vault, every wait bounded so no test can hang."""

from __future__ import annotations

import json
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from conftest import AS_OF, REPO
from notes import DONE, PLANNED, SCHEDULED, replace

from vault_tools.app import read_config
from vault_tools.config import CONFIG_NAME, Config
from vault_tools.store.cache import NoteCache
from vault_tools.store.sync import check_vault, load_interview_notes
from vault_tools.vault import list_notes
from vault_tools.watch import (
    BatchResult,
    VaultWatcher,
    Watch,
    is_editor_debris,
    is_watched_note,
    recheck,
)

WAIT = 10.0  # the longest any test waits for something that should come
DEBOUNCE = 0.05

BROKEN = replace(PLANNED, "status: planned", "status: waiting")
NO_COMPANY = replace(PLANNED, "company: Gamma\n", "")


class Batches:
    """What a running watcher reported, one item per batch, read with a deadline."""

    def __init__(self) -> None:
        self.items: queue.Queue[BatchResult] = queue.Queue()

    def next(self, timeout: float = WAIT) -> BatchResult:
        try:
            return self.items.get(timeout=timeout)
        except queue.Empty:
            pytest.fail(f"no batch within {timeout} s")

    def until(self, done: Callable[[list[BatchResult]], bool]) -> list[BatchResult]:
        seen: list[BatchResult] = []
        deadline = time.monotonic() + WAIT
        while not done(seen):
            left = deadline - time.monotonic()
            if left <= 0:
                pytest.fail(f"batches so far do not add up: {[b.changed for b in seen]}")
            seen.append(self.next(left))
        return seen

    def none_within(self, seconds: float) -> None:
        try:
            extra = self.items.get(timeout=seconds)
        except queue.Empty:
            return
        pytest.fail(f"unexpected batch: changed {extra.changed}, removed {extra.removed}")


@contextmanager
def watching(
    root: Path,
    *,
    debounce: float = DEBOUNCE,
    keep_notes: bool = False,
    on_config: Callable[[Watch], Config] | None = None,
) -> Iterator[tuple[Batches, Watch, VaultWatcher]]:
    """A watcher on ``root`` running in a thread, re-checking each batch as ``watch`` does."""
    config = read_config(root)
    state = Watch(root, config, as_of=AS_OF, keep_notes=keep_notes)
    state.check_all()
    batches = Batches()

    def on_batch(changed: set[str], deleted: set[str]) -> None:
        batches.items.put(state.check_changed(changed, deleted))

    reload = (lambda: on_config(state)) if on_config else None
    watcher = VaultWatcher(root, config, on_batch, debounce=debounce, on_config=reload)
    stop = threading.Event()
    watcher.start()  # started here, so that every write of the test is seen
    runner = threading.Thread(target=watcher.run_until, args=(stop,), daemon=True)
    runner.start()
    try:
        yield batches, state, watcher
    finally:
        stop.set()
        runner.join(WAIT)
        watcher.stop()
    assert not runner.is_alive()
    assert watcher.failure is None


def write(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def codes_of(batch: BatchResult) -> set[tuple[str, str]]:
    return {(d.path, d.rule) for d in batch.result.diagnostics}


# --------------------------------------------------------------------------------------------
# Which paths matter


@pytest.mark.parametrize(
    "name",
    [".a.md.swp", ".a.md.swx", "a.md~", "4913", ".#a.md", "#a.md#", "a.md.tmp", ".a.md.x1.tmp"],
)
def test_editor_debris_is_never_a_note(name: str) -> None:
    assert is_editor_debris(name)
    assert not is_watched_note(f"Interviews/{name}", Config())


@pytest.mark.parametrize(
    "rel",
    [
        ".obsidian/workspace.md",
        ".vault-tools/x.md",
        ".git/x.md",
        ".trash/Interviews/a.md",
        "Templates/Interview.md",
        "Interviews/Index.md",  # our own output: writing it must not trigger a pass
        "Interviews/Follow-ups.md",
        "Interviews/a.txt",
    ],
)
def test_skipped_paths_are_not_watched(rel: str) -> None:
    assert not is_watched_note(rel, Config())


def test_notes_are_watched() -> None:
    assert is_watched_note("Interviews/a.md", Config())
    assert is_watched_note("Daily/2026-11-27.MD", Config())
    assert is_watched_note(".hidden note.md", Config())  # as `check` lists it


def test_watchdogs_shutdown_race_is_not_shown_but_its_other_errors_are() -> None:
    import logging

    logger = logging.getLogger("watchdog.observers.inotify")
    race = logger.makeRecord(
        logger.name,
        logging.ERROR,
        __file__,
        1,
        "InotifyEmitter.queue_events() called when the thread is inactive",
        (),
        None,
    )
    other = logger.makeRecord(logger.name, logging.ERROR, __file__, 1, "read failed", (), None)
    assert (logger.filter(race), bool(logger.filter(other))) == (False, True)


# --------------------------------------------------------------------------------------------
# recheck, the per-batch work, as a plain function


def test_recheck_lints_only_the_changed_notes(vault) -> None:  # type: ignore[no-untyped-def]
    root = vault({"Interviews/a.md": BROKEN, "Interviews/b.md": NO_COMPANY})
    config = read_config(root)
    check_vault(root, config, AS_OF, list_notes(root, config))
    batch = recheck(root, config, AS_OF, {"Interviews/b.md"}, set())
    assert batch.changed == ("Interviews/b.md",)
    assert codes_of(batch) == {("Interviews/b.md", "VT106")}
    assert batch.result.notes_checked == 1


def test_recheck_forgets_deleted_notes_and_a_vanished_change_counts_as_deleted(vault) -> None:  # type: ignore[no-untyped-def]
    root = vault({"Interviews/a.md": DONE, "Interviews/b.md": PLANNED})
    config = read_config(root)
    check_vault(root, config, AS_OF, list_notes(root, config))
    (root / "Interviews/a.md").unlink()
    (root / "Interviews/b.md").unlink()
    batch = recheck(root, config, AS_OF, {"Interviews/b.md"}, {"Interviews/a.md"})
    assert batch.changed == ()
    assert batch.removed == ("Interviews/a.md", "Interviews/b.md")
    cache = NoteCache.open(root, [])
    assert cache is not None
    with cache:
        assert cache.rows() == {}


def test_loading_some_notes_leaves_the_other_cache_rows_alone(vault) -> None:  # type: ignore[no-untyped-def]
    from vault_tools.vault import Listing

    root = vault({"Interviews/a.md": DONE, "Interviews/b.md": PLANNED})
    config = read_config(root)
    check_vault(root, config, AS_OF, list_notes(root, config))
    info = (root / "Interviews/b.md").stat()
    some = Listing(("Interviews/b.md",), stats={"Interviews/b.md": (info.st_mtime_ns, 0)})
    notes, _ = load_interview_notes(root, config, some, whole_vault=False)
    assert [n.path for n in notes] == ["Interviews/b.md"]
    cache = NoteCache.open(root, [])
    assert cache is not None
    with cache:
        assert set(cache.rows()) == {"Interviews/a.md", "Interviews/b.md"}


# --------------------------------------------------------------------------------------------
# Real file events


def test_a_save_reports_that_notes_findings(vault) -> None:  # type: ignore[no-untyped-def]
    root = vault({"Interviews/a.md": PLANNED, "Interviews/b.md": DONE})
    with watching(root) as (batches, _, _):
        write(root, "Interviews/a.md", BROKEN)
        batch = batches.next()
    assert batch.changed == ("Interviews/a.md",)
    assert batch.removed == ()
    assert codes_of(batch) == {("Interviews/a.md", "VT103")}


def test_an_atomic_save_is_a_change_of_the_note(vault) -> None:  # type: ignore[no-untyped-def]
    root = vault({"Interviews/a.md": PLANNED})
    with watching(root) as (batches, _, _):
        temp = root / "Interviews/a.md.tmp"
        temp.write_text(NO_COMPANY, encoding="utf-8")
        os.replace(temp, root / "Interviews/a.md")
        batch = batches.next()
    assert (batch.changed, batch.removed) == (("Interviews/a.md",), ())
    assert codes_of(batch) == {("Interviews/a.md", "VT106")}


def test_a_vim_style_save_with_a_backup_is_a_change_of_the_note(vault) -> None:  # type: ignore[no-untyped-def]
    root = vault({"Interviews/a.md": PLANNED})
    with watching(root) as (batches, _, _):
        note = root / "Interviews/a.md"
        (root / "Interviews/4913").write_text("")  # vim's probe
        (root / "Interviews/4913").unlink()
        os.rename(note, root / "Interviews/a.md~")
        note.write_text(BROKEN, encoding="utf-8")
        (root / "Interviews/a.md~").unlink()
        batch = batches.next()
    assert (batch.changed, batch.removed) == (("Interviews/a.md",), ())


def test_a_rename_removes_the_old_path_and_checks_the_new(vault) -> None:  # type: ignore[no-untyped-def]
    root = vault({"Interviews/a.md": NO_COMPANY})
    with watching(root) as (batches, _, _):
        os.rename(root / "Interviews/a.md", root / "Interviews/renamed.md")
        batch = batches.next()
    assert batch.changed == ("Interviews/renamed.md",)
    assert batch.removed == ("Interviews/a.md",)
    assert codes_of(batch) == {("Interviews/renamed.md", "VT106")}


def test_a_deletion_is_reported_and_forgotten_by_the_cache(vault) -> None:  # type: ignore[no-untyped-def]
    root = vault({"Interviews/a.md": DONE, "Interviews/b.md": PLANNED})
    with watching(root) as (batches, _, _):
        (root / "Interviews/a.md").unlink()
        batch = batches.next()
    assert (batch.changed, batch.removed) == ((), ("Interviews/a.md",))
    cache = NoteCache.open(root, [])
    assert cache is not None
    with cache:
        assert set(cache.rows()) == {"Interviews/b.md"}


def test_a_deleted_folder_removes_its_notes(vault) -> None:  # type: ignore[no-untyped-def]
    import shutil

    root = vault({"Interviews/Old/a.md": DONE, "Interviews/Old/b.md": PLANNED, "c.md": "x"})
    with watching(root) as (batches, _, _):
        shutil.rmtree(root / "Interviews/Old")
        seen = batches.until(lambda got: len({p for b in got for p in b.removed}) >= 2)
    assert {p for b in seen for p in b.removed} == {"Interviews/Old/a.md", "Interviews/Old/b.md"}
    assert not any(b.changed for b in seen)


def test_swap_backup_temp_and_dot_folder_files_make_no_batch(vault) -> None:  # type: ignore[no-untyped-def]
    root = vault({"Interviews/a.md": PLANNED, ".obsidian/app.json": "{}"})
    with watching(root) as (batches, _, _):
        for rel in (
            "Interviews/.a.md.swp",
            "Interviews/.a.md.swx",
            "Interviews/a.md~",
            "Interviews/#a.md#",
            "Interviews/a.md.tmp",
            "Interviews/notes.txt",
            ".obsidian/workspace.json",
            ".obsidian/plugins/x.md",
            ".vault-tools/stray.md",
            ".trash/old.md",
            "Templates/Other.md",
            "Digests/2026-W47.md",  # written by `digest --write`: generated
        ):
            text = "---\ngenerated_by: vault-tools\ntype: digest\n---\n" if "Digest" in rel else "x"
            write(root, rel, text)
        os.symlink("user@host.1234:1", root / "Interviews/.#a.md")  # an Emacs lock
        batches.none_within(5 * DEBOUNCE + 0.3)
        # And none of it rides along with a real change.
        write(root, "Interviews/a.md", BROKEN)
        batch = batches.next()
    assert (batch.changed, batch.removed) == (("Interviews/a.md",), ())


def test_a_burst_of_changes_is_one_pass(vault) -> None:  # type: ignore[no-untyped-def]
    names = [f"Interviews/n{i:02}.md" for i in range(50)]
    root = vault(dict.fromkeys(names, PLANNED))
    with watching(root, debounce=0.2) as (batches, _, _):
        for rel in names:  # like a git pull: 50 files rewritten in a few milliseconds
            write(root, rel, NO_COMPANY)
        seen = batches.until(lambda got: {p for b in got for p in b.changed} >= set(names))
        batches.none_within(0.5)
    assert len(seen) <= 2  # one, unless the debounce timer fired mid-burst on a slow machine
    assert sum(b.result.count("warning") for b in seen) >= 50


def test_writing_the_index_does_not_trigger_a_pass(vault) -> None:  # type: ignore[no-untyped-def]
    from vault_tools.app import INDEX_META, index_of, write_note
    from vault_tools.interview import make_context
    from vault_tools.render.index import render_markdown

    root = vault({"Interviews/a.md": DONE})
    config = read_config(root)
    assert not is_watched_note(config.index_path, config)
    with watching(root, keep_notes=True) as (batches, state, _):
        body = render_markdown(index_of(state.facts, make_context(root, config, AS_OF)))
        assert write_note(root, config.index_path, INDEX_META, body)
        assert (root / config.index_path).is_file()
        batches.none_within(5 * DEBOUNCE + 0.3)
        write(root, "Interviews/b.md", PLANNED)
        batch = batches.next()
        assert batch.changed == ("Interviews/b.md",)
        assert [f.path for f in state.facts] == ["Interviews/a.md", "Interviews/b.md"]
        body = render_markdown(index_of(state.facts, make_context(root, config, AS_OF)))
        assert write_note(root, config.index_path, INDEX_META, body, only_if_changed=True)
        assert not write_note(root, config.index_path, INDEX_META, body, only_if_changed=True)
        batches.none_within(5 * DEBOUNCE + 0.3)
    assert "Interviews/b" in (root / config.index_path).read_text("utf-8")


def test_kept_notes_change_only_when_an_interview_note_does(vault) -> None:  # type: ignore[no-untyped-def]
    root = vault({"Interviews/a.md": DONE, "Daily/2026-11-27.md": "# Today\n"})
    state = Watch(root, read_config(root), as_of=AS_OF, keep_notes=True)
    state.check_all()
    version = state.notes_version
    write(root, "Daily/2026-11-27.md", "# Today\nA call with Jane.\n")
    state.check_changed({"Daily/2026-11-27.md"}, set())
    assert state.notes_version == version  # the index need not be rebuilt
    write(root, "Interviews/a.md", replace(DONE, "Acme Corp", "Acme Inc"))
    state.check_changed({"Interviews/a.md"}, set())
    assert state.notes_version == version + 1
    assert state.facts[0].get("company") == "Acme Inc"
    write(root, "Daily/2026-11-27.md", "---\ntags: [interview]\n---\n")  # now one
    state.check_changed({"Daily/2026-11-27.md"}, set())
    assert [f.path for f in state.facts] == ["Daily/2026-11-27.md", "Interviews/a.md"]
    (root / "Interviews/a.md").unlink()
    state.check_changed(set(), {"Interviews/a.md"})
    assert [f.path for f in state.facts] == ["Daily/2026-11-27.md"]
    assert state.notes_version == version + 3


def test_a_config_change_is_handed_over_and_its_config_used(vault) -> None:  # type: ignore[no-untyped-def]
    root = vault({"Interviews/a.md": NO_COMPANY, "Archive/x.md": PLANNED})
    reloads: queue.Queue[Config] = queue.Queue()

    def on_config(state: Watch) -> Config:
        config = state.reload_config()
        reloads.put(config)
        return config

    with watching(root, on_config=on_config) as (batches, _, watcher):
        write(root, CONFIG_NAME, '[interviews]\nexclude = ["Archive/**"]\n')
        config = reloads.get(timeout=WAIT)
        assert config.exclude == ("Archive/**",)
        assert watcher.config is config
        write(root, "Archive/x.md", BROKEN)  # excluded now
        write(root, "Interviews/a.md", PLANNED)
        batch = batches.next()
    assert batch.changed == ("Interviews/a.md",)


def test_a_template_change_counts_as_a_settings_change(vault) -> None:  # type: ignore[no-untyped-def]
    root = vault({"Interviews/a.md": PLANNED, "Templates/Interview.md": "## Objectives\n"})
    reloads: queue.Queue[str] = queue.Queue()

    def on_config(state: Watch) -> Config:
        reloads.put("reloaded")
        return state.reload_config()

    with watching(root, on_config=on_config) as (batches, _, _):
        write(root, "Templates/Interview.md", "## Objectives\n- What do I want to learn?\n")
        assert reloads.get(timeout=WAIT) == "reloaded"
        batches.none_within(5 * DEBOUNCE + 0.3)


def test_a_failing_callback_stops_the_watch_and_is_raised(vault) -> None:  # type: ignore[no-untyped-def]
    root = vault({"Interviews/a.md": PLANNED})

    def on_batch(changed: set[str], deleted: set[str]) -> None:
        raise RuntimeError("a bug")

    watcher = VaultWatcher(root, read_config(root), on_batch, debounce=DEBOUNCE)
    watcher.start()
    failed: queue.Queue[BaseException] = queue.Queue()

    def run() -> None:
        try:
            watcher.run_until(threading.Event())
        except BaseException as exc:
            failed.put(exc)

    runner = threading.Thread(target=run, daemon=True)
    runner.start()
    try:
        write(root, "Interviews/a.md", BROKEN)
        assert str(failed.get(timeout=WAIT)) == "a bug"
    finally:
        watcher.stop()
        runner.join(WAIT)


# --------------------------------------------------------------------------------------------
# The command, end to end in a subprocess


class Process:
    """``vault-tools watch`` running; its output read line by line, with deadlines."""

    def __init__(self, *args: str) -> None:
        env = {**os.environ, "PYTHONPATH": str(REPO), "NO_COLOR": "1"}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "vault_tools", "watch", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            env=env,
        )
        self.stdout: queue.Queue[str] = queue.Queue()
        self.stderr: queue.Queue[str] = queue.Queue()
        self.err_lines: list[str] = []
        for stream, lines in ((self.proc.stdout, self.stdout), (self.proc.stderr, self.stderr)):
            threading.Thread(target=self._pump, args=(stream, lines), daemon=True).start()

    @staticmethod
    def _pump(stream: object, lines: queue.Queue[str]) -> None:
        for line in stream:  # type: ignore[attr-defined]
            lines.put(line)

    def read_until(self, wanted: Callable[[str], bool], stream: str = "stdout") -> list[str]:
        """Lines up to and including the first that is ``wanted``."""
        source = self.stdout if stream == "stdout" else self.stderr
        got: list[str] = []
        deadline = time.monotonic() + WAIT
        while True:
            left = deadline - time.monotonic()
            try:
                line = source.get(timeout=max(left, 0.01))
            except queue.Empty:
                pytest.fail(f"nothing {stream} wanted within {WAIT} s; got {got}")
            got.append(line)
            if stream == "stderr":
                self.err_lines.append(line)
            if wanted(line):
                return got

    def nothing_more(self, seconds: float) -> None:
        try:
            line = self.stdout.get(timeout=seconds)
        except queue.Empty:
            return
        pytest.fail(f"unexpected output: {line!r}")

    def interrupt(self, signum: int = signal.SIGINT) -> int:
        self.proc.send_signal(signum)
        return self.proc.wait(WAIT)

    def rest_of_stderr(self) -> str:
        while True:
            try:
                self.err_lines.append(self.stderr.get(timeout=0.5))
            except queue.Empty:
                return "".join(self.err_lines)

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(WAIT)


@contextmanager
def command(*args: str) -> Iterator[Process]:
    process = Process(*args)
    try:
        yield process
    finally:
        process.kill()


def summary(line: str) -> bool:
    return "checked" in line


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT to a child is POSIX")
def test_the_command_checks_then_rechecks_a_save_and_exits_0_on_ctrl_c(vault) -> None:  # type: ignore[no-untyped-def]
    root = vault({"Interviews/a.md": PLANNED, "Interviews/b.md": BROKEN})
    with command("--vault", str(root), "--as-of", "2026-11-27", "--debounce", "0.05") as watch:
        first = watch.read_until(summary)
        assert first[0].startswith("Interviews/b.md:6:1: VT103 error:")
        assert first[-1].split(" ", 1)[1] == "2 interview notes checked: 1 error, 0 warnings\n"
        watch.read_until(lambda line: "watching" in line, "stderr")
        write(root, "Interviews/a.md", NO_COMPANY)
        second = watch.read_until(summary)
        assert second == [
            'Interviews/a.md:1:1: VT106 warning: missing recommended key "company"\n',
            second[-1],
        ]
        assert second[-1].endswith(" 1 note re-checked: 0 errors, 1 warning (Interviews/a.md)\n")
        (root / "Interviews/b.md").unlink()
        removed = watch.read_until(lambda line: "removed" in line)
        assert removed[-1].endswith(" Interviews/b.md removed\n")
        assert watch.interrupt() == 0
        stderr = watch.rest_of_stderr()
        assert "Traceback" not in stderr and "inactive" not in stderr


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT to a child is POSIX")
def test_the_command_writes_json_lines(vault) -> None:  # type: ignore[no-untyped-def]
    root = vault({"Interviews/a.md": PLANNED})
    with command("--vault", str(root), "--as-of", "2026-11-27", "--format", "json") as watch:
        first = json.loads(watch.read_until(lambda line: True)[0])
        assert first["full"] is True and first["changed"] == ["Interviews/a.md"]
        assert first["summary"] == {"error": 0, "warning": 0}
        watch.read_until(lambda line: "watching" in line, "stderr")
        os.rename(root / "Interviews/a.md", root / "Interviews/b.md")
        write(root, "Interviews/b.md", BROKEN)
        batch = json.loads(watch.read_until(lambda line: True)[0])
        assert watch.interrupt(signal.SIGTERM) == 0  # as a service manager stops it
    assert batch["version"] == 1 and batch["as_of"] == "2026-11-27" and not batch["full"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", batch["time"])
    assert (batch["changed"], batch["removed"]) == (["Interviews/b.md"], ["Interviews/a.md"])
    assert [d["rule"] for d in batch["diagnostics"]] == ["VT103"]
    assert batch["summary"] == {"error": 1, "warning": 0}


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT to a child is POSIX")
def test_write_index_keeps_the_index_current_without_retriggering(vault) -> None:  # type: ignore[no-untyped-def]
    root = vault({"Interviews/a.md": PLANNED})
    index = root / "Interviews/Index.md"
    args = ("--vault", str(root), "--as-of", "2026-11-27", "--write-index", "--debounce", "0.05")
    with command(*args) as watch:
        watch.read_until(summary)
        watch.read_until(lambda line: "watching" in line, "stderr")
        assert "Gamma" in index.read_text("utf-8")
        write(root, "Interviews/a.md", replace(PLANNED, "Gamma", "Delta Labs"))
        watch.read_until(summary)
        watch.read_until(lambda line: "wrote Interviews/Index.md" in line, "stderr")
        assert "Delta Labs" in index.read_text("utf-8")
        watch.nothing_more(1.0)  # the index's own write made no pass
        assert watch.interrupt() == 0


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT to a child is POSIX")
def test_write_index_warns_once_about_an_edited_index_and_goes_on(vault) -> None:  # type: ignore[no-untyped-def]
    from click.testing import CliRunner

    from vault_tools.cli import cli

    root = vault({"Interviews/a.md": PLANNED})
    index = root / "Interviews/Index.md"
    made = CliRunner().invoke(
        cli, ["index", "--write", "--vault", str(root), "--as-of", AS_OF.isoformat()]
    )
    assert made.exit_code == 0
    edited = index.read_text("utf-8") + "My notes on the pipeline.\n"
    index.write_text(edited, "utf-8")
    args = ("--vault", str(root), "--as-of", "2026-11-27", "--write-index", "--debounce", "0.05")
    with command(*args) as watch:
        watch.read_until(summary)
        started = watch.read_until(lambda line: "watching" in line, "stderr")
        assert started[0] == (
            "vault-tools: warning: not replacing Interviews/Index.md: it was changed after "
            "vault-tools wrote it; move your text elsewhere, or replace it with `vault-tools "
            "index --write --force`. Watching goes on\n"
        )
        for company in ("Delta Labs", "Epsilon"):
            write(root, "Interviews/a.md", replace(PLANNED, "Gamma", company))
            watch.read_until(summary)  # a pass for each save, and no second warning
        assert index.read_text("utf-8") == edited
        index.unlink()  # the user moved their text away: the watch takes the index up again
        write(root, "Interviews/a.md", replace(PLANNED, "Gamma", "Zeta"))
        for _ in range(3):  # a save can make two passes: the first may still be Epsilon's
            watch.read_until(lambda line: "wrote Interviews/Index.md" in line, "stderr")
            if "Zeta" in index.read_text("utf-8"):
                break
        assert "Zeta" in index.read_text("utf-8")
        assert watch.interrupt() == 0
        stderr = watch.rest_of_stderr()
    assert stderr.count("not replacing") == 1 and "Traceback" not in stderr


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT to a child is POSIX")
def test_a_config_change_reloads_and_a_bad_one_keeps_the_old(vault) -> None:  # type: ignore[no-untyped-def]
    root = vault({"Interviews/a.md": NO_COMPANY, "Interviews/b.md": SCHEDULED})
    with command("--vault", str(root), "--as-of", "2026-11-27", "--debounce", "0.05") as watch:
        first = watch.read_until(summary)
        assert "1 warning" in first[-1]
        watch.read_until(lambda line: "watching" in line, "stderr")
        write(root, CONFIG_NAME, "[rules]\nVT106 = 'off'\n")
        again = watch.read_until(summary)
        assert again[-1].endswith(" 2 interview notes checked: all clean\n")
        write(root, CONFIG_NAME, "[rules\n")
        watch.read_until(lambda line: "going on with the previous one" in line, "stderr")
        write(root, "Interviews/a.md", replace(NO_COMPANY, "Marcus Lee", "Marcus Lee Jr"))
        after = watch.read_until(summary)
        assert after == [after[-1]]  # VT106 is still off
        assert watch.interrupt() == 0
