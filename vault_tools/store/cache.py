"""The incremental cache: ``.vault-tools/cache.sqlite`` in the vault (stdlib sqlite3).

One row per note file, keyed by path and checked against the file's mtime and size and the
parser's version. A row holds the parsed note (so a changed config re-runs the rules without
re-parsing) and the note's last lint result with the fingerprint of what it was made with
(config, as-of, templates), so a run where nothing changed reads no note at all.

Rows are updated one by one, never rewritten whole. Any trouble with the cache (corrupt,
locked, read-only, another version) costs one warning and the run goes on without it.
"""

from __future__ import annotations

import contextlib
import json
import os
import pickle
import sqlite3
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, NamedTuple

from vault_tools import PARSER_VERSION, __version__
from vault_tools.note import Note

CACHE_DIR = ".vault-tools"
CACHE_NAME = "cache.sqlite"
SCHEMA = 2
#: A file modified this recently may change again within the same mtime tick and keep its
#: size ("racy" timestamps, as git calls them): such a row is re-checked next time.
RACY_NS = 2_000_000_000

# ``files`` is kept lean (a run where nothing changed reads only it); the pickled parses
# live in ``parses`` so that scanning ``files`` never pages through them.
_SCHEMA_SQL = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS files (
    path TEXT PRIMARY KEY,
    mtime_ns INTEGER NOT NULL,
    size INTEGER NOT NULL,
    lint_key TEXT,
    lint TEXT
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS parses (path TEXT PRIMARY KEY, note BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS snapshot (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    key TEXT NOT NULL,
    lint_key TEXT NOT NULL,
    paths BLOB NOT NULL,
    columns BLOB NOT NULL,
    flags BLOB NOT NULL,
    result TEXT NOT NULL
);
"""


class Row(tuple[int, int, "str | None", "str | None"]):
    """What a run needs of a cached note without unpickling it: (mtime_ns, size, lint key,
    lint), where lint is a JSON list of diagnostic rows, or "null" when not an interview.
    A plain tuple: tens of thousands are read on every run."""

    __slots__ = ()

    @property
    def lint_key(self) -> str | None:
        return self[2]

    @property
    def lint(self) -> str | None:
        return self[3]


#: A note to store: (path, (mtime_ns, size), pickled parse or b"" for "not an interview",
#: lint key, lint rows).
CacheRow = tuple[str, tuple[int, int], bytes, "str | None", Any]


class Snapshot(NamedTuple):
    """A whole-vault check, kept so the next one can start from it.

    ``paths`` are the listed paths joined by NUL, ``columns`` their mtimes then sizes (int64),
    ``flags`` one byte per path (1: an interview note), ``result`` the LintResult as JSON,
    ``key`` the fingerprint of all of it with ``lint_key`` (config, as-of, templates).
    """

    key: str
    lint_key: str
    paths: bytes
    columns: bytes
    flags: bytes
    result: str


def parser_id() -> str:
    return f"{PARSER_VERSION}/{__version__}"


def dump_note(note: Note) -> bytes:
    return pickle.dumps(note, protocol=pickle.HIGHEST_PROTOCOL)


def load_note_blob(blob: bytes) -> Note:
    note: Note = pickle.loads(blob)
    return note


class NoteCache:
    """An open cache. Every method swallows sqlite errors into ``warnings``."""

    def __init__(self, connection: sqlite3.Connection, path: Path) -> None:
        self._db = connection
        self.path = path
        self.warnings: list[str] = []
        self._broken = False

    # -- opening -------------------------------------------------------------------------

    @classmethod
    def open(cls, root: Path, warnings: list[str]) -> NoteCache | None:
        """Open (or create) the vault's cache; ``None`` with a warning when it can't be used."""
        folder = root / CACHE_DIR
        path = folder / CACHE_NAME
        for attempt in (1, 2):
            try:
                folder.mkdir(exist_ok=True)
                db = sqlite3.connect(path, timeout=5.0, isolation_level=None)
                try:
                    cache = cls(db, path)
                    cache._prepare()
                    return cache
                except BaseException:
                    db.close()
                    raise
            except sqlite3.DatabaseError as exc:
                if attempt == 1 and _is_corrupt(exc):
                    warnings.append(f"cache {path} was unreadable ({exc}); rebuilding it")
                    _remove(path)
                    continue
                warnings.append(f"cache {path} not used: {exc}")
                return None
            except OSError as exc:
                warnings.append(f"cache {path} not used: {exc.strerror or exc}")
                return None
        return None

    def _prepare(self) -> None:
        db = self._db
        db.execute("PRAGMA busy_timeout = 5000")
        # A read-only folder refuses WAL; the default journal still works for reading.
        with contextlib.suppress(sqlite3.OperationalError):
            db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = NORMAL")
        db.executescript(_SCHEMA_SQL)
        found = dict(db.execute("SELECT key, value FROM meta").fetchall())
        if found.get("schema") != str(SCHEMA) or found.get("parser") != parser_id():
            # Another version's cache, or another parser's parses: start over rather than
            # misread them.
            db.execute("BEGIN IMMEDIATE")
            db.execute("DELETE FROM files")
            db.execute("DELETE FROM parses")
            db.execute("DELETE FROM snapshot")
            db.execute("DELETE FROM meta")
            db.execute("INSERT OR REPLACE INTO meta VALUES ('schema', ?)", (str(SCHEMA),))
            db.execute("INSERT OR REPLACE INTO meta VALUES ('parser', ?)", (parser_id(),))
            db.execute("COMMIT")

    # -- the whole-vault snapshot ---------------------------------------------------------

    def snapshot_key(self) -> str | None:
        """The key of the last whole-vault check's snapshot, if any."""
        try:
            found = self._db.execute("SELECT key FROM snapshot WHERE id = 1").fetchone()
        except sqlite3.Error as exc:
            self._trouble(exc)
            return None
        return str(found[0]) if found else None

    def snapshot(self) -> Snapshot | None:
        """The last whole-vault check: what it listed and what it found."""
        try:
            found = self._db.execute(
                "SELECT key, lint_key, paths, columns, flags, result FROM snapshot WHERE id = 1"
            ).fetchone()
        except sqlite3.Error as exc:
            self._trouble(exc)
            return None
        return Snapshot(*found) if found else None

    def save_snapshot(self, snapshot: Snapshot | None, same_paths: bool = False) -> None:
        """Remember a whole-vault check (``None`` forgets the last one). ``same_paths``: the
        stored snapshot lists the same files, so their names need not be written again."""
        if self._broken:
            return
        try:
            self._db.execute("BEGIN IMMEDIATE")
            if snapshot is not None and same_paths:
                updated = self._db.execute(
                    "UPDATE snapshot SET key = ?, lint_key = ?, columns = ?, flags = ?, "
                    "result = ? WHERE id = 1",
                    (
                        snapshot.key,
                        snapshot.lint_key,
                        snapshot.columns,
                        snapshot.flags,
                        snapshot.result,
                    ),
                )
                if updated.rowcount == 1:
                    self._db.execute("COMMIT")
                    return
            self._db.execute("DELETE FROM snapshot")
            if snapshot is not None:
                self._db.execute(
                    "INSERT INTO snapshot VALUES (1, ?, ?, ?, ?, ?, ?)",
                    (
                        snapshot.key,
                        snapshot.lint_key,
                        snapshot.paths,
                        snapshot.columns,
                        snapshot.flags,
                        snapshot.result,
                    ),
                )
            self._db.execute("COMMIT")
        except sqlite3.Error as exc:
            self._rollback()
            self._trouble(exc)

    def close(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self._db.close()

    def __enter__(self) -> NoteCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _trouble(self, exc: sqlite3.Error) -> None:
        if not self._broken:
            self.warnings.append(f"cache {self.path} not updated: {exc}")
        self._broken = True

    # -- reading -------------------------------------------------------------------------

    def rows(self, paths: Iterable[str] | None = None) -> dict[str, Row]:
        """Every row (or those of ``paths``), without the pickled notes."""
        query = "SELECT path, mtime_ns, size, lint_key, lint FROM files"
        try:
            if paths is None:
                found = self._db.execute(query).fetchall()
            else:
                found = []
                wanted = [p for p in paths if _storable(p)]
                for start in range(0, len(wanted), 500):
                    chunk = wanted[start : start + 500]
                    marks = ",".join("?" * len(chunk))
                    found += self._db.execute(f"{query} WHERE path IN ({marks})", chunk).fetchall()
        except sqlite3.Error as exc:
            self._trouble(exc)
            return {}
        return {row[0]: Row(row[1:]) for row in found}

    def notes(self, paths: Iterable[str]) -> Iterator[tuple[str, Note]]:
        """The cached parses of ``paths`` (skipping any that fail to load)."""
        wanted = [p for p in paths if _storable(p)]
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            try:
                found = self._db.execute(
                    f"SELECT path, note FROM parses WHERE path IN ({marks})", chunk
                ).fetchall()
            except sqlite3.Error as exc:
                self._trouble(exc)
                return
            for path, blob in found:
                if not blob:
                    continue  # recorded as not an interview, without its parse
                try:
                    yield path, load_note_blob(blob)
                except Exception:  # a damaged row: treat as not cached
                    continue

    # -- writing -------------------------------------------------------------------------

    def store(self, entries: Iterable[CacheRow]) -> None:
        """Insert or replace rows: (path, (mtime_ns, size), note blob, lint key, lint)."""
        if self._broken:
            return
        now = time.time_ns()
        files = []
        parses = []
        for path, stat, blob, lint_key, lint in entries:
            if not _storable(path):
                continue
            mtime = -1 if now - stat[0] < RACY_NS else stat[0]
            text = _lint_text(lint) if lint_key is not None else None
            files.append((path, mtime, stat[1], lint_key, text))
            parses.append((path, blob))
        if not files:
            return
        try:
            self._db.execute("BEGIN IMMEDIATE")
            self._db.executemany("INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?)", files)
            self._db.executemany("INSERT OR REPLACE INTO parses VALUES (?, ?)", parses)
            self._db.execute("COMMIT")
        except sqlite3.Error as exc:
            self._rollback()
            self._trouble(exc)

    def store_lint(self, entries: Iterable[tuple[str, str, Any]]) -> None:
        """Record new lint results (path, lint key, lint) for rows whose parse is current."""
        if self._broken:
            return
        values = [(key, _lint_text(lint), path) for path, key, lint in entries if _storable(path)]
        if not values:
            return
        try:
            self._db.execute("BEGIN IMMEDIATE")
            self._db.executemany("UPDATE files SET lint_key = ?, lint = ? WHERE path = ?", values)
            self._db.execute("COMMIT")
        except sqlite3.Error as exc:
            self._rollback()
            self._trouble(exc)

    def forget(self, paths: Iterable[str]) -> None:
        """Drop rows of files that no longer exist."""
        if self._broken:
            return
        gone = [(p,) for p in paths if _storable(p)]
        if not gone:
            return
        try:
            self._db.execute("BEGIN IMMEDIATE")
            self._db.executemany("DELETE FROM files WHERE path = ?", gone)
            self._db.executemany("DELETE FROM parses WHERE path = ?", gone)
            self._db.execute("COMMIT")
        except sqlite3.Error as exc:
            self._rollback()
            self._trouble(exc)

    def _rollback(self) -> None:
        try:
            if self._db.in_transaction:
                self._db.execute("ROLLBACK")
        except sqlite3.Error:
            pass


def _storable(path: str) -> bool:
    """A file name that is not valid UTF-8 (held as surrogates) cannot be a TEXT key: such
    a note is simply read every time."""
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _lint_text(lint: Any) -> str:
    if lint is None:
        return "null"  # not an interview: the common case, without the JSON encoder
    if not lint:
        return "[]"
    return json.dumps(lint, ensure_ascii=False)


def _is_corrupt(exc: sqlite3.DatabaseError) -> bool:
    text = str(exc).lower()
    return "malformed" in text or "not a database" in text or "file is encrypted" in text


def _remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        with contextlib.suppress(OSError):
            os.unlink(f"{path}{suffix}")
