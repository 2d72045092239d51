"""Config values and arguments of any size, bytes or nesting (SPEC "Safety"): each is read,
or refused with exit 2 naming the file, the key (or the option) and the reason, in one
short line; nothing is written into the vault, and nothing is a traceback.

The repros these come from: ../shared/repros/2026-12-reliability/12 (NUL bytes and long
names in paths), 19 (an [output] path into .git/ or .obsidian/) and 24 (huge numbers,
deeply nested TOML, a 5,000-digit --horizon).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from conftest import make_vault
from notes import DONE

from vault_tools import config as config_module
from vault_tools.app import read_config
from vault_tools.cli import cli
from vault_tools.config import MAX_DAYS, NUMBER_RANGES
from vault_tools.errors import VaultToolsError

AS_OF = "2026-11-27"
NOTE = "Interviews/2026-11-20 Jane Doe.md"
#: Every message here is one line of a few hundred characters, whatever the value's size.
SHORT = 600


def tree(root: Path) -> dict[str, bytes | None]:
    """Every file (its bytes) and folder (``None``) under ``root``."""
    found: dict[str, bytes | None] = {}
    for folder, dirs, files in os.walk(root):
        for name in dirs:
            found[os.path.relpath(os.path.join(folder, name), root)] = None
        for name in files:
            path = os.path.join(folder, name)
            found[os.path.relpath(path, root)] = Path(path).read_bytes()
    return found


def vault_with(tmp_path: Path, config_text: str) -> Path:
    """A vault of one clean done note (and a .git/ holding a file) with this config."""
    return make_vault(
        tmp_path / "vault",
        {NOTE: DONE, ".vault-tools.toml": config_text, ".git/info/exclude": "# git's own\n"},
    )


def invoke(root: Path, *args: str, as_of: bool = True) -> Result:
    extra = ["--vault", str(root), *(["--as-of", AS_OF] if as_of else [])]
    return CliRunner().invoke(cli, [*args, *extra], catch_exceptions=False)


def assert_refused(root: Path, args: tuple[str, ...], *expected: str, as_of: bool = True) -> str:
    """``args`` exit 2 with one short line on stderr holding each of ``expected``, print
    nothing on stdout and leave every file and folder of the vault as it was."""
    before = tree(root)
    result = invoke(root, *args, as_of=as_of)
    assert result.exit_code == 2, (args, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    assert len(result.stderr) < SHORT, result.stderr[:SHORT]
    for part in expected:
        assert part in result.stderr, (part, result.stderr)
    assert result.stdout == ""
    assert tree(root) == before
    return result.stderr


def toml(value: Any) -> str:
    """A TOML value: JSON's strings and lists of strings are TOML's (``\\u0000`` too)."""
    return json.dumps(value)


# --------------------------------------------------------------------------------------------
# 12: path-like values the file system cannot hold


PATH_KEYS = [
    ("output", "index"),
    ("output", "followups"),
    ("output", "digests"),
    ("interviews", "templates"),
    ("interviews", "folders"),
    ("interviews", "exclude"),
]
UNHOLDABLE = [
    pytest.param("Interviews/In\0dex.md", "NUL byte", id="nul"),
    pytest.param("Interviews/" + "x" * 256 + ".md", "over 255 bytes", id="256-ascii"),
    pytest.param("Interviews/" + "é" * 128, "over 255 bytes", id="128-e-acute-256-bytes"),
    pytest.param("/".join(["a" * 200] * 21), "at most 4096 bytes", id="4220-bytes"),
]
COMMANDS = [("check",), ("index", "--write"), ("new", "Jane Roe")]


@pytest.mark.parametrize(("table", "key"), PATH_KEYS)
@pytest.mark.parametrize(("value", "reason"), UNHOLDABLE)
def test_a_path_no_file_system_can_hold_is_refused_by_every_command(
    tmp_path: Path, table: str, key: str, value: str, reason: str
) -> None:
    shown = [value] if key in ("folders", "exclude") else value
    root = vault_with(tmp_path, f"[{table}]\n{key} = {toml(shown)}\n")
    for args in COMMANDS:
        assert_refused(root, args, ".vault-tools.toml", f"{table}.{key}", reason)


def test_names_of_255_bytes_are_still_read(tmp_path: Path) -> None:
    folder = "é" * 127 + "x"  # 255 bytes of UTF-8
    root = vault_with(tmp_path, f"[interviews]\nfolders = [{toml(folder)}]\n")
    (root / folder).mkdir()
    (root / NOTE).rename(root / folder / "a.md")
    result = invoke(root, "check")
    assert (result.exit_code, result.stderr.strip()) == (0, "1 interview note checked: all clean")


# --------------------------------------------------------------------------------------------
# 19: [output] paths that are not the vault's plain notes


OUTSIDE_OR_HIDDEN = [
    pytest.param(".git/info/attributes", "dot-folder ('.git'", id="git"),
    pytest.param(".obsidian/snippets/x.css", "dot-folder ('.obsidian'", id="obsidian"),
    pytest.param(".vault-tools/Index.md", "dot-folder ('.vault-tools'", id="cache"),
    pytest.param(".trash/Index.md", "dot-folder ('.trash'", id="trash"),
    pytest.param("Interviews/.drafts/Index.md", "dot-folder ('.drafts'", id="nested-dot"),
    pytest.param("Interviews\\.git\\Index.md", "dot-folder ('.git'", id="backslashes"),
    pytest.param("Interviews/.Index.md", "dot-file ('.Index.md'", id="dot-file"),
    pytest.param("/tmp/Index.md", "inside the vault", id="absolute"),
    pytest.param("C:/Notes/Index.md", "inside the vault", id="drive"),
    pytest.param("../Index.md", "inside the vault", id="parent"),
    pytest.param("Interviews/../../Index.md", "inside the vault", id="parent-inside"),
    pytest.param("Interviews//Index.md", "empty or '.' part", id="empty-part"),
    pytest.param("./Interviews/Index.md", "empty or '.' part", id="dot-part"),
]
WRITERS = {
    "index": ("index", "--write"),
    "followups": ("followups", "--write"),
    "digests": ("digest", "--write", "--week", "2026-W47"),
    "calendar": ("followups", "--write", "--format", "ics"),
}


@pytest.mark.parametrize("key", ["index", "followups", "digests", "calendar"])
@pytest.mark.parametrize(("value", "reason"), OUTSIDE_OR_HIDDEN)
def test_an_output_path_outside_the_plain_notes_is_refused_at_load(
    tmp_path: Path, key: str, value: str, reason: str
) -> None:
    if key == "digests" and reason.startswith("dot-file"):
        reason = "dot-folder ('.Index.md'"  # a folder of digests: a dot-folder
    root = vault_with(tmp_path, f"[output]\n{key} = {toml(value)}\n")
    for args in (WRITERS[key], ("check",)):
        assert_refused(root, args, ".vault-tools.toml", f"output.{key}", reason)


@pytest.mark.parametrize("key", ["index", "followups", "calendar"])
def test_an_empty_output_file_path_is_refused(tmp_path: Path, key: str) -> None:
    root = vault_with(tmp_path, f'[output]\n{key} = ""\n')
    assert_refused(root, WRITERS[key], f"output.{key}", "must name a file")


@pytest.mark.parametrize(
    ("settings", "args", "path"),
    [
        ('index = "Interviews\\\\Index.md"', ("index", "--write"), "Interviews/Index.md"),
        ('index = " Reviews/Index.md "', ("index", "--write"), "Reviews/Index.md"),
        ('followups = "Due.md"', ("followups", "--write"), "Due.md"),
        ('calendar = "Due.ics"', ("followups", "--write", "--format", "ics"), "Due.ics"),
        (
            'digests = "Reviews/"',
            ("digest", "--write", "--week", "2026-W47"),
            "Reviews/2026-W47.md",
        ),
        ('digests = ""', ("digest", "--write", "--week", "2026-W47"), "2026-W47.md"),
    ],
)
def test_plain_output_paths_are_still_written(
    tmp_path: Path, settings: str, args: tuple[str, ...], path: str
) -> None:
    root = vault_with(tmp_path, f"[output]\n{settings}\n")
    result = invoke(root, *args)
    assert result.exit_code == 0, result.stderr
    start = "BEGIN:VCALENDAR\r\n" if path.endswith(".ics") else "---\n"
    assert (root / path).read_bytes().decode().startswith(start)


# --------------------------------------------------------------------------------------------
# 24: whole numbers out of range, and what is not a whole number


NOT_IN_RANGE = [
    pytest.param("1" + "0" * 400, "not a number of about 401 digits", id="10**400"),
    pytest.param("0x" + "F" * 5000, "not a number of about 6,021 digits", id="hex-5000"),
    pytest.param("-1", "not -1", id="negative"),
    pytest.param("1.5", "not 1.5", id="fraction"),
    pytest.param("7.0", "not 7.0", id="float"),
    pytest.param("nan", "not nan", id="nan"),
    pytest.param("inf", "not inf", id="inf"),
    pytest.param("-inf", "not -inf", id="minus-inf"),
    pytest.param("1e400", "not inf", id="1e400"),
    pytest.param("true", "not true", id="bool"),
    pytest.param('"7"', "not '7'", id="string"),
    pytest.param("[7]", "not a list", id="list"),
    pytest.param("2026-01-01", "not a date", id="date"),
]


@pytest.mark.parametrize("setting", sorted(NUMBER_RANGES))
@pytest.mark.parametrize(("value", "shown"), NOT_IN_RANGE)
def test_a_whole_number_setting_outside_its_range_is_refused(
    tmp_path: Path, setting: str, value: str, shown: str
) -> None:
    least, most, unit = NUMBER_RANGES[setting]
    table, key = setting.split(".")
    root = vault_with(tmp_path, f"[{table}]\n{key} = {value}\n")
    assert_refused(
        root,
        ("followups",),
        ".vault-tools.toml",
        f"{setting}: must be a whole number from {least} to {most:,} ({unit}), {shown}",
    )


@pytest.mark.parametrize("setting", sorted(NUMBER_RANGES))
def test_one_past_the_range_is_refused_and_its_ends_are_read(tmp_path: Path, setting: str) -> None:
    least, most, _ = NUMBER_RANGES[setting]
    table, key = setting.split(".")
    root = vault_with(tmp_path, f"[{table}]\n{key} = {most + 1}\n")
    assert_refused(root, ("followups",), setting, f"not {most + 1}")
    for value in (least, most):
        (root / ".vault-tools.toml").write_text(f"[{table}]\n{key} = {value}\n")
        assert getattr(read_config(root), key) == value
        result = invoke(root, "followups", "--format", "json")
        assert result.exit_code == 0, result.stderr


def test_a_number_too_long_for_python_names_its_line_and_key(tmp_path: Path) -> None:
    root = vault_with(tmp_path, "[followups]\nnudge_days = 3\nthank_you_hours = " + "9" * 5000)
    assert_refused(
        root, ("followups",), ".vault-tools.toml", "line 3 (followups.thank_you_hours)", "too long"
    )
    (root / ".vault-tools.toml").write_text("[rules]\nVT301 = [" + "1" * 5000 + "]\n")
    assert_refused(root, ("check",), ".vault-tools.toml: line 2: a number too long")


# --------------------------------------------------------------------------------------------
# 24: TOML nested deeper than any setting


DEEP = [
    pytest.param("a = " + "{b = " * 2000 + "1" + "}" * 2000, id="2000-inline-tables"),
    pytest.param("a = " + "[" * 5000 + "]" * 5000, id="5000-arrays"),
    pytest.param("[interviews]\nfolders = " + "[" * 51 + "]" * 51, id="51-arrays"),
    pytest.param("a = [" + "{b = [" * 300 + "]}" * 300 + "]", id="mixed-601"),
]


@pytest.mark.parametrize("text", DEEP)
def test_toml_nested_too_deep_is_refused(tmp_path: Path, text: str) -> None:
    root = vault_with(tmp_path, text + "\n")
    for args in COMMANDS:
        assert_refused(root, args, ".vault-tools.toml: the config is too deeply nested")


def test_fifty_levels_are_read_as_toml(tmp_path: Path) -> None:
    root = vault_with(tmp_path, "[interviews]\nfolders = " + "[" * 50 + "]" * 50 + "\n")
    message = assert_refused(root, ("check",), "interviews.folders: must be a list of strings")
    assert "nested" not in message


def test_brackets_in_strings_and_comments_do_not_nest(tmp_path: Path) -> None:
    text = (
        "# " + "[{" * 5000 + "\n"
        f"timezone = 'Europe/Berlin'  # {'[' * 500}\n"
        "[interviews]\n"
        f'type = "{"[" * 100}\\"{"{" * 100}"\n'
        f"tag = '''{'[' * 100}\n{'{' * 100}'''\n"
        f'exclude = ["""{"[" * 100}""", "{"]" * 200}"]\n'
    )
    config = read_config(vault_with(tmp_path, text))
    assert config.type == ("[" * 100 + '"' + "{" * 100,)
    assert config.tag == "[" * 100 + "\n" + "{" * 100
    assert config.exclude == ("[" * 100, "]" * 200)


def test_a_recursion_error_in_the_toml_reader_is_caught_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The depth is measured before parsing; with that measure out of the way, tomllib
    # itself gives up (RecursionError), and that is the same exit 2.
    monkeypatch.setattr(config_module, "MAX_NESTING", 10**9)
    root = vault_with(tmp_path, "a = " + "[" * 5000 + "]" * 5000 + "\n")
    assert_refused(root, ("check",), ".vault-tools.toml: the config is too deeply nested")


def test_the_nesting_verdict_does_not_depend_on_the_callers_stack(tmp_path: Path) -> None:
    root = vault_with(tmp_path, "[interviews]\nfolders = " + "[" * 60 + "]" * 60 + "\n")

    def deep(levels: int) -> str:
        if levels:
            return deep(levels - 1)
        try:
            read_config(root)
        except VaultToolsError as exc:
            return str(exc)
        return "read"

    def stack_depth() -> int:
        frame, depth = sys._getframe(), 0
        while frame is not None:
            frame, depth = frame.f_back, depth + 1
        return depth

    shallow = deep(0)
    assert "too deeply nested" in shallow
    # 60 frames from Python's recursion limit: tomllib would give up after some 20 levels.
    assert deep(sys.getrecursionlimit() - stack_depth() - 60) == shallow


# --------------------------------------------------------------------------------------------
# 24: strings of megabytes where a word is expected, and lists of thousands


MEGA = "x" * 1_000_000

OVERSIZED = [
    pytest.param(f"timezone = {toml(MEGA)}", "timezone: must be at most 255 characters", id="zone"),
    pytest.param(
        f"[interviews]\ntype = {toml(MEGA)}", "interviews.type: must be at most", id="type"
    ),
    pytest.param(f"[interviews]\ntag = {toml(MEGA)}", "interviews.tag: must be at most", id="tag"),
    pytest.param(f"[rules]\nVT301 = {toml(MEGA)}", "rules.VT301: must be one of", id="severity"),
    pytest.param(
        f"[sections.aliases]\nTakeaways = [{toml(MEGA)}]",
        "sections.aliases.Takeaways: must be at most 255 characters",
        id="alias",
    ),
    pytest.param(
        f"[sections]\ndone = [{toml(MEGA)}]", "sections.done: unknown section 'xxx", id="section"
    ),
    pytest.param(f"{MEGA} = 1", "unknown key", id="key"),
    pytest.param(f"[rules]\nVT{'3' * 1_000_000} = 'off'", "rules.VT333", id="rule-code"),
    pytest.param(
        f"[interviews]\nexclude = {toml(['Archive/**'] * 100_000)}",
        "interviews.exclude: must hold at most 1,000 strings, not 100,000",
        id="100000-globs",
    ),
    pytest.param(
        f"[interviews]\nfolders = {toml([MEGA])}",
        "interviews.folders: must be at most 4096",
        id="folder",
    ),
]


@pytest.mark.parametrize(("text", "expected"), OVERSIZED)
def test_a_value_of_megabytes_is_one_short_line(tmp_path: Path, text: str, expected: str) -> None:
    root = vault_with(tmp_path, text + "\n")
    for args in (("check",), ("new", "Jane Roe")):
        assert_refused(root, args, ".vault-tools.toml", expected)


# --------------------------------------------------------------------------------------------
# 24: numeric and date arguments


HORIZON = "the horizon runs from 0d to 3650d"
BAD_ARGUMENTS = [
    pytest.param(("followups", "--horizon", "9" * 5000), "'--horizon'", HORIZON, id="h-5000"),
    pytest.param(
        ("followups", "--horizon", "1" + "0" * 20 + "d"), "'--horizon'", HORIZON, id="h-1e20"
    ),
    pytest.param(
        ("followups", "--horizon", f"{MAX_DAYS + 1}d"), "'--horizon'", HORIZON, id="h-3651"
    ),
    pytest.param(("followups", "--horizon", "522w"), "'--horizon'", HORIZON, id="h-522w"),
    pytest.param(("followups", "--horizon", "122m"), "'--horizon'", HORIZON, id="h-122m"),
    pytest.param(("followups", "--horizon", "-1d"), "'--horizon'", "from 0d to 3650d", id="h-neg"),
    pytest.param(("followups", "--horizon", "7y"), "'--horizon'", "from 0d to 3650d", id="h-unit"),
    pytest.param(("check", "--as-of", "99999-01-01"), "'--as-of'", "9999-12-31", id="as-of-5"),
    pytest.param(("check", "--as-of", "0000-12-31"), "'--as-of'", "0001-01-01", id="as-of-0"),
    pytest.param(
        ("check", "--as-of", "9" * 100_000), "'--as-of'", "100,000 characters", id="as-of-long"
    ),
    pytest.param(
        ("digest", "--week", "2026-W" + "9" * 5000), "'--week'", "ISO week", id="week-5000"
    ),
    pytest.param(("digest", "--week", "2026-W99999999"), "'--week'", "ISO week", id="week-8"),
    pytest.param(("digest", "--week", "2026-W54"), "'--week'", "W01 to W53", id="week-54"),
    pytest.param(("digest", "--week", "99999-W01"), "'--week'", "ISO week", id="week-year"),
    pytest.param(
        ("digest", "--since", "99999-01-01", "--until", "2026-11-30"),
        "'--since'",
        "9999",
        id="since",
    ),
    pytest.param(
        ("digest", "--since", "2026-11-01", "--until", "9" * 5000), "'--until'", "9999", id="until"
    ),
    pytest.param(
        ("new", "Jane Roe", "--date", "99999-01-01"), "'--date'", "9999-12-31", id="date-5"
    ),
    pytest.param(
        ("new", "Jane Roe", "--date", "2026-11-27T25:00"), "'--date'", "T15:00", id="date-25h"
    ),
    pytest.param(
        ("new", "Jane Roe", "--date", "2" * 100_000), "'--date'", "9999-12-31", id="date-long"
    ),
    pytest.param(("watch", "--debounce", "nan"), "'--debounce'", "from 0 to 10", id="debounce-nan"),
    pytest.param(("watch", "--debounce", "inf"), "'--debounce'", "from 0 to 10", id="debounce-inf"),
    pytest.param(("watch", "--debounce", "-1"), "'--debounce'", "from 0 to 10", id="debounce-neg"),
    pytest.param(
        ("watch", "--debounce", "9" * 5000), "'--debounce'", "from 0 to 10", id="debounce-5000"
    ),
]


@pytest.mark.parametrize(("args", "option", "reason"), BAD_ARGUMENTS)
def test_a_numeric_or_date_argument_out_of_range_is_a_usage_error(
    tmp_path: Path, args: tuple[str, ...], option: str, reason: str
) -> None:
    root = vault_with(tmp_path, "")
    assert_refused(root, args, option, reason, as_of="--as-of" not in args)


@pytest.mark.parametrize(
    ("args", "horizon_days"),
    [
        (("--horizon", "0d"), 0),
        (("--horizon", "3650d"), 3650),
        (("--horizon", "521w"), 3647),
        (("--horizon", "121m"), 3630),
        (("--horizon", "10"), 10),
        (("--horizon", " 2W "), 14),
    ],
)
def test_horizons_in_range_are_read_as_before(
    tmp_path: Path, args: tuple[str, ...], horizon_days: int
) -> None:
    result = invoke(vault_with(tmp_path, ""), "followups", "--format", "json", *args)
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["horizon_days"] == horizon_days


@pytest.mark.parametrize(
    ("as_of", "shown"),
    [
        (" 2026-11-27 ", "2026-11-27"),
        ("0001-01-01", "0001-01-01"),
        ("9999-12-31", "9999-12-31"),
    ],
)
def test_as_of_first_and_last_days_are_read(tmp_path: Path, as_of: str, shown: str) -> None:
    """(``20261127`` and ``2026-W48-5`` were read too; since issue #11 only ``YYYY-MM-DD``
    is: tests/test_polish.py.)"""
    root = vault_with(tmp_path, "")
    result = invoke(root, "followups", "--format", "json", "--as-of", as_of, as_of=False)
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["as_of"] == shown


# --------------------------------------------------------------------------------------------
# in a child process with 1 GiB of address space: the memory stays small


MEMORY_LIMIT = 1 << 30


def _limit_memory() -> None:  # pragma: no cover - runs in the child
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


ISOLATED = [
    pytest.param("a = " + "{b = " * 2000 + "1" + "}" * 2000, (), "too deeply nested", id="tables"),
    pytest.param("a = " + "[" * 5000 + "]" * 5000, (), "too deeply nested", id="arrays"),
    pytest.param(
        "[followups]\nthank_you_hours = 1" + "0" * 400,
        (),
        "followups.thank_you_hours",
        id="10**400",
    ),
    pytest.param(
        "[followups]\nnudge_days = " + "9" * 100_000, (), "followups.nudge_days", id="100000-digits"
    ),
    pytest.param(
        "[followups]\nkeep_in_touch_days = 0x" + "F" * 100_000, (), "keep_in_touch_days", id="hex"
    ),
    pytest.param("", ("--horizon", "9" * 100_000), "'--horizon'", id="horizon"),
]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="RLIMIT_AS is Linux's")
@pytest.mark.parametrize(("text", "args", "expected"), ISOLATED)
def test_huge_numbers_and_deep_toml_exit_2_within_1_gib(
    tmp_path: Path, text: str, args: tuple[str, ...], expected: str
) -> None:
    root = vault_with(tmp_path, text + "\n")
    before = tree(root)
    command = [sys.executable, "-m", "vault_tools", "followups", "--vault", str(root)]
    run = subprocess.run(
        [*command, "--as-of", AS_OF, *args],
        capture_output=True,
        preexec_fn=_limit_memory,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
        timeout=120,  # a hang fails the test rather than stopping the suite
        check=False,
    )
    stderr = run.stderr.decode()
    assert run.returncode == 2, stderr[-2000:]
    assert "Traceback" not in stderr and "MemoryError" not in stderr
    assert expected in stderr and len(stderr) < SHORT
    assert run.stdout == b""
    assert tree(root) == before
