"""``new`` and ``init``: create notes and a vault setup, never overwriting anything."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from vault_tools.config import CONFIG_NAME, Config, default_config_text
from vault_tools.dates import When
from vault_tools.errors import VaultToolsError
from vault_tools.files import create_new, inside_vault
from vault_tools.note import person_name
from vault_tools.templates import TEMPLATE_NAME, builtin_template, template_text
from vault_tools.vocabulary import STATUSES

_UNSAFE_IN_NAME = re.compile(r'[/\\:*?"<>|\x00-\x1f\x7f]')
_PLAIN_YAML = re.compile(r"^[^\W\d_][\w .&'()+/,-]*(?<! )$")
_PLACEHOLDER = re.compile(r'"\{\{(\w+)\}\}"|\{\{(\w+)\}\}')
# Characters YAML refuses in a note, and the ones it reads as line breaks: written as escapes.
_YAML_ESCAPE = re.compile(
    "[^\x09\x0a\x0d\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)
_SURROGATE = re.compile("[\ud800-\udfff]")


def safe_file_stem(text: str) -> str:
    """A file name safe on every OS: no ``/ \\ : * ? " < > |``, no control characters."""
    stem = _UNSAFE_IN_NAME.sub(" ", text)
    stem = " ".join(stem.split()).strip(" .")
    return stem[:120].rstrip(" .")


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
    stem = safe_file_stem(new.person)
    if not stem:
        raise VaultToolsError(f"cannot make a file name from the person {new.person!r}")
    return f"{new.date.day.isoformat()} {stem}.md" if new.date else f"{stem}.md"


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
    folder = config.folders[0] if config.folders else ""
    rel = f"{folder}/{note_file_name(new)}" if folder else note_file_name(new)
    text = fill_template(template_text(root, config), new)
    create_new(root, rel, text)
    return rel


def init_vault(root: Path, config: Config) -> list[tuple[str, str]]:
    """Create the config, the interview template and folder; returns (path, what happened)."""
    done: list[tuple[str, str]] = []
    for rel, text in (
        (CONFIG_NAME, default_config_text()),
        (f"{config.templates or 'Templates'}/{TEMPLATE_NAME}", builtin_template()),
    ):
        if (root / rel).exists():
            done.append((rel, "exists, left as it is"))
        else:
            create_new(root, rel, text)
            done.append((rel, "created"))
    for folder in config.folders:
        if not folder:
            continue
        target = inside_vault(root, folder)
        if target.is_dir():
            done.append((folder + "/", "exists, left as it is"))
        elif target.exists():
            done.append((folder + "/", "is a file, not a folder; left as it is"))
        else:
            try:
                target.mkdir(parents=True)
            except OSError as exc:
                raise VaultToolsError(f"cannot create {folder}/: {exc.strerror or exc}") from None
            done.append((folder + "/", "created"))
    return done
