"""Watching a vault: re-check the notes that change, as they change.

The only importer of watchdog. Three parts, none of which prints:

- ``VaultWatcher`` turns file events (inotify on Linux) into debounced batches of changed
  and deleted note paths, decided by looking at the disk when the batch is due;
- ``recheck`` lints one batch through the cache (a plain function, to time on its own);
- ``Watch`` holds what a running watch knows between batches: the config, as-of, one rule
  context, and (for ``--write-index``) the facts of the vault's interview notes, kept
  current.

``measure_latency`` times a save from the write to its findings, for the benchmark.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import queue
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from vault_tools.app import read_config
from vault_tools.config import CONFIG_NAME, Config
from vault_tools.dates import today_in
from vault_tools.diagnostics import LintResult
from vault_tools.errors import VaultToolsError
from vault_tools.files import is_under
from vault_tools.interview import Context, Facts, make_context
from vault_tools.store.cache import NoteCache
from vault_tools.store.sync import check_vault, load_interview_facts
from vault_tools.templates import TEMPLATE_NAME
from vault_tools.vault import Listing, Stat, is_skipped, list_notes, note_file_stat

DEFAULT_DEBOUNCE = 0.1


def _not_the_shutdown_race(record: logging.LogRecord) -> bool:
    # watchdog (7.x) logs this as an error when its inotify thread reads once more while the
    # observer stops: harmless, and no message a user stopping a watch should see.
    return "called when the thread is inactive" not in record.getMessage()


logging.getLogger("watchdog.observers.inotify").addFilter(_not_the_shutdown_race)

#: What our own generated notes (index, follow-ups, digests) start with.
_GENERATED_HEAD = (b"---\ngenerated_by: vault-tools\n", b"---\r\ngenerated_by: vault-tools\r\n")

OnBatch = Callable[[set[str], set[str]], None]


# --------------------------------------------------------------------------------------------
# Which paths matter


def is_editor_debris(name: str) -> bool:
    """Swap, backup, lock and temporary files that editors and vault-tools leave beside a
    note: vim's ``.x.md.swp``/``.swx``/``.swo`` and its ``4913`` probe, ``x.md~`` backups,
    Emacs' ``.#x.md`` locks and ``#x.md#`` autosaves, and ``x.md.tmp`` / ``.x.md.abc.tmp``
    temporary files (an atomic save's rename onto ``x.md`` is seen as a change of ``x.md``).
    """
    return (
        name == "4913"
        or name.endswith(("~", ".swp", ".swx", ".swo", ".tmp", ".bak"))
        or name.startswith(".#")
        or (name.startswith("#") and name.endswith("#"))
    )


def is_watched_note(rel: str, config: Config) -> bool:
    """A ``.md`` path that ``check`` would list: not skipped (dot-folders such as
    ``.obsidian/`` and ``.vault-tools/``, templates, our outputs, excludes), not debris."""
    name = rel.rsplit("/", 1)[-1]
    return name[-3:].lower() == ".md" and not is_editor_debris(name) and not is_skipped(rel, config)


def note_stat(root: Path, rel: str) -> Stat | None:
    """The ``Stat`` of a note file as ``list_notes`` takes it; ``None`` when ``check`` would
    not list it (missing, not a file, a symlink leading out of the vault). A symlink loop
    has one: ``check`` reports it (VT005), so the watch does too."""
    return note_file_stat(root, rel)


def is_own_output(root: Path, rel: str) -> bool:
    """A note that vault-tools generated (``generated_by: vault-tools`` on its first line),
    such as a digest: never linted, so a change to it is not worth a batch."""
    try:
        with open(root / rel, "rb") as handle:
            head = handle.read(64)
    except OSError:
        return False
    return head.startswith(_GENERATED_HEAD)


def _is_skipped_folder(rel: str, config: Config) -> bool:
    """A dot-folder (``.git/``, ``.obsidian/``...) or the templates folder, or inside one."""
    if any(part.startswith(".") for part in rel.split("/")):
        return True
    return bool(config.templates) and is_under(rel, config.templates)


def template_rel(config: Config) -> str | None:
    return f"{config.templates.strip('/')}/{TEMPLATE_NAME}" if config.templates else None


# --------------------------------------------------------------------------------------------
# Events -> debounced batches

_STOP = ("stop", "")


class VaultWatcher:
    """Watch ``root`` and call ``on_batch(changed, deleted)`` with vault-relative ``/`` paths
    of notes, once per burst of events: a burst is over when ``debounce`` seconds pass
    without an event (or after ``max_wait``, so a never-ending stream still makes batches).

    Each path's fate is decided when its batch is due, by the disk: a note file there is
    changed, nothing there (of a note known before) is deleted. So an editor's atomic save
    (write ``x.md.tmp``, rename it onto ``x.md``) is one change of ``x.md``, a rename is a
    deletion and a change, and a note created and removed within one burst is nothing.

    ``on_config()`` is called (instead of a batch) when ``.vault-tools.toml`` or the interview
    template changes; it returns the config to go on with. Callbacks run one at a time on the
    watcher's own thread; events that come meanwhile make the next batch.
    """

    def __init__(
        self,
        root: Path,
        config: Config,
        on_batch: OnBatch,
        *,
        debounce: float = DEFAULT_DEBOUNCE,
        on_config: Callable[[], Config] | None = None,
        max_wait: float | None = None,
    ) -> None:
        self.root = Path(root).resolve()
        self.config = config
        self.debounce = max(0.0, debounce)
        self.max_wait = max(1.0, 10 * self.debounce) if max_wait is None else max_wait
        self._on_batch = on_batch
        self._on_config = on_config
        self._queue: queue.Queue[tuple[str, str]] = queue.Queue()
        self._prefix = os.fspath(self.root).rstrip(os.sep) + os.sep
        self._known: set[str] = set()
        self._observer: Any = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._wake: threading.Event | None = None
        self._failure: BaseException | None = None

    # -- running -------------------------------------------------------------------------

    def start(self) -> None:
        """Start watching (events from now on are seen); returns at once."""
        if self._observer is not None:
            return
        observer = Observer()
        observer.schedule(_Handler(self), os.fspath(self.root), recursive=True)
        try:
            observer.start()
        except OSError as exc:
            raise VaultToolsError(_watch_error(self.root, exc)) from None
        self._observer = observer
        # Listed after the observer started, so nothing falls between the two; what changed
        # meanwhile is in the queue and makes the first batch.
        self._known = set(list_notes(self.root, self.config).paths)
        self._thread = threading.Thread(target=self._run, name="vault-tools-watch", daemon=True)
        self._thread.start()

    def run_until(self, stop: threading.Event) -> None:
        """Watch until ``stop`` is set (or Ctrl-C interrupts the wait), then stop. A callback
        that fails stops the watch, and its exception is raised here."""
        with self._lock:
            self._wake = stop
            if self._failure is not None:
                stop.set()
        try:
            self.start()
            stop.wait()
        finally:
            self.stop()
        if self._failure is not None:
            raise self._failure

    def stop(self, timeout: float = 5.0) -> None:
        """Stop watching; events not yet in a batch are dropped. Safe to call twice."""
        observer, self._observer = self._observer, None
        if observer is not None:
            observer.stop()
            observer.join(timeout)
        thread, self._thread = self._thread, None
        if thread is not None:
            self._queue.put(_STOP)
            if thread is not threading.current_thread():
                thread.join(timeout)

    @property
    def failure(self) -> BaseException | None:
        return self._failure

    # -- events (on watchdog's thread) ---------------------------------------------------

    def offer(self, path: str, is_directory: bool, kind: str) -> None:
        """Queue an absolute path from a file event, when it matters."""
        if not path.startswith(self._prefix):
            return
        rel = path[len(self._prefix) :]
        if os.sep != "/":
            rel = rel.replace(os.sep, "/")
        if is_directory:
            # A folder deleted or moved away takes its notes with it; watchdog reports the
            # files of a folder created or moved in one by one. A folder whose permissions
            # changed may have become unreadable (its notes leave check's listing) or
            # readable again (they come back): its notes are looked at again.
            if kind in ("deleted", "moved", "attrib") and not _is_skipped_folder(rel, self.config):
                self._queue.put(("folder" if kind != "attrib" else "rescan", rel))
            return
        if rel == CONFIG_NAME or rel == template_rel(self.config):
            self._queue.put(("settings", rel))
        elif is_watched_note(rel, self.config):
            self._queue.put(("note", rel))

    # -- batches (on our thread) ---------------------------------------------------------

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            if item == _STOP:
                return
            pending = [item]
            due = time.monotonic() + self.max_wait
            while True:
                wait = min(self.debounce, due - time.monotonic())
                try:
                    item = self._queue.get(timeout=wait) if wait > 0 else self._queue.get_nowait()
                except queue.Empty:
                    break
                if item == _STOP:
                    return
                pending.append(item)
            try:
                self._dispatch(pending)
            except BaseException as exc:  # a bug in a callback: stop, and raise it in run_until
                with self._lock:
                    self._failure = exc
                    wake = self._wake
                if wake is not None:
                    wake.set()
                return

    def _dispatch(self, pending: list[tuple[str, str]]) -> None:
        if self._on_config is not None and any(kind == "settings" for kind, _ in pending):
            before = self.config
            self.config = self._on_config()
            if self.config is not before:
                self._known = set(list_notes(self.root, self.config).paths)
                return  # the new config's check covered every note
            # A config that could not be read: go on with the old one, and with this batch.
        paths: set[str] = set()
        for kind, rel in pending:
            if kind == "note":
                paths.add(rel)
            elif kind == "folder":
                paths.update(p for p in self._known if is_under(p, rel))
            elif kind == "rescan":
                paths.update(p for p in self._known if is_under(p, rel))
                paths.update(list_notes(self.root, self.config, under=rel).paths)
        changed: set[str] = set()
        deleted: set[str] = set()
        for rel in paths:
            if note_stat(self.root, rel) is not None:
                if not is_own_output(self.root, rel):
                    changed.add(rel)
            elif rel in self._known:
                deleted.add(rel)
        self._known -= deleted
        self._known |= changed
        if changed or deleted:
            self._on_batch(changed, deleted)


def _watch_error(root: Path, exc: OSError) -> str:
    import errno

    if exc.errno == errno.ENOSPC:
        return (
            f"cannot watch {root}: the system's limit of watched folders is reached; raise it "
            "with `sysctl fs.inotify.max_user_watches=524288`"
        )
    if exc.errno == errno.EMFILE:
        return (
            f"cannot watch {root}: too many watchers are running; raise "
            "`sysctl fs.inotify.max_user_instances`"
        )
    return f"cannot watch {root}: {exc.strerror or exc}"


class _Handler(FileSystemEventHandler):
    """Every created, modified, closed-after-writing, moved (both ends), deleted and
    attributes-changed path goes to the watcher, which keeps what matters. Attributes: a
    ``chmod`` can make a note (or a folder of notes) unreadable, or readable again, and
    ``check`` would say so."""

    _KINDS = frozenset({"created", "modified", "closed", "moved", "deleted", "attrib"})

    def __init__(self, watcher: VaultWatcher) -> None:
        super().__init__()
        self._watcher = watcher

    def dispatch(self, event: FileSystemEvent) -> None:
        kind = event.event_type
        if kind not in self._KINDS:
            return  # opened, closed without writing
        if kind == "modified" and event.is_directory:
            return  # a folder's listing changed: its files' own events say how
        self._watcher.offer(os.fsdecode(event.src_path), event.is_directory, kind)
        if kind == "moved" and event.dest_path:
            self._watcher.offer(os.fsdecode(event.dest_path), event.is_directory, "created")


# --------------------------------------------------------------------------------------------
# Re-checking a batch


@dataclass(frozen=True)
class BatchResult:
    """What one pass found: the findings of the notes it (re-)checked, and what went away.

    ``full`` is a check of every note (at start, and when the config changed); ``changed``
    then lists every note of the vault.
    """

    when: dt.datetime
    as_of: dt.date
    changed: tuple[str, ...]
    removed: tuple[str, ...]
    result: LintResult
    full: bool = False
    unreadable: tuple[tuple[str, str], ...] = ()
    warnings: tuple[str, ...] = ()
    seconds: float = 0.0
    listing: Listing | None = field(default=None, repr=False)


def _now(config: Config) -> dt.datetime:
    """Now in the vault's zone (the machine's when none is set), to the second, with offset."""
    zone = config.tz
    now = dt.datetime.now(zone) if zone is not None else dt.datetime.now().astimezone()
    return now.replace(microsecond=0)


def recheck(
    root: Path,
    config: Config,
    as_of: dt.date,
    changed: Iterable[str],
    deleted: Iterable[str] = (),
    *,
    use_cache: bool = True,
    ctx: Context | None = None,
    with_facts: bool = False,
) -> BatchResult:
    """Lint the ``changed`` notes (vault-relative paths) and forget the ``deleted`` ones.

    Only the changed files are stat'ed and parsed; every other note stays as the cache has
    it. A changed path that is gone by now counts as deleted. ``with_facts``: keep the
    interview notes' facts in the cache too (for a watch that keeps the index).
    """
    started = time.perf_counter()
    stats: dict[str, Stat] = {}
    removed = set(deleted)
    for rel in changed:
        found = note_stat(root, rel)
        if found is None:
            removed.add(rel)
        else:
            stats[rel] = found
    removed -= set(stats)
    listing = Listing(tuple(sorted(stats)), unreadable_paths(root, removed), stats)
    result, report = check_vault(
        root,
        config,
        as_of,
        listing,
        whole_vault=False,
        use_cache=use_cache,
        ctx=ctx,
        with_facts=with_facts,
    )
    warnings = list(report.warnings)
    if removed and use_cache:
        cache = NoteCache.open(root, warnings)
        if cache is not None:
            cache.forget(removed)
            warnings.extend(cache.warnings)
            cache.close()
    return BatchResult(
        when=_now(config),
        as_of=as_of,
        changed=listing.paths,
        removed=tuple(sorted(removed)),
        result=result,
        warnings=tuple(warnings),
        unreadable=listing.unreadable,
        seconds=time.perf_counter() - started,
        listing=listing,
    )


def unreadable_paths(root: Path, gone: Iterable[str]) -> tuple[tuple[str, str], ...]:
    """Of the notes ``gone`` from the watch, those ``check`` would report it cannot read,
    with why, as ``list_notes`` reports them: the outermost folder that can no longer be
    listed, else the note itself when its status cannot be read (a folder that can be
    listed but not entered). A note deleted, or moved away, is nothing to report."""
    found: dict[str, str] = {}
    listable: set[str] = set()
    for rel in gone:
        parts = rel.split("/")
        for depth in range(1, len(parts) + 1):
            here = "/".join(parts[:depth])
            if here in found:
                break
            if here in listable:
                continue
            path = os.path.join(os.fspath(root), *parts[:depth])
            try:
                if depth < len(parts):
                    with os.scandir(path):
                        listable.add(here)
                else:
                    os.lstat(path)
            except FileNotFoundError:
                break
            except OSError as exc:
                found[here] = exc.strerror or str(exc)
                break
    return tuple(sorted(found.items()))


class Watch:
    """What a running watch keeps between batches. Not thread-safe: one batch at a time.

    ``as_of`` fixed when given, else today in the vault's zone at each batch. With
    ``keep_notes`` it keeps the facts of every interview note of the vault current (for the
    index).
    """

    def __init__(
        self,
        root: Path,
        config: Config,
        *,
        as_of: dt.date | None = None,
        use_cache: bool = True,
        keep_notes: bool = False,
    ) -> None:
        self.root = root
        self.config = config
        self.fixed_as_of = as_of
        self.use_cache = use_cache
        self.keep_notes = keep_notes
        self._facts: dict[str, Facts] = {}
        #: Goes up whenever the kept facts change, so the index is rebuilt only then.
        self.notes_version = 0
        #: (notes version, as-of) the index note was last made of.
        self._index_made_of: tuple[int, dt.date] | None = None
        #: Why the index note was last refused (not ours to replace), until it is written.
        self._index_refusal: str | None = None
        #: Likewise for the check report note (``--write-report``).
        self._report_refusal: str | None = None
        self._ctx: Context | None = None

    def as_of(self) -> dt.date:
        return self.fixed_as_of or today_in(self.config.tz)

    def context(self, as_of: dt.date) -> Context:
        """One rule context for every batch, made again only when as-of or settings change."""
        if self._ctx is None or self._ctx.as_of != as_of or self._ctx.config is not self.config:
            self._ctx = make_context(self.root, self.config, as_of)
        return self._ctx

    def index_due(self, batch: BatchResult) -> bool:
        """Whether the index note may say something new after ``batch``."""
        return batch.full or self._index_made_of != (self.notes_version, batch.as_of)

    def index_written(self, batch: BatchResult) -> None:
        """The index note was made (or found current) after ``batch``."""
        self._index_made_of = (self.notes_version, batch.as_of)
        self._index_refusal = None

    def index_refused(self, reason: str) -> bool:
        """The index note could not be replaced (a user's file, or edited since it was
        written): whether that is news to report. Said once, not at every save, until the
        index is written again or the reason changes; each pass still tries, so the watch
        takes up the index as soon as the user has moved their text."""
        news = reason != self._index_refusal
        self._index_refusal = reason
        return news

    def vault_result(self, batch: BatchResult) -> LintResult:
        """The findings of every note of the vault after ``batch``, for the check report
        note: the batch's own when it checked every note, else a check of the whole vault
        through the cache, which holds the findings of every note the batch did not change
        (its snapshot makes that a listing and a diff; with ``--no-cache``, a full check)."""
        if batch.full:
            return batch.result
        result, _ = check_vault(
            self.root,
            self.config,
            batch.as_of,
            list_notes(self.root, self.config),
            use_cache=self.use_cache,
            ctx=self.context(batch.as_of),
        )
        return result

    def report_written(self) -> None:
        """The check report note was written (or found current)."""
        self._report_refusal = None

    def report_refused(self, reason: str) -> bool:
        """The check report note could not be replaced: whether that is news to report (as
        :meth:`index_refused`: said once until it is written again or the reason changes)."""
        news = reason != self._report_refusal
        self._report_refusal = reason
        return news

    @property
    def facts(self) -> list[Facts]:
        """The facts of every readable interview note, by path (with ``keep_notes``)."""
        return [self._facts[p] for p in sorted(self._facts)]

    def reload_config(self) -> Config:
        """Read ``.vault-tools.toml`` (and the template) again; a ``VaultToolsError`` leaves
        the old config in place."""
        self.config = read_config(self.root)
        self._ctx = None
        return self.config

    def check_all(self, progress: Callable[[int, int], None] | None = None) -> BatchResult:
        """Check every note, through the cache (what ``vault-tools check`` does)."""
        started = time.perf_counter()
        as_of = self.as_of()
        listing = list_notes(self.root, self.config)
        result, report = check_vault(
            self.root,
            self.config,
            as_of,
            listing,
            use_cache=self.use_cache,
            progress=progress,
            ctx=self.context(as_of),
        )
        warnings = list(report.warnings)
        if self.keep_notes:
            facts, loaded = load_interview_facts(
                self.root,
                self.config,
                as_of,
                listing,
                use_cache=self.use_cache,
                ctx=self.context(as_of),
            )
            warnings.extend(w for w in loaded.warnings if w not in warnings)
            self._facts = {f.path: f for f in facts}
            self.notes_version += 1
        return BatchResult(
            when=_now(self.config),
            as_of=as_of,
            changed=listing.paths,
            removed=(),
            result=result,
            full=True,
            unreadable=listing.unreadable,
            warnings=tuple(warnings),
            seconds=time.perf_counter() - started,
            listing=listing,
        )

    def check_changed(self, changed: Iterable[str], deleted: Iterable[str]) -> BatchResult:
        """Re-check a batch; with ``keep_notes``, bring the kept notes up to date too."""
        as_of = self.as_of()
        batch = recheck(
            self.root,
            self.config,
            as_of,
            changed,
            deleted,
            use_cache=self.use_cache,
            ctx=self.context(as_of),
            with_facts=self.keep_notes,  # the facts are then read back, not parsed again
        )
        if self.keep_notes:
            self._update_facts(batch)
        return batch

    def _update_facts(self, batch: BatchResult) -> None:
        dropped = [self._facts.pop(rel, None) for rel in (*batch.changed, *batch.removed)]
        kept = 0
        if batch.listing is not None and batch.listing.paths:
            facts, _ = load_interview_facts(
                self.root,
                self.config,
                batch.as_of,
                batch.listing,
                whole_vault=False,
                use_cache=self.use_cache,
                ctx=self.context(batch.as_of),
            )
            self._facts.update((f.path, f) for f in facts)
            kept = len(facts)
        if kept or any(facts is not None for facts in dropped):
            self.notes_version += 1  # else only notes that are no interviews changed
