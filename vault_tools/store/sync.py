"""Reading a vault's notes through the cache: the one sync loop.

A run diffs the listed files (path and version) against the cache's rows, reads and parses
only what changed or what the cache cannot answer (in worker processes when there are
many), stores each result for the exact version of the file it came from, and drops rows
of files that went. ``check_vault`` wants lint results, ``load_interview_facts`` the facts
the reports read (kept as data in the cache), ``load_interview_notes`` the parses
themselves (read every time: the cache holds no parse). A note read for any of them is
linted, and a report also takes its facts (a check does not: facts cost a cold check a
quarter of its time), so a check after a report finds the notes ready. Nothing here
prints: warnings are returned.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from vault_tools.config import Config
from vault_tools.diagnostics import Diagnostic, Fix, LintResult
from vault_tools.interview import (
    Context,
    Facts,
    facts_key,
    facts_of,
    is_generated,
    is_interview,
    make_context,
)
from vault_tools.linter import lint_note
from vault_tools.note import Note
from vault_tools.persons import MENTIONS_VERSION, Mentions, note_mentions
from vault_tools.rules import RULES_BY_CODE
from vault_tools.store.cache import (
    MAX_VALUE,
    Entry,
    NoteCache,
    Row,
    Snapshot,
    trusted_before,
)
from vault_tools.templates import builtin_template, template_text
from vault_tools.vault import STAT_FIELDS, Listing, Stat, StatTable, load_note_version

#: Below this many notes to parse, worker processes cost more than they save.
PARALLEL_MIN = 400
CHUNK = 250

Progress = Callable[[int, int], None]  # (notes done, notes to do)


@dataclass
class RunReport:
    """What a run did besides its result: warnings for stderr, and the work it had."""

    warnings: list[str] = field(default_factory=list)
    parsed: int = 0  # files read and parsed
    linted: int = 0  # interview notes the rules ran on
    reused: int = 0  # notes whose cached result was still valid


# --------------------------------------------------------------------------------------------
# Keys: everything a stored result depends on besides the file itself


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """A hash of the package's own code and templates, once per process: a new version
    of a rule (or of anything else) never reads an older version's results."""
    package = Path(__file__).resolve().parent.parent
    h = hashlib.sha1()
    for path in sorted(package.rglob("*")):
        if path.suffix in (".py", ".md") and "__pycache__" not in path.parts:
            h.update(path.relative_to(package).as_posix().encode())
            h.update(b"\0")
            h.update(path.read_bytes())
    return h.hexdigest()[:16]


def machine_zone() -> str:
    """What the machine's time zone is, as far as this process can tell (``TZ``, the
    zone file, and the zone the C library settled on)."""
    import time as clock

    try:
        localtime = os.path.realpath("/etc/localtime")
    except OSError:  # pragma: no cover - realpath does not raise on Linux
        localtime = ""
    return repr((os.environ.get("TZ"), localtime, clock.tzname, clock.timezone, clock.altzone))


def _digest(*parts: object) -> str:
    return hashlib.sha1(repr(parts).encode("utf-8", "surrogatepass")).hexdigest()[:20]


def selection_key(config: Config) -> str:
    """Fingerprint of what decides which notes are interviews."""
    # The templates folder too: it comes from Obsidian's settings when the config names
    # none, so a changed ``.obsidian/templates.json`` makes a new key.
    return "s:" + _digest(
        code_fingerprint(), config.folders, config.type, config.tag, config.templates
    )


def facts_key_of(ctx: Context) -> str:
    """Fingerprint of everything an interview note's facts depend on besides the note."""
    return "f:" + _digest(code_fingerprint(), facts_key(ctx))


@lru_cache(maxsize=1)
def mentions_key() -> str:
    """Fingerprint of what ``note_mentions`` keeps of a note that is no interview."""
    return "m:" + _digest(code_fingerprint(), MENTIONS_VERSION)


def lint_key(root: Path, config: Config, as_of: dt.date) -> str:
    """Fingerprint of everything a lint result depends on besides the note itself."""
    settings = {k: v for k, v in asdict(config).items() if k != "source"}
    templates = (template_text(root, config), builtin_template())
    zone = None if config.timezone else machine_zone()
    return "l:" + _digest(code_fingerprint(), settings, as_of.isoformat(), templates, zone)


# --------------------------------------------------------------------------------------------
# Reading and parsing (in this process or in workers)

_WORKER: dict[str, Any] = {}


def _init_worker(
    root: Path,
    config: Config,
    as_of: dt.date | None,
    ctx: Context | None = None,
    with_facts: bool = True,
    parent: int | None = None,
) -> None:
    _WORKER.clear()
    _WORKER.update(root=root, config=config, as_of=as_of, ctx=ctx, with_facts=with_facts)
    if parent is not None:
        _die_with(parent)


def _die_with(parent: int) -> None:
    """End this worker when the process that started it ends, however it ends (SIGKILL
    included): the kernel's parent-death signal on Linux, a watching thread elsewhere."""
    import signal

    if sys.platform.startswith("linux"):
        import ctypes

        with contextlib.suppress(Exception):  # no prctl here: the check below still runs
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:
        os._exit(1)  # the parent died before the signal was set
    if not sys.platform.startswith("linux"):
        import threading

        def watch() -> None:
            while os.getppid() == parent:
                time.sleep(0.5)
            os._exit(1)

        threading.Thread(target=watch, daemon=True).start()
    # Ctrl-C reaches the whole process group: the parent shuts the pool down, and the
    # workers end with it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _context() -> Context | None:
    if _WORKER["as_of"] is None:
        return None
    if _WORKER["ctx"] is None:
        _WORKER["ctx"] = make_context(_WORKER["root"], _WORKER["config"], _WORKER["as_of"])
    ctx: Context = _WORKER["ctx"]
    return ctx


@dataclass(frozen=True)
class Parsed:
    """One file read and parsed: what it is and what was found in it.

    ``version``: the file's ``Stat`` as it was read, ``None`` when nothing may be stored for
    it (unreadable, or changed while read). ``lint``: diagnostic rows of an interview note
    when linting. ``facts``: an interview note's facts. ``note``: the parse, when it was
    made in this process and wanted.
    """

    path: str
    version: Stat | None
    interview: bool
    lint: list[list[object]] | None
    unreadable: bool = False
    note: Note | None = None
    facts: Facts | None = None
    mentions: Mentions | None = None  # of a note that is no interview, with facts


def _parse_one(path: str, keep_note: bool) -> Parsed | None:
    root: Path = _WORKER["root"]
    config: Config = _WORKER["config"]
    note, version = load_note_version(root, path)
    if note is None:
        return None  # vanished since it was listed
    interview = is_interview(note, config) and not is_generated(note)
    ctx = _context()
    lint = None
    facts = None
    mentions = None
    if ctx is not None and interview:
        lint = [d.to_row() for d in lint_note(note, ctx)]
        if _WORKER["with_facts"]:
            facts = facts_of(note, ctx)
    elif not interview and _WORKER["with_facts"]:
        mentions = note_mentions(note) if note.readable else Mentions()
    unreadable = any(code == "VT005" for code, *_ in note.problems)
    kept = note if keep_note else None
    return Parsed(path, version, interview, lint, unreadable, kept, facts, mentions)


def _parse_chunk(chunk: Sequence[str]) -> list[Parsed]:
    return [p for path in chunk if (p := _parse_one(path, False)) is not None]


def _workers() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _parse_all(
    root: Path,
    config: Config,
    as_of: dt.date | None,
    todo: Sequence[str],
    progress: Progress | None,
    ctx: Context | None = None,
    keep_notes: bool = False,
    with_facts: bool = True,
) -> Iterator[Parsed]:
    """Parse ``todo``; results come in chunks, in order, as they are ready.

    Without ``as_of`` nothing is linted. ``ctx`` (made for this root, config and as-of) is
    used when parsing in this process; ``keep_notes`` asks for the parses too, which only
    a run in this process gives (workers send back results, not notes); ``with_facts``
    for the interview notes' facts.
    """
    workers = min(_workers(), 4)
    if len(todo) < PARALLEL_MIN or workers < 2 or keep_notes:
        _init_worker(root, config, as_of, ctx, with_facts)
        for done, path in enumerate(todo, 1):
            parsed = _parse_one(path, keep_notes)
            if parsed is not None:
                yield parsed
            if progress and done % 100 == 0:
                progress(done, len(todo))
        return

    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    method = "fork" if sys.platform.startswith("linux") else "spawn"
    chunks = [todo[i : i + CHUNK] for i in range(0, len(todo), CHUNK)]
    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context(method),
        initializer=_init_worker,
        initargs=(root, config, as_of, None, with_facts, os.getpid()),
    )
    try:
        done = 0
        for results in pool.map(_parse_chunk, chunks):
            yield from results
            done += CHUNK
            if progress:
                progress(min(done, len(todo)), len(todo))
    finally:
        # Interrupted (Ctrl-C, SIGTERM turned into an exception): no worker is left behind.
        pool.shutdown(wait=True, cancel_futures=True)


# --------------------------------------------------------------------------------------------
# Stored lint results, read back as data


def _diagnostic_rows(text: object) -> list[list[Any]] | None:
    """Lint rows as stored (JSON), checked row by row; None when anything is off."""
    if not isinstance(text, str) or len(text) > MAX_VALUE:
        return None
    if text == "[]":
        return []
    try:
        rows = json.loads(text)
    except (ValueError, RecursionError):
        return None
    return rows if _valid_rows(rows) else None


def _valid_rows(rows: object) -> bool:
    if not isinstance(rows, list):
        return False
    for row in rows:
        if not (
            isinstance(row, list)
            and (len(row) == 5 or (len(row) == 6 and Fix.from_row(row[5]) is not None))
            and type(row[0]) is int
            and type(row[1]) is int
            and row[0] >= 1
            and row[1] >= 1
            and row[2] in RULES_BY_CODE
            and row[3] in ("error", "warning")
            and isinstance(row[4], str)
        ):
            return False
    return True


def _lint_text(rows: list[list[object]]) -> str:
    return json.dumps(rows) if rows else "[]"  # ASCII: messages may quote odd characters


def _entry(parsed: Parsed, select: str, full: str | None, fkey: str | None) -> Entry | None:
    if parsed.version is None or parsed.unreadable:
        return None
    if not parsed.interview:
        if parsed.mentions is not None:
            said = json.dumps(parsed.mentions.to_data())
            return Entry(
                parsed.path, parsed.version, select, False, None, None, mentions_key(), said
            )
        return Entry(parsed.path, parsed.version, select, False)
    lint = _lint_text(parsed.lint) if parsed.lint is not None and full is not None else None
    facts = None
    if parsed.facts is not None and fkey is not None:
        data = parsed.facts.to_data()
        # ASCII JSON: a lone surrogate (a YAML "\ud800", a non-UTF-8 path) stays exact.
        facts = json.dumps(data) if data is not None else None
    return Entry(
        parsed.path,
        parsed.version,
        select,
        True,
        full if lint else None,
        lint,
        fkey if facts else None,
        facts,
    )


def _stored_facts(path: str, key: object, text: object, fkey: str) -> Facts | None:
    """Facts as the cache holds them, checked: None unless all of it is as we write it."""
    if key != fkey or not isinstance(text, str) or len(text) > MAX_VALUE:
        return None
    found = Facts.from_json(text)
    return found if found is not None and found.path == path else None


def _stored_mentions(key: object, text: object, mkey: str) -> Mentions | None:
    """Mentions as the cache holds them, checked: None unless all of it is as we write it."""
    if key != mkey or not isinstance(text, str) or len(text) > MAX_VALUE:
        return None
    return Mentions.from_json(text)


def _fresh(row: Row | None, stat: Stat | None) -> bool:
    return row is not None and stat is not None and row.version == stat


# --------------------------------------------------------------------------------------------
# The whole-vault snapshot


def snapshot_key(listing: Listing, full: str) -> str | None:
    """Fingerprint of a whole-vault check: every file's path and version, and the lint key.

    ``None`` when a file changed so recently that its times cannot be trusted yet.
    """
    stats = listing.stats
    if not isinstance(stats, StatTable) or len(stats) != len(listing.paths):
        return None
    if stats.newest() > trusted_before():
        return None
    h = hashlib.sha1(full.encode())
    h.update("\0".join(listing.paths).encode("utf-8", "surrogateescape"))
    h.update(stats.column_bytes())
    return h.hexdigest()


def _result_json(result: LintResult) -> str:
    rows = [[d.path, *d.to_row()] for d in result.diagnostics]
    # ASCII JSON: a path that is not UTF-8 (lone surrogates) stays exact, and sqlite can
    # hold the text.
    return json.dumps([result.notes_checked, rows])


def _result_from_json(text: str) -> LintResult | None:
    if len(text) > MAX_VALUE:
        return None
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return None
    if not (isinstance(data, list) and len(data) == 2 and type(data[0]) is int):
        return None
    checked, rows = data
    if checked < 0 or not isinstance(rows, list):
        return None
    if not all(isinstance(r, list) and r and isinstance(r[0], str) for r in rows):
        return None
    if not _valid_rows([r[1:] for r in rows]):
        return None
    return LintResult(checked, tuple(Diagnostic.from_row(r[0], r[1:]) for r in rows))


#: Past this many files changed since the last whole-vault check, the snapshot is not
#: patched: the ordinary diff against the cache's rows is as fast.
PATCH_MAX = 500


def _make_snapshot(
    listing: Listing, full: str, interviews: set[str] | bytes, result: LintResult
) -> Snapshot | None:
    """The snapshot of a whole-vault check, or None when one must not be kept (a file
    changed too recently to trust its times)."""
    key = snapshot_key(listing, full)
    if key is None:
        return None
    stats = listing.stats
    assert isinstance(stats, StatTable)
    if not isinstance(interviews, bytes):
        interviews = bytes(1 if path in interviews else 0 for path in listing.paths)
    return Snapshot(
        key=key,
        lint_key=full,
        paths="\0".join(listing.paths).encode("utf-8", "surrogateescape"),
        columns=stats.column_bytes(),
        flags=interviews,
        result=_result_json(result),
    )


def _snapshot_diff(snap: Snapshot, listing: Listing) -> tuple[set[str], set[str], int] | None:
    """(changed or new paths, removed paths, interview notes of the snapshot among them),
    or None when the snapshot cannot be patched (damaged, or too much changed)."""
    from array import array

    stats = listing.stats
    assert isinstance(stats, StatTable)
    columns = array("q")
    try:
        columns.frombytes(snap.columns)
        old_paths = snap.paths.decode("utf-8", "surrogateescape").split("\0") if snap.paths else []
    except ValueError:
        return None
    count = len(old_paths)
    if len(columns) != STAT_FIELDS * count or len(snap.flags) != count:
        return None
    old_index = {path: i for i, path in enumerate(old_paths)}
    changed: set[str] = set()
    lost = 0
    seen = 0
    for path, version in stats.in_order():
        k = old_index.get(path)
        if k is not None:
            seen += 1
            old = tuple(columns[c * count + k] for c in range(STAT_FIELDS))
            if old == version:
                continue
            lost += snap.flags[k]
        changed.add(path)
        if len(changed) > PATCH_MAX:
            return None
    removed = set()
    if seen != count:
        listed = set(listing.paths)
        removed = {p for p in old_paths if p not in listed}
        lost += sum(snap.flags[old_index[p]] for p in removed)
    if len(changed) + len(removed) > PATCH_MAX:
        return None
    return changed, removed, lost


def _from_snapshot(
    root: Path,
    config: Config,
    as_of: dt.date,
    listing: Listing,
    cache: NoteCache,
    full: str,
    report: RunReport,
    progress: Progress | None,
    ctx: Context | None,
) -> LintResult | None:
    """A whole-vault result from the last one: as it was when nothing changed, or patched
    with the few files that changed, appeared or went. None when the ordinary way is due."""
    stats = listing.stats
    if not isinstance(stats, StatTable) or len(stats) != len(listing.paths):
        return None
    snap = cache.snapshot()
    if snap is None or snap.lint_key != full:
        return None
    if snap.key == snapshot_key(listing, full):
        # Nothing changed since the last whole-vault check: not one note is read.
        result = _result_from_json(snap.result)
        if result is None or not _names_listed(result, listing):
            return None
        report.reused = len(listing.paths)
        return result
    diff = _snapshot_diff(snap, listing)
    old = _result_from_json(snap.result) if diff is not None else None
    if diff is None or old is None or not _names_listed(old, listing, diff[1]):
        return None
    changed, removed, lost = diff
    old_paths = snap.paths.decode("utf-8", "surrogateescape").split("\0") if snap.paths else []
    interviews = {
        p for p, flag in zip(old_paths, snap.flags, strict=True) if flag and p not in changed
    } - removed
    # The changed files go through the ordinary pass, as a listing of their own.
    subset = Listing(tuple(sorted(changed)), stats={p: stats[p] for p in changed})
    found = _sync(
        root,
        config,
        subset,
        cache,
        report,
        want="lint",
        as_of=as_of,
        full=full,
        ctx=ctx,
        progress=progress,
    )
    kept = [d for d in old.diagnostics if d.path not in changed and d.path not in removed]
    diagnostics = sorted([*kept, *found.diagnostics], key=Diagnostic.sort_key)
    result = LintResult(max(old.notes_checked - lost + found.checked, 0), tuple(diagnostics))
    report.reused += len(listing.paths) - len(changed)
    cache.forget(removed)
    interviews |= found.interviews
    consistent = found.consistent
    cache.save_snapshot(_make_snapshot(listing, full, interviews, result) if consistent else None)
    return result


def _names_listed(result: LintResult, listing: Listing, removed: set[str] | None = None) -> bool:
    """Every finding of a stored result is of a note the listing (or, for a patch, the
    last one) has: a result that names other files is not this vault's."""
    known = set(listing.paths) | (removed or set())
    return all(d.path in known for d in result.diagnostics)


def _consistent(parsed: Parsed, listing: Listing) -> bool:
    """Whether the version read is the version listed, so a snapshot of the listing holds
    this result (a note that could not be read is never part of one: a permission fixed
    later may change nothing the listing sees)."""
    return (
        not parsed.unreadable
        and parsed.version is not None
        and listing.stats.get(parsed.path) == parsed.version
    )


# --------------------------------------------------------------------------------------------
# The one sync pass


@dataclass
class _Pass:
    """What one sync pass found of its listing's interview notes."""

    checked: int = 0
    diagnostics: list[Diagnostic] = field(default_factory=list)
    interviews: set[str] = field(default_factory=set)
    facts: dict[str, Facts] = field(default_factory=dict)
    notes: dict[str, Note] = field(default_factory=dict)
    #: What the notes that are no interviews say of people (with facts)
    mentions: dict[str, Mentions] = field(default_factory=dict)
    #: Every result came from the listed version of its file (see ``_consistent``).
    consistent: bool = True


def _sync(
    root: Path,
    config: Config,
    listing: Listing,
    cache: NoteCache | None,
    report: RunReport,
    *,
    want: str,
    as_of: dt.date | None,
    full: str | None = None,
    ctx: Context | None = None,
    progress: Progress | None = None,
    whole_vault: bool = False,
    with_facts: bool = False,
) -> _Pass:
    """Diff the listing against the cache's rows, take what the cache holds for each file's
    version, read and parse the rest (in workers when many), and store each result for the
    version it was read from. ``want``: "lint" (results for ``as_of``), "facts" (what the
    reports read) or "notes" (the parses themselves, which the cache never holds).

    Every note read is linted when ``as_of`` is given, and its facts taken when facts are
    wanted (``with_facts`` asks for them beside lint results); a stored row keeps what it
    held for the same version (``NoteCache.store``). ``full``: the lint key of ``as_of``,
    when the caller made it already. ``whole_vault``: the listing is every note of the
    vault, so rows of files not in it are dropped.
    """
    select = selection_key(config)
    if full is None and as_of is not None:
        full = lint_key(root, config, as_of)  # the caller may have it already
    with_facts = with_facts or want == "facts"
    if ctx is None and as_of is not None and with_facts:
        ctx = make_context(root, config, as_of)
    fkey = facts_key_of(ctx) if ctx is not None and with_facts else None
    rows = cache.rows(None if whole_vault else listing.paths) if cache is not None else {}
    found = _Pass()
    todo: list[str] = []
    stored: list[str] = []  # interview notes whose facts the cache should hold
    said: list[str] = []  # other notes whose mentions the cache should hold
    mkey = mentions_key() if want == "facts" else None
    for path, stat in listing.entries():
        row = rows.get(path)
        if row is None or not _fresh(row, stat) or row.select_key != select:
            todo.append(path)
        elif row.interview == 0 and mkey is not None:
            (said if row.facts_key == mkey else todo).append(path)
        elif row.interview == 0:
            report.reused += 1  # known to be no interview under this selection
        elif row.interview != 1 or want == "notes":
            todo.append(path)
        elif want == "facts":
            (stored if row.facts_key == fkey else todo).append(path)
        elif row.lint_key == full and (lint := _diagnostic_rows(row.lint)) is not None:
            report.reused += 1
            found.checked += 1
            found.interviews.add(path)
            found.diagnostics.extend(Diagnostic.from_row(path, r) for r in lint)
        else:
            todo.append(path)  # linted for another day or config, or a damaged row
    if stored and cache is not None and fkey is not None:
        for path, key, text in cache.facts(stored):
            if isinstance(path, str) and (facts := _stored_facts(path, key, text, fkey)):
                found.facts[path] = facts
                found.interviews.add(path)
        report.reused += len(found.facts)
        todo = sorted([*todo, *(p for p in stored if p not in found.facts)])
    if said and cache is not None and mkey is not None:
        for path, key, text in cache.facts(said):
            if isinstance(path, str) and (mentions := _stored_mentions(key, text, mkey)):
                found.mentions[path] = mentions
        report.reused += len(found.mentions)
        todo = sorted([*todo, *(p for p in said if p not in found.mentions)])
    elif said:
        todo = sorted([*todo, *said])
    batch: list[Entry] = []
    parsed_all = _parse_all(
        root, config, as_of, todo, progress, ctx, keep_notes=want == "notes", with_facts=with_facts
    )
    for parsed in parsed_all:
        report.parsed += 1
        if parsed.interview:
            found.interviews.add(parsed.path)
            if parsed.lint is not None:
                report.linted += 1
                found.checked += 1
                found.diagnostics.extend(Diagnostic.from_row(parsed.path, r) for r in parsed.lint)
            if parsed.facts is not None:
                found.facts[parsed.path] = parsed.facts
            if parsed.note is not None:
                found.notes[parsed.path] = parsed.note
        elif parsed.mentions is not None:
            found.mentions[parsed.path] = parsed.mentions
        found.consistent &= _consistent(parsed, listing)
        if cache is not None and (entry := _entry(parsed, select, full, fkey)) is not None:
            batch.append(entry)
            if len(batch) >= 5000:
                cache.store(batch)
                batch = []
    if cache is not None:
        cache.store(batch)
        if whole_vault:
            cache.forget(set(rows) - set(listing.paths))
    return found


# --------------------------------------------------------------------------------------------
# What commands call


@contextlib.contextmanager
def _opened_cache(root: Path, use_cache: bool, report: RunReport) -> Iterator[NoteCache | None]:
    """The vault's cache for one run (``None`` without it), closed at the end with its
    warnings added to the run's."""
    cache = NoteCache.open(root, report.warnings) if use_cache else None
    try:
        yield cache
    finally:
        if cache is not None:
            report.warnings.extend(cache.warnings)
            cache.close()


def check_vault(
    root: Path,
    config: Config,
    as_of: dt.date,
    listing: Listing,
    *,
    whole_vault: bool = True,
    use_cache: bool = True,
    progress: Progress | None = None,
    ctx: Context | None = None,
    with_facts: bool = False,
) -> tuple[LintResult, RunReport]:
    """Lint the listed notes, reusing every cached result still valid for its file.

    ``whole_vault``: the listing is every note of the vault (rows of files not in it are
    dropped, and the result is remembered as the vault's snapshot). ``ctx``: a rule context
    made for this root, config and as-of, for a caller that checks again and again (watch).
    ``with_facts``: store the facts of the interview notes read, too (a check alone does
    not: they cost a cold check a quarter of its time).
    """
    report = RunReport()
    full = lint_key(root, config, as_of)
    with _opened_cache(root, use_cache, report) as cache:
        if cache is not None and whole_vault:
            quick = _from_snapshot(root, config, as_of, listing, cache, full, report, progress, ctx)
            if quick is not None:
                return quick, report
        found = _sync(
            root,
            config,
            listing,
            cache,
            report,
            want="lint",
            as_of=as_of,
            full=full,
            ctx=ctx,
            progress=progress,
            whole_vault=whole_vault,
            with_facts=with_facts,
        )
        diagnostics = tuple(sorted(found.diagnostics, key=Diagnostic.sort_key))
        result = LintResult(found.checked, diagnostics)
        if cache is not None and whole_vault:
            snap = _make_snapshot(listing, full, found.interviews, result)
            cache.save_snapshot(snap if found.consistent else None)
        return result, report


def load_interview_notes(
    root: Path,
    config: Config,
    listing: Listing,
    *,
    whole_vault: bool = True,
    use_cache: bool = True,
    progress: Progress | None = None,
) -> tuple[list[Note], RunReport]:
    """Every readable interview note of the listing, parsed (notes that the cache knows to
    be no interviews under this config are not read).

    ``whole_vault``: the listing is every note of the vault, and cached rows of files not
    in it are dropped; otherwise only the listed rows are read and the rest is left alone.
    """
    report = RunReport()
    with _opened_cache(root, use_cache, report) as cache:
        found = _sync(
            root,
            config,
            listing,
            cache,
            report,
            want="notes",
            as_of=None,
            progress=progress,
            whole_vault=whole_vault,
        )
        notes = [found.notes[p] for p in sorted(found.notes)]
        return [n for n in notes if n.readable], report


def load_interview_facts(
    root: Path,
    config: Config,
    as_of: dt.date,
    listing: Listing,
    *,
    whole_vault: bool = True,
    use_cache: bool = True,
    progress: Progress | None = None,
    ctx: Context | None = None,
    mentions: dict[str, Mentions] | None = None,
) -> tuple[list[Facts], RunReport]:
    """The facts of every readable interview note of the listing, by path: from the cache
    where it holds them for the file's version, else read (and linted, for ``as_of``).

    ``whole_vault``: the listing is every note of the vault, and cached rows of files not
    in it are dropped; otherwise only the listed rows are read and the rest is left alone.
    ``mentions``, when given, is filled with what every other note says of people (path ->
    ``Mentions``), kept in the cache the same way.
    """
    report = RunReport()
    ctx = ctx or make_context(root, config, as_of)
    fkey = facts_key_of(ctx)
    select = selection_key(config)
    keys = f"{select}\0{fkey}\0{mentions_key()}"
    listing_key = snapshot_key(listing, keys) if whole_vault else None
    with _opened_cache(root, use_cache, report) as cache:
        if cache is not None and listing_key is not None:
            quick = _facts_from_snapshot(cache, listing, listing_key, select, fkey)
            said = (
                _mentions_of_rows(cache, listing, quick[1], select) if quick is not None else None
            )
            if quick is not None and said is not None:
                report.reused = len(listing.paths)
                if mentions is not None:
                    mentions.update(said)
                return quick[0], report
        found = _sync(
            root,
            config,
            listing,
            cache,
            report,
            want="facts",
            as_of=as_of,
            ctx=ctx,
            progress=progress,
            whole_vault=whole_vault,
        )
        if cache is not None and whole_vault:
            paths = "\0".join(sorted(found.facts)).encode("utf-8", "surrogateescape")
            cache.save_report_snapshot(listing_key if found.consistent else None, paths)
        if mentions is not None:
            mentions.update(found.mentions)
        return [found.facts[p] for p in sorted(found.facts) if found.facts[p].readable], report


def _facts_from_snapshot(
    cache: NoteCache, listing: Listing, key: str, select: str, fkey: str
) -> tuple[list[Facts], set[str]] | None:
    """Every interview note's facts when nothing changed since the last whole-vault report:
    the listing is the one it saw, so only the rows marked as interviews are read (each
    still checked against the listed version). None when the ordinary way is due."""
    held = cache.report_snapshot()
    if held is None or held[0] != key:
        return None
    wanted = set(held[1].decode("utf-8", "surrogateescape").split("\0")) if held[1] else set()
    found: dict[str, Facts] = {}
    for path, *version, select_key, stored_key, text in cache.interview_rows():
        if not isinstance(path, str) or path not in wanted:
            continue
        if select_key != select or tuple(version) != listing.stats.get(path):
            return None
        facts = _stored_facts(path, stored_key, text, fkey)
        if facts is None:
            return None
        found[path] = facts
    if len(found) != len(wanted):
        return None
    return [found[p] for p in sorted(found) if found[p].readable], wanted


def _mentions_of_rows(
    cache: NoteCache, listing: Listing, interviews: set[str], select: str
) -> dict[str, Mentions] | None:
    """What every listed note that is no interview says of people, from its row: each row
    checked against the listed version. None when one is missing or stale (the ordinary
    way reads those notes again)."""
    mkey = mentions_key()
    found: dict[str, Mentions] = {}
    for path, *version, select_key, stored_key, text in cache.other_rows():
        if not isinstance(path, str) or path in interviews or path not in listing.stats:
            continue
        if select_key != select or tuple(version) != listing.stats.get(path):
            return None
        said = _stored_mentions(stored_key, text, mkey)
        if said is None:
            return None
        found[path] = said
    if len(found) != len(listing.paths) - len(interviews & set(listing.paths)):
        return None
    return found
