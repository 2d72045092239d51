"""``.vault-tools.toml``: the defaults (defined here, once) and their validation."""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vault_tools.dates import load_zone
from vault_tools.errors import VaultToolsError

CONFIG_NAME = ".vault-tools.toml"

STATUSES = ("planned", "requested", "scheduled", "done", "declined", "cancelled")

#: Canonical section names and the aliases every vault gets.
SECTION_ALIASES: dict[str, tuple[str, ...]] = {
    "Objectives": ("Goals",),
    "Research": ("Background",),
    "Questions": (),
    "Notes": (),
    "Takeaways": ("Key takeaways", "Learnings"),
    "Reflection": ("Retrospective",),
    "Follow-up": ("Follow up", "Next steps"),
}

REQUIRED_SECTIONS: dict[str, tuple[str, ...]] = {
    "planned": ("Objectives",),
    "requested": ("Objectives",),
    "scheduled": ("Objectives", "Research", "Questions"),
    "done": (
        "Objectives",
        "Research",
        "Questions",
        "Notes",
        "Takeaways",
        "Reflection",
        "Follow-up",
    ),
    "declined": (),
    "cancelled": (),
}

SEVERITIES = ("error", "warning", "off")


@dataclass(frozen=True)
class Config:
    """Every setting of a vault, with SPEC's defaults."""

    timezone: str | None = None
    folders: tuple[str, ...] = ("Interviews",)
    type: str = "interview"
    tag: str = "interview"
    templates: str = "Templates"
    exclude: tuple[str, ...] = ()
    sections: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: dict(REQUIRED_SECTIONS))
    aliases: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: dict(SECTION_ALIASES))
    thank_you_hours: int = 24
    nudge_days: int = 7
    keep_in_touch_days: int = 90
    horizon_days: int = 7
    rules: Mapping[str, str] = field(default_factory=dict)
    index_path: str = "Interviews/Index.md"
    followups_path: str = "Interviews/Follow-ups.md"
    digests_folder: str = "Digests"
    source: Path | None = None

    @property
    def tz(self) -> dt.tzinfo | None:
        """The vault's zone; ``None`` means the machine's local time."""
        return load_zone(self.timezone) if self.timezone else None


class _Reader:
    """Pulls typed values out of the parsed TOML, naming file and key in every complaint."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, key: str, reason: str) -> VaultToolsError:
        return VaultToolsError(f"{self.path}: {key}: {reason}")

    def table(self, data: Mapping[str, Any], key: str) -> Mapping[str, Any]:
        value = data.get(key.rpartition(".")[2], {})
        if not isinstance(value, Mapping):
            raise self.fail(key, "must be a table")
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

    def strings(
        self, data: Mapping[str, Any], key: str, name: str, default: tuple[str, ...]
    ) -> tuple[str, ...]:
        value = data.get(key, default)
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
            raise self.fail(name, f"must be a list of strings, not {_kind(value)}")
        return tuple(value)

    def count(self, data: Mapping[str, Any], key: str, name: str, default: int) -> int:
        value = data.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise self.fail(name, f"must be a whole number of 0 or more, not {value!r}")
        return value

    def relative_path(self, data: Mapping[str, Any], key: str, name: str, default: str) -> str:
        value = self.string(data, key, name, default).strip().replace("\\", "/")
        if (
            value.startswith("/")
            or ".." in value.split("/")
            or (len(value) > 1 and value[1] == ":")
        ):
            raise self.fail(name, f"must be a path inside the vault, not {value!r}")
        return value.strip("/")


def _kind(value: object) -> str:
    return {bool: "a boolean", int: "a number", float: "a number", str: "a string"}.get(
        type(value), "a list" if isinstance(value, list) else "a table"
    )


def load_config(vault_root: Path) -> Config:
    """Read ``.vault-tools.toml`` at the vault root; defaults when it is absent."""
    from vault_tools.vault import read_note_bytes  # imported late to avoid a cycle

    path = vault_root / CONFIG_NAME
    try:
        raw = read_note_bytes(vault_root, CONFIG_NAME)
    except FileNotFoundError:
        return Config()
    except OSError as exc:
        raise VaultToolsError(f"{path}: cannot read the config: {exc.strerror or exc}") from None
    try:
        data = tomllib.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise VaultToolsError(f"{path}: the config is not valid UTF-8") from None
    except tomllib.TOMLDecodeError as exc:
        raise VaultToolsError(f"{path}: invalid TOML: {exc}") from None
    return config_from_mapping(data, path)


def config_from_mapping(data: Mapping[str, Any], path: Path) -> Config:
    r = _Reader(path)
    r.known(data, "", {"timezone", "interviews", "sections", "followups", "rules", "output"})
    defaults = Config()

    timezone = data.get("timezone")
    if timezone is not None:
        timezone = r.string(data, "timezone", "timezone", "")
        try:
            load_zone(timezone)
        except ValueError as exc:
            raise r.fail("timezone", str(exc)) from None

    interviews = r.table(data, "interviews")
    r.known(interviews, "interviews", {"folders", "type", "tag", "templates", "exclude"})
    folders = tuple(
        f.strip().replace("\\", "/").strip("/")
        for f in r.strings(interviews, "folders", "interviews.folders", defaults.folders)
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
                        f"unknown section {name!r} (known: {', '.join(SECTION_ALIASES)})",
                    )
            sections[status] = names
    alias_table = r.table(sections_table, "sections.aliases")
    for name in alias_table:
        if name not in SECTION_ALIASES:
            raise r.fail(
                f"sections.aliases.{name}",
                f"unknown section (known: {', '.join(SECTION_ALIASES)})",
            )
        extra = r.strings(alias_table, name, f"sections.aliases.{name}", ())
        aliases[name] = aliases[name] + extra

    followups = r.table(data, "followups")
    r.known(
        followups,
        "followups",
        {"thank_you_hours", "nudge_days", "keep_in_touch_days", "horizon_days"},
    )

    rules_table = r.table(data, "rules")
    rules: dict[str, str] = {}
    from vault_tools.rules import (
        RULES_BY_CODE,
    )  # a literal registry; imported late to avoid a cycle

    for code, value in rules_table.items():
        if code.upper() not in RULES_BY_CODE:
            raise r.fail(f"rules.{code}", "unknown rule code (see `vault-tools rules`)")
        if not isinstance(value, str) or value.lower() not in SEVERITIES:
            raise r.fail(f"rules.{code}", f"must be one of {', '.join(SEVERITIES)}, not {value!r}")
        rules[code.upper()] = value.lower()

    output = r.table(data, "output")
    r.known(output, "output", {"index", "followups", "digests"})

    return Config(
        timezone=timezone,
        folders=folders,
        type=r.string(interviews, "type", "interviews.type", defaults.type),
        tag=r.string(interviews, "tag", "interviews.tag", defaults.tag),
        templates=r.relative_path(
            interviews, "templates", "interviews.templates", defaults.templates
        ),
        exclude=r.strings(interviews, "exclude", "interviews.exclude", defaults.exclude),
        sections=sections,
        aliases=aliases,
        thank_you_hours=r.count(followups, "thank_you_hours", "followups.thank_you_hours", 24),
        nudge_days=r.count(followups, "nudge_days", "followups.nudge_days", 7),
        keep_in_touch_days=r.count(
            followups, "keep_in_touch_days", "followups.keep_in_touch_days", 90
        ),
        horizon_days=r.count(followups, "horizon_days", "followups.horizon_days", 7),
        rules=rules,
        index_path=r.relative_path(output, "index", "output.index", defaults.index_path),
        followups_path=r.relative_path(
            output, "followups", "output.followups", defaults.followups_path
        ),
        digests_folder=r.relative_path(
            output, "digests", "output.digests", defaults.digests_folder
        ),
        source=path,
    )


_NOT_WORD = re.compile(r"[\W_]+")


def normalize_heading(text: str) -> str:
    """Compare headings ignoring case, surrounding punctuation, emoji and inner spacing."""
    return _NOT_WORD.sub(" ", text.casefold()).strip()


def canonical_section(heading: str, aliases: Mapping[str, tuple[str, ...]]) -> str | None:
    """The canonical section a heading stands for (``Next steps`` -> ``Follow-up``), if any."""
    wanted = normalize_heading(heading)
    for name, more in aliases.items():
        if wanted == normalize_heading(name) or any(wanted == normalize_heading(a) for a in more):
            return name
    return None
