"""Finding the vault root and the notes in it (ignores, templates, dot-folders, excludes)."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from vault_tools.config import CONFIG_NAME, Config
from vault_tools.errors import VaultToolsError
from vault_tools.files import is_drawing, is_under, read_note_version
from vault_tools.note import Note, parse_note

ENV_VAR = "VAULT_TOOLS_VAULT"


def marked_vault(start: Path) -> Path | None:
    """The nearest folder at or above ``start`` holding ``.vault-tools.toml`` or
    ``.obsidian/``, or ``None``."""
    for folder in (start, *start.parents):
        if (folder / CONFIG_NAME).is_file() or (folder / ".obsidian").is_dir():
            return folder
    return None


def no_vault_message(start: Path) -> str:
    return (
        f"no vault found: neither {CONFIG_NAME} nor .obsidian/ in {start} or any folder "
        f"above it; give the vault with --vault PATH (or ${ENV_VAR}), or set this folder "
        "up as one with `vault-tools init`"
    )


def chosen_vault(explicit: str | os.PathLike[str] | None) -> Path | None:
    """``--vault``, else ``$VAULT_TOOLS_VAULT``, checked to be a folder; ``None`` when
    neither is given. The user chose it, so it needs no marker."""
    given = explicit if explicit else os.environ.get(ENV_VAR) or None
    if not given:
        return None
    root = Path(given).expanduser()
    where = "--vault" if explicit else f"${ENV_VAR}"
    if not root.exists():
        raise VaultToolsError(f"vault not found: {root} (from {where})")
    if not root.is_dir():
        raise VaultToolsError(f"vault is not a folder: {root} (from {where})")
    return root.resolve()


def find_vault_root(
    explicit: str | os.PathLike[str] | None,
    cwd: Path | None = None,
    *,
    here_if_none: bool = False,
) -> Path:
    """``--vault``, else ``$VAULT_TOOLS_VAULT``, else the nearest folder holding
    ``.vault-tools.toml`` or ``.obsidian/`` at or above ``cwd``. When there is none, a
    ``VaultToolsError`` naming ``cwd`` and the fix, so that nothing is written anywhere
    (a cron job run from ``$HOME``); ``here_if_none`` gives ``cwd`` instead (``init``)."""
    root = chosen_vault(explicit)
    if root is not None:
        return root
    start = (cwd or Path.cwd()).resolve()
    found = marked_vault(start)
    if found is not None:
        return found
    if here_if_none:
        return start
    raise VaultToolsError(no_vault_message(start))


def absolute_argument(argument: str, cwd: Path | None = None) -> Path:
    """A path given on the command line, made absolute from ``cwd`` with its symlinks
    resolved. ``os.path.realpath``, not ``Path.resolve``: it does not raise on a symlink
    loop, which is then read, and reported, like any other note that cannot be read."""
    target = Path(argument).expanduser()
    return Path(os.path.realpath(target if target.is_absolute() else (cwd or Path.cwd()) / target))


def find_vault_of_paths(
    explicit: str | os.PathLike[str] | None, arguments: Iterable[str], cwd: Path | None = None
) -> Path:
    """The vault of ``check PATH...``: ``--vault`` when given; else the vault the paths lie
    in, the nearest marked folder at or above each (or ``$VAULT_TOOLS_VAULT``'s folder, for
    a path inside it), as pre-commit passes every staged file of a repository whose vault is
    a subfolder. Paths in no vault are left for ``select_paths`` to skip; exit 2 when none
    lies in one, or when they lie in more than one vault."""
    if explicit:
        return find_vault_root(explicit, cwd)
    chosen = chosen_vault(None)  # $VAULT_TOOLS_VAULT, when set
    vaults: dict[Path, str] = {}
    arguments = tuple(arguments)
    for argument in arguments:
        absolute = absolute_argument(argument, cwd)
        if not os.path.lexists(absolute):
            raise VaultToolsError(f"no such file or folder: {argument}")
        start = absolute if absolute.is_dir() else absolute.parent
        found = marked_vault(start)
        if found is None and chosen is not None and absolute.is_relative_to(chosen):
            found = chosen
        if found is not None:
            vaults.setdefault(found, argument)
    if not vaults:
        more = f" (and {len(arguments) - 1} more)" if len(arguments) > 1 else ""
        raise VaultToolsError(
            f"none of the given paths is inside a vault: no {CONFIG_NAME} or .obsidian/ "
            f"at or above {arguments[0]}{more}; give the vault with --vault PATH "
            f"(or ${ENV_VAR}), or set it up with `vault-tools init`"
        )
    if len(vaults) > 1:
        named = ", ".join(f"{root} ({argument})" for root, argument in vaults.items())
        raise VaultToolsError(
            f"the given paths lie in more than one vault: {named}; check one vault at a "
            "time, or give one with --vault PATH"
        )
    return next(iter(vaults))


#: A file's identity for the cache, as git's index keeps it: (mtime, ctime, size, inode),
#: times in ns. mtime and size alone miss a same-size edit that keeps the mtime
#: (``touch -r``, ``cp -p``, some sync clients); ctime and the inode change then.
Stat = tuple[int, int, int, int]
STAT_FIELDS = 4


def stat_of(info: os.stat_result) -> Stat:
    return (info.st_mtime_ns, info.st_ctime_ns, info.st_size, info.st_ino)


class StatTable(Mapping[str, Stat]):
    """Path -> Stat for a sorted listing, stored compactly: a 50,000-note vault's table
    takes a few MB instead of tens of MB of tuples and a dict."""

    def __init__(self, paths: tuple[str, ...], columns: Iterable[Iterable[int]]) -> None:
        from array import array

        self._paths = paths
        self._columns = tuple(array("q", column) for column in columns)
        assert len(self._columns) == STAT_FIELDS

    def __getitem__(self, path: str) -> Stat:
        from bisect import bisect_left

        i = bisect_left(self._paths, path)
        if i < len(self._paths) and self._paths[i] == path:
            return self._row(i)
        raise KeyError(path)

    def _row(self, i: int) -> Stat:
        m, c, s, n = self._columns
        return (m[i], c[i], s[i], n[i])

    def __iter__(self) -> Iterator[str]:
        return iter(self._paths)

    def __len__(self) -> int:
        return len(self._paths)

    def newest(self) -> int:
        """The latest modification or change time in the table (0 when empty)."""
        return max(max(self._columns[0], default=0), max(self._columns[1], default=0))

    def column_bytes(self) -> bytes:
        return b"".join(column.tobytes() for column in self._columns)

    def in_order(self) -> Iterator[tuple[str, Stat]]:
        m, c, s, n = self._columns
        for i, path in enumerate(self._paths):
            yield path, (m[i], c[i], s[i], n[i])


@dataclass(frozen=True)
class Listing:
    """The note files of a vault (relative ``/`` paths) and folders that could not be read.

    ``stats`` holds each listed file's ``Stat`` when the walk could read it.
    """

    paths: tuple[str, ...]
    unreadable: tuple[tuple[str, str], ...] = ()
    stats: Mapping[str, Stat] = field(default_factory=dict)

    def entries(self) -> Iterator[tuple[str, Stat | None]]:
        """(path, stat) of each listed file, in order."""
        if isinstance(self.stats, StatTable) and len(self.stats) == len(self.paths):
            yield from self.stats.in_order()
        else:
            for path in self.paths:
                yield path, self.stats.get(path)


class Glob:
    """An ``exclude`` glob, matched in time linear in the path (a regular expression with
    several ``*`` backtracks exponentially: ``*a*a*a*a*ab`` took a second per file name).

    As in ``.gitignore``: ``*`` and ``?`` stay inside one folder name, ``**`` as a whole
    name is any number of folders (other ``**`` are ``*``), and a pattern that names a
    folder excludes everything under it.
    """

    __slots__ = ("parts",)

    def __init__(self, pattern: str) -> None:
        cleaned = pattern.strip().replace("\\", "/").strip("/")
        self.parts = tuple(part for part in cleaned.split("/") if part)

    def match(self, path: str) -> bool:
        parts = self.parts
        if not parts:
            return False
        states = self._closure({0})
        for name in path.split("/"):
            following: set[int] = set()
            for i in states:
                if i == len(parts):
                    continue
                if parts[i] == "**":
                    following.add(i)
                elif _name_matches(parts[i], name):
                    following.add(i + 1)
            states = self._closure(following)
            if len(parts) in states:
                return True  # the pattern named this folder (or the file itself)
            if not states:
                return False
        return False

    def _closure(self, states: set[int]) -> set[int]:
        """``**`` may stand for no folder at all."""
        out = set(states)
        for i in sorted(states):
            while i < len(self.parts) and self.parts[i] == "**":
                i += 1
                out.add(i)
        return out


def _name_matches(pattern: str, name: str) -> bool:
    """``*`` and ``?`` against one file or folder name, without backtracking beyond the last
    ``*`` (time proportional to the lengths' product at worst)."""
    p = n = 0
    star = -1
    mark = 0
    while n < len(name):
        if p < len(pattern) and pattern[p] == "*":
            while p < len(pattern) and pattern[p] == "*":
                p += 1
            star, mark = p, n
        elif p < len(pattern) and (pattern[p] == "?" or pattern[p] == name[n]):
            p += 1
            n += 1
        elif star >= 0:
            mark += 1
            p, n = star, mark
        else:
            return False
    while p < len(pattern) and pattern[p] == "*":
        p += 1
    return p == len(pattern)


@lru_cache(maxsize=64)
def _compiled(patterns: tuple[str, ...]) -> tuple[Glob, ...]:
    return tuple(Glob(p) for p in patterns if p.strip())


def output_paths(config: Config) -> tuple[str, ...]:
    return (config.index_path, config.followups_path, config.report_path)


def is_skipped(path: str, config: Config) -> bool:
    """Dot-folders, the templates folder, the tool's outputs, Excalidraw drawings and
    ``exclude`` globs."""
    parts = path.split("/")
    if any(part.startswith(".") for part in parts[:-1]):
        return True
    if config.templates and is_under(path, config.templates):
        return True
    if path in output_paths(config):
        return True
    if is_drawing(path.rsplit("/", 1)[-1]):
        return True
    return any(rx.match(path) for rx in _compiled(tuple(config.exclude)))


def list_notes(root: Path, config: Config, under: str = "") -> Listing:
    """Every ``.md`` file of the vault that is not skipped, sorted. Symlinked folders are not
    followed (no loops, nothing outside the vault); unreadable folders are reported.
    ``under``: only the notes in that folder (vault-relative, not itself skipped)."""
    from array import array

    found: list[str] = []
    columns = tuple(array("q") for _ in range(STAT_FIELDS))  # no int object per file
    mtimes, ctimes, sizes, inodes = columns
    unreadable: list[tuple[str, str]] = []
    # The walk prunes dot-folders and the templates folder as it goes; per file, only the
    # outputs and the exclude globs are left to test (cheap: this runs for every file).
    templates = config.templates.strip("/")
    outputs = set(output_paths(config))
    excludes = _compiled(tuple(config.exclude))
    base = os.fspath(root)
    stack = [under.strip("/")]
    while stack:
        rel_dir = stack.pop()
        try:
            with os.scandir(os.path.join(base, rel_dir) if rel_dir else base) as entries:
                for entry in entries:
                    name = entry.name
                    rel = f"{rel_dir}/{name}" if rel_dir else name
                    try:
                        if entry.is_dir(follow_symlinks=False):
                            if not name.startswith(".") and rel != templates:
                                stack.append(rel)
                        elif (
                            name[-3:].lower() == ".md"
                            and not is_drawing(name)
                            and rel not in outputs
                            and not (excludes and any(rx.match(rel) for rx in excludes))
                            and _is_note_file(root, entry)
                        ):
                            try:
                                info = entry.stat()
                            except OSError:  # a symlink loop: listed, reported when read
                                info = entry.stat(follow_symlinks=False)
                            found.append(rel)
                            mtimes.append(info.st_mtime_ns)
                            ctimes.append(info.st_ctime_ns)
                            sizes.append(info.st_size)
                            inodes.append(info.st_ino)
                    except OSError as exc:
                        unreadable.append((rel, exc.strerror or str(exc)))
        except OSError as exc:
            unreadable.append((rel_dir or ".", exc.strerror or str(exc)))
    order = sorted(range(len(found)), key=found.__getitem__)
    paths = tuple(found[i] for i in order)
    table = StatTable(paths, ([column[i] for i in order] for column in columns))
    return Listing(paths, tuple(sorted(unreadable)), table)


def _is_note_file(root: Path, entry: os.DirEntry[str]) -> bool:
    if entry.is_file(follow_symlinks=False):
        return True
    return entry.is_symlink() and _symlink_is_note(root, entry.path)


def _symlink_is_note(root: Path, path: str) -> bool:
    # A symlinked file counts only when it resolves to a file inside the vault.
    try:
        target = Path(path).resolve(strict=True)
    except FileNotFoundError:
        return False  # dangling: there is nothing to read
    except (OSError, RuntimeError):
        # A symlink loop (RuntimeError before Python 3.13): listed, so that reading it
        # reports it (VT005) instead of it vanishing without a word.
        return True
    return target.is_file() and target.is_relative_to(root.resolve())


def note_file_stat(root: Path, rel: str) -> Stat | None:
    """The ``Stat`` that ``list_notes`` takes of the file at ``rel`` (a path it did not skip),
    or ``None`` when it would not list it: missing, not a regular file, a dangling symlink or
    one leading out of the vault, or inside a symlinked folder (the walk follows none). A
    symlink loop is listed with its own status, so that reading it reports VT005.

    For ``watch``, which learns of one path at a time: its notes are ``check``'s notes."""
    path = os.path.join(os.fspath(root), *rel.split("/"))
    try:
        folder = os.fspath(root)
        for part in rel.split("/")[:-1]:
            folder = os.path.join(folder, part)
            if not stat.S_ISDIR(os.lstat(folder).st_mode):
                return None  # a symlinked folder (or a file now): the walk does not go in
        info = os.lstat(path)
    except OSError:
        return None
    if stat.S_ISREG(info.st_mode):
        return stat_of(info)
    if not stat.S_ISLNK(info.st_mode) or not _symlink_is_note(root, path):
        return None
    try:
        return stat_of(os.stat(path))
    except OSError:  # a symlink loop: listed, reported when read
        return stat_of(info)


def select_paths(root: Path, config: Config, arguments: Iterable[str]) -> Listing:
    """The notes named on the command line: files, or folders to search (as pre-commit passes
    them). Paths are relative to the working directory; those outside the vault are skipped,
    and those inside are taken as the listing takes them (a template is no note)."""
    everything: Listing | None = None
    chosen: set[str] = set()
    resolved_root = root.resolve()
    for argument in arguments:
        absolute = absolute_argument(argument)
        if not os.path.lexists(absolute):
            raise VaultToolsError(f"no such file or folder: {argument}")
        if absolute.is_dir() and resolved_root.is_relative_to(absolute):
            rel = "."  # a folder holding the vault: all of it
        elif not absolute.is_relative_to(resolved_root):
            continue  # a staged README beside the vault: not a note of it
        else:
            rel = absolute.relative_to(resolved_root).as_posix()
        if absolute.is_dir():
            if everything is None:
                everything = list_notes(root, config)
            chosen.update(p for p in everything.paths if is_under(p, "" if rel == "." else rel))
        elif rel.lower().endswith(".md") and not is_skipped(rel, config):
            chosen.add(rel)
    unreadable = everything.unreadable if everything else ()
    stats: dict[str, Stat] = {}
    for rel in chosen:
        try:
            info = (root / rel).stat()
        except OSError:
            continue  # reported when it is read
        stats[rel] = stat_of(info)
    return Listing(tuple(sorted(chosen)), unreadable, stats)


# --------------------------------------------------------------------------------------------
# Reading notes


def unreadable_note(path: str, reason: str) -> Note:
    """A note whose file could not be read: reported (VT005), never a crash."""
    return Note(
        path=path,
        lines=(),
        frontmatter=None,
        has_frontmatter=False,
        frontmatter_kind="none",
        key_lines={},
        body_start=1,
        problems=(("VT005", 1, 1, f"file cannot be read: {reason}"),),
        maybe_interview=True,
        readable=False,
    )


def load_note_version(root: Path, rel: str) -> tuple[Note | None, Stat | None]:
    """Read and parse one note, with the ``Stat`` of the version that was read: ``None``
    when no result may be kept for it (it could not be read, or changed while read)."""
    try:
        raw, info = read_note_version(root, rel)
    except FileNotFoundError:
        return None, None
    except IsADirectoryError:
        return None, None
    except OSError as exc:
        return unreadable_note(rel, exc.strerror or type(exc).__name__), None
    return parse_note(rel, raw), stat_of(info) if info is not None else None
