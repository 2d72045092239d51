"""The command line: parse options, load config, call the core, render, exit code.

Exit codes: 0 success (warnings allowed); 1 ``check`` found errors (or warnings with
``--strict``); 2 usage or configuration error.
"""

from __future__ import annotations

import codecs
import datetime as dt
import functools
import io
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from vault_tools import __version__
from vault_tools.errors import VaultToolsError
from vault_tools.render import printable

if TYPE_CHECKING:
    from vault_tools.app import Session
    from vault_tools.config import Config
    from vault_tools.dates import Period
    from vault_tools.diagnostics import LintResult
    from vault_tools.files import WriteRefused

F = TypeVar("F", bound=Callable[..., Any])

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def _quoted(value: object) -> str:
    from vault_tools.dates import quoted

    return quoted(str(value))


class DateParam(click.ParamType):  # type: ignore[type-arg]
    """A day written ``YYYY-MM-DD``, and only so: ``date.fromisoformat`` also takes
    ``20261127`` and ISO week dates (``2026-W47-1``), which look like typos in a cron line
    and read as a day nobody meant."""

    name = "YYYY-MM-DD"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        import re

        if isinstance(value, dt.date):
            return value
        text = str(value).strip()
        try:
            if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text) is None:
                raise ValueError(text)
            return dt.date.fromisoformat(text)
        except ValueError:
            self.fail(
                f"{_quoted(value)} is not a date from 0001-01-01 to 9999-12-31 written "
                "YYYY-MM-DD; write it like 2026-11-27",
                param,
                ctx,
            )


class WhenParam(click.ParamType):  # type: ignore[type-arg]
    name = "DATE[THH:MM]"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        from vault_tools.dates import parse_when

        when = parse_when(str(value))
        if when is None:
            self.fail(
                f"{_quoted(value)} is not a date from 0001-01-01 to 9999-12-31; "
                "write 2026-11-27 or 2026-11-27T15:00",
                param,
                ctx,
            )
        return when


#: ``log``'s events (``events.EVENTS``, kept here so that ``--help`` imports no core).
EVENT_NAMES = (
    "requested",
    "nudged",
    "scheduled",
    "done",
    "thanked",
    "contact",
    "declined",
    "cancelled",
)


class WeekParam(click.ParamType):  # type: ignore[type-arg]
    name = "WEEK"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        from vault_tools.dates import Period, iso_week

        if isinstance(value, Period):
            return value
        try:
            return iso_week(str(value))
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


class DurationParam(click.ParamType):  # type: ignore[type-arg]
    """``--horizon``: days, weeks or 30-day months, from 0 to ``config.MAX_DAYS`` days
    (the range of ``[followups] horizon_days``)."""

    name = "DURATION"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        from vault_tools.config import MAX_DAYS
        from vault_tools.dates import parse_duration_days

        if isinstance(value, int):
            return value
        try:
            days = parse_duration_days(str(value))
        except ValueError:  # more digits than int() takes: far out of range
            days = MAX_DAYS + 1
        if days is None:
            self.fail(
                f"{_quoted(value)} is not a duration from 0d to {MAX_DAYS}d; write it like "
                "7d, 2w or 1m",
                param,
                ctx,
            )
        if days > MAX_DAYS:
            self.fail(
                f"{_quoted(value)} is too far ahead: the horizon runs from 0d to "
                f"{MAX_DAYS}d (ten years); --all lists every item",
                param,
                ctx,
            )
        return days


class SecondsParam(click.ParamType):  # type: ignore[type-arg]
    """Seconds from 0 to ``most``: ``nan``, which every range check lets through, is not."""

    name = "SECONDS"

    def __init__(self, most: float) -> None:
        self.most = most

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, float):
            return value
        try:
            seconds = float(str(value))
        except ValueError:
            seconds = float("nan")
        if not 0 <= seconds <= self.most:
            self.fail(
                f"{_quoted(value)} is not a number of seconds from 0 to {self.most:g}", param, ctx
            )
        return seconds


def table_width(stream: Any, environ: Mapping[str, str]) -> int | None:
    """How wide a text table may be: ``COLUMNS`` when it is a positive number, else the
    terminal's width when ``stream`` is one; ``None`` (no limit, whole rows, as for a file,
    ``grep`` or ``less -S``) when it is not a terminal."""
    import shutil

    columns = environ.get("COLUMNS", "").strip()
    if columns.isascii() and columns.isdigit() and int(columns) > 0:
        return int(columns)
    isatty = getattr(stream, "isatty", None)
    if not (isatty and isatty()):
        return None
    return shutil.get_terminal_size().columns


def use_color(stream: Any, environ: Mapping[str, str]) -> bool:
    """Colour only on a terminal, and never when ``NO_COLOR`` is set (https://no-color.org)."""
    if environ.get("NO_COLOR", ""):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def vault_options(func: F) -> F:
    """``--vault`` and ``--as-of``, which every command takes."""
    func = click.option(
        "--as-of",
        type=DateParam(),
        default=None,
        help="The day to treat as today for every rule and report (default: today).",
    )(func)
    func = click.option(
        "--vault",
        "vault",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help="The vault's root folder (default: $VAULT_TOOLS_VAULT, else the nearest folder "
        "with .vault-tools.toml or .obsidian/ at or above the current one; none found is "
        "exit 2).",
    )(func)
    return func


def user_errors(func: F) -> F:
    """Turn a VaultToolsError into one line on stderr and exit code 2."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except VaultToolsError as exc:
            say(f"vault-tools: error: {exc}")
            sys.exit(exc.exit_code)

    return wrapper  # type: ignore[return-value]


def cache_option(func: F) -> F:
    """``--no-cache``, for commands that read the notes."""
    return click.option(
        "--no-cache",
        is_flag=True,
        help="Read and parse every note, ignoring (and not updating) .vault-tools/cache.sqlite.",
    )(func)


def force_option(example: str) -> Callable[[F], F]:
    """``--force``, for the commands that ``--write`` a generated note."""

    def add(func: F) -> F:
        return click.option(
            "--force",
            is_flag=True,
            help="With --write: replace the note even if it was changed after vault-tools "
            "wrote it (a file of yours, without `generated_by: vault-tools`, is never "
            f"replaced). Example: {example}",
        )(func)

    return add


def check_force(force: bool, write: bool) -> None:
    if force and not write:
        raise click.UsageError("--force goes with --write: it lets --write replace an edited note")


def check_write_format(command: str, output_format: str | None, writable: Sequence[str]) -> str:
    """The format ``--write`` writes: the one asked for, when it is one that can be written
    (an index as csv or a digest as json has no place in the vault); md when none is given."""
    chosen = output_format or "md"
    if chosen not in writable:
        can = " or ".join(f"--format {name}" for name in writable)
        raise click.UsageError(
            f"{command} --write writes {can}, not --format {chosen}; to save the "
            f"{chosen} output elsewhere, leave out --write and redirect it: "
            f"vault-tools {command} --format {chosen} > FILE"
        )
    return chosen


def said_written(rel: str, written: bool) -> None:
    """What a ``--write`` did, on stderr: wrote the file, or left it as it already was."""
    say(f"wrote {rel}" if written else f"{rel} is up to date")


def say(message: str) -> None:
    """A line on stderr. It may name files and quote notes, so it is escaped as every
    output is (``render.printable``): a name that is not UTF-8 shows as ``caf\\xe9.md``."""
    click.echo(printable(message), err=True)


def write_bytes(data: bytes) -> None:
    """``data`` on stdout as it is (no newline translation, whatever the locale)."""
    sys.stdout.flush()
    binary = getattr(sys.stdout, "buffer", None)
    if binary is None:
        click.echo(data.decode("utf-8", "replace"), nl=False)
        return
    binary.write(data)
    binary.flush()


def shown_diff(text: str) -> str:
    """A diff for a person to read: control characters of the notes escaped, CRLF shown
    as a line break."""
    return printable(text.replace("\r\n", "\n"), keep_lines=True)


def warn(message: str) -> None:
    say(f"vault-tools: warning: {message}")


class Progress:
    """A progress bar on stderr for long runs, only when stderr is a terminal."""

    MIN_NOTES = 1000

    def __init__(self) -> None:
        self._bar: Any = None
        self._shown = 0

    def __call__(self, done: int, total: int) -> None:
        if self._bar is None:
            if total < self.MIN_NOTES or not sys.stderr.isatty():
                return
            self._bar = click.progressbar(length=total, label="Reading notes", file=sys.stderr)
            self._bar.__enter__()
        self._bar.update(done - self._shown)
        self._shown = done

    def close(self) -> None:
        if self._bar is not None:
            self._bar.__exit__(None, None, None)
            self._bar = None


def open_session(
    vault: Path | None,
    as_of: dt.date | None,
    use_cache: bool = True,
    *,
    paths: tuple[str, ...] = (),
    here_if_none: bool = False,
) -> Session:
    """The command's vault, config and as-of, with a progress bar for long reads."""
    from vault_tools.app import Session

    return Session.open(
        vault,
        as_of,
        use_cache=use_cache,
        progress=Progress(),
        paths=paths,
        here_if_none=here_if_none,
    )


def finish(session: Session) -> None:
    """Close the progress bar and print what the run had to say on stderr."""
    if isinstance(session.progress, Progress):
        session.progress.close()
    for message in session.warnings:
        warn(message)
    session.warnings.clear()


@click.group(context_settings=CONTEXT_SETTINGS)
@click.version_option(__version__, "-V", "--version", prog_name="vault-tools")
def cli() -> None:
    """The command-line companion to a vault of informational-interview notes.

    One Markdown note per conversation, with YAML front matter. vault-tools checks the
    notes (and repairs what it safely can), records each step of the practice, reports due
    follow-ups, writes a weekly reflection digest and scaffolds notes; `vault-tools lsp`
    brings the findings and fixes into any editor that speaks LSP.

    \b
    Example:
      vault-tools check --vault ~/Notes
    """


@cli.command(context_settings=CONTEXT_SETTINGS)
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@vault_options
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json", "github", "md"]),
    default=None,
    help="text (default): path:line:col lines; json: machine-readable; github: Actions "
    "annotations; md: an Obsidian note with a link to each finding's place. With --write: "
    "md only.",
)
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too, not only on errors.")
@click.option(
    "--write",
    is_flag=True,
    help="Write the md report into the vault (default Interviews/Check.md, [output] report) "
    "instead of printing the findings, so you see them in Obsidian. Left alone when it "
    "already says the same; the exit code is check's.",
)
@force_option("vault-tools check --write --force")
@click.option(
    "--fix",
    is_flag=True,
    help="Apply the safe fixes (findings marked [*]) to the notes, then report what is left. "
    "Only the lines a fix changes are written; a note that changed since it was read is left "
    "alone.",
)
@click.option(
    "--diff",
    is_flag=True,
    help="Print the safe fixes as a unified diff and write nothing; exit 1 when there is "
    "something to fix (for CI).",
)
@cache_option
@user_errors
def check(
    paths: tuple[str, ...],
    vault: Path | None,
    as_of: dt.date | None,
    output_format: str | None,
    strict: bool,
    write: bool,
    force: bool,
    fix: bool,
    diff: bool,
    no_cache: bool,
) -> None:
    """Lint interview notes: required keys and sections for each status, dates, questions.

    With PATHS (files or folders, as pre-commit passes them), check only those; without
    --vault, the vault is the one they lie in (the nearest folder with .vault-tools.toml or
    .obsidian/ at or above them), and paths outside it are skipped.
    Exit 0 when clean or only warnings, 1 on errors (or warnings with --strict).

    \b
    Examples:
      vault-tools check --vault ~/Notes
      vault-tools check --format json --as-of 2026-11-27
      vault-tools check "Interviews/2026-11-20 Jane Doe.md"
      vault-tools check --write                    # Interviews/Check.md, for Obsidian
      vault-tools check --fix                      # apply the safe fixes ([*])
      vault-tools check --diff                     # show them, write nothing
    """
    from vault_tools.app import (
        check_exit_code,
        check_report_meta,
        finding_places,
        generated_text,
        run_check,
        write_note,
    )
    from vault_tools.render import check as render

    check_force(force, write)
    if diff and (write or output_format is not None):
        raise click.UsageError(
            "check --diff prints a diff and writes nothing: leave out --write and --format"
        )
    if write:
        check_write_format("check", output_format, ("md",))
        if paths:
            raise click.UsageError(
                "check --write writes the report of the whole vault: leave out the PATHS, "
                "or leave out --write to check just them"
            )
    session = open_session(vault, as_of, use_cache=not no_cache, paths=paths)
    if fix or diff:
        result = _fix(session, paths, diff)
        if diff:
            return
    else:
        try:
            result = run_check(session, paths)
        finally:
            finish(session)
    if write or output_format == "md":
        meta = check_report_meta(session.as_of)
        body = render.render_markdown(result, finding_places(session.root, result))
        if write:
            rel = session.config.report_path
            written = write_note(session.root, rel, meta, body, only_if_changed=True, force=force)
            said_written(rel, written)
            click.echo(render.summary_line(result), err=True)
            sys.exit(check_exit_code(result, strict))
        output = generated_text(meta, body)
    elif output_format == "json":
        output = render.render_json(result, ascii_only=not stdout_holds_utf8())
    elif output_format == "github":
        output = render.render_github(result)
    else:
        output = render.render_text(result)
    click.echo(output, nl=False)
    click.echo(render.summary_line(result), err=True)
    sys.exit(check_exit_code(result, strict))


def _fix(session: Session, paths: tuple[str, ...], diff: bool) -> LintResult:
    """``check --fix`` (the check of what is left, once the fixes are written) or
    ``check --diff`` (the diff printed; exits 1 when there is something to fix)."""
    from vault_tools.edit import unified_diff
    from vault_tools.editing import run_fix

    try:
        run, result = run_fix(session, paths, write=not diff)
    finally:
        finish(session)
    for path, reason in run.left_alone:
        warn(f"left {path} alone: {reason}")
    count, notes = run.fixed, len(run.changes)
    in_notes = f"{count} finding{'s' if count != 1 else ''} in {notes} note" + (
        "s" if notes != 1 else ""
    )
    if diff:
        exact = not sys.stdout.isatty()
        for change in run.changes:
            text = unified_diff(printable(change.path), change.before, change.after)
            if exact:
                # A patch for CI or `git apply`: the lines as the notes hold them.
                write_bytes(text.encode("utf-8"))
            else:
                click.echo(shown_diff(text), nl=False)
        say(f"would fix {in_notes} (vault-tools check --fix)" if notes else "nothing to fix")
        sys.exit(1 if notes else 0)
    if notes:
        say(f"fixed {in_notes}")
    return result


_EVENTS_HELP = """\b
Events (SPEC's table):
  requested            status: requested, requested: DATE
  nudged               nudged gains DATE (a date becomes a list of dates)
  scheduled DATETIME   status: scheduled, date: DATETIME
  done                 status: done (and date, when it had none)
  thanked              thank_you_sent: DATE; an open Follow-up task mentioning
                       "thank" is ticked with ✅ DATE ([completion:: DATE] where
                       the note dates its tasks with Dataview fields)
  contact              last_contact: DATE
  declined, cancelled  status: declined / cancelled"""


@cli.command(context_settings=CONTEXT_SETTINGS, epilog=_EVENTS_HELP)
@click.argument("note")
@click.argument("event", type=click.Choice(EVENT_NAMES, case_sensitive=False))
@click.argument("value", required=False, metavar="[DATETIME]")
@vault_options
@click.option(
    "--on",
    "on",
    default=None,
    metavar="DATE[THH:MM]",
    help="When it happened (default: today, or --as-of): 2026-11-21, or 2026-11-21T15:00 "
    "where a time fits (the interview's date).",
)
@click.option(
    "--quiet",
    is_flag=True,
    help="Print nothing but errors (not the change's diff, nor what was already recorded).",
)
@user_errors
def log(
    note: str,
    event: str,
    value: str | None,
    vault: Path | None,
    as_of: dt.date | None,
    on: str | None,
    quiet: bool,
) -> None:
    """Record a step of the practice in a note's front matter, without hand-editing YAML.

    NOTE is the note's path (or its name), or a person's name when one of their notes
    fits the event. Only the lines of the keys it sets change (a new key goes after the
    last one); comments, key order, quoting, CRLF and a BOM are kept. The change is shown
    as a diff on stderr. A status only moves forward, and an event already recorded
    changes nothing. Exit 2, with nothing written, when the front matter cannot be edited
    safely or the note changed on disk meanwhile.

    \b
    Examples:
      vault-tools log "Jane Doe" thanked
      vault-tools log "Interviews/2026-12-04 Elena Petrova.md" scheduled 2026-12-04T15:00
      vault-tools log "Priya Nair" nudged --on 2026-11-27
    """
    from vault_tools.edit import unified_diff
    from vault_tools.editing import describe, run_log
    from vault_tools.events import Moment, parse_moment

    event = event.lower()
    if value is not None and event != "scheduled":
        raise click.UsageError(f"{event} takes no DATETIME; give the day with --on")
    written = value if event == "scheduled" and value is not None else on
    if event == "scheduled" and written is None:
        raise click.UsageError("scheduled needs the interview's date: scheduled 2026-12-04T15:00")
    session = open_session(vault, as_of)
    when: Moment | None = Moment(session.as_of) if written is None else parse_moment(written)
    if when is None:
        raise click.BadParameter(
            f"{_quoted(written)} is not a date or datetime; write 2026-11-21 or 2026-11-21T15:00",
            param_hint="'DATETIME'" if value is not None else "'--on'",
        )
    try:
        result = run_log(session, note, event, when)
    finally:
        finish(session)
    if quiet:
        return
    for line in describe(result):
        say(line)
    if result.after == result.before:
        say(f"{result.path}: already recorded, nothing to change")
    else:
        text = unified_diff(printable(result.path), result.before, result.after)
        click.echo(shown_diff(text), nl=False, err=True)


@cli.command(context_settings=CONTEXT_SETTINGS)
@click.argument("code", required=False)
@vault_options
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "md"]),
    default="text",
    help="text (default), or md: every rule's docs as one Markdown document (the RULES.md "
    "the language server links each finding to).",
)
@user_errors
def rules(code: str | None, vault: Path | None, as_of: dt.date | None, output_format: str) -> None:
    """List every rule, or explain one: what it finds, why it matters, an example fix.

    \b
    Examples:
      vault-tools rules
      vault-tools rules VT301
      vault-tools rules --format md > RULES.md
    """
    from vault_tools.linter import severity_of
    from vault_tools.rules import ALL_RULES, RULES_BY_CODE

    if output_format == "md":
        from vault_tools.render.rules import rules_markdown

        click.echo(rules_markdown(ALL_RULES), nl=False)
        return
    # Rules need no vault: outside one, the default severities are shown.
    session = open_session(vault, as_of, here_if_none=True)
    if code is None:
        for rule in ALL_RULES:
            severity = severity_of(rule, session.config)
            click.echo(f"{rule.code}  {severity:<7}  {rule.name:<24}  {rule.summary}")
        return
    one = RULES_BY_CODE.get(code.strip().upper())
    if one is None:
        raise VaultToolsError(f"unknown rule {code!r}; `vault-tools rules` lists them all")
    click.echo(
        f"{one.code} {one.name} (default: {one.severity}, in this vault: "
        f"{severity_of(one, session.config)})\n"
    )
    click.echo(one.doc)


@cli.command(context_settings=CONTEXT_SETTINGS)
@vault_options
@user_errors
def init(vault: Path | None, as_of: dt.date | None) -> None:
    """Set a vault up: a commented .vault-tools.toml, the interview template and folder,
    and, in a git repository, .vault-tools/ (the cache) in the vault's .gitignore.

    Never overwrites anything that exists; ends with the command to run next.

    \b
    Example:
      vault-tools init --vault ~/Notes
    """
    import shlex

    from vault_tools.scaffold import (
        ignore_cache_in_git,
        init_next_step,
        init_vault,
        make_vault_folder,
    )

    if vault is not None:
        make_vault_folder(vault)  # setting a new vault up is what init is for
    session = open_session(vault, as_of, here_if_none=True)
    done = init_vault(session.root, session.config)
    git = ignore_cache_in_git(session.root)
    if git is not None:
        done.append(git)
    for rel, what in done:
        click.echo(f"{printable(rel)}: {what}")
    step = init_next_step(session.root, session.config, session.as_of)
    if vault is not None:
        step += f" --vault {shlex.quote(str(vault))}"
    click.echo(f"next: {printable(step)}")


@cli.command(context_settings=CONTEXT_SETTINGS)
@click.argument("person")
@vault_options
@click.option("--company", default="", help="Where the person works.")
@click.option("--role", default="", help="Their role or title.")
@click.option(
    "--date",
    "when",
    type=WhenParam(),
    default=None,
    help="When the interview is or was: 2026-12-02 or 2026-12-02T15:00.",
)
@click.option(
    "--status",
    type=click.Choice(["planned", "requested", "scheduled", "done", "declined", "cancelled"]),
    default=None,
    help="Default: done for a --date before today, scheduled for today or later, planned "
    "without --date. scheduled and done need --date.",
)
@user_errors
def new(
    person: str,
    vault: Path | None,
    as_of: dt.date | None,
    company: str,
    role: str,
    when: Any,
    status: str | None,
) -> None:
    """Create an interview note from the template (the vault's Templates/Interview.md, else
    the built-in one). Never overwrites: exits 2 when the note exists.

    \b
    Example:
      vault-tools new "Jane Doe" --company "Acme Corp" --date 2026-12-02T15:00

    A --date before today makes a done note (the interview happened); today or later,
    a scheduled one.
    """
    from vault_tools.scaffold import NewNote, choose_status, create_note

    session = open_session(vault, as_of)
    chosen = choose_status(status, when, session.as_of)
    requested = session.as_of.isoformat() if chosen == "requested" else ""
    rel = create_note(
        session.root,
        session.config,
        NewNote(person, company, role, when, chosen, requested),
    )
    click.echo(printable(rel))


def stdout_holds_utf8() -> bool:
    """Whether what we print reaches stdout as UTF-8 (else JSON is written as ASCII)."""
    encoding = getattr(sys.stdout, "encoding", None) or "ascii"
    try:
        return codecs.lookup(encoding).name == "utf-8"
    except LookupError:
        return False


@cli.command(context_settings=CONTEXT_SETTINGS)
@vault_options
@click.option(
    "--horizon",
    type=DurationParam(),
    default=None,
    help="List items due up to this far after as-of: 7d, 2w, 1m, at most 3650d (default: 7d, "
    "or [followups] horizon_days in .vault-tools.toml).",
)
@click.option("--all", "include_all", is_flag=True, help="List every item, whatever its due date.")
@click.option(
    "--quiet",
    is_flag=True,
    help="Print nothing at all when no dated item is due (open undated tasks alone stay "
    "quiet), for cron jobs.",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "md", "json", "ics"]),
    default=None,
    help="text (default): grouped lines; md: an Obsidian note; json: machine-readable; ics: "
    "a calendar (of to-dos, or events: see --ics-items). With --write: md (default) or ics.",
)
@click.option(
    "--ics-items",
    type=click.Choice(["todos", "events"]),
    default=None,
    help="What --format ics holds: todos (VTODO, for to-do apps), or events (all-day "
    "VEVENTs with a reminder and a link to the note, which Google, Apple and Outlook "
    "calendars show). Default: [output] ics_items in .vault-tools.toml, else todos.",
)
@click.option(
    "--write",
    is_flag=True,
    help="Write the report into the vault instead of printing it: md to [output] followups "
    "(default Interviews/Follow-ups.md), ics to [output] calendar (default "
    "Interviews/Follow-ups.ics). Left alone when it already says the same.",
)
@force_option("vault-tools followups --write --force")
@cache_option
@user_errors
def followups(
    vault: Path | None,
    as_of: dt.date | None,
    horizon: int | None,
    include_all: bool,
    quiet: bool,
    output_format: str | None,
    ics_items: str | None,
    write: bool,
    force: bool,
    no_cache: bool,
) -> None:
    """What is overdue and due soon: thank-yous, nudges, preparation, follow-ups, open
    Follow-up tasks and keep-in-touch reminders.

    Lists items due on or before as-of plus the horizon, overdue first; undated tasks last.

    \b
    Examples:
      vault-tools followups --vault ~/Notes --as-of 2026-11-27
      vault-tools followups --horizon 2w --format json
      vault-tools followups --format ics > followups.ics   # subscribe from a calendar app
      vault-tools followups --format ics --ics-items events  # for Google, Apple, Outlook
      vault-tools followups --quiet                        # daily cron: mail only when due
      vault-tools followups --write                        # Interviews/Follow-ups.md
      vault-tools followups --write --format ics           # Interviews/Follow-ups.ics
      vault-tools followups --write --force                # even over your edits of it
    """
    from vault_tools.app import (
        followups_for,
        followups_meta,
        generated_text,
        write_calendar,
        write_note,
    )
    from vault_tools.render import followups as render

    check_force(force, write)
    if write:
        output_format = check_write_format("followups", output_format, ("md", "ics"))
    if ics_items is not None and output_format != "ics":
        raise click.UsageError(
            f"--ics-items {ics_items} is for the calendar: add --format ics "
            f"(vault-tools followups --format ics --ics-items {ics_items})"
        )
    session = open_session(vault, as_of, use_cache=not no_cache)
    try:
        report = followups_for(session, horizon, include_all)
    finally:
        finish(session)

    def calendar() -> str:
        return render.render_ics(
            report,
            items=ics_items or session.config.ics_items,
            alarm=session.config.alarm,
            vault_name=session.root.name,
        )

    # Undated tasks are always listed, but have no day to be due on: alone, they would break
    # a cron job's silence every day, forever.
    silent = quiet and all(item.due is None for item in report.items)
    if write:
        if output_format == "ics":
            rel = session.config.calendar_path
            written = write_calendar(
                session.root, rel, calendar(), only_if_changed=True, force=force
            )
        else:
            rel = session.config.followups_path
            written = write_note(
                session.root,
                rel,
                followups_meta(session.as_of),
                render.render_markdown(report),
                only_if_changed=True,
                force=force,
            )
        if not silent:
            said_written(rel, written)
        return
    if silent:
        return
    if output_format in (None, "text"):
        output = render.render_text(report, color=use_color(sys.stdout, os.environ))
    elif output_format == "md":
        output = generated_text(followups_meta(session.as_of), render.render_markdown(report))
    elif output_format == "json":
        output = render.render_json(report, ascii_only=not stdout_holds_utf8())
    else:
        output = calendar()
    click.echo(output, nl=False)


@cli.command(context_settings=CONTEXT_SETTINGS)
@vault_options
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "md", "json", "csv"]),
    default=None,
    help="text (default): a table; md: an Obsidian note; json: machine-readable; csv: for "
    "spreadsheets. With --write: md only.",
)
@click.option(
    "--write",
    is_flag=True,
    help="Write the md index into the vault (default Interviews/Index.md, [output] index) "
    "instead of printing it. Left alone when it already says the same.",
)
@force_option("vault-tools index --write --force")
@cache_option
@user_errors
def index(
    vault: Path | None,
    as_of: dt.date | None,
    output_format: str | None,
    write: bool,
    force: bool,
    no_cache: bool,
) -> None:
    """One row per interview note: person, company, role, status, dates, the person's last
    contact and the note's next due follow-up.

    \b
    Examples:
      vault-tools index --vault ~/Notes
      vault-tools index --format csv > interviews.csv
      vault-tools index --write                            # Interviews/Index.md
      vault-tools index --write --force                    # even over your edits of it
    """
    from vault_tools.app import INDEX_META, generated_text, index_for, write_note
    from vault_tools.render import index as render

    check_force(force, write)
    if write:
        check_write_format("index", output_format, ("md",))
    session = open_session(vault, as_of, use_cache=not no_cache)
    try:
        report = index_for(session)
    finally:
        finish(session)
    if write:
        rel = session.config.index_path
        written = write_note(
            session.root,
            rel,
            INDEX_META,
            render.render_markdown(report),
            only_if_changed=True,
            force=force,
        )
        said_written(rel, written)
        return
    output = {
        "text": lambda r: render.render_text(r, width=table_width(sys.stdout, os.environ)),
        "md": lambda r: generated_text(INDEX_META, render.render_markdown(r)),
        "json": lambda r: render.render_json(r, ascii_only=not stdout_holds_utf8()),
        "csv": render.render_csv,
    }[output_format or "text"](report)
    click.echo(output, nl=False)


@cli.group(context_settings=CONTEXT_SETTINGS)
def draft() -> None:
    """Draft the message the practice asks for, from your notes: the thank-you, the
    request, the keep-in-touch note. Nothing is sent and no note is changed.

    Each comes from a template you can replace: Templates/Thank-you.md, Request.md and
    Keep-in-touch.md (front matter `subject`, then the body, with fields written
    {{first_name}}, {{takeaways}}, ...; README lists them).

    \b
    Examples:
      vault-tools draft thank-you "Jane Doe"
      vault-tools draft request "Priya Nair" --busy ~/calendar.ics --format eml > request.eml
      vault-tools draft keep-in-touch "Ana Souza" --format mailto
    """


def draft_options(func: F) -> F:
    func = click.option(
        "--format",
        "output_format",
        type=click.Choice(["text", "eml", "mailto"]),
        default="text",
        help="text (default): To, Subject and the body; eml: a message file a mail client "
        "opens as a draft (X-Unsent: 1); mailto: a mailto: link.",
    )(func)
    return vault_options(cache_option(func))


def show_draft(found: Any, output_format: str) -> None:
    from vault_tools.render.draft import Message, message_eml, message_mailto, message_text

    for warning in found.warnings:
        warn(warning)
    message = Message(found.to, found.person or None, found.subject, found.body)
    if output_format == "eml":
        write_bytes(message_eml(message))
    elif output_format == "mailto":
        click.echo(message_mailto(message))
    else:
        click.echo(message_text(message), nl=False)
    if not found.to:
        warn(f"no email for {found.person}: add `email:` to the note or to their own note")


@draft.command("thank-you", context_settings=CONTEXT_SETTINGS)
@click.argument("note")
@draft_options
@user_errors
def draft_thank_you(
    note: str, vault: Path | None, as_of: dt.date | None, output_format: str, no_cache: bool
) -> None:
    """The thank-you for a conversation: the person by name, its day, one or two of your
    takeaways in your own words, what you promised (open Follow-up tasks), thanks for the
    people they suggested, and an offer to help. Warns when the 24 hours are past.

    \b
    Example:
      vault-tools draft thank-you "Interviews/2026-11-20 Jane Doe.md"
    """
    from vault_tools.drafting import draft_note

    session = open_session(vault, as_of, use_cache=not no_cache)
    try:
        found = draft_note(session, "thank-you", note)
    finally:
        finish(session)
    show_draft(found, output_format)


@draft.command("request", context_settings=CONTEXT_SETTINGS)
@click.argument("note")
@click.option(
    "--busy",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="An ICS calendar of your busy times (recurring events expanded; an all-day event "
    "blocks the day): the proposed slots avoid them.",
)
@draft_options
@user_errors
def draft_request(
    note: str,
    busy: Path | None,
    vault: Path | None,
    as_of: dt.date | None,
    output_format: str,
    no_cache: bool,
) -> None:
    """The request for a conversation: what you know of them (Research), why you ask
    (Objectives), and three free slots from [availability] on different days, in your
    time zone and theirs.

    \b
    Example:
      vault-tools draft request "Priya Nair" --busy ~/calendar.ics
    """
    from vault_tools.drafting import draft_note

    session = open_session(vault, as_of, use_cache=not no_cache)
    try:
        found = draft_note(session, "request", note, busy)
    finally:
        finish(session)
    show_draft(found, output_format)


@draft.command("keep-in-touch", context_settings=CONTEXT_SETTINGS)
@click.argument("person")
@draft_options
@user_errors
def draft_keep_in_touch(
    person: str, vault: Path | None, as_of: dt.date | None, output_format: str, no_cache: bool
) -> None:
    """A short note to stay in touch: it refers to your last conversation and one of its
    takeaways, and leaves a marked place for the article or update to share.

    \b
    Example:
      vault-tools draft keep-in-touch "Ana Souza"
    """
    from vault_tools.drafting import draft_keep_in_touch as make

    session = open_session(vault, as_of, use_cache=not no_cache)
    try:
        found = make(session, person)
    finally:
        finish(session)
    show_draft(found, output_format)


@cli.command(context_settings=CONTEXT_SETTINGS)
@vault_options
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "md", "json"]),
    default="text",
    help="text (default): a table; md: an Obsidian note with a Mermaid graph of "
    "introductions; json: machine-readable.",
)
@cache_option
@user_errors
def people(vault: Path | None, as_of: dt.date | None, output_format: str, no_cache: bool) -> None:
    """One row per person across the interview notes and people's own notes: their notes,
    last contact, keep-in-touch cadence, next due item, who introduced them and whom they
    introduced.

    A person's own note is the note named as they are (People/Jane Doe.md), found as
    Obsidian resolves a link; its last_contact, keep_in_touch, email, timezone and
    introduced_by count for them, and its cadence wins.

    \b
    Examples:
      vault-tools people --vault ~/Notes
      vault-tools people --format md > People.md
    """
    from vault_tools.app import people_for
    from vault_tools.render import people as render

    session = open_session(vault, as_of, use_cache=not no_cache)
    try:
        report = people_for(session)
    finally:
        finish(session)
    if output_format == "json":
        output = render.render_json(report, ascii_only=not stdout_holds_utf8())
    elif output_format == "md":
        output = render.render_markdown(report)
    else:
        output = render.render_text(report)
    click.echo(output, nl=False)


@cli.command(context_settings=CONTEXT_SETTINGS)
@vault_options
@click.option(
    "--week",
    type=WeekParam(),
    default=None,
    help="The ISO week to digest, like 2026-W47 (default: the last complete week, Monday to "
    "Sunday, before as-of).",
)
@click.option("--since", type=DateParam(), default=None, help="First day of a custom period.")
@click.option(
    "--until", type=DateParam(), default=None, help="Last day of a custom period (inclusive)."
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["md", "json"]),
    default="md",
    show_default=True,
    help="md: an Obsidian note with wikilinks and Mermaid charts; json: machine-readable. "
    "With --write: md only.",
)
@click.option(
    "--write",
    is_flag=True,
    help="Write the md digest into the vault (default Digests/2026-W47.md, [output] digests) "
    "instead of printing it. Left alone when it already says the same.",
)
@force_option("vault-tools digest --write --force")
@cache_option
@user_errors
def digest(
    vault: Path | None,
    as_of: dt.date | None,
    week: Period | None,
    since: dt.date | None,
    until: dt.date | None,
    output_format: str,
    write: bool,
    force: bool,
    no_cache: bool,
) -> None:
    """The weekly reflection digest: interviews held with their takeaways, what went well and
    what to improve (and what keeps coming back), counts, follow-ups due, and charts of the
    pipeline and of interviews per week.

    \b
    Examples:
      vault-tools digest --vault ~/Notes --as-of 2026-11-27
      vault-tools digest --week 2026-W47 --format json
      vault-tools digest --since 2026-11-01 --until 2026-11-15
      vault-tools digest --write                   # writes Digests/2026-W47.md
      vault-tools digest --write --force           # even over your edits of it

    \b
    In a crontab (Mondays at 08:00; no terminal or environment needed):
      0 8 * * 1 vault-tools digest --vault ~/Notes --write
    """
    from vault_tools.app import (
        digest_for,
        digest_meta,
        digest_note_path,
        generated_text,
        resolve_period,
        write_note,
    )
    from vault_tools.render import digest as render

    check_force(force, write)
    if write:
        check_write_format("digest", output_format, ("md",))
    if week is not None and (since is not None or until is not None):
        raise click.UsageError("give either --week or --since and --until, not both")
    if (since is None) != (until is None):
        raise click.UsageError("--since and --until go together: give both, or use --week")
    if since is not None and until is not None and until < since:
        raise click.UsageError(f"--until {until} is before --since {since}")
    session = open_session(vault, as_of, use_cache=not no_cache)
    period = resolve_period(session.as_of, week, since, until)
    try:
        report = digest_for(session, period)
    finally:
        finish(session)
    meta = digest_meta(period, session.as_of)
    if write:
        rel = digest_note_path(session, period)
        written = write_note(
            session.root,
            rel,
            meta,
            render.render_markdown(report),
            only_if_changed=True,
            force=force,
        )
        said_written(rel, written)
        return
    if output_format == "json":
        output = render.render_json(report, ascii_only=not stdout_holds_utf8())
    else:
        output = generated_text(meta, render.render_markdown(report))
    click.echo(output, nl=False)


@cli.command(context_settings=CONTEXT_SETTINGS)
@vault_options
@click.option(
    "--write-index",
    is_flag=True,
    help="Keep the index note (default Interviews/Index.md, [output] index) current: written "
    "at start and after every change that alters it.",
)
@click.option(
    "--write-report",
    is_flag=True,
    help="Keep the check report note (default Interviews/Check.md, [output] report) current, "
    "as `check --write` writes it: at start and after every change that alters it.",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text: findings as `check` prints them, then a summary line per pass; json: one "
    "JSON object per line per pass.",
)
@click.option(
    "--debounce",
    type=SecondsParam(10.0),
    default=0.1,
    show_default=True,
    metavar="SECONDS",
    help="Wait this long (0 to 10 seconds) after the last change before re-checking, so that "
    "a burst of changes (a git pull) makes one pass.",
)
@cache_option
@user_errors
def watch(
    vault: Path | None,
    as_of: dt.date | None,
    write_index: bool,
    write_report: bool,
    output_format: str,
    debounce: float,
    no_cache: bool,
) -> None:
    """Check every note once, then re-check the notes that change, as they change.

    Each pass prints the findings of the changed notes as `check` prints them, then one
    summary line. Editors' atomic saves, swap and backup files, renames, deletions and a
    git pull's burst of changes are taken in stride; .obsidian/, .vault-tools/ and the
    notes vault-tools writes are ignored. A change to .vault-tools.toml (or to the interview
    template) re-checks everything. Without --as-of, "today" is today at each pass.
    Ctrl-C (or SIGTERM) stops it, with exit code 0.

    \b
    Examples:
      vault-tools watch --vault ~/Notes
      vault-tools watch --write-index              # keep Interviews/Index.md current
      vault-tools watch --write-report             # keep Interviews/Check.md current
      vault-tools watch --format json --as-of 2026-11-27
    """
    import signal
    import threading

    from vault_tools.app import (
        INDEX_META,
        check_report_meta,
        error_counts,
        finding_places,
        index_of,
        write_note,
    )
    from vault_tools.files import WriteRefused
    from vault_tools.render import check as render_check
    from vault_tools.render import index as render_index
    from vault_tools.render import watch as render
    from vault_tools.watch import BatchResult, VaultWatcher, Watch

    session = open_session(vault, as_of, use_cache=not no_cache)
    state = Watch(
        session.root,
        session.config,
        as_of=as_of,
        use_cache=session.use_cache,
        keep_notes=write_index,
    )
    lock = threading.Lock()  # one pass at a time, and whole passes on stdout

    def show(batch: BatchResult, *, starting: bool = False) -> None:
        for rel, reason in batch.unreadable:
            warn(f"cannot read {rel}: {reason}")
        for message in batch.warnings:
            warn(message)
        if output_format == "json":
            click.echo(render.render_json(batch), nl=False)
        else:
            click.echo(render_check.render_text(batch.result), nl=False)
            click.echo(render.summary_line(batch))
        sys.stdout.flush()
        if write_report:
            keep_report(batch, starting)
        if not write_index or not state.index_due(batch):
            return  # only notes that are no interviews changed: the index says the same
        try:
            errors = error_counts(state.vault_result(batch))
            report = index_of(state.facts, state.context(batch.as_of), errors)
            body = render_index.render_markdown(report)
            rel = state.config.index_path
            if write_note(state.root, rel, INDEX_META, body, only_if_changed=True):
                say(f"wrote {rel}")
            state.index_written(batch)
        except WriteRefused as exc:
            # Not a reason to stop watching; said once, until the index can be written again.
            if state.index_refused(str(exc)):
                warn(watch_refusal(exc))
        except VaultToolsError as exc:
            if starting:
                raise
            say(f"vault-tools: error: {exc}")

    def keep_report(batch: BatchResult, starting: bool) -> None:
        """Write the check report note when what it says changed (as ``check --write``)."""
        try:
            result = state.vault_result(batch)
            body = render_check.render_markdown(result, finding_places(state.root, result))
            rel = state.config.report_path
            meta = check_report_meta(batch.as_of)
            if write_note(state.root, rel, meta, body, only_if_changed=True):
                say(f"wrote {rel}")
            state.report_written()
        except WriteRefused as exc:
            if state.report_refused(str(exc)):
                warn(watch_refusal(exc, "check --write --force"))
        except VaultToolsError as exc:
            if starting:
                raise
            say(f"vault-tools: error: {exc}")

    def on_batch(changed: set[str], deleted: set[str]) -> None:
        with lock:
            show(state.check_changed(changed, deleted))

    def on_config() -> Config:
        with lock:
            try:
                state.reload_config()
            except VaultToolsError as exc:
                say(f"vault-tools: error: {exc}; going on with the previous one")
                return state.config
            click.echo("settings changed: checking every note again", err=True)
            show(state.check_all())
            return state.config

    watcher = VaultWatcher(
        session.root, session.config, on_batch, debounce=debounce, on_config=on_config
    )
    previous = _stop_on_sigterm()
    try:
        watcher.start()
        with lock:
            progress = Progress()
            try:
                first = state.check_all(progress)
            finally:
                progress.close()
            show(first, starting=True)
        say(f"watching {session.root} (Ctrl-C to stop)")
        watcher.run_until(threading.Event())
    except KeyboardInterrupt:
        pass  # the way to stop: exit 0, quietly
    except BrokenPipeError:
        # The reader went away (`vault-tools watch | head`): stop as after Ctrl-C, and keep
        # Python from complaining about the closed pipe when it flushes stdout at exit.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    finally:
        watcher.stop()
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


@cli.command(context_settings=CONTEXT_SETTINGS)
@click.option(
    "--vault",
    "vault",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="The vault of every note opened (default: the nearest folder above each note "
    "holding .vault-tools.toml or .obsidian/, else the editor's workspace folder).",
)
@click.option(
    "--as-of",
    type=DateParam(),
    default=None,
    help="The day to treat as today for every rule (default: today, as the days pass).",
)
@click.option(
    "--stdio",
    is_flag=True,
    help="Talk over stdin and stdout (the only way; accepted because editors pass it).",
)
@user_errors
def lsp(vault: Path | None, as_of: dt.date | None, stdio: bool) -> None:
    """Run the language server on stdin and stdout, for any editor that speaks LSP.

    An open interview note gets its findings as diagnostics as you type (of the unsaved
    text), each safe fix as a code action (and "fix all"), completion of front matter
    keys, status values, missing sections and [[people]], and the docs of a rule or key
    on hover. docs/EDITORS.md shows the set-up for Neovim, Helix, Emacs and VS Code.

    \b
    Examples:
      vault-tools lsp                      # what an editor starts (Neovim, Helix, ...)
      vault-tools lsp --vault ~/Notes      # every note opened belongs to ~/Notes
    """
    from vault_tools.lsp.server import serve
    from vault_tools.vault import chosen_vault

    root = chosen_vault(vault)
    if sys.stdin.isatty():
        say(
            "vault-tools lsp talks LSP on stdin and stdout: start it from your editor "
            "(docs/EDITORS.md). Ctrl-C stops it."
        )
    serve(root, as_of)


def watch_refusal(exc: WriteRefused, replace: str = "index --write --force") -> str:
    """What ``watch --write-index`` (or ``--write-report``) says when the note is not its to
    replace; ``replace``: the command that would replace it."""
    if exc.edited:
        return (
            f"not replacing {exc.rel}: it was changed after vault-tools wrote it; move your "
            f"text elsewhere, or replace it with `vault-tools {replace}`. "
            "Watching goes on"
        )
    return f"{exc}. Watching goes on"


def _stop_on_sigterm() -> Any:
    """Make SIGTERM (``kill``, a service manager stopping us) stop a watch as Ctrl-C does.

    Returns the handler it replaced, or ``None`` where it cannot be set (not the main thread).
    """
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        return None

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    return signal.signal(signal.SIGTERM, stop)


def main() -> None:
    # A character the output encoding cannot hold (an emoji in a heading, on a Windows
    # console redirected to a file) is printed as an escape, not a UnicodeEncodeError.
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="backslashreplace")
    cli(prog_name="vault-tools")
