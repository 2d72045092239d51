"""The incremental cache: ``.vault-tools/cache.sqlite`` in the vault (stdlib sqlite3).

Data only. One row per note file, keyed by path and by the file's version (git's
(mtime, ctime, size, inode)), holding plain columns: whether it is an interview note
(under a selection key), its lint result as JSON rows (under a lint key), and its facts
for the reports as JSON (under a facts key). Nothing read from it is ever executed or
unpickled: a value of the wrong type or shape is a cache miss, and the note is read again.
A whole-vault check also keeps a snapshot of what it listed and found.

The folder marks itself as a cache (``.gitignore`` holding ``*``, ``CACHEDIR.TAG``) and is
never followed through a symlink. Any trouble (corrupt, locked, read-only, another schema,
a symlink or FIFO where a cache file should be) costs one warning and the run goes on; a
damaged database is removed, so the next run builds a new one.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sqlite3
import stat
import time
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import NamedTuple

from vault_tools.files import DIR_FD, Folder, NotAFolderError, open_folder

CACHE_DIR = ".vault-tools"
CACHE_NAME = "cache.sqlite"
SCHEMA = "4"
#: A file modified this recently may change again within the same timestamp tick and keep
#: its size ("racy" timestamps, as git calls them): such a row is re-checked next time.
RACY_NS = 2_000_000_000
#: A stored value longer than this is not a value this tool wrote: ignored, not decoded.
MAX_VALUE = 16 * 1024 * 1024

CACHEDIR_TAG = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by vault-tools.\n"
    "# For information about cache directory tags see https://bford.info/cachedir/\n"
)
GITIGNORE = "# Automatically created by vault-tools: the folder is a cache.\n*\n"
_FILES = (CACHE_NAME, f"{CACHE_NAME}-journal", f"{CACHE_NAME}-wal", f"{CACHE_NAME}-shm")

_SCHEMA_SQL = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS files (
    path TEXT PRIMARY KEY,
    mtime INTEGER NOT NULL,
    ctime INTEGER NOT NULL,
    size INTEGER NOT NULL,
    ino INTEGER NOT NULL,
    select_key TEXT NOT NULL,
    interview INTEGER NOT NULL,
    lint_key TEXT,
    lint TEXT,
    facts_key TEXT,
    facts TEXT
);
CREATE TABLE IF NOT EXISTS snapshot (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    key TEXT NOT NULL,
    lint_key TEXT NOT NULL,
    paths BLOB NOT NULL,
    columns BLOB NOT NULL,
    flags BLOB NOT NULL,
    result TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS report_snapshot (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    key TEXT NOT NULL,
    paths BLOB NOT NULL
);
"""

Version = tuple[int, int, int, int]


class Row(NamedTuple):
    """What a run needs of a cached file, without its facts: its version, and what was
    decided of it under which key. Values are as sqlite holds them: compare, never trust."""

    version: tuple[object, object, object, object]
    select_key: object
    interview: object
    lint_key: object
    lint: object
    facts_key: object


class Entry(NamedTuple):
    """A row to store: the version of the file the values were computed from."""

    path: str
    version: Version
    select_key: str
    interview: bool
    lint_key: str | None = None
    lint: str | None = None  # JSON rows
    facts_key: str | None = None
    facts: str | None = None  # JSON data


class Snapshot(NamedTuple):
    """A whole-vault check, kept so the next one can start from it.

    ``paths``: the listed paths joined by NUL; ``columns``: their versions, column by
    column (int64); ``flags``: one byte per path (1: an interview note); ``result``: the
    LintResult as JSON; ``key``: the fingerprint of all of it with ``lint_key``.
    """

    key: str
    lint_key: str
    paths: bytes
    columns: bytes
    flags: bytes
    result: str


def trusted_before() -> int:
    """Times at or after this (ns) are too recent to trust (``RACY_NS``)."""
    return time.time_ns() - RACY_NS


def storable(path: str) -> bool:
    """A file name that is not valid UTF-8 (held as surrogates) cannot be a TEXT key: such
    a note is simply read every time."""
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _is_corrupt(exc: sqlite3.Error) -> bool:
    text = str(exc).lower()
    return "malformed" in text or "not a database" in text or "file is encrypted" in text


#: Whether names can be reached through a directory descriptor here (Linux, macOS, the
#: BSDs); elsewhere (Windows) each name is looked at with ``lstat`` before it is used.
_DIR_FD = DIR_FD


class _Folder:
    """The cache folder, opened without following symlinks: every name in it is reached
    through this descriptor (or, without descriptors, checked with ``lstat`` first)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.path = root / CACHE_DIR
        self._folder: Folder | None = None

    @property
    def fd(self) -> int:
        return self._folder.fd if self._folder is not None else -1

    def _at(self, name: str) -> tuple[str | Path, dict[str, int]]:
        """How to reach ``name`` in the folder: through the descriptor, or by its path."""
        return self._folder.at(name) if self._folder is not None else (self.path / name, {})

    def open(self) -> str | None:
        """Open (making it when absent); a reason when it must not be used."""
        try:
            self._folder = open_folder(self.root, (CACHE_DIR,), create=True, dir_fd=_DIR_FD)
        except NotAFolderError:
            return f"{CACHE_DIR} is a symlink or not a folder; the cache is not used"
        except OSError as exc:
            if exc.filename == CACHE_DIR:
                return exc.strerror or str(exc)
            return f"cannot open the vault folder: {exc.strerror or exc}"
        made = self._folder.made
        if made or not self._exists("CACHEDIR.TAG"):
            self._create("CACHEDIR.TAG", CACHEDIR_TAG)
        if made or not self._exists(".gitignore"):
            self._create(".gitignore", GITIGNORE)
        return None

    def _lstat(self, name: str) -> os.stat_result:
        where, how = self._at(name)
        return os.stat(where, follow_symlinks=False, **how)

    def _exists(self, name: str) -> bool:
        try:
            self._lstat(name)
        except OSError:
            return False
        return True

    def _create(self, name: str, text: str) -> None:
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
        where, how = self._at(name)
        try:
            fd = os.open(where, flags, 0o666, **how)
        except OSError:
            return  # there already (O_EXCL), or read-only: the cache may still be read
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)

    def _unlink(self, name: str) -> None:
        where, how = self._at(name)
        os.unlink(where, **how)  # a symlink or FIFO itself, never what it leads to

    def clear_odd_files(self) -> list[str]:
        """Remove whatever stands where a cache file belongs but is not a regular file (a
        symlink leading elsewhere, a FIFO that would hang sqlite): names removed."""
        removed = []
        for name in _FILES:
            try:
                info = self._lstat(name)
            except FileNotFoundError:
                continue
            if not stat.S_ISREG(info.st_mode):
                self._unlink(name)
                removed.append(name)
        return removed

    def still_ours(self) -> bool:
        """The folder's path still leads to the folder we opened, and the database in it is
        a regular file (nothing was swapped for a symlink since we looked)."""
        try:
            here = os.stat(self.path, follow_symlinks=False)
            db = self._lstat(CACHE_NAME)
            mine = os.fstat(self.fd) if self.fd >= 0 else here
        except OSError:
            return False
        same = (here.st_dev, here.st_ino) == (mine.st_dev, mine.st_ino)
        return same and stat.S_ISDIR(here.st_mode) and stat.S_ISREG(db.st_mode)

    def remove_database(self) -> None:
        for name in _FILES:
            with contextlib.suppress(OSError):
                self._unlink(name)

    def close(self) -> None:
        if self._folder is not None:
            self._folder.close()


class NoteCache:
    """An open cache. Every method swallows sqlite errors into one warning."""

    def __init__(self, connection: sqlite3.Connection, folder: _Folder) -> None:
        self._db = connection
        self._folder = folder
        self.path = folder.path / CACHE_NAME
        self.warnings: list[str] = []
        self._broken = False
        self._corrupt = False

    # -- opening -------------------------------------------------------------------------

    @classmethod
    def open(cls, root: Path, warnings: list[str]) -> NoteCache | None:
        """Open (or create) the vault's cache; ``None`` with a warning when it can't be used."""
        folder = _Folder(root)
        path = folder.path / CACHE_NAME
        reason = folder.open()
        if reason is not None:
            folder.close()
            warnings.append(f"cache {path} not used: {reason}")
            return None
        notes: list[str] = []
        for attempt in (1, 2):
            try:
                removed = folder.clear_odd_files()
                if removed:
                    notes.append(f"removed {', '.join(removed)} (not a regular file)")
                db = sqlite3.connect(path, timeout=5.0, isolation_level=None)
                try:
                    if not folder.still_ours():
                        raise OSError(errno.ELOOP, "the cache folder changed while opening it")
                    cache = cls(db, folder)
                    cache._prepare()
                    if notes:
                        warnings.append(f"cache {path}: {'; '.join(notes)}; rebuilding it")
                    return cache
                except BaseException:
                    db.close()
                    raise
            except sqlite3.DatabaseError as exc:
                if attempt == 1 and _is_corrupt(exc):
                    notes.append(f"it was unreadable ({exc})")
                    folder.remove_database()
                    continue
                warnings.append(f"cache {path} not used: {exc}")
            except OSError as exc:
                warnings.append(f"cache {path} not used: {exc.strerror or exc}")
            break
        folder.close()
        return None

    def _prepare(self) -> None:
        db = self._db
        db.execute("PRAGMA busy_timeout = 5000")
        # A read-only folder refuses WAL; the default journal still works for reading.
        with contextlib.suppress(sqlite3.OperationalError):
            db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = NORMAL")
        db.execute("PRAGMA trusted_schema = OFF")  # no SQL functions from a planted schema
        if _schema_of(db) == SCHEMA:
            _check_columns(db)
            return
        # Another version's cache (or none yet): start over rather than misread it. Looked
        # at again inside the transaction: another process may have just set it up.
        db.execute("BEGIN IMMEDIATE")
        try:
            if _schema_of(db) != SCHEMA:
                for kind, name in db.execute(
                    "SELECT type, name FROM sqlite_master "
                    "WHERE type IN ('table', 'view', 'trigger') AND name NOT LIKE 'sqlite_%'"
                ).fetchall():
                    with contextlib.suppress(sqlite3.OperationalError):  # gone with its table
                        db.execute(f'DROP {kind.upper()} IF EXISTS "{_ident(name)}"')
                for statement in _SCHEMA_SQL.split(";"):
                    if statement.strip():
                        db.execute(statement)
                db.execute("INSERT OR REPLACE INTO meta VALUES ('schema', ?)", (SCHEMA,))
            db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise
        _check_columns(db)

    def close(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self._db.close()
        if self._corrupt:
            self._folder.remove_database()
        self._folder.close()

    def __enter__(self) -> NoteCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _trouble(self, exc: sqlite3.Error) -> None:
        if _is_corrupt(exc):
            self._corrupt = True
        if not self._broken:
            if self._corrupt:
                self.warnings.append(
                    f"cache {self.path} is damaged ({exc}); removed, the next run rebuilds it"
                )
            else:
                self.warnings.append(f"cache {self.path} not updated: {exc}")
        self._broken = True

    # -- reading -------------------------------------------------------------------------

    def rows(self, paths: Iterable[str] | None = None) -> dict[str, Row]:
        """Every row (or those of ``paths``), without the facts."""
        query = (
            "SELECT path, mtime, ctime, size, ino, select_key, interview, lint_key, lint, "
            "facts_key FROM files"
        )
        found: list[tuple[object, ...]] = []
        try:
            if paths is None:
                found = self._db.execute(query).fetchall()
            else:
                for chunk in _chunks([p for p in paths if storable(p)]):
                    marks = ",".join("?" * len(chunk))
                    found += self._db.execute(f"{query} WHERE path IN ({marks})", chunk).fetchall()
        except sqlite3.Error as exc:
            self._trouble(exc)
            return {}
        return {
            row[0]: Row((row[1], row[2], row[3], row[4]), *row[5:])
            for row in found
            if isinstance(row[0], str)
        }

    def facts(self, paths: Sequence[str]) -> Iterator[tuple[str, object, object]]:
        """(path, facts key, facts JSON) of the rows of ``paths``, as stored."""
        for chunk in _chunks([p for p in paths if storable(p)]):
            marks = ",".join("?" * len(chunk))
            try:
                yield from self._db.execute(
                    f"SELECT path, facts_key, facts FROM files WHERE path IN ({marks})", chunk
                ).fetchall()
            except sqlite3.Error as exc:
                self._trouble(exc)
                return

    def snapshot(self) -> Snapshot | None:
        """The last whole-vault check: what it listed and what it found (types checked)."""
        try:
            found = self._db.execute(
                "SELECT key, lint_key, paths, columns, flags, result FROM snapshot WHERE id = 1"
            ).fetchone()
        except sqlite3.Error as exc:
            self._trouble(exc)
            return None
        if found is None:
            return None
        types = (str, str, bytes, bytes, bytes, str)
        if not all(isinstance(v, t) for v, t in zip(found, types, strict=True)):
            return None
        return Snapshot(*found)

    def report_snapshot(self) -> tuple[str, bytes] | None:
        """(key, interview paths joined by NUL) of the last whole-vault report's listing."""
        try:
            found = self._db.execute(
                "SELECT key, paths FROM report_snapshot WHERE id = 1"
            ).fetchone()
        except sqlite3.Error as exc:
            self._trouble(exc)
            return None
        if found is None or not isinstance(found[0], str) or not isinstance(found[1], bytes):
            return None
        return found[0], found[1]

    def interview_rows(self) -> Iterator[tuple[object, ...]]:
        """(path, mtime, ctime, size, ino, select_key, facts_key, facts) of every row
        marked as an interview note, as stored: one at a time, so that a big vault's facts
        texts are not all held at once."""
        return self._marked_rows(1)

    def other_rows(self) -> Iterator[tuple[object, ...]]:
        """The same of every row marked as no interview note (its facts column holds what
        the note says of people)."""
        return self._marked_rows(0)

    def _marked_rows(self, interview: int) -> Iterator[tuple[object, ...]]:
        try:
            cursor = self._db.execute(
                "SELECT path, mtime, ctime, size, ino, select_key, facts_key, facts "
                "FROM files WHERE interview = ?",
                (interview,),
            )
            while rows := cursor.fetchmany(1000):
                yield from rows
        except sqlite3.Error as exc:
            self._trouble(exc)

    # -- writing -------------------------------------------------------------------------

    def store(self, entries: Iterable[Entry]) -> None:
        """Insert or replace rows, each for the version of the file it was computed from.

        A row for the same version and selection keeps the lint result or facts that the
        entry does not bring (a check stores no facts; it must not drop a report's). A
        version whose times are too recent to trust is stored as one that never matches, so
        the file is read again next time.
        """
        if self._broken:
            return
        newest = trusted_before()
        values = []
        for e in entries:
            if not storable(e.path):
                continue
            mtime, ctime, size, ino = e.version
            if mtime > newest or ctime > newest:
                mtime = -1
            values.append(
                (
                    e.path,
                    mtime,
                    ctime,
                    size,
                    ino,
                    e.select_key,
                    1 if e.interview else 0,
                    e.lint_key,
                    e.lint,
                    e.facts_key,
                    e.facts,
                )
            )
        if not values:
            return
        self._write(lambda db: db.executemany(_UPSERT, values))

    def forget(self, paths: Iterable[str]) -> None:
        """Drop rows of files that no longer exist."""
        gone = [(p,) for p in paths if storable(p)]
        if gone:
            self._write(lambda db: db.executemany("DELETE FROM files WHERE path = ?", gone))

    def save_snapshot(self, snapshot: Snapshot | None) -> None:
        """Remember a whole-vault check (``None`` forgets the last one)."""

        def save(db: sqlite3.Connection) -> None:
            db.execute("DELETE FROM snapshot")
            if snapshot is not None:
                db.execute("INSERT INTO snapshot VALUES (1, ?, ?, ?, ?, ?, ?)", snapshot)

        self._write(save)

    def save_report_snapshot(self, key: str | None, paths: bytes = b"") -> None:
        """Remember which notes were the interviews of a whole-vault report's listing
        (``None`` forgets it)."""

        def save(db: sqlite3.Connection) -> None:
            db.execute("DELETE FROM report_snapshot")
            if key is not None:
                db.execute("INSERT INTO report_snapshot VALUES (1, ?, ?)", (key, paths))

        self._write(save)

    def _write(self, work: object) -> None:
        if self._broken:
            return
        try:
            self._db.execute("BEGIN IMMEDIATE")
            work(self._db)  # type: ignore[operator]
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


def _schema_of(db: sqlite3.Connection) -> object:
    try:
        found = db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
    except sqlite3.OperationalError:  # no such table (yet)
        return None
    return found[0] if found else None


# The same version (and selection) as the row already there: what the entry leaves out,
# the row keeps. A racy row (mtime -1) matches no version on disk, so keeping is harmless.
_SAME = (
    "files.mtime = excluded.mtime AND files.ctime = excluded.ctime AND "
    "files.size = excluded.size AND files.ino = excluded.ino AND "
    "files.select_key = excluded.select_key AND files.interview = excluded.interview"
)
_UPSERT = f"""
INSERT INTO files VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (path) DO UPDATE SET
    lint_key = CASE WHEN excluded.lint_key IS NULL AND {_SAME}
                    THEN files.lint_key ELSE excluded.lint_key END,
    lint = CASE WHEN excluded.lint_key IS NULL AND {_SAME}
                THEN files.lint ELSE excluded.lint END,
    facts_key = CASE WHEN excluded.facts_key IS NULL AND {_SAME}
                     THEN files.facts_key ELSE excluded.facts_key END,
    facts = CASE WHEN excluded.facts_key IS NULL AND {_SAME}
                 THEN files.facts ELSE excluded.facts END,
    mtime = excluded.mtime,
    ctime = excluded.ctime,
    size = excluded.size,
    ino = excluded.ino,
    select_key = excluded.select_key,
    interview = excluded.interview
"""

_COLUMNS = {
    "meta": ["key", "value"],
    "files": [
        "path",
        "mtime",
        "ctime",
        "size",
        "ino",
        "select_key",
        "interview",
        "lint_key",
        "lint",
        "facts_key",
        "facts",
    ],
    "snapshot": ["id", "key", "lint_key", "paths", "columns", "flags", "result"],
    "report_snapshot": ["id", "key", "paths"],
}


def _check_columns(db: sqlite3.Connection) -> None:
    """The tables are the ones this version makes; a planted or altered table is refused
    (treated as a damaged cache: removed and rebuilt)."""
    for table, columns in _COLUMNS.items():
        found = [row[1] for row in db.execute(f"PRAGMA table_info({table})").fetchall()]
        if found != columns:
            raise sqlite3.DatabaseError(f"file is not a database of this version ({table})")
    extra = db.execute(
        "SELECT name FROM sqlite_master WHERE type IN ('view', 'trigger')"
    ).fetchone()
    if extra is not None:
        raise sqlite3.DatabaseError("file is not a database of this version (views, triggers)")


def _ident(name: str) -> str:
    return name.replace('"', '""')


def _chunks(items: list[str], size: int = 500) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
