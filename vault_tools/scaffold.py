"""``new`` and ``init``: create notes and a vault setup, never overwriting anything."""

from __future__ import annotations

import datetime as dt
import errno
import json
import os
import re
import stat
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from vault_tools.config import CONFIG_NAME, Config, default_config_text
from vault_tools.dates import When
from vault_tools.errors import VaultToolsError
from vault_tools.files import (
    AlreadyExistsError,
    NotAFolderError,
    WriteRefused,
    create_new,
    open_folder,
    vault_parts,
    write_generated,
)
from vault_tools.note import person_name
from vault_tools.templates import TEMPLATE_NAME, builtin_template, template_text
from vault_tools.vault import Glob
from vault_tools.vocabulary import STATUSES

_UNSAFE_IN_NAME = re.compile(r'[/\\:*?"<>|\x00-\x1f\x7f]')
_PLAIN_YAML = re.compile(r"^[^\W\d_][\w .&'()+/,-]*(?<! )$")
_PLACEHOLDER = re.compile(r'"\{\{(\w+)\}\}"|\{\{(\w+)\}\}')
# Characters YAML refuses in a note, and the ones it reads as line breaks: written as escapes.
_YAML_ESCAPE = re.compile(
    "[^\x09\x0a\x0d\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)
_SURROGATE = re.compile("[\ud800-\udfff]")


#: The longest file name most file systems hold (ext4, APFS, NTFS...), in UTF-8 bytes.
NAME_MAX = 255


#: Names Windows reserves for devices, whatever the case and extension (``con.md``, ``Nul .x``
#: are the device too): a note for a person named "Con" cannot be ``Con.md`` there.
WINDOWS_RESERVED = frozenset(
    ["CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"]
    + [f"{dev}{n}" for dev in ("COM", "LPT") for n in "0123456789\u00b9\u00b2\u00b3"]
)


def is_windows_reserved(name: str) -> bool:
    """Whether Windows reads the file name ``name`` as a device: its part before the first
    dot, without the spaces Windows strips, is ``CON``, ``NUL``, ``COM1``... in any case."""
    return name.split(".", 1)[0].rstrip(" ").upper() in WINDOWS_RESERVED


def safe_file_stem(text: str, max_bytes: int = NAME_MAX - len(".md"), prefix: str = "") -> str:
    """A file name safe on every OS: no ``/ \\ : * ? " < > |``, no control characters, no
    leading or trailing dot or space (Windows strips the trailing ones), not a name Windows
    reserves (``Con`` becomes ``Con_``), and at most ``max_bytes`` in UTF-8 (cut between
    characters, never inside one). ``prefix``: what the file name starts with before it."""
    stem = _UNSAFE_IN_NAME.sub(" ", text)
    stem = " ".join(stem.split()).strip(" .")
    stem = cut_to_bytes(stem, max_bytes).rstrip(" .")
    if stem and is_windows_reserved(prefix + stem):
        base = stem.split(".", 1)[0].rstrip(" ")
        stem = cut_to_bytes(f"{base}_{stem[len(base) :]}", max_bytes).rstrip(" .")
    return stem


def _extends(char: str) -> bool:
    """Whether ``char`` belongs to the character before it (a combining accent, a joiner,
    a variation selector, a skin tone, an emoji tag): a cut must not fall before it."""
    code = ord(char)
    return (
        unicodedata.combining(char) != 0
        or unicodedata.category(char) in ("Mn", "Me", "Mc")
        or code in (0x200C, 0x200D)
        or 0xFE00 <= code <= 0xFE0F
        or 0x1F3FB <= code <= 0x1F3FF
        or 0xE0020 <= code <= 0xE007F
        or 0xE0100 <= code <= 0xE01EF
    )


def cut_to_bytes(text: str, max_bytes: int) -> str:
    """The longest start of ``text`` that is at most ``max_bytes`` in UTF-8, ending between
    two characters as a reader sees them: not inside a code point, nor before an accent,
    a joiner or a modifier that belongs to the last one kept, nor inside a flag."""
    if len(text.encode("utf-8", "surrogatepass")) <= max_bytes:
        return text
    size = 0
    end = len(text)
    for i, char in enumerate(text):
        size += len(char.encode("utf-8", "surrogatepass"))
        if size > max_bytes:
            end = i
            break
    while end > 0 and (_extends(text[end]) or text[end - 1] in "\u200c\u200d"):
        end -= 1
    flags = 0  # regional indicators pair up into flags: never keep half of one
    while end - flags > 0 and 0x1F1E6 <= ord(text[end - flags - 1]) <= 0x1F1FF:
        flags += 1
    if flags % 2 and 0x1F1E6 <= ord(text[end]) <= 0x1F1FF:
        end -= 1
    return text[:end]


def yaml_quoted(value: str) -> str:
    """A double-quoted YAML scalar that reads back as exactly ``value``.

    JSON's escapes are YAML's, but JSON writes C1 controls, U+FFFE and the Unicode line
    separators as they are, which YAML refuses or reads as a line break.
    """
    quoted = json.dumps(value, ensure_ascii=False)
    return _YAML_ESCAPE.sub(lambda m: f"\\u{ord(m.group()):04x}", quoted)


def yaml_scalar(value: str) -> str:
    """A YAML scalar that reads back as exactly ``value`` (as text)."""
    if value == "":
        return '""'
    if _PLAIN_YAML.match(value) and value.lower() not in {"true", "false", "null", "yes", "no"}:
        return value
    return yaml_quoted(value)


@dataclass(frozen=True)
class NewNote:
    person: str
    company: str = ""
    role: str = ""
    date: When | None = None
    status: str = "planned"
    requested: str = ""


def note_file_name(new: NewNote) -> str:
    """``2026-12-02 Jane Doe.md`` (or ``Jane Doe.md`` without a date), shortened to fit
    ``NAME_MAX`` bytes when the person's name is very long: the front matter keeps it whole."""
    prefix = f"{new.date.day.isoformat()} " if new.date else ""
    stem = safe_file_stem(new.person, NAME_MAX - len(prefix.encode()) - len(".md"), prefix)
    if not stem:
        raise VaultToolsError(f"cannot make a file name from the person {new.person!r}")
    return f"{prefix}{stem}.md"


def person_link(name: str) -> str:
    """``[[name]]`` when that link names the person; else the plain name (in a link, ``#``
    and ``^`` start a heading or block reference, ``|`` an alias, ``/`` a folder, and a
    trailing ``.md`` is the file's extension)."""
    link = f"[[{name}]]"
    return link if person_name(link) == person_name(name) else name


def fill_template(template: str, new: NewNote) -> str:
    """Replace ``{{person}}``-style placeholders; quoted ones stay valid YAML text."""
    values = {
        "person": person_link(new.person),
        "name": new.person,
        "title": new.person,
        "company": new.company,
        "role": new.role,
        "status": new.status,
        "date": new.date.isoformat() if new.date else "",
        "requested": new.requested,
    }

    def replace(m: re.Match[str]) -> str:
        if m.group(1):  # "{{key}}": a quoted YAML value
            return yaml_quoted(values.get(m.group(1), ""))
        return values.get(m.group(2), "")

    def replace_front(m: re.Match[str]) -> str:
        if m.group(1):
            return replace(m)
        return yaml_scalar(values.get(m.group(2), ""))

    def replace_body(m: re.Match[str]) -> str:
        if m.group(1):  # keep the quotes the user wrote around a placeholder in prose
            return '"' + values.get(m.group(1), "") + '"'
        return values.get(m.group(2), "")

    front, body = _split_front(template)
    return _PLACEHOLDER.sub(replace_front, front) + _PLACEHOLDER.sub(replace_body, body)


def _split_front(text: str) -> tuple[str, str]:
    """(front matter block with its ``---`` lines, the rest)."""
    lines = text.splitlines(keepends=True)
    if lines and lines[0].rstrip() == "---":
        for i in range(1, len(lines)):
            if lines[i].rstrip() == "---":
                return "".join(lines[: i + 1]), "".join(lines[i + 1 :])
    return "", text


#: The statuses of an interview that has a day: ``new`` refuses them without ``--date``.
DATED_STATUSES = ("scheduled", "done")


def choose_status(status: str | None, when: When | None, as_of: dt.date) -> str:
    """The status of a new note: the one asked for, else ``done`` for a day before
    ``as_of`` (the interview happened), ``scheduled`` for ``as_of`` or later, and
    ``planned`` without a date. A scheduled or done interview has a day: without one,
    exit 2 saying so."""
    if status is None:
        if when is None:
            return "planned"
        return "done" if when.day < as_of else "scheduled"
    if status in DATED_STATUSES and when is None:
        raise VaultToolsError(
            f"--status {status} needs --date: a {status} interview has a day "
            f"(e.g. --date {as_of.isoformat()}); without one, use --status planned or requested"
        )
    return status


def create_note(root: Path, config: Config, new: NewNote) -> str:
    """Write a new interview note from the template; returns its vault-relative path."""
    # Arguments that were not valid UTF-8 reach us as lone surrogates, which no file holds.
    person, company, role = (
        _SURROGATE.sub("\ufffd", t) for t in (new.person, new.company, new.role)
    )
    name = person_name(person) or ""
    new = NewNote(name, company, role, new.date, new.status, new.requested)
    if new.status not in STATUSES:
        raise VaultToolsError(f"status must be one of {', '.join(STATUSES)}, not {new.status!r}")
    if new.status in DATED_STATUSES and new.date is None:
        raise VaultToolsError(f"a {new.status} interview has a day: give its date")
    folder = config.folders[0] if config.folders else ""
    rel = f"{folder}/{note_file_name(new)}" if folder else note_file_name(new)
    text = fill_template(template_text(root, config), new)
    create_new(root, rel, text)
    return rel


def make_vault_folder(vault: Path) -> None:
    """Make the folder ``init --vault`` names, when it is not there yet. A symlink is
    followed only to a folder that exists: a loop, or one leading nowhere, is refused
    (exit 2), so that init never creates a folder somewhere the symlink points to."""
    try:
        info = os.lstat(vault)
    except FileNotFoundError:
        try:
            vault.mkdir(parents=True)
        except OSError as exc:
            why = exc.strerror or str(exc)
            raise VaultToolsError(f"cannot create the vault folder {vault}: {why}") from None
        return
    except OSError as exc:
        raise VaultToolsError(f"cannot use {vault} as the vault: {exc.strerror}") from None
    if not stat.S_ISLNK(info.st_mode):
        if not stat.S_ISDIR(info.st_mode):
            raise VaultToolsError(f"cannot use {vault} as the vault: it is not a folder")
        return
    try:
        target = os.stat(vault)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            why = "a symlink loop"
        elif exc.errno == errno.ENOENT:
            why = "a symlink to a folder that does not exist (init creates none through it)"
        else:
            why = f"a symlink that cannot be followed ({exc.strerror})"
        raise VaultToolsError(
            f"cannot use {vault} as the vault: it is {why}; give the vault's folder itself"
        ) from None
    if not stat.S_ISDIR(target.st_mode):
        raise VaultToolsError(f"cannot use {vault} as the vault: it leads to a file, not a folder")


def init_vault(root: Path, config: Config) -> list[tuple[str, str]]:
    """Create the config, the interview template and folder; returns (path, what happened)."""
    done: list[tuple[str, str]] = []
    for rel, text in (
        (CONFIG_NAME, default_config_text()),
        (f"{config.templates or 'Templates'}/{TEMPLATE_NAME}", builtin_template()),
    ):
        try:
            create_new(root, rel, text)
        except AlreadyExistsError:
            done.append((rel, "exists, left as it is"))
        else:
            done.append((rel, "created"))
    for folder in config.folders:
        if not folder:
            continue
        parts = vault_parts(root, folder)
        try:
            with open_folder(root, parts, create=True) as made:
                done.append((folder + "/", "created" if made.made else "exists, left as it is"))
        except NotAFolderError as exc:
            if exc.is_symlink:
                raise VaultToolsError(
                    f"cannot create {folder}/: {exc.rel} is a symlink, and vault-tools never "
                    "writes through one (it could lead outside the vault)"
                ) from None
            if exc.rel != "/".join(parts):
                why = f"{exc.rel} is not a folder"
                raise VaultToolsError(f"cannot create {folder}/: {why}") from None
            done.append((folder + "/", "is a file, not a folder; left as it is"))
        except OSError as exc:
            raise VaultToolsError(f"cannot create {folder}/: {exc.strerror or exc}") from None
    return done


# --------------------------------------------------------------------------------------------
# init in a git repository: the cache is not committed

#: The line ``init`` adds to the vault's ``.gitignore``.
CACHE_IGNORE = ".vault-tools/"
#: A ``.gitignore`` larger than this is not read (nor changed): init says how instead.
GITIGNORE_MAX_BYTES = 1 << 20
# Files of the cache folder: .vault-tools/ is ignored when git ignores each of them.
_CACHE_FILES = (".vault-tools/cache.sqlite", ".vault-tools/CACHEDIR.TAG")


def find_git_repository(root: Path) -> Path | None:
    """The work tree of the git repository the vault lies in: the vault's folder or the
    nearest one above it holding ``.git`` (a folder, or a file as in a worktree)."""
    try:
        here = root.resolve()
    except (OSError, RuntimeError):
        return None
    for folder in (here, *here.parents):
        if os.path.lexists(folder / ".git"):
            return folder
    return None


def _gitignore_says(line: str, path: str) -> bool | None:
    """Whether one ``.gitignore`` line ignores ``path`` (relative to that file's folder),
    or a folder it lies in: True, False when it re-includes it (``!``), None when it says
    nothing about it. Lines with escapes or ``[...]`` classes are not read here, so that a
    line ignoring the cache is then added although one may exist: redundant, never wrong."""
    negated = line.startswith("!")
    pattern = line[1:] if negated else line
    if not pattern or "\\" in pattern or "[" in pattern:
        return None
    folders_only = pattern.endswith("/")
    body = pattern.rstrip("/")
    if not body:
        return None
    glob = Glob(body if "/" in body else f"**/{body}")
    target = path.rsplit("/", 1)[0] if folders_only else path
    return (not negated) if glob.match(target) else None


def gitignore_ignores_cache(files: list[tuple[str, bytes]], vault: str) -> bool:
    """Whether git ignores the vault's ``.vault-tools/`` by these ``.gitignore`` files,
    given as (folder, content) from the repository's root down, ``vault`` and each folder
    relative to the repository ("" for its root). The last line that matches wins."""
    for cache_file in _CACHE_FILES:
        path = f"{vault}/{cache_file}" if vault else cache_file
        ignored = False
        for folder, data in files:
            if folder and not path.startswith(folder + "/"):
                continue
            inside = path[len(folder) + 1 :] if folder else path
            text = data.decode("utf-8", "replace").removeprefix("\ufeff")
            for raw in text.split("\n"):
                line = raw.rstrip("\r").rstrip(" \t")
                if not line or line.startswith("#"):
                    continue
                said = _gitignore_says(line, inside)
                if said is not None:
                    ignored = said
        if not ignored:
            return False
    return True


def _read_gitignore(path: Path) -> bytes | None:
    """A ``.gitignore`` above the vault, read without following a symlink (git does not
    either); None when there is none or it cannot be read."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)
    except OSError:
        return None
    with os.fdopen(fd, "rb") as handle:
        try:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                return None
            return handle.read(GITIGNORE_MAX_BYTES)
        except OSError:
            return None


def _read_vault_gitignore(root: Path) -> bytes | None:
    """The vault's own ``.gitignore`` (None: there is none), reached as every write is;
    VaultToolsError when it is a symlink, not a file, unreadable or very large."""
    rel = ".gitignore"
    try:
        with open_folder(root, ()) as folder:
            try:
                info = folder.lstat(rel)
            except FileNotFoundError:
                return None
            if stat.S_ISLNK(info.st_mode):
                raise VaultToolsError(f"{rel} is a symlink, never written through")
            if not stat.S_ISREG(info.st_mode):
                raise VaultToolsError(f"{rel} is not a regular file")
            fd = folder.open(rel, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
            with os.fdopen(fd, "rb") as handle:
                data = handle.read(GITIGNORE_MAX_BYTES + 1)
    except OSError as exc:
        raise VaultToolsError(f"cannot read {rel}: {exc.strerror or exc}") from None
    if len(data) > GITIGNORE_MAX_BYTES:
        raise VaultToolsError(f"{rel} is larger than {GITIGNORE_MAX_BYTES} bytes")
    return data


def ignore_cache_in_git(root: Path) -> tuple[str, str] | None:
    """In a git repository, add ``.vault-tools/`` to the vault's own ``.gitignore`` (which
    git reads for the vault's folder, wherever the vault lies in the repository), unless a
    ``.gitignore`` from the repository's root down already ignores it. Creates the file
    when there is none; else appends one line, keeping every byte (a missing final newline
    is added before it), atomically, never through a symlink. (path, what happened), or
    None outside a repository. When it cannot, what happened says how to do it by hand."""
    repo = find_git_repository(root)
    if repo is None:
        return None
    rel = ".gitignore"
    how = f"add the line {CACHE_IGNORE} to the vault's .gitignore yourself"
    try:
        vault = root.resolve().relative_to(repo).as_posix()
    except (OSError, RuntimeError, ValueError):
        return rel, f"not changed: cannot place the vault in its repository; {how}"
    vault = "" if vault == "." else vault
    above: list[tuple[str, bytes]] = []
    parts = vault.split("/") if vault else []
    for depth in range(len(parts)):
        folder = "/".join(parts[:depth])
        data = _read_gitignore(repo.joinpath(*parts[:depth], rel))
        if data is not None:
            above.append((folder, data))
    try:
        existing = _read_vault_gitignore(root)
    except VaultToolsError as exc:
        return rel, f"not changed ({exc}); {how}"
    files = [*above, (vault, existing)] if existing is not None else above
    if gitignore_ignores_cache(files, vault):
        return rel, f"already ignores {CACHE_IGNORE}, left as it is"
    try:
        if existing is None:
            create_new(root, rel, CACHE_IGNORE + "\n")
            return rel, f"created, ignoring {CACHE_IGNORE} (the cache) in git"
        newline = b"\r\n" if b"\r\n" in existing else b"\n"
        ending = newline if existing and not existing.endswith(b"\n") else b""
        data = existing + ending + CACHE_IGNORE.encode() + newline
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            return rel, f"not changed (it is not UTF-8 text); {how}"
        write_generated(root, rel, text, is_ours=lambda raw: raw == existing)
    except WriteRefused:
        return rel, f"not changed (it changed while init ran); {how}"
    except VaultToolsError as exc:
        return rel, f"not changed ({exc}); {how}"
    return rel, f"added {CACHE_IGNORE} (the cache), the rest kept as it was"


def init_next_step(root: Path, config: Config, as_of: dt.date) -> str:
    """The command to run after ``init``: ``new`` while the interview folder holds no
    note, else ``check``."""
    for folder in config.folders or ("",):
        try:
            with os.scandir(root / folder if folder else root) as entries:
                if any(e.name.endswith(".md") for e in entries):
                    return "vault-tools check"
        except OSError:
            continue
    day = (as_of + dt.timedelta(days=1)).isoformat()
    return f'vault-tools new "Jane Doe" --company "Acme Corp" --date {day}'
