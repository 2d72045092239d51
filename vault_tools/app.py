"""What each command does: resolve vault, config and as-of, call the core, return data.

Nothing here prints or knows about click: commands get data (and an exit code) back, and
``cli.py`` renders it. Warnings are collected in ``Session.warnings`` for the CLI to show.
"""

from __future__ import annotations

import bisect
import datetime as dt
import hashlib
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from vault_tools.config import Config, load_config, obsidian_daily_folder
from vault_tools.dates import Period, date_range, last_complete_week, parse_date, today_in
from vault_tools.diagnostics import LintResult
from vault_tools.errors import VaultToolsError
from vault_tools.files import is_under, read_note_bytes, write_generated
from vault_tools.interview import (
    Context,
    Facts,
    PersonNote,
    in_interview_folder,
    interview_day,
    is_generated,
    last_contacts,
    make_context,
    people_of,
)
from vault_tools.note import generated_note, parse_note, person_key, person_link_paths, person_names
from vault_tools.persons import (
    Mentions,
    PersonNotes,
    daily_note_day,
    note_name,
)
from vault_tools.reports.digest import HORIZON_DAYS, Digest, build_digest, digest_path
from vault_tools.reports.followups import FollowUpReport, all_followups, followups_report
from vault_tools.reports.index import IndexReport, index_rows
from vault_tools.reports.people import PeopleReport, people_report
from vault_tools.rules import RULES_BY_CODE
from vault_tools.store.sync import check_vault, load_interview_facts
from vault_tools.vault import (
    Listing,
    find_vault_of_paths,
    find_vault_root,
    list_notes,
    select_paths,
)
from vault_tools.vocabulary import GENERATED_BY

Progress = Callable[[int, int], None]


def read_config(root: Path) -> Config:
    """The vault's ``.vault-tools.toml``, its ``[rules]`` checked against the registry."""
    return load_config(root, RULES_BY_CODE)


@dataclass
class Session:
    """The vault, its config and as-of, resolved once per command."""

    root: Path
    config: Config
    as_of: dt.date
    use_cache: bool = True
    progress: Progress | None = None
    #: Messages for stderr (unreadable folders, cache trouble), in the order they arose.
    warnings: list[str] = field(default_factory=list)
    _context: Context | None = field(default=None, repr=False)
    _facts: list[Facts] | None = field(default=None, repr=False)

    @classmethod
    def open(
        cls,
        vault: Path | None,
        as_of: dt.date | None,
        *,
        use_cache: bool = True,
        progress: Progress | None = None,
        paths: Sequence[str] = (),
        here_if_none: bool = False,
    ) -> Session:
        """``paths``: the vault is the one they lie in (``check PATH...``), unless ``vault``
        names it. ``here_if_none``: the working directory when no vault is found (``init``,
        ``rules``), else that is exit 2 and nothing is written."""
        if paths:
            root = find_vault_of_paths(vault, paths)
        else:
            root = find_vault_root(vault, here_if_none=here_if_none)
        config = read_config(root)
        return cls(root, config, as_of or today_in(config.tz), use_cache, progress)

    def context(self) -> Context:
        """The rule and report context of this vault and as-of, made once."""
        if self._context is None:
            self._context = make_context(self.root, self.config, self.as_of)
        return self._context

    def listing(self) -> Listing:
        listing = list_notes(self.root, self.config)
        self.warnings.extend(f"cannot read {rel}: {reason}" for rel, reason in listing.unreadable)
        return listing

    def interview_facts(self) -> list[Facts]:
        """What the reports read of every readable interview note, by path, through the
        cache (which keeps them as data: a report with nothing changed reads no note).

        The people's own notes are found and read too, and the context the reports get
        from ``context()`` afterwards holds them. Read once per session: a command that
        asks again (``draft`` finding a note by its person) gets the same list."""
        if self._facts is not None:
            return self._facts
        listing = self.listing()
        said: dict[str, Mentions] = {}
        facts, report = load_interview_facts(
            self.root,
            self.config,
            self.as_of,
            listing,
            use_cache=self.use_cache,
            progress=self.progress,
            ctx=self.context(),
            mentions=said,
        )
        self.warnings.extend(report.warnings)
        persons = self.person_notes(facts, listing, said)
        contacts, thanked = self.contacts_elsewhere(facts, said, persons)
        self._context = replace(
            self.context(), persons=persons, daily_contacts=contacts, thanked_elsewhere=thanked
        )
        self._facts = facts
        return facts

    def contacts_elsewhere(
        self,
        facts: Sequence[Facts],
        mentions: Mapping[str, Mentions],
        persons: Mapping[str, PersonNote],
    ) -> tuple[dict[str, dt.date], dict[str, dt.date]]:
        """What the other notes say (``mentions``, through the cache): person key -> the
        latest day a daily note links them (``[people] daily_notes_count``), and interview
        path -> the day a done "thank" task anywhere thanked its person for it (their
        latest done interview on or before that day; in a daily note without a completion
        date, its day).

        A link counts for a person when it names them, their own note, or one of their
        interview notes."""
        ctx = self.context()
        by_name: dict[str, set[str]] = {}
        for note in facts:
            keys = {person_key(p) for p in people_of(note)}
            by_name.setdefault(person_key(note_name(note.path)), set()).update(keys)
            for key in keys:
                by_name.setdefault(key, set()).add(key)
        for key, own in persons.items():
            by_name.setdefault(person_key(own.name), set()).add(key)
        folder = obsidian_daily_folder(self.root) if self.config.daily_notes_count else None
        contacts: dict[str, dt.date] = {}
        thanks: dict[str, list[dt.date]] = {}
        for path, said in mentions.items():
            day = daily_note_day(path, folder) if self.config.daily_notes_count else None
            if day is not None:
                for name in said.links:
                    for key in by_name.get(person_key(name), ()):
                        if key not in contacts or day > contacts[key]:
                            contacts[key] = day
            for written, names in said.thanks:
                when = parse_date(written, ctx.tz) or day
                if when is None:
                    continue
                for name in names:
                    for key in by_name.get(person_key(name), ()):
                        thanks.setdefault(key, []).append(when)
        held: dict[str, list[tuple[dt.date, str]]] = {}  # person key -> done interviews
        for f in facts:
            if f.status == "done" and (day := interview_day(f, ctx)) is not None:
                for key in {person_key(p) for p in people_of(f)} & thanks.keys():
                    held.setdefault(key, []).append((day, f.path))
        thanked: dict[str, dt.date] = {}
        for key, days in thanks.items():
            for when in days:
                before = [item for item in held.get(key, ()) if item[0] <= when]
                if before:
                    path = max(before)[1]
                    thanked[path] = min(thanked.get(path, when), when)
        return contacts, thanked

    def person_notes(
        self, facts: Sequence[Facts], listing: Listing, mentions: Mapping[str, Mentions]
    ) -> dict[str, PersonNote]:
        """Person key -> their own note, for everyone the interview notes name (as person or
        as who introduced them) and everyone with a note in the people folder: found as
        Obsidian resolves a link, read from what the cache keeps of it (``mentions``)."""
        interviews = {f.path for f in facts}
        interviews.update(p for p in listing.paths if in_interview_folder(p, self.config))
        notes = PersonNotes(listing.paths, interviews, self.config.people_folder)
        found: dict[str, str] = {}
        for note in facts:
            paths = person_link_paths(note.get("person"))
            for name in (*people_of(note), *person_names(note.get("introduced_by"))):
                key = person_key(name)
                if key not in found and (path := notes.resolve(name, paths.get(key))):
                    found[key] = path
        # Everyone with a note in the people folder is a person too.
        for path in notes.paths:
            if self.config.people_folder and is_under(path, self.config.people_folder):
                found.setdefault(person_key(note_name(path)), path)
        return {
            key: said.person_note(path, self.config.tz)
            for key, path in found.items()
            if (said := mentions.get(path)) is not None
        }


# --------------------------------------------------------------------------------------------
# check


def run_check(session: Session, paths: Iterable[str] = ()) -> LintResult:
    """Lint every interview note, or those of ``paths`` (files or folders)."""
    chosen = tuple(paths)
    if chosen:
        listing = select_paths(session.root, session.config, chosen)
        session.warnings.extend(
            f"cannot read {rel}: {reason}" for rel, reason in listing.unreadable
        )
    else:
        listing = session.listing()
    result, run = check_vault(
        session.root,
        session.config,
        session.as_of,
        listing,
        whole_vault=not chosen,
        use_cache=session.use_cache,
        progress=session.progress,
    )
    session.warnings.extend(run.warnings)
    return result


def check_exit_code(result: LintResult, strict: bool) -> int:
    """0 when clean (or only warnings), 1 on errors, or on warnings too with ``strict``."""
    failing = result.count("error") + (result.count("warning") if strict else 0)
    return 1 if failing else 0


def check_report_meta(as_of: dt.date) -> dict[str, Any]:
    """The front matter of the ``check --format md`` note (``[output] report``)."""
    return {"type": "check", "as_of": as_of}


def finding_places(root: Path, result: LintResult) -> dict[tuple[str, int], str]:
    """The heading that is the place of each finding in the body of its note, by (path,
    line): the heading on the finding's line, else the one of the section holding it. A
    finding in the front matter, above the first heading, or in a note that cannot be read
    again has none (its place is the note)."""
    wanted: dict[str, set[int]] = {}
    for d in result.diagnostics:
        wanted.setdefault(d.path, set()).add(d.line)
    places: dict[tuple[str, int], str] = {}
    for path, lines in wanted.items():
        try:
            note = parse_note(path, read_note_bytes(root, path))
        except OSError:
            continue
        if not note.readable:
            continue
        headings = note.headings
        starts = [h.line for h in headings]
        for line in lines:
            at = bisect.bisect_right(starts, line)
            if line >= note.body_start and at:
                places[(path, line)] = headings[at - 1].text
    return places


# --------------------------------------------------------------------------------------------
# Reports


def followups_for(
    session: Session, horizon_days: int | None = None, include_all: bool = False
) -> FollowUpReport:
    days = session.config.horizon_days if horizon_days is None else horizon_days
    facts = session.interview_facts()
    return followups_report(facts, session.context(), session.as_of, days, include_all)


def error_counts(result: LintResult) -> dict[str, int]:
    """How many error findings each checked note has, by path (notes without any left out)."""
    counts: dict[str, int] = {}
    for diagnostic in result.diagnostics:
        if diagnostic.severity == "error":
            counts[diagnostic.path] = counts.get(diagnostic.path, 0) + 1
    return counts


def index_of(
    facts: Sequence[Facts], ctx: Context, errors: Mapping[str, int] | None = None
) -> IndexReport:
    """``errors``: ``error_counts`` of the vault's check, so broken notes keep their rows."""
    contacts = last_contacts(facts, ctx)  # worked out once, for the items and the rows
    items = all_followups(facts, ctx, ctx.as_of, contacts)
    return index_rows(facts, ctx, items, contacts, errors)


def people_for(session: Session) -> PeopleReport:
    """``vault-tools people``: one row per person, with their next due item."""
    facts = session.interview_facts()
    ctx = session.context()
    contacts = last_contacts(facts, ctx)
    items = all_followups(facts, ctx, ctx.as_of, contacts)
    return people_report(facts, ctx, items, contacts)


def index_for(session: Session) -> IndexReport:
    facts = session.interview_facts()  # reads and lints what changed: the check is cached
    before = list(session.warnings)
    result = run_check(session)
    # The check opens the same cache and lists the same vault: say each trouble once.
    fresh = [w for w in session.warnings[len(before) :] if w not in before]
    session.warnings[:] = before + fresh
    return index_of(facts, session.context(), error_counts(result))


def resolve_period(
    as_of: dt.date,
    week: Period | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> Period:
    """The digest's period: ``--week``, ``--since``/``--until``, else the last complete
    ISO week before as-of."""
    if since is not None and until is not None:
        try:
            return date_range(since, until)
        except ValueError:
            raise VaultToolsError(f"--until {until} is before --since {since}") from None
    if week is not None:
        return week
    try:
        return last_complete_week(as_of)
    except ValueError as exc:
        raise VaultToolsError(f"{exc}; give --week or --since and --until") from None


def digest_of(facts: Sequence[Facts], ctx: Context, period: Period) -> Digest:
    followups = followups_report(facts, ctx, ctx.as_of, HORIZON_DAYS)
    return build_digest(facts, ctx, period, ctx.as_of, followups)


def digest_for(session: Session, period: Period) -> Digest:
    return digest_of(session.interview_facts(), session.context(), period)


def digest_note_path(session: Session, period: Period) -> str:
    return digest_path(session.config, period)


# --------------------------------------------------------------------------------------------
# Generated notes

INDEX_META: Mapping[str, Any] = {"type": "index"}


def followups_meta(as_of: dt.date) -> dict[str, Any]:
    return {"type": "followups", "as_of": as_of}


def digest_meta(period: Period, as_of: dt.date) -> dict[str, Any]:
    return {"type": "digest", "period": period.label, "as_of": as_of}


def generated_text(meta: Mapping[str, Any], body: str) -> str:
    """A generated note: ``generated_by: vault-tools`` first, then ``meta``, then ``body``."""
    return generated_note({"generated_by": GENERATED_BY, **meta}, body)


#: The front matter key of a written generated note that records what was written.
GENERATED_HASH = "generated_sha256"
_GENERATED_HEAD = f"---\ngenerated_by: {GENERATED_BY}\n"
_HASH_LINE = re.compile(rb"generated_sha256:[ \t]*([0-9a-fA-F]{64})[ \t]*(?:\r\n|\n|\r)?")


def stamped(text: str) -> str:
    """``text`` (a ``generated_text``) as it is written into the vault: with
    ``generated_sha256: <hex>`` right after ``generated_by: vault-tools``, the SHA-256 of
    the note's UTF-8 bytes without that one line (which are ``text``'s)."""
    if not text.startswith(_GENERATED_HEAD):
        raise ValueError("not a generated note")
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    cut = len(_GENERATED_HEAD)
    return f"{text[:cut]}{GENERATED_HASH}: {digest}\n{text[cut:]}"


def changed_since_written(raw: bytes) -> bool:
    """Whether a generated note no longer matches the hash it records (someone wrote into
    it). A note that records none, written by an earlier version, counts as unchanged."""
    lines = raw.splitlines(keepends=True)
    if not lines or lines[0].removeprefix(b"\xef\xbb\xbf").rstrip(b"\r\n") != b"---":
        return False
    for i in range(1, len(lines)):
        line = lines[i]
        if line.rstrip(b"\r\n") in (b"---", b"..."):
            return False  # the end of the front matter: no hash recorded
        recorded = _HASH_LINE.fullmatch(line)
        if recorded is not None:
            rest = b"".join(lines[:i]) + b"".join(lines[i + 1 :])
            return hashlib.sha256(rest).hexdigest() != recorded.group(1).decode().lower()
    return False


def _is_ours(rel: str) -> Callable[[bytes], bool]:
    return lambda raw: is_generated(parse_note(rel, raw))


def write_note(
    root: Path,
    rel: str,
    meta: Mapping[str, Any],
    body: str,
    *,
    only_if_changed: bool = False,
    force: bool = False,
) -> bool:
    """Write a generated note: atomically, inside the vault, never over a user's own file,
    and not over a generated note someone changed since it was written (unless ``force``).

    ``only_if_changed``: leave the file alone when it already says this. Returns whether
    it was written.
    """
    text = stamped(generated_text(meta, body))
    return write_generated(
        root,
        rel,
        text,
        _is_ours(rel),
        edited=changed_since_written,
        force=force,
        only_if_changed=only_if_changed,
    )


# --------------------------------------------------------------------------------------------
# The written calendar
#
# An .ics file has no front matter: the calendar itself carries the two marks a generated
# note keeps there, as RFC 5545 X-properties of the VCALENDAR (which calendar apps keep or
# ignore): ``X-GENERATED-BY:vault-tools`` says it is ours, ``X-VAULT-TOOLS-SHA256`` holds the
# SHA-256 of the file's bytes without that one line, so an edited calendar is seen as one.

CALENDAR_MARK = f"X-GENERATED-BY:{GENERATED_BY}"
CALENDAR_HASH = "X-VAULT-TOOLS-SHA256"
_CALENDAR_HASH_LINE = re.compile(rb"X-VAULT-TOOLS-SHA256:([0-9a-fA-F]{64})\r?\n", re.IGNORECASE)
_CALENDAR_MARK_LINE = re.compile(rb"^X-GENERATED-BY:vault-tools\r?$", re.IGNORECASE | re.MULTILINE)


def stamped_calendar(ics: str) -> str:
    """``ics`` (a VCALENDAR, lines ending in CRLF) as it is written into the vault: the
    marks added at the end of the calendar's own properties, before its first component."""
    start = "BEGIN:VCALENDAR\r\n"
    if not ics.startswith(start):
        raise ValueError("not a calendar")
    cut = ics.find("\r\nBEGIN:", len(start) - 2)
    end = ics.find("\r\nEND:VCALENDAR")
    cut = end if cut < 0 or (0 <= end < cut) else cut
    if cut < 0:
        raise ValueError("not a calendar")
    cut += 2  # after the CRLF of the calendar's last property
    marked = f"{ics[:cut]}{CALENDAR_MARK}\r\n{ics[cut:]}"
    digest = hashlib.sha256(marked.encode("utf-8")).hexdigest()
    return f"{marked[:cut]}{CALENDAR_HASH}:{digest}\r\n{marked[cut:]}"


def is_our_calendar(raw: bytes) -> bool:
    """Whether an .ics file is one vault-tools wrote (it carries ``X-GENERATED-BY``)."""
    head = raw.removeprefix(b"\xef\xbb\xbf")
    if not head[:17].upper().startswith(b"BEGIN:VCALENDAR"):
        return False
    calendar_part = head.split(b"\nBEGIN:", 1)[0]  # its own properties, not a to-do's text
    return _CALENDAR_MARK_LINE.search(calendar_part) is not None


def calendar_changed_since_written(raw: bytes) -> bool:
    """Whether a calendar vault-tools wrote no longer matches its recorded hash. One whose
    hash line is gone was changed too (no version of vault-tools wrote one without it)."""
    found = _CALENDAR_HASH_LINE.search(raw)
    if found is None or (found.start() > 0 and raw[found.start() - 1 : found.start()] != b"\n"):
        return True
    rest = raw[: found.start()] + raw[found.end() :]
    return hashlib.sha256(rest).hexdigest() != found.group(1).decode().lower()


def write_calendar(
    root: Path, rel: str, ics: str, *, only_if_changed: bool = False, force: bool = False
) -> bool:
    """Write the follow-ups calendar (``followups --write --format ics``) as ``write_note``
    writes a note: atomically, inside the vault, never over a user's own .ics, and not over
    one changed since it was written (unless ``force``). Returns whether it was written."""
    return write_generated(
        root,
        rel,
        stamped_calendar(ics),
        is_our_calendar,
        edited=calendar_changed_since_written,
        force=force,
        only_if_changed=only_if_changed,
        mark=f"`{CALENDAR_MARK}` in its calendar properties",
    )
