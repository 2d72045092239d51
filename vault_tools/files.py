"""Files of the vault: reading note bytes safely, and writing only inside the vault,
atomically, never over the user's words.

Every write walks the folders from the vault root with directory descriptors, each opened
with ``O_NOFOLLOW`` (``open_folder``): a folder swapped for a symlink while the write
happens cannot send the note elsewhere. The note is staged in an anonymous file where the
system has them (Linux's ``O_TMPFILE``), so a run killed half-way leaves nothing behind;
a named temporary file lives only between its link and the rename. Temporary files that a
killed run left anyway are removed by the next write into their folder.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import stat
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path, PurePath
from typing import NamedTuple

from vault_tools.errors import VaultToolsError

#: Whether names can be reached through a folder's descriptor here (Linux, macOS, the BSDs).
#: Elsewhere (Windows) every folder on the way is looked at with ``lstat`` before it is
#: used: the same refusals, with a window between the look and the use. Tests turn it off.
DIR_FD = (
    hasattr(os, "O_DIRECTORY")
    and hasattr(os, "O_NOFOLLOW")
    and {os.open, os.mkdir, os.stat, os.unlink, os.link, os.rename} <= os.supports_dir_fd
    and os.listdir in os.supports_fd
)
#: Whether to stage a write in an anonymous file (``O_TMPFILE``, linked into place through
#: ``/proc/self/fd``): it has no name, so a killed run cannot leave it behind.
TMPFILE = hasattr(os, "O_TMPFILE")

#: A temporary file left by a killed run is removed once its process is gone, or after this.
STALE_TEMP_S = 3600
#: How often the file at the output path may change under a write before it gives up.
_ATTEMPTS = 20

# Ours: `.vault-tools.<pid>.<8 random>.tmp`. Earlier versions wrote `.<name>.<8 chars>.tmp`.
_OUR_TEMP = re.compile(r"\.vault-tools\.(\d{1,10})\.[0-9a-f]{8}\.tmp")
_OLD_TEMP = re.compile(r"\..+\.(?:md|ics|toml)\.[a-z0-9_]{8}\.tmp", re.DOTALL)


# --------------------------------------------------------------------------------------------
# Reading


def read_note_bytes(root: Path, rel: str) -> bytes:
    """The bytes of a note file. Raises OSError when it cannot be read, and
    IsADirectoryError when it is a folder now."""
    return read_note_version(root, rel)[0]


def read_note_version(root: Path, rel: str) -> tuple[bytes, os.stat_result | None]:
    """The bytes of a note file and the file's status as they were read: ``None`` when the
    file changed while it was being read (so the bytes belong to no one version of it).

    Opened without blocking and checked to be a regular file: a FIFO or a device that
    took a note's name (or was passed on the command line) would otherwise hang the run.
    Raises OSError when it cannot be read, and IsADirectoryError when it is a folder now.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(root / rel, flags)
    with os.fdopen(fd, "rb") as handle:
        before = os.fstat(handle.fileno())
        if stat.S_ISDIR(before.st_mode):
            raise IsADirectoryError(errno.EISDIR, "is a folder", rel)
        if not stat.S_ISREG(before.st_mode):
            raise OSError(errno.EINVAL, "not a regular file", rel)
        data = handle.read()
        after = os.fstat(handle.fileno())
    same = (before.st_mtime_ns, before.st_ctime_ns, before.st_size) == (
        after.st_mtime_ns,
        after.st_ctime_ns,
        after.st_size,
    )
    return data, after if same and len(data) == after.st_size else None


def is_under(path: str, folder: str) -> bool:
    """Whether a relative ``/`` path lies under ``folder`` (``""`` is the whole vault)."""
    folder = folder.strip("/")
    return folder == "" or path == folder or path.startswith(folder + "/")


# --------------------------------------------------------------------------------------------
# Folders, walked from the vault root without following symlinks


class NotAFolderError(OSError):
    """A folder on the way is a symlink, or is not a folder at all. ``filename`` is its
    vault-relative path."""

    def __init__(self, rel: str, is_symlink: bool) -> None:
        super().__init__(
            errno.ELOOP if is_symlink else errno.ENOTDIR,
            "is a symlink" if is_symlink else "is not a folder",
            rel,
        )
        self.rel = rel
        self.is_symlink = is_symlink


class Folder:
    """A folder of the vault, reached from the root without following a symlink. Names in
    it are reached through its descriptor ``fd``; without descriptors (``fd == -1``) by
    their path, whose folders were each checked with ``lstat``."""

    def __init__(self, path: Path, fd: int, made: bool) -> None:
        self.path = path
        self.fd = fd
        #: Whether this folder was created when it was opened.
        self.made = made

    def __enter__(self) -> Folder:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def at(self, name: str) -> tuple[str | Path, dict[str, int]]:
        """How to reach ``name`` in the folder: through the descriptor, or by its path."""
        return (name, {"dir_fd": self.fd}) if self.fd >= 0 else (self.path / name, {})

    def lstat(self, name: str) -> os.stat_result:
        where, how = self.at(name)
        return os.stat(where, follow_symlinks=False, **how)

    def open(self, name: str, flags: int, mode: int = 0o666) -> int:
        """``os.open`` of ``name``, never through a symlink."""
        where, how = self.at(name)
        flags |= getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
        return os.open(where, flags, mode, **how)

    def unlink(self, name: str) -> None:
        where, how = self.at(name)
        os.unlink(where, **how)  # a symlink or FIFO itself, never what it leads to

    def replace(self, source: str, target: str) -> None:
        if self.fd >= 0:
            os.replace(source, target, src_dir_fd=self.fd, dst_dir_fd=self.fd)
        else:
            os.replace(self.path / source, self.path / target)

    def link(self, source: str, target: str) -> None:
        """A hard link ``target`` to ``source``; FileExistsError when the name is taken."""
        if self.fd >= 0:
            os.link(source, target, src_dir_fd=self.fd, dst_dir_fd=self.fd, follow_symlinks=False)
        else:
            os.link(self.path / source, self.path / target)

    def link_anonymous(self, fd: int, target: str) -> None:
        """Give the anonymous file ``fd`` (``O_TMPFILE``) the name ``target``."""
        os.link(f"/proc/self/fd/{fd}", target, dst_dir_fd=self.fd, follow_symlinks=True)

    def names(self) -> list[str]:
        return os.listdir(self.fd if self.fd >= 0 else self.path)

    def close(self) -> None:
        if self.fd >= 0:
            with contextlib.suppress(OSError):
                os.close(self.fd)
            self.fd = -1


def open_folder(
    root: Path, parts: Sequence[str], *, create: bool = False, dir_fd: bool | None = None
) -> Folder:
    """The folder ``root/parts...``, walked from ``root`` one folder at a time without
    following a symlink (``root`` itself may be one: it is the user's choice of vault).

    ``create``: make the folders that are missing. Raises NotAFolderError when one on the
    way is a symlink (dangling or not) or not a folder, and OSError as the system raises it
    otherwise, with the vault-relative path of the folder at fault as its ``filename`` (the
    root's path when the root itself cannot be opened). ``dir_fd``: whether to use
    directory descriptors (default ``DIR_FD``).
    """
    if not (DIR_FD if dir_fd is None else dir_fd):
        return _open_folder_by_path(root, parts, create)
    flags = os.O_RDONLY | os.O_DIRECTORY
    fd = os.open(root, flags)
    made = False
    try:
        for i, part in enumerate(parts):
            rel = "/".join(parts[: i + 1])
            made = False
            try:
                try:
                    child = os.open(part, flags | os.O_NOFOLLOW, dir_fd=fd)
                except FileNotFoundError:
                    if not create:
                        raise
                    try:
                        os.mkdir(part, 0o777, dir_fd=fd)
                        made = True
                    except FileExistsError:
                        pass  # made meanwhile (or a dangling symlink: refused below)
                    child = os.open(part, flags | os.O_NOFOLLOW, dir_fd=fd)
            except OSError as exc:
                if exc.errno in (errno.ELOOP, errno.ENOTDIR, errno.EMLINK):
                    try:
                        info = os.stat(part, dir_fd=fd, follow_symlinks=False)
                        is_link = stat.S_ISLNK(info.st_mode)
                    except OSError:
                        is_link = exc.errno != errno.ENOTDIR
                    raise NotAFolderError(rel, is_link) from None
                raise OSError(exc.errno, exc.strerror, rel) from None
            os.close(fd)
            fd = child
    except BaseException:
        os.close(fd)
        raise
    return Folder(root.joinpath(*parts), fd, made)


def _open_folder_by_path(root: Path, parts: Sequence[str], create: bool) -> Folder:
    path = root
    made = False
    for i, part in enumerate(parts):
        rel = "/".join(parts[: i + 1])
        path = path / part
        made = False
        try:
            try:
                info = os.lstat(path)
            except FileNotFoundError:
                if not create:
                    raise
                try:
                    os.mkdir(path)
                    made = True
                except FileExistsError:
                    pass
                info = os.lstat(path)
        except OSError as exc:
            raise OSError(exc.errno, exc.strerror, rel) from None
        if not stat.S_ISDIR(info.st_mode):
            raise NotAFolderError(rel, stat.S_ISLNK(info.st_mode))
    return Folder(path, -1, made)


# --------------------------------------------------------------------------------------------
# Writing


class WriteRefused(VaultToolsError):
    """A file at an output path that is not ours to replace: a user's own file, or a
    generated note changed after vault-tools wrote it (``edited``)."""

    def __init__(self, message: str, rel: str, *, edited: bool = False) -> None:
        super().__init__(message)
        self.rel = rel
        self.edited = edited


class AlreadyExistsError(VaultToolsError):
    """``create_new``'s name is taken: nothing was written."""

    def __init__(self, rel: str, what: str = "") -> None:
        super().__init__(f"{rel} already exists{what}; nothing was written")
        self.rel = rel


def vault_parts(root: Path, rel: str) -> tuple[str, ...]:
    """The folders and name of ``rel``, refused unless it names a file inside the vault."""
    path = PurePath(rel)
    if path.anchor or not path.parts or ".." in path.parts:
        raise VaultToolsError(f"refusing to write {rel}: it leads outside the vault {root}")
    if "\x00" in rel:  # no file system holds it; os.open would raise ValueError
        raise VaultToolsError(f"refusing to write {rel!r}: a file name cannot hold a NUL character")
    return path.parts


def _symlink_refusal(rel: str, what: str) -> VaultToolsError:
    return VaultToolsError(
        f"refusing to write {rel}: {what} is a symlink, and vault-tools never writes through "
        "one (it could lead outside the vault)"
    )


@contextlib.contextmanager
def _write_errors(rel: str) -> Iterator[None]:
    """A failed write (no permission, disk full, read-only file system, a name too long)
    is one clear line and exit 2, not a traceback. Cleanup has run by the time it gets here."""
    try:
        yield
    except NotAFolderError as exc:
        if exc.is_symlink:
            raise _symlink_refusal(rel, exc.rel) from None
        raise VaultToolsError(f"refusing to write {rel}: {exc.rel} is not a folder") from None
    except OSError as exc:
        raise VaultToolsError(f"cannot write {rel}: {exc.strerror or exc}") from None


def _write_all(fd: int, data: bytes) -> None:
    """Write ``data`` to ``fd``, make it durable, and close ``fd``."""
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


_proc_fd: bool | None = None


def _anonymous(folder: Folder) -> int:
    """An anonymous file in ``folder`` (``O_TMPFILE``) to stage a write in, or -1 where
    there is none (another system, a file system without them, no ``/proc``)."""
    global _proc_fd
    if not TMPFILE or folder.fd < 0:
        return -1
    if _proc_fd is None:
        _proc_fd = os.path.isdir("/proc/self/fd")
    if not _proc_fd:
        return -1
    try:
        return os.open(".", os.O_TMPFILE | os.O_WRONLY, 0o666, dir_fd=folder.fd)
    except OSError:  # EOPNOTSUPP, EISDIR (an old kernel), EINVAL...: a named file will do
        return -1


def _temp_name() -> str:
    """Ours, and short whatever the target's length: a 254-byte note name still fits."""
    return f".vault-tools.{os.getpid()}.{os.urandom(4).hex()}.tmp"


def _set_mode(folder: Folder, fd: int, name: str | None, mode: int | None) -> None:
    """Give the staged file the target's mode (``None``: the umask's, as created)."""
    if mode is None:
        return
    with contextlib.suppress(OSError):
        if os.chmod in os.supports_fd:
            os.chmod(fd, mode)
        elif name is not None:
            os.chmod(folder.path / name, mode)


def _named_temp(folder: Folder, data: bytes, mode: int | None) -> str:
    """A temporary file of ours in ``folder`` holding ``data``; removed if that fails."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL
    for _ in range(100):
        name = _temp_name()
        try:
            fd = folder.open(name, flags, 0o666)
        except FileExistsError:
            continue
        try:
            _set_mode(folder, fd, name, mode)
            _write_all(fd, data)
        except BaseException:
            with contextlib.suppress(OSError):
                folder.unlink(name)
            raise
        return name
    raise FileExistsError(errno.EEXIST, "no free temporary name", os.fspath(folder.path))


def _staged(folder: Folder, data: bytes, mode: int | None) -> str:
    """A named temporary file in ``folder`` holding ``data``, ready to be renamed. Written
    whole in an anonymous file first where there are some, so that the name exists only
    from the link to the rename."""
    fd = _anonymous(folder)
    if fd >= 0:
        try:
            _set_mode(folder, fd, None, mode)
            _write_all(os.dup(fd), data)
            for _ in range(100):
                name = _temp_name()
                try:
                    folder.link_anonymous(fd, name)
                except FileExistsError:
                    continue
                except OSError:
                    break  # no links from /proc here: write a named file
                return name
        finally:
            os.close(fd)
    return _named_temp(folder, data, mode)


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if os.name != "posix":
        return True  # (os.kill would end it on Windows): left to the age rule
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # someone else's: alive
    return True


def remove_stale_temps(folder: Folder) -> list[str]:
    """Remove the temporary files a killed vault-tools left in ``folder``: ours whose
    process is gone, and ours or an earlier version's (``.<note>.md.<8>.tmp``) older than
    ``STALE_TEMP_S``. Returns the names removed."""
    removed: list[str] = []
    try:
        names = folder.names()
    except OSError:
        return removed
    now = time.time()
    for name in names:
        if not (name.startswith(".") and name.endswith(".tmp")):
            continue
        ours = _OUR_TEMP.fullmatch(name)
        if ours is None and _OLD_TEMP.fullmatch(name) is None:
            continue
        try:
            info = folder.lstat(name)
        except OSError:
            continue
        if not stat.S_ISREG(info.st_mode):
            continue
        old = now - info.st_mtime > STALE_TEMP_S
        if old or (ours is not None and not _pid_alive(int(ours.group(1)))):
            try:
                folder.unlink(name)
            except OSError:
                continue
            removed.append(name)
    return removed


class _Existing(NamedTuple):
    data: bytes
    #: (device, inode, size, mtime, ctime) of the file read.
    identity: tuple[int, int, int, int, int]
    mode: int


def _identity(info: os.stat_result) -> tuple[int, int, int, int, int]:
    return (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)


def _look(folder: Folder, name: str, rel: str) -> os.stat_result | None:
    """The output file's status, refused when it is a symlink or not a regular file."""
    try:
        info = folder.lstat(name)
    except FileNotFoundError:
        return None
    if stat.S_ISLNK(info.st_mode):
        raise _symlink_refusal(rel, "it")
    if not stat.S_ISREG(info.st_mode):
        raise VaultToolsError(
            f"refusing to write {rel}: it is not a regular file; "
            "choose another path in .vault-tools.toml [output]"
        )
    return info


def _read_existing(folder: Folder, name: str, rel: str) -> _Existing | None:
    if _look(folder, name, rel) is None:
        return None
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = folder.open(name, flags)
    except FileNotFoundError:
        return None
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.EMLINK):  # swapped for a symlink meanwhile
            raise _symlink_refusal(rel, "it") from None
        raise VaultToolsError(f"cannot read {rel} to check it: {exc.strerror}") from None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise VaultToolsError(f"refusing to write {rel}: it is not a regular file")
        try:
            data = handle.read()
        except OSError as exc:
            raise VaultToolsError(f"cannot read {rel} to check it: {exc.strerror}") from None
    return _Existing(data, _identity(info), stat.S_IMODE(info.st_mode))


def _never(raw: bytes) -> bool:
    return False


def write_generated(
    root: Path,
    rel: str,
    text: str,
    is_ours: Callable[[bytes], bool],
    *,
    edited: Callable[[bytes], bool] = _never,
    force: bool = False,
    only_if_changed: bool = False,
    mark: str = "`generated_by: vault-tools` in its front matter",
) -> bool:
    """Write a generated note (index, follow-ups, digest) at ``rel`` inside the vault;
    whether it was written.

    ``mark`` says, in a refusal, what ``is_ours`` looks for (a calendar has no front matter).

    An existing file is replaced only when ``is_ours(its bytes)`` says vault-tools wrote it
    (``generated_by: vault-tools`` in its front matter), and ``edited(its bytes)`` says it
    was not changed since (its recorded hash), unless ``force``: a user's own file is never
    replaced, not even with ``force`` (WriteRefused, exit 2, with a way out).
    ``only_if_changed``: a file that already holds ``text`` is left alone.

    The folders are walked from the root without following symlinks; the file is staged
    in the same folder and renamed into place; the mode of the file replaced is kept. If
    the file changes between its check and the rename, it is checked again.
    """
    parts = vault_parts(root, rel)
    data = text.encode("utf-8")
    name = parts[-1]

    def judged(folder: Folder) -> _Existing | None:
        existing = _read_existing(folder, name, rel)
        if existing is None:
            return None
        if not is_ours(existing.data):
            raise WriteRefused(
                f"refusing to replace {rel}: it was not written by vault-tools "
                f"(no {mark}). Move it away, or "
                "choose another path in .vault-tools.toml [output]"
                + (" (--force never replaces a file of yours)" if force else ""),
                rel,
            )
        if not force and existing.data != data and edited(existing.data):
            raise WriteRefused(
                f"refusing to replace {rel}: it was changed after vault-tools wrote it; "
                "move your text elsewhere, or run again with --force to replace it",
                rel,
                edited=True,
            )
        return existing

    with _write_errors(rel), open_folder(root, parts[:-1], create=True) as folder:
        existing = judged(folder)
        if only_if_changed and existing is not None and existing.data == data:
            return False
        remove_stale_temps(folder)
        temp = _staged(folder, data, existing.mode if existing else None)
        try:
            for _ in range(_ATTEMPTS):
                now = _look(folder, name, rel)
                if now is None or (existing is not None and _identity(now) == existing.identity):
                    break
                existing = judged(folder)  # changed meanwhile (another run, an editor)
            else:
                raise VaultToolsError(f"cannot write {rel}: it kept changing; nothing was written")
            folder.replace(temp, name)
        except BaseException:
            with contextlib.suppress(OSError):
                folder.unlink(temp)
            raise
    return True


class NoteChanged(VaultToolsError):
    """The note is not what was read: it changed on disk meanwhile (exit 2, nothing written)."""


def replace_note(root: Path, rel: str, expected: bytes, data: bytes) -> None:
    """Replace the note at ``rel`` with ``data``, only if it still holds ``expected`` (the
    bytes the edit was made from): an editor that saved meanwhile loses nothing.

    The folders are walked from the root without following symlinks; the note itself must
    be a regular file, not a symlink, and writable (a read-only note is refused, not
    replaced by renaming over it). The new bytes are staged in the same folder with the
    note's mode and renamed into place, after a last look that the file is the one read.
    """
    parts = vault_parts(root, rel)
    name = parts[-1]
    with _write_errors(rel), open_folder(root, parts[:-1], create=False) as folder:
        existing = _read_existing(folder, name, rel)
        if existing is None:
            raise NoteChanged(f"{rel} is gone: it was moved or deleted; nothing was written")
        if existing.data != expected:
            raise NoteChanged(
                f"{rel} changed on disk since it was read (saved by an editor?); "
                "nothing was written: run the command again"
            )
        if not _writable(folder, name, existing.mode):
            raise VaultToolsError(f"{rel} is read-only; nothing was written")
        remove_stale_temps(folder)
        temp = _staged(folder, data, existing.mode)
        try:
            now = _look(folder, name, rel)
            if now is None or _identity(now) != existing.identity:
                raise NoteChanged(
                    f"{rel} changed on disk while it was being written; nothing was "
                    "written: run the command again"
                )
            folder.replace(temp, name)
        except BaseException:
            with contextlib.suppress(OSError):
                folder.unlink(temp)
            raise


def _writable(folder: Folder, name: str, mode: int) -> bool:
    """Whether the user may write the file: its mode has a write bit (even for root,
    which ``access`` would always allow) and ``access`` says so."""
    if not mode & 0o222:
        return False
    try:
        if folder.fd >= 0 and os.access in os.supports_dir_fd:
            return os.access(name, os.W_OK, dir_fd=folder.fd, follow_symlinks=False)
        return os.access(folder.path / name, os.W_OK)
    except (OSError, NotImplementedError):
        return True  # the rename will say


def _create_exclusive(folder: Folder, name: str, rel: str, data: bytes) -> None:
    """Create ``name`` only if it is free; a failed write leaves no part of it."""
    try:
        fd = folder.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except FileExistsError:
        raise AlreadyExistsError(rel) from None
    try:
        _write_all(fd, data)
    except BaseException:
        with contextlib.suppress(OSError):
            folder.unlink(name)
        raise


def create_new(root: Path, rel: str, text: str) -> Path:
    """Create ``rel`` with ``text``, making its folders; AlreadyExistsError (exit 2,
    nothing written) when the name is taken, by anything (a dangling symlink too).

    The file appears whole or not at all: written first to an anonymous file (or a
    temporary one), then linked into place, which fails if the name was taken meanwhile.
    Without hard links, it is created exclusively and removed if the write fails.
    """
    parts = vault_parts(root, rel)
    data = text.encode("utf-8")
    name = parts[-1]
    with _write_errors(rel), open_folder(root, parts[:-1], create=True) as folder:
        try:
            info = folder.lstat(name)
        except FileNotFoundError:
            pass
        else:
            if stat.S_ISLNK(info.st_mode):
                raise AlreadyExistsError(
                    rel, " (a symlink, never written through: it could lead outside the vault)"
                )
            raise AlreadyExistsError(rel)
        remove_stale_temps(folder)
        fd = _anonymous(folder)
        if fd >= 0:
            try:
                _write_all(os.dup(fd), data)
                try:
                    folder.link_anonymous(fd, name)
                    return root.joinpath(*parts)
                except FileExistsError:
                    raise AlreadyExistsError(rel) from None
                except OSError:
                    pass  # no hard links on this file system: an exclusive create
            finally:
                os.close(fd)
            _create_exclusive(folder, name, rel, data)
            return root.joinpath(*parts)
        temp = _named_temp(folder, data, None)
        try:
            try:
                folder.link(temp, name)
            except FileExistsError:
                raise AlreadyExistsError(rel) from None
            except OSError:
                _create_exclusive(folder, name, rel, data)
        finally:
            with contextlib.suppress(OSError):
                folder.unlink(temp)
    return root.joinpath(*parts)


def is_drawing(name: str) -> bool:
    """An Excalidraw drawing (``Sketch.excalidraw.md``): a plugin's data file, skipped
    wherever it lies; Kanban boards are known by their front matter (``is_interview``)."""
    return name[-14:].lower() == ".excalidraw.md"
