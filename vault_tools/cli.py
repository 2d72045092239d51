"""The command line: parse options, load config, call the core, render, exit code.

Exit codes: 0 success (warnings allowed); 1 ``check`` found errors (or warnings with
``--strict``); 2 usage or configuration error.
"""

from __future__ import annotations

import codecs
import datetime as dt
import functools
import io
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from vault_tools import __version__
from vault_tools.errors import VaultToolsError

F = TypeVar("F", bound=Callable[..., Any])

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class DateParam(click.ParamType):  # type: ignore[type-arg]
    name = "DATE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value).strip())
        except ValueError:
            self.fail(f"{value!r} is not a date; write it like 2026-11-27", param, ctx)


class WhenParam(click.ParamType):  # type: ignore[type-arg]
    name = "DATE[THH:MM]"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        from vault_tools.dates import parse_when

        when = parse_when(str(value))
        if when is None:
            self.fail(f"{value!r} is not a date; write 2026-11-27 or 2026-11-27T15:00", param, ctx)
        return when


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
        "with .vault-tools.toml or .obsidian/, else the current folder).",
    )(func)
    return func


def user_errors(func: F) -> F:
    """Turn a VaultToolsError into one line on stderr and exit code 2."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except VaultToolsError as exc:
            click.echo(f"vault-tools: error: {exc}", err=True)
            sys.exit(exc.exit_code)

    return wrapper  # type: ignore[return-value]


class Session:
    """The vault, its config and as-of, resolved once per command."""

    def __init__(self, vault: Path | None, as_of: dt.date | None) -> None:
        from vault_tools.config import load_config
        from vault_tools.dates import today_in
        from vault_tools.vault import find_vault_root

        self.root = find_vault_root(vault)
        self.config = load_config(self.root)
        self.tz = self.config.tz
        self.as_of = as_of or today_in(self.tz)


@click.group(context_settings=CONTEXT_SETTINGS)
@click.version_option(__version__, "-V", "--version", prog_name="vault-tools")
def cli() -> None:
    """The command-line companion to a vault of informational-interview notes.

    One Markdown note per conversation, with YAML front matter. vault-tools checks the
    notes, reports due follow-ups, writes a weekly reflection digest and scaffolds notes.

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
    type=click.Choice(["text", "json", "github"]),
    default="text",
    show_default=True,
    help="text: path:line:col lines; json: machine-readable; github: Actions annotations.",
)
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too, not only on errors.")
@user_errors
def check(
    paths: tuple[str, ...],
    vault: Path | None,
    as_of: dt.date | None,
    output_format: str,
    strict: bool,
) -> None:
    """Lint interview notes: required keys and sections for each status, dates, questions.

    With PATHS (files or folders, as pre-commit passes them), check only those.
    Exit 0 when clean or only warnings, 1 on errors (or warnings with --strict).

    \b
    Examples:
      vault-tools check --vault ~/Notes
      vault-tools check --format json --as-of 2026-11-27
      vault-tools check "Interviews/2026-11-20 Jane Doe.md"
    """
    from vault_tools.linter import lint, make_context
    from vault_tools.render import check as render
    from vault_tools.render import printable
    from vault_tools.vault import list_notes, load_notes, select_paths

    session = Session(vault, as_of)
    listing = (
        select_paths(session.root, session.config, paths)
        if paths
        else list_notes(session.root, session.config)
    )
    for rel, reason in listing.unreadable:
        click.echo(f"vault-tools: warning: cannot read {printable(rel)}: {reason}", err=True)
    ctx = make_context(session.root, session.config, session.as_of)
    result = lint(load_notes(session.root, listing.paths), ctx)
    if output_format == "json":
        output = render.render_json(result, ascii_only=not stdout_holds_utf8())
    elif output_format == "github":
        output = render.render_github(result)
    else:
        output = render.render_text(result)
    click.echo(output, nl=False)
    click.echo(render.summary_line(result), err=True)
    failing = result.count("error") + (result.count("warning") if strict else 0)
    sys.exit(1 if failing else 0)


@cli.command(context_settings=CONTEXT_SETTINGS)
@click.argument("code", required=False)
@vault_options
@user_errors
def rules(code: str | None, vault: Path | None, as_of: dt.date | None) -> None:
    """List every rule, or explain one: what it finds, why it matters, an example fix.

    \b
    Examples:
      vault-tools rules
      vault-tools rules VT301
    """
    from vault_tools.linter import severity_of
    from vault_tools.rules import ALL_RULES, RULES_BY_CODE

    session = Session(vault, as_of)
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
    """Set a vault up: a commented .vault-tools.toml, the interview template and folder.

    Never overwrites anything that exists.

    \b
    Example:
      vault-tools init --vault ~/Notes
    """
    from vault_tools.render import printable
    from vault_tools.scaffold import init_vault

    session = Session(vault, as_of)
    for rel, what in init_vault(session.root, session.config):
        click.echo(f"{printable(rel)}: {what}")


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
    help="Default: scheduled with --date, else planned.",
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
    """
    from vault_tools.render import printable
    from vault_tools.scaffold import NewNote, create_note

    session = Session(vault, as_of)
    chosen = status or ("scheduled" if when else "planned")
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


def main() -> None:
    # A character the output encoding cannot hold (an emoji in a heading, on a Windows
    # console redirected to a file) is printed as an escape, not a UnicodeEncodeError.
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="backslashreplace")
    cli(prog_name="vault-tools")
