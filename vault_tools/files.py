"""Files of the vault: reading note bytes safely, and writing only inside the vault,
atomically, never over the user's words."""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

from vault_tools.errors import VaultToolsError


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


def inside_vault(root: Path, rel: str) -> Path:
    """The absolute path of ``rel``, refused unless it (and its folders) stay in the vault."""
    resolved_root = root.resolve()
    target = (root / rel).resolve()
    if not target.is_relative_to(resolved_root) or target == resolved_root:
        raise VaultToolsError(f"refusing to write {rel}: it leads outside the vault {root}")
    return target


def _temp_beside(target: Path) -> tuple[int, str]:
    """A temporary file next to ``target``, with the mode ``target`` has or would get.

    mkstemp makes it 0600; renamed into place as it is, every generated note (and every
    rewrite of one the user had made group-readable) would end up private.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    import tempfile  # only a write needs it (and its shutil, bz2, lzma): not every command

    fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        mode = stat.S_IMODE(target.stat().st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    with contextlib.suppress(OSError):
        os.chmod(temp, mode)
    return fd, temp


def _write_all(fd: int, data: bytes) -> None:
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


@contextlib.contextmanager
def _write_errors(rel: str) -> Iterator[None]:
    """A failed write (no permission, disk full, read-only file system) is one clear line
    and exit 2, not a traceback. Cleanup has run by the time it gets here."""
    try:
        yield
    except OSError as exc:
        raise VaultToolsError(f"cannot write {rel}: {exc.strerror or exc}") from None


def _create_exclusive(target: Path, data: bytes) -> None:
    """Create ``target`` only if the name is free; a failed write leaves no part of it."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    fd = os.open(target, flags, 0o666)
    try:
        _write_all(fd, data)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(target)
        raise


def create_new(root: Path, rel: str, text: str) -> Path:
    """Create ``rel`` with ``text``; exit 2 (nothing written) when it already exists.

    The file appears whole or not at all: written to a temporary file, then hard-linked
    into place, which fails atomically if the name was taken in the meantime.
    """
    target = inside_vault(root, rel)
    if target.exists() or target.is_symlink():
        raise VaultToolsError(f"{rel} already exists; nothing was written")
    with _write_errors(rel):
        fd, temp = _temp_beside(target)
        try:
            _write_all(fd, text.encode("utf-8"))
            try:
                os.link(temp, target)
            except FileExistsError:
                raise VaultToolsError(f"{rel} already exists; nothing was written") from None
            except OSError:
                # No hard links on this file system: fall back to an exclusive create.
                try:
                    _create_exclusive(target, text.encode("utf-8"))
                except FileExistsError:
                    raise VaultToolsError(f"{rel} already exists; nothing was written") from None
        finally:
            with contextlib.suppress(OSError):
                os.unlink(temp)
    return target


def replace_atomically(target: Path, text: str) -> None:
    """Write ``target`` via a temporary file in the same folder and a rename."""
    fd, temp = _temp_beside(target)
    try:
        _write_all(fd, text.encode("utf-8"))
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


def write_generated(root: Path, rel: str, text: str, is_ours: Callable[[bytes], bool]) -> Path:
    """Write a generated note (index, follow-ups, digest) at ``rel`` inside the vault.

    An existing file is replaced only when ``is_ours(its bytes)`` says vault-tools wrote it
    (``generated_by: vault-tools`` in its front matter): a user's own file at that path is
    left untouched and the command exits 2 with a way out.
    """
    target = inside_vault(root, rel)
    if target.is_symlink() or (target.exists() and not target.is_file()):
        raise VaultToolsError(
            f"refusing to write {rel}: it is not a regular file; "
            "choose another path in .vault-tools.toml [output]"
        )
    if target.exists():
        try:
            existing = target.read_bytes()
        except OSError as exc:
            raise VaultToolsError(f"cannot read {rel} to check it: {exc.strerror}") from None
        if not is_ours(existing):
            raise VaultToolsError(
                f"refusing to replace {rel}: it was not written by vault-tools "
                "(no `generated_by: vault-tools` in its front matter). Move it away, or "
                "choose another path in .vault-tools.toml [output]"
            )
    with _write_errors(rel):
        replace_atomically(target, text)
    return target
