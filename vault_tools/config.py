"""``.vault-tools.toml``: the defaults (defined here, once) and their validation."""

from __future__ import annotations

import datetime as dt
import math
import re
import sys
import tomllib
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vault_tools.dates import load_zone, quoted
from vault_tools.errors import VaultToolsError
from vault_tools.files import read_note_bytes
from vault_tools.slots import parse_hours
from vault_tools.vocabulary import (
    REQUIRED_SECTIONS,
    SECTION_ALIASES,
    SEVERITIES,
    STATUSES,
    canonical_section,
)

CONFIG_NAME = ".vault-tools.toml"


@dataclass(frozen=True)
class Config:
    """Every setting of a vault, with SPEC's defaults."""

    timezone: str | None = None
    folders: tuple[str, ...] = ("Interviews",)
    #: Front matter ``type`` values that mark an interview (any one, ignoring case).
    type: tuple[str, ...] = ("interview",)
    tag: str = "interview"
    templates: str = "Templates"
    exclude: tuple[str, ...] = ()
    sections: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: dict(REQUIRED_SECTIONS))
    aliases: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: dict(SECTION_ALIASES))
    thank_you_hours: int = 24
    nudge_days: int = 7
    keep_in_touch_days: int = 90
    horizon_days: int = 7
    #: How many days before the interview the ``prepare`` item is due.
    prepare_days: int = 1
    #: The reminder of each calendar event, on its due day (local time); None for none.
    alarm: dt.time | None = dt.time(9, 0)
    rules: Mapping[str, str] = field(default_factory=dict)
    index_path: str = "Interviews/Index.md"
    followups_path: str = "Interviews/Follow-ups.md"
    calendar_path: str = "Interviews/Follow-ups.ics"
    report_path: str = "Interviews/Check.md"
    digests_folder: str = "Digests"
    #: What ``followups --format ics`` writes: "todos" (VTODO) or "events" (VEVENT).
    ics_items: str = "todos"
    #: Where people's own notes are: a tie-break when two notes share a person's name.
    people_folder: str = "People"
    #: Whether a daily note that links a person counts as a contact on its day.
    daily_notes_count: bool = True
    #: ``draft request``'s slots: weekly hours, slot length, how far ahead.
    availability_hours: tuple[str, ...] = ("Mon-Fri 09:00-17:00",)
    slot_minutes: int = 30
    days_ahead: int = 14
    source: Path | None = None

    @property
    def tz(self) -> dt.tzinfo | None:
        """The vault's zone; ``None`` means the machine's local time."""
        return load_zone(self.timezone) if self.timezone else None


#: The most days a day-count setting (and ``--horizon``) may be: ten years. Anything longer
#: means "never" or "everything", which ``keep_in_touch: never`` and ``--all`` say.
MAX_DAYS = 3650

#: Each whole-number setting (``table.key``): its least and most value, and its unit.
NUMBER_RANGES: Mapping[str, tuple[int, int, str]] = {
    "followups.thank_you_hours": (0, 24 * 365, "hours"),
    "followups.nudge_days": (0, MAX_DAYS, "days"),
    "followups.keep_in_touch_days": (0, MAX_DAYS, "days"),
    "followups.horizon_days": (0, MAX_DAYS, "days"),
    "followups.prepare_days": (0, MAX_DAYS, "days"),
    "availability.slot_minutes": (5, 24 * 60, "minutes"),
    "availability.days_ahead": (1, 365, "days"),
}

#: What file systems allow (Linux's NAME_MAX and PATH_MAX, in bytes of UTF-8): a longer
#: name fails in every command that reads or writes there.
#: What ``[output] ics_items`` may be: to-dos, or the events Google, Apple and Outlook show.
ICS_ITEMS = ("todos", "events")

MAX_NAME_BYTES = 255
MAX_PATH_BYTES = 4096
#: A name, zone, tag or severity: nothing real is longer (a megabyte one is a mistake).
MAX_WORD_CHARS = 255
#: Entries of a list setting (folders, exclude globs, sections, aliases).
MAX_LIST_ITEMS = 1000
#: Tables and arrays inside one another: the config needs 2; Python's TOML reader would
#: give up somewhere past 300, at a depth that depends on how deep the caller's stack is.
MAX_NESTING = 50


class _Reader:
    """Pulls typed values out of the parsed TOML, naming file and key in every complaint."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, key: str, reason: str) -> VaultToolsError:
        # A key is the user's text too (an unknown key, a rule code): a long one is cut.
        shown = key if len(key) <= 80 else f"{key[:80]}… ({len(key):,} characters)"
        return VaultToolsError(f"{self.path}: {shown}: {reason}")

    def table(self, data: Mapping[str, Any], key: str) -> Mapping[str, Any]:
        value = data.get(key.rpartition(".")[2], {})
        if not isinstance(value, Mapping):
            raise self.fail(key, f"must be a table, not {_kind(value)}")
        return value

    def known(self, data: Mapping[str, Any], prefix: str, allowed: set[str]) -> None:
        for key in data:
            if key not in allowed:
                where = f"{prefix}.{key}" if prefix else key
                choices = ", ".join(sorted(allowed))
                raise self.fail(where, f"unknown key (known keys here: {choices})")

    def string(self, data: Mapping[str, Any], key: str, name: str, default: str) -> str:
        value = data.get(key, default)
        if not isinstance(value, str):
            raise self.fail(name, f"must be a string, not {_kind(value)}")
        return value

    def word(self, data: Mapping[str, Any], key: str, name: str, default: str) -> str:
        """A short string: a name, a tag, a zone."""
        return self.short(name, self.string(data, key, name, default))

    def short(self, name: str, value: str) -> str:
        if len(value) > MAX_WORD_CHARS:
            raise self.fail(
                name,
                f"must be at most {MAX_WORD_CHARS} characters, not {len(value):,} "
                f"({quoted(value, 20)})",
            )
        return value

    def strings(
        self, data: Mapping[str, Any], key: str, name: str, default: tuple[str, ...]
    ) -> tuple[str, ...]:
        value = data.get(key, default)
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
            raise self.fail(name, f"must be a list of strings, not {_kind(value)}")
        if len(value) > MAX_LIST_ITEMS:
            raise self.fail(
                name, f"must hold at most {MAX_LIST_ITEMS:,} strings, not {len(value):,}"
            )
        return tuple(value)

    def count(self, data: Mapping[str, Any], key: str, name: str, default: int) -> int:
        least, most, unit = NUMBER_RANGES[name]
        value = data.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or not least <= value <= most:
            raise self.fail(
                name,
                f"must be a whole number from {least} to {most:,} ({unit}), not {_shown(value)}",
            )
        return value

    def alarm(self, data: Mapping[str, Any], key: str, name: str) -> dt.time | None:
        """``"HH:MM"`` (24-hour clock; ``"9:00"`` too) or ``""`` for no reminder."""
        value = data.get(key, "09:00")
        if not isinstance(value, str):
            raise self.fail(name, f'must be a time "HH:MM" or "" for none, not {_kind(value)}')
        match = re.fullmatch(r"([01]?[0-9]|2[0-3]):([0-5][0-9])", value.strip())
        if value.strip() == "":
            return None
        if match is None:
            raise self.fail(
                name,
                f'must be a time "HH:MM" from 00:00 to 23:59, or "" for none, not {_shown(value)}',
            )
        return dt.time(int(match[1]), int(match[2]))

    def choice(
        self, data: Mapping[str, Any], key: str, name: str, default: str, allowed: tuple[str, ...]
    ) -> str:
        value = data.get(key, default)
        if not isinstance(value, str) or value not in allowed:
            shown = _shown(value) if isinstance(value, str) else _kind(value)
            raise self.fail(name, f"must be one of {', '.join(map(quoted, allowed))}, not {shown}")
        return value

    def path_like(self, name: str, value: str) -> str:
        """A path or glob a file system must be able to hold: no NUL byte, no name over
        255 bytes, 4096 bytes at most in all."""
        problem = _path_problem(value)
        if problem:
            raise self.fail(name, problem)
        return value

    def relative_path(self, data: Mapping[str, Any], key: str, name: str, default: str) -> str:
        value = self.string(data, key, name, default).strip().replace("\\", "/")
        self.path_like(name, value)
        if (
            value.startswith("/")
            or ".." in value.split("/")
            or (len(value) > 1 and value[1] == ":")
        ):
            raise self.fail(name, f"must be a path inside the vault, not {quoted(value)}")
        return value.strip("/")

    def output_path(
        self, data: Mapping[str, Any], key: str, default: str, *, folder: bool = False
    ) -> str:
        """An ``[output]`` path: inside the vault, and in none of its dot-folders (``.git/``,
        ``.obsidian/``, ``.vault-tools/``: other programs' files, or hidden ones), whose
        files a generated note would replace or join."""
        name = f"output.{key}"
        value = self.relative_path(data, key, name, default)
        if value == "" and not folder:
            raise self.fail(name, "must name a file inside the vault, not ''")
        parts = value.split("/") if value else []
        if "" in parts or "." in parts:
            raise self.fail(name, f"must not hold an empty or '.' part, not {quoted(value)}")
        hidden = next((part for part in parts if part.startswith(".")), None)
        if hidden is not None and hidden == parts[-1] and not folder:
            raise self.fail(name, f"must not be a dot-file ({quoted(hidden)} is hidden)")
        if hidden is not None:
            raise self.fail(
                name,
                f"must not lie in a dot-folder ({quoted(hidden)} holds another program's "
                f"files, or hidden ones), not {quoted(value)}",
            )
        return value


#: Where Obsidian's core Templates plugin and Templater name their templates folder, and
#: the key of each: read when the config names none (SPEC).
TEMPLATES_SETTINGS = (
    (".obsidian/templates.json", "folder"),
    (".obsidian/plugins/templater-obsidian/data.json", "templates_folder"),
)
#: The most bytes of a plugin's settings file read: Templater's is a few kilobytes.
MAX_SETTINGS_BYTES = 1 << 20


def _settings_file(vault_root: Path, rel: str) -> Mapping[str, Any] | None:
    """A plugin's JSON settings, read as data: ``None`` when missing, not a regular file,
    too large, not JSON or not an object (a vault can come from a stranger)."""
    import json
    import os
    import stat

    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(vault_root / rel, flags)
        with os.fdopen(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                return None
            raw = handle.read(MAX_SETTINGS_BYTES + 1)
    except (OSError, ValueError):
        return None
    if len(raw) > MAX_SETTINGS_BYTES:
        return None
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (ValueError, RecursionError):
        return None
    return data if isinstance(data, dict) else None


def obsidian_templates_folder(vault_root: Path) -> str | None:
    """The templates folder Obsidian's Templates plugin names, else Templater's; ``None``
    when neither names a usable folder inside the vault."""
    for rel, key in TEMPLATES_SETTINGS:
        data = _settings_file(vault_root, rel)
        value = data.get(key) if data is not None else None
        if not isinstance(value, str):
            continue
        folder = value.strip().replace("\\", "/").strip("/")
        parts = folder.split("/")
        if (
            folder
            and _path_problem(folder) is None
            and not any(part in ("", ".", "..") for part in parts)
            and not (len(folder) > 1 and folder[1] == ":")
        ):
            return folder
    return None


def obsidian_daily_folder(vault_root: Path) -> str | None:
    """The folder Obsidian's Daily notes plugin writes to (``.obsidian/daily-notes.json``,
    ``folder``), or ``None``."""
    data = _settings_file(vault_root, ".obsidian/daily-notes.json")
    value = data.get("folder") if data is not None else None
    if not isinstance(value, str):
        return None
    folder = value.strip().replace("\\", "/").strip("/")
    if not folder or _path_problem(folder) or any(p in ("", ".", "..") for p in folder.split("/")):
        return None
    return folder


def _path_problem(value: str) -> str | None:
    """What no file system allows in ``value``, said with the value cut short; else None."""
    if "\0" in value:
        return f"must not hold a NUL byte (no file name can), not {quoted(value, 40)}"
    size = len(value.encode("utf-8", "surrogatepass"))
    if size > MAX_PATH_BYTES:
        return f"must be at most {MAX_PATH_BYTES} bytes long, not {size:,} ({quoted(value, 40)})"
    for part in value.split("/"):
        size = len(part.encode("utf-8", "surrogatepass"))
        if size > MAX_NAME_BYTES:
            return (
                f"must not hold a file or folder name over {MAX_NAME_BYTES} bytes, "
                f"not one of {size:,} bytes ({quoted(part, 20)})"
            )
    return None


def _kind(value: object) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, dt.datetime):
        return "a date and time"
    if isinstance(value, dt.date):
        return "a date"
    if isinstance(value, dt.time):
        return "a time"
    return "a table"


def _shown(value: object) -> str:
    """A value as a message shows it, short whatever its size: Python will not even turn
    an integer of more than 4300 digits into text."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        if value.bit_length() > 200:  # about 60 digits
            return f"a number of about {math.floor(math.log10(abs(value))) + 1:,} digits"
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, str):
        return quoted(value)
    return _kind(value)


def load_config(vault_root: Path, rule_codes: Collection[str]) -> Config:
    """Read ``.vault-tools.toml`` at the vault root; defaults when it is absent.

    ``rule_codes``: the codes ``[rules]`` may name (the rule registry's, given by the caller:
    configuration sits below the rules).
    """

    path = vault_root / CONFIG_NAME
    try:
        raw = read_note_bytes(vault_root, CONFIG_NAME)
    except FileNotFoundError:
        found = obsidian_templates_folder(vault_root)
        return Config(templates=found) if found else Config()
    except OSError as exc:
        raise VaultToolsError(f"{path}: cannot read the config: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise VaultToolsError(f"{path}: the config is not valid UTF-8") from None
    return config_from_mapping(_parse_toml(text, path), path, rule_codes)


def _parse_toml(text: str, path: Path) -> Mapping[str, Any]:
    """The TOML of ``text``; exit 2 naming ``path`` for anything tomllib cannot read, or
    reads only by exceeding what Python allows (its recursion and integer-digit limits)."""
    too_deep = VaultToolsError(
        f"{path}: the config is too deeply nested (tables or arrays more than "
        f"{MAX_NESTING} levels inside one another)"
    )
    # Measured before parsing, so that the answer does not depend on how deep the caller's
    # stack happens to be; the RecursionError is caught as well, as the last line.
    if _nesting_exceeds(text, MAX_NESTING):
        raise too_deep
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise VaultToolsError(f"{path}: invalid TOML: {exc}") from None
    except RecursionError:
        raise too_deep from None
    except ValueError:
        # int() refuses decimal numbers longer than sys.get_int_max_str_digits().
        raise VaultToolsError(
            f"{path}: {_long_number_place(text)}a number too long to read (no setting "
            "takes more than a few digits)"
        ) from None


#: What can hold a bracket that does not nest: strings of the four kinds, and comments.
#: An unclosed string runs to the end of its line (or of the file): each character is
#: looked at once, however the text is made (tomllib refuses what is not TOML anyway).
_TOML_SKIPPED = re.compile(
    r'"""(?:[^"\\]|\\.|"{1,2}(?!"))*(?:"{3,5})?'
    r"|'''(?:[^']|'{1,2}(?!'))*(?:'{3,5})?"
    r'|"(?:[^"\\\n]|\\.)*"?'
    r"|'[^'\n]*'?"
    r"|#[^\n]*"
    r"|[\[\]{}]",
    re.DOTALL,
)


def _nesting_exceeds(text: str, limit: int) -> bool:
    """Whether arrays and inline tables nest deeper than ``limit`` in TOML ``text``: a
    count of brackets outside strings and comments (a table header adds 1 or 2)."""
    depth = 0
    for match in _TOML_SKIPPED.finditer(text):
        token = match.group()
        if token in ("[", "{"):
            depth += 1
            if depth > limit:
                return True
        elif token in ("]", "}"):
            depth = max(0, depth - 1)
    return False


def _long_number_place(text: str) -> str:
    """Where the first number too long for int() is: ``line N (table.key): ``, or
    ``line N: `` when its line is not a plain ``key = number``; nothing when none is found."""
    limit = sys.get_int_max_str_digits()
    for match in re.finditer(r"[0-9][0-9_]*", text):
        if limit and len(match.group().replace("_", "")) > limit:
            lines = text[: match.start()].split("\n")
            place = f"line {len(lines)}"
            key = re.fullmatch(r"\s*([A-Za-z0-9_-]+)\s*=\s*[+-]?", lines[-1])
            if key is None:
                return f"{place}: "
            headers = (re.fullmatch(r"\s*\[([A-Za-z0-9_.-]+)\]\s*", line) for line in lines)
            table = [h[1] for h in headers if h is not None][-1:]
            return f"{place} ({'.'.join([*table, key[1]])}): "
    return ""


def config_from_mapping(data: Mapping[str, Any], path: Path, rule_codes: Collection[str]) -> Config:
    r = _Reader(path)
    r.known(
        data,
        "",
        {"timezone", "interviews", "sections", "followups", "people", "availability"}
        | {"rules", "output"},
    )
    defaults = Config()

    timezone = data.get("timezone")
    if timezone is not None:
        timezone = r.word(data, "timezone", "timezone", "")
        try:
            load_zone(timezone)
        except ValueError as exc:
            raise r.fail("timezone", str(exc)) from None

    interviews = r.table(data, "interviews")
    r.known(interviews, "interviews", {"folders", "type", "tag", "templates", "exclude"})
    folders = tuple(
        r.path_like("interviews.folders", f.strip().replace("\\", "/")).strip("/")
        for f in r.strings(interviews, "folders", "interviews.folders", defaults.folders)
    )
    exclude = tuple(
        r.path_like("interviews.exclude", glob)
        for glob in r.strings(interviews, "exclude", "interviews.exclude", defaults.exclude)
    )

    sections_table = r.table(data, "sections")
    r.known(sections_table, "sections", {*STATUSES, "aliases"})
    sections = dict(REQUIRED_SECTIONS)
    aliases = {name: tuple(more) for name, more in SECTION_ALIASES.items()}
    for status in STATUSES:
        if status in sections_table:
            names = r.strings(sections_table, status, f"sections.{status}", ())
            for name in names:
                if canonical_section(name, aliases) is None:
                    raise r.fail(
                        f"sections.{status}",
                        f"unknown section {quoted(name)} (known: {', '.join(SECTION_ALIASES)})",
                    )
            sections[status] = names
    alias_table = r.table(sections_table, "sections.aliases")
    for name in alias_table:
        if name not in SECTION_ALIASES:
            raise r.fail(
                f"sections.aliases.{name}",
                f"unknown section (known: {', '.join(SECTION_ALIASES)})",
            )
        where = f"sections.aliases.{name}"
        extra = tuple(r.short(where, more) for more in r.strings(alias_table, name, where, ()))
        aliases[name] = aliases[name] + extra

    followups = r.table(data, "followups")
    r.known(
        followups,
        "followups",
        {
            *("thank_you_hours", "nudge_days", "keep_in_touch_days", "horizon_days"),
            *("prepare_days", "alarm"),
        },
    )

    rules_table = r.table(data, "rules")
    rules: dict[str, str] = {}
    for code, value in rules_table.items():
        if code.upper() not in rule_codes:
            raise r.fail(f"rules.{code}", "unknown rule code (see `vault-tools rules`)")
        if not isinstance(value, str) or value.lower() not in SEVERITIES:
            raise r.fail(
                f"rules.{code}", f"must be one of {', '.join(SEVERITIES)}, not {_shown(value)}"
            )
        rules[code.upper()] = value.lower()

    output = r.table(data, "output")
    r.known(output, "output", {"index", "followups", "digests", "calendar", "report", "ics_items"})

    people = r.table(data, "people")
    r.known(people, "people", {"folder", "daily_notes_count"})
    daily_notes_count = people.get("daily_notes_count", defaults.daily_notes_count)
    if not isinstance(daily_notes_count, bool):
        raise r.fail(
            "people.daily_notes_count", f"must be true or false, not {_shown(daily_notes_count)}"
        )
    availability = r.table(data, "availability")
    r.known(availability, "availability", {"hours", "slot_minutes", "days_ahead"})
    hours = r.strings(availability, "hours", "availability.hours", defaults.availability_hours)
    try:
        parse_hours(hours)
    except VaultToolsError as exc:
        raise r.fail("availability.hours", str(exc)) from None

    return Config(
        timezone=timezone,
        folders=folders,
        type=tuple(
            r.short("interviews.type", t)
            for t in r.strings(interviews, "type", "interviews.type", defaults.type)
        ),
        tag=r.word(interviews, "tag", "interviews.tag", defaults.tag),
        templates=(
            r.relative_path(interviews, "templates", "interviews.templates", defaults.templates)
            if "templates" in interviews
            else obsidian_templates_folder(path.parent) or defaults.templates
        ),
        exclude=exclude,
        sections=sections,
        aliases=aliases,
        thank_you_hours=r.count(
            followups, "thank_you_hours", "followups.thank_you_hours", defaults.thank_you_hours
        ),
        nudge_days=r.count(followups, "nudge_days", "followups.nudge_days", defaults.nudge_days),
        keep_in_touch_days=r.count(
            followups,
            "keep_in_touch_days",
            "followups.keep_in_touch_days",
            defaults.keep_in_touch_days,
        ),
        horizon_days=r.count(
            followups, "horizon_days", "followups.horizon_days", defaults.horizon_days
        ),
        prepare_days=r.count(
            followups, "prepare_days", "followups.prepare_days", defaults.prepare_days
        ),
        alarm=r.alarm(followups, "alarm", "followups.alarm"),
        rules=rules,
        index_path=r.output_path(output, "index", defaults.index_path),
        followups_path=r.output_path(output, "followups", defaults.followups_path),
        calendar_path=r.output_path(output, "calendar", defaults.calendar_path),
        report_path=r.output_path(output, "report", defaults.report_path),
        digests_folder=r.output_path(output, "digests", defaults.digests_folder, folder=True),
        ics_items=r.choice(output, "ics_items", "output.ics_items", defaults.ics_items, ICS_ITEMS),
        people_folder=r.relative_path(people, "folder", "people.folder", defaults.people_folder),
        daily_notes_count=daily_notes_count,
        availability_hours=hours,
        slot_minutes=r.count(
            availability, "slot_minutes", "availability.slot_minutes", defaults.slot_minutes
        ),
        days_ahead=r.count(
            availability, "days_ahead", "availability.days_ahead", defaults.days_ahead
        ),
        source=path,
    )


def _toml(value: object) -> str:
    """A TOML value for the default config: strings and lists of strings as JSON writes
    them (the same syntax for these), numbers as they are."""
    import json

    if isinstance(value, tuple):
        return "[" + ", ".join(json.dumps(v) for v in value) + "]"
    return json.dumps(value)


def _setting(key: str, value: object, comment: str = "") -> str:
    line = f"{key} = {_toml(value)}"
    return f"{line:<35} # {comment}" if comment else line


def default_config_text() -> str:
    """The commented ``.vault-tools.toml`` that ``init`` writes: every default, from ``Config``."""
    d = Config()
    lines = [
        "# vault-tools configuration: every key is optional; the values shown are the defaults.",
        '# Reference: the "Configuration" section of the vault-tools README.',
        "",
        '# timezone = "Europe/Berlin"        # default: the machine\'s time zone',
        "",
        "[interviews]",
        _setting("folders", d.folders, 'notes under these are interviews; "" is the whole vault'),
        _setting("type", d.type, "front matter `type` values that mark an interview"),
        _setting("tag", d.tag, "front matter tag that marks an interview"),
        # Commented out: when the config names none, Obsidian's own templates folder is used.
        f"{'# templates = ' + _toml(d.templates):<35} # default: Obsidian's, else Templater's",
        _setting("exclude", d.exclude, 'globs relative to the vault root, e.g. ["Archive/**"]'),
        "",
        "[sections]                          # required (non-empty) sections per status",
        *(_setting(status, d.sections[status]) for status in STATUSES),
        "",
        "[sections.aliases]                  # extra headings that count as a section",
        '# Takeaways = ["Lessons"]',
        "",
        "[followups]",
        _setting("thank_you_hours", d.thank_you_hours, "the thank-you is due this long after"),
        _setting("nudge_days", d.nudge_days, "nudge a request unanswered this many days"),
        _setting("keep_in_touch_days", d.keep_in_touch_days, "default cadence per person"),
        _setting("horizon_days", d.horizon_days, "`followups` lists what is due this far ahead"),
        _setting("prepare_days", d.prepare_days, "prepare this many days before the interview"),
        _setting("alarm", "09:00", 'calendar reminder on the due day; "" for none'),
        "",
        "[people]",
        _setting("folder", d.people_folder, "people's own notes; a tie-break for a shared name"),
        _setting(
            "daily_notes_count", d.daily_notes_count, "a daily note linking a person: a contact"
        ),
        "",
        "[availability]                      # the times `draft request` proposes",
        _setting("hours", d.availability_hours, 'weekly, e.g. ["Mon-Fri 09:00-12:00"]'),
        _setting("slot_minutes", d.slot_minutes, "how long each proposed slot is"),
        _setting("days_ahead", d.days_ahead, "how far ahead slots are proposed"),
        "",
        '[rules]                             # "error", "warning" or "off" per rule code',
        '# VT301 = "off"',
        "",
        "[output]",
        _setting("index", d.index_path),
        _setting("followups", d.followups_path),
        _setting("digests", d.digests_folder),
        _setting("calendar", d.calendar_path, "`followups --write --format ics` writes here"),
        _setting("report", d.report_path, "`check --write` writes the findings here"),
        _setting("ics_items", d.ics_items, '"events" for Google, Apple and Outlook calendars'),
    ]
    return "\n".join(lines) + "\n"
