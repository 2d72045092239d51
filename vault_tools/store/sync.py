"""Reading a vault's notes through the cache: parse only what changed, in parallel when many.

``check_vault`` and ``interview_notes`` are what commands call. A run diffs the files on
disk (path, mtime, size) against the cache, parses only new or changed files (in worker
processes when there are many), re-runs the rules only where the config, as-of or template
changed, and drops rows of deleted files. Nothing here prints: warnings are returned.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from vault_tools.config import Config
from vault_tools.diagnostics import Diagnostic, LintResult
from vault_tools.interview import Context, is_generated, is_interview, make_context
from vault_tools.linter import lint_note
from vault_tools.note import Note
from vault_tools.store.cache import (
    RACY_NS,
    CacheRow,
    NoteCache,
    Row,
    Snapshot,
    dump_note,
    load_note_blob,
)
from vault_tools.templates import builtin_template, template_text
from vault_tools.vault import Listing, Stat, StatTable, load_note

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
    reused: int = 0  # notes whose cached lint result was still valid


def _digest(*parts: object) -> str:
    return hashlib.sha1(repr(parts).encode("utf-8", "surrogatepass")).hexdigest()[:20]


def selection_key(config: Config) -> str:
    """Fingerprint of what decides which notes are interviews."""
    return "s:" + _digest(config.folders, config.type, config.tag, config.templates)


def lint_key(root: Path, config: Config, as_of: dt.date) -> str:
    """Fingerprint of everything a lint result depends on besides the note itself."""
    settings = {k: v for k, v in asdict(config).items() if k != "source"}
    templates = (template_text(root, config), builtin_template())
    return "l:" + _digest(settings, as_of.isoformat(), templates)


# --------------------------------------------------------------------------------------------
# Parsing (in this process or in workers)

_WORKER: dict[str, Any] = {}


def _init_worker(
    root: Path,
    config: Config,
    as_of: dt.date | None,
    caching: bool,
    ctx: Context | None = None,
    keys: tuple[str | None, str] | None = None,
) -> None:
    """``keys``: (lint key of interview notes, or None; selection key) for a worker process
    that stores its own parses in the cache, sparing the parent their transfer."""
    _WORKER.clear()
    _WORKER.update(root=root, config=config, as_of=as_of, ctx=ctx, caching=caching, keys=keys)


def _context() -> Context | None:
    if _WORKER["as_of"] is None:
        return None
    if _WORKER["ctx"] is None:
        _WORKER["ctx"] = make_context(_WORKER["root"], _WORKER["config"], _WORKER["as_of"])
    ctx: Context = _WORKER["ctx"]
    return ctx


@dataclass(frozen=True)
class Parsed:
    path: str
    stat: Stat | None
    blob: bytes | None  # None: not to be cached (the file could not be read)
    interview: bool
    lint: list[list[object]] | None  # diagnostic rows of an interview note, when linting
    note: Note | None = None  # set when parsed in this process
    stored: bool = False  # already written to the cache by the worker process

    def cache_row(self, full: str | None, select: str) -> CacheRow | None:
        """The cache row to store for this file, or None when there is nothing to store.

        An interview note is stored with its lint result under ``full`` (None when nothing
        was linted); any other note as "not one" under the selection key ``select``.
        """
        if self.blob is None or self.stat is None:
            return None
        if self.interview:
            return (self.path, self.stat, self.blob, full, self.lint)
        return (self.path, self.stat, self.blob, select, None)


def _parse_one(path: str, stat: Stat | None, keep_note: bool) -> Parsed | None:
    root: Path = _WORKER["root"]
    config: Config = _WORKER["config"]
    note = load_note(root, path)
    if note is None:
        return None  # vanished since it was listed
    interview = is_interview(note, config) and not is_generated(note)
    ctx = _context()
    lint = None
    if ctx is not None and interview:
        lint = [d.to_row() for d in lint_note(note, ctx)]
    io_error = any(code == "VT005" for code, *_ in note.problems)
    blob = None
    if not io_error and stat is not None and _WORKER["caching"]:
        # A note that is not an interview is cached as "not one" (no parse): only a change
        # of which notes count as interviews brings it back, and then it is read again.
        blob = dump_note(note) if interview else b""
    return Parsed(path, stat, blob, interview, lint, note if keep_note else None)


def _parse_chunk(chunk: Sequence[tuple[str, Stat | None]]) -> list[Parsed]:
    parsed = [p for path, stat in chunk if (p := _parse_one(path, stat, False)) is not None]
    keys = _WORKER.get("keys")
    if keys is None or not _WORKER["caching"]:
        return parsed
    if "cache" not in _WORKER:
        _WORKER["cache"] = NoteCache.open(_WORKER["root"], [])
    cache: NoteCache | None = _WORKER["cache"]
    if cache is None:
        return parsed  # the parent stores them, or warns
    cache.store(entry for p in parsed if (entry := p.cache_row(*keys)) is not None)
    if cache.warnings:
        return parsed  # stored nothing: the parent tries, and warns
    # Stored here: the parent gets the results without the parses.
    return [replace(p, blob=None, stored=True) if p.blob is not None else p for p in parsed]


def _workers() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _parse_all(
    root: Path,
    config: Config,
    as_of: dt.date | None,
    todo: Sequence[tuple[str, Stat | None]],
    progress: Progress | None,
    caching: bool,
    ctx: Context | None = None,
    keys: tuple[str | None, str] | None = None,
) -> Iterator[Parsed]:
    """Parse ``todo``; results come in chunks, in order, as they are ready.

    Without ``as_of`` nothing is linted. Without ``caching`` no parse is serialised.
    ``ctx`` (made for this root, config and as-of) is used when parsing in this process.
    """
    workers = min(_workers(), 4)
    if len(todo) < PARALLEL_MIN or workers < 2:
        _init_worker(root, config, as_of, caching, ctx)
        for done, (path, stat) in enumerate(todo, 1):
            parsed = _parse_one(path, stat, True)
            if parsed is not None:
                yield parsed
            if progress and done % 100 == 0:
                progress(done, len(todo))
        return

    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    method = "fork" if sys.platform.startswith("linux") else "spawn"
    chunks = [todo[i : i + CHUNK] for i in range(0, len(todo), CHUNK)]
    with ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context(method),
        initializer=_init_worker,
        initargs=(root, config, as_of, caching, None, keys),
    ) as pool:
        done = 0
        for results in pool.map(_parse_chunk, chunks):
            yield from results
            done += CHUNK
            if progress:
                progress(min(done, len(todo)), len(todo))


# --------------------------------------------------------------------------------------------
# What commands call


def _diff(
    listing: Listing, rows: dict[str, Row]
) -> tuple[list[tuple[str, Stat | None]], list[tuple[str, Row]]]:
    """Split the listed files into those to parse (new or changed) and fresh cached rows."""
    to_parse: list[tuple[str, Stat | None]] = []
    fresh: list[tuple[str, Row]] = []
    for path, stat in listing.entries():
        row = rows.get(path)
        # (Row.fresh, inlined: this runs for every file of the vault)
        if row is None or stat is None or row[0] != stat[0] or row[1] != stat[1]:
            to_parse.append((path, stat))
        else:
            fresh.append((path, row))
    return to_parse, fresh


def _open_cache(root: Path, use_cache: bool, report: RunReport) -> NoteCache | None:
    return NoteCache.open(root, report.warnings) if use_cache else None


def snapshot_key(listing: Listing, full: str) -> str | None:
    """Fingerprint of a whole-vault check: every file's (path, mtime, size) and the lint key.

    ``None`` when a file changed so recently that its mtime cannot be trusted yet.
    """
    import time

    newest = time.time_ns() - RACY_NS
    h = hashlib.sha1(full.encode())
    stats = listing.stats
    if isinstance(stats, StatTable) and len(stats) == len(listing.paths):
        # The compact table hashes at C speed: names, then the two columns of numbers.
        if stats.newest() > newest:
            return None
        h.update("\0".join(listing.paths).encode("utf-8", "surrogateescape"))
        h.update(stats.column_bytes())
        return h.hexdigest()
    for path, stat in listing.entries():
        if stat is None or stat[0] > newest:
            return None
        h.update(f"{path}\0{stat[0]}\0{stat[1]}\n".encode("utf-8", "surrogateescape"))
    return h.hexdigest()


def _result_json(result: LintResult) -> str:
    import json

    rows = [[d.path, *d.to_row()] for d in result.diagnostics]
    return json.dumps([result.notes_checked, rows], ensure_ascii=False)


def _result_from_json(text: str) -> LintResult | None:
    import json

    try:
        checked, rows = json.loads(text)
        return LintResult(checked, tuple(Diagnostic.from_row(r[0], r[1:]) for r in rows))
    except (ValueError, TypeError, IndexError):
        return None


#: Past this many files changed since the last whole-vault check, the snapshot is not
#: patched: the ordinary diff against the cache's rows is as fast.
PATCH_MAX = 500


def _make_snapshot(
    listing: Listing,
    full: str,
    interviews: set[str] | bytes,
    result: LintResult,
    key: str | None = None,
    paths: bytes | None = None,
) -> Snapshot | None:
    """The snapshot of a whole-vault check, or None when one must not be kept: a file
    changed too recently to trust its mtime, or a file could not be read (a permission
    fixed later changes neither mtime nor size). ``interviews``: the interview notes, or
    their flags in listing order; ``key`` and ``paths`` when the caller has them already."""
    key = key or snapshot_key(listing, full)
    stats = listing.stats
    if key is None or not isinstance(stats, StatTable) or len(stats) != len(listing.paths):
        return None
    if any(d.rule == "VT005" for d in result.diagnostics):
        return None
    if not isinstance(interviews, bytes):
        interviews = bytes(1 if path in interviews else 0 for path in listing.paths)
    return Snapshot(
        key=key,
        lint_key=full,
        paths=paths or "\0".join(listing.paths).encode("utf-8", "surrogateescape"),
        columns=stats.column_bytes(),
        flags=interviews,
        result=_result_json(result),
    )


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
    key = snapshot_key(listing, full)
    if key is not None and snap.key == key:
        # Nothing changed since the last whole-vault check: not one note is read.
        report.reused = len(listing.paths)
        return _result_from_json(snap.result)

    from array import array

    columns = array("q")
    columns.frombytes(snap.columns)
    paths_now = "\0".join(listing.paths).encode("utf-8", "surrogateescape")
    changed: set[str] = set()
    removed: set[str] = set()
    flags: bytearray | None = None  # the same files: the last flags, patched by index
    where: dict[str, int] = {}  # the same files: index of each changed one
    lost = 0  # interview notes of the last check that changed or went
    if snap.paths == paths_now and len(columns) == 2 * len(stats) == 2 * len(snap.flags):
        # The same files (the common case: notes edited): compare the columns only.
        now = array("q")
        now.frombytes(stats.column_bytes())
        count = len(stats)
        for i in (i for i, (a, b) in enumerate(zip(columns, now, strict=True)) if a != b):
            j = i % count
            if listing.paths[j] not in changed:
                changed.add(listing.paths[j])
                where[listing.paths[j]] = j
                lost += snap.flags[j]
            if len(changed) > PATCH_MAX:
                return None
        flags = bytearray(snap.flags)
        for j in where.values():
            flags[j] = 0  # set again below for each one that is (still) an interview
    else:
        old_paths = snap.paths.decode("utf-8", "surrogateescape").split("\0") if snap.paths else []
        count = len(old_paths)
        if len(columns) != 2 * count or len(snap.flags) != count:
            return None
        old_index = {path: i for i, path in enumerate(old_paths)}
        seen: set[str] = set()
        for path, (mtime, size) in stats.in_order():
            k = old_index.get(path)
            if k is not None:
                seen.add(path)
            if k is None or columns[k] != mtime or columns[count + k] != size:
                changed.add(path)
                if k is not None:
                    lost += snap.flags[k]
            if len(changed) > PATCH_MAX:
                return None
        removed = set(old_paths) - seen
        lost += sum(snap.flags[old_index[path]] for path in removed)
    if len(changed) + len(removed) > PATCH_MAX:
        return None
    old = _result_from_json(snap.result)
    if old is None:
        return None

    diagnostics = [d for d in old.diagnostics if d.path not in changed and d.path not in removed]
    checked = old.notes_checked - lost
    interviews: set[str] | None = None
    if flags is None:
        keep = old_index.items()
        interviews = {p for p, j in keep if snap.flags[j] and p not in removed and p not in changed}
    select = selection_key(config)
    batch: list[CacheRow] = []
    todo = [(path, stats.get(path)) for path in sorted(changed)]
    for parsed in _parse_all(root, config, as_of, todo, progress, True, ctx):
        report.parsed += 1
        if parsed.interview:
            checked += 1
            report.linted += 1
            diagnostics.extend(Diagnostic.from_row(parsed.path, r) for r in parsed.lint or [])
        if interviews is not None and parsed.interview:
            interviews.add(parsed.path)
        if (entry := parsed.cache_row(full, select)) is not None:
            batch.append(entry)
        if flags is not None:
            flags[where[parsed.path]] = 1 if parsed.interview else 0
    report.reused = len(listing.paths) - len(changed)
    result = LintResult(checked, tuple(sorted(diagnostics, key=Diagnostic.sort_key)))
    cache.store(batch)
    cache.forget(removed)
    marks: set[str] | bytes = bytes(flags) if flags is not None else (interviews or set())
    cache.save_snapshot(
        _make_snapshot(listing, full, marks, result, key, paths_now), same_paths=flags is not None
    )
    return result


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
) -> tuple[LintResult, RunReport]:
    """Lint the listed notes, reusing every cached parse and lint result still valid.

    ``whole_vault``: the listing is every note of the vault (rows of files not in it are
    dropped, and the result is remembered as the vault's snapshot). ``ctx``: a rule context
    made for this root, config and as-of, for a caller that checks again and again (watch).
    """
    report = RunReport()
    cache = _open_cache(root, use_cache, report)
    select = selection_key(config)
    full = lint_key(root, config, as_of)
    if cache is not None and whole_vault:
        quick = _from_snapshot(root, config, as_of, listing, cache, full, report, progress, ctx)
        if quick is not None:
            report.warnings.extend(cache.warnings)
            cache.close()
            return quick, report
    interviews: set[str] = set()  # for the snapshot: which listed notes are interviews
    rows: dict[str, Row] = {}
    if cache is not None:
        rows = cache.rows(None if whole_vault else listing.paths)

    diagnostics: list[Diagnostic] = []
    checked = 0
    to_parse, fresh = _diff(listing, rows)
    to_relint: list[str] = []
    reused: list[tuple[str, str]] = []  # (path, lint JSON) of interviews still valid
    for path, row in fresh:
        if row.lint == "null" and row.lint_key == select:
            report.reused += 1  # known not to be an interview under this config
        elif row.lint not in (None, "null") and row.lint_key == full:
            report.reused += 1
            checked += 1
            interviews.add(path)
            if row.lint != "[]":
                reused.append((path, row.lint))
        else:
            to_relint.append(path)
    if reused:
        # One JSON document for all of them: one C call instead of one per note.
        import json

        decoded = json.loads("[" + ",".join(text for _, text in reused) + "]")
        for (path, _), found in zip(reused, decoded, strict=True):
            diagnostics.extend(Diagnostic.from_row(path, r) for r in found)

    fresh_lint: list[tuple[str, str, Any]] = []
    if to_relint and cache is not None:
        if ctx is None:
            ctx = make_context(root, config, as_of)
        found = dict(cache.notes(to_relint))
        for path in to_relint:
            note = found.get(path)
            if note is None:
                to_parse.append((path, listing.stats.get(path)))
                continue
            if is_interview(note, config) and not is_generated(note):
                found_here = lint_note(note, ctx)
                checked += 1
                interviews.add(path)
                report.linted += 1
                diagnostics.extend(found_here)
                fresh_lint.append((path, full, [d.to_row() for d in found_here]))
            else:
                fresh_lint.append((path, select, None))
        cache.store_lint(fresh_lint)

    batch: list[CacheRow] = []
    keys = (full, select)
    for parsed in _parse_all(root, config, as_of, to_parse, progress, cache is not None, ctx, keys):
        report.parsed += 1
        if parsed.interview:
            checked += 1
            interviews.add(parsed.path)
            report.linted += 1
            diagnostics.extend(Diagnostic.from_row(parsed.path, r) for r in parsed.lint or [])
        if cache is not None and (entry := parsed.cache_row(full, select)) is not None:
            batch.append(entry)
            if len(batch) >= 5000:
                cache.store(batch)
                batch = []
    result = LintResult(checked, tuple(sorted(diagnostics, key=Diagnostic.sort_key)))
    if cache is not None:
        cache.store(batch)
        if whole_vault:
            cache.forget(set(rows) - set(listing.paths))
            cache.save_snapshot(_make_snapshot(listing, full, interviews, result))
        report.warnings.extend(cache.warnings)
        cache.close()
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
    """Every readable interview note of the listing, parsed or taken from the cache.

    ``whole_vault``: the listing is every note of the vault, and cached rows of files not
    in it are dropped; otherwise only the listed rows are read and the rest is left alone.
    """
    report = RunReport()
    cache = _open_cache(root, use_cache, report)
    rows: dict[str, Row] = {}
    if cache is not None:
        rows = cache.rows(None if whole_vault else listing.paths)
    select = selection_key(config)
    notes: dict[str, Note] = {}
    cached: list[str] = []
    to_parse, fresh = _diff(listing, rows)
    for path, row in fresh:
        if row.lint == "null" and row.lint_key == select:
            report.reused += 1  # not an interview under this config
        else:
            cached.append(path)
    if cache is not None and cached:
        found = dict(cache.notes(cached))
        for path in cached:
            note = found.get(path)
            if note is None:
                to_parse.append((path, listing.stats.get(path)))
            elif is_interview(note, config) and not is_generated(note):
                report.reused += 1
                notes[path] = note
    batch: list[CacheRow] = []
    for parsed in _parse_all(root, config, None, to_parse, progress, True):
        report.parsed += 1
        if parsed.interview:
            note = parsed.note
            if note is None and parsed.blob is not None:
                note = load_note_blob(parsed.blob)
            if note is not None:
                notes[parsed.path] = note
        # No lint result here: an interview's row is stored without one.
        if cache is not None and (entry := parsed.cache_row(None, select)) is not None:
            batch.append(entry)
    if cache is not None:
        cache.store(batch)
        if whole_vault:
            cache.forget(set(rows) - set(listing.paths))
        report.warnings.extend(cache.warnings)
        cache.close()
    ordered = [notes[p] for p in sorted(notes)]
    return [n for n in ordered if n.readable], report
