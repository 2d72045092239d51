"""Front matter values of any size: numbers of any length, and values of megabytes.

* Numbers Python will not convert (over 4,300 digits, ``int()`` and ``str()`` alike) and
  cadences or dates past the calendar are findings, never a traceback, in every command;
  the rest of the vault is still reported (repro 09).
* Both front matter readers read a long number the same way: its text, past 500 digits.
* A 20 MB value costs memory in proportion to it, checked in a child whose address space is
  limited (repro 23), and no message quotes more than the start of a value.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import AS_OF, make_vault
from hypothesis import given, settings
from hypothesis import strategies as st
from notes import DONE, replace

from vault_tools.cli import cli
from vault_tools.config import Config
from vault_tools.fastyaml import MAX_INT_DIGITS, read_simple
from vault_tools.interview import Facts, facts_of, make_context
from vault_tools.note import _load_yaml, parse_note

NINES = "9" * 5000  # over Python's 4,300-digit limit for int() and str()
HEX = "0x" + "F" * 5000  # int() reads it, str() of it raises

#: A healthy note beside the odd one, with one warning that must still be reported.
OTHER = replace(DONE, "company: Acme Corp\n", "").replace("Jane Doe", "John Roe")
OTHER_FINDING = ("Interviews/b.md", "VT106")


def run(*args: str) -> Any:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def with_line(line: str) -> str:
    """DONE with ``line`` on line 3 (after ``type``), instead of its key's own line."""
    key = line.split(":", 1)[0]
    lines = [ln for ln in DONE.split("\n") if not ln.startswith(key + ":")]
    lines.insert(2, line)
    return "\n".join(lines)


def odd_vault(root: Path, line: str) -> Path:
    return make_vault(root, {"Interviews/a.md": with_line(line), "Interviews/b.md": OTHER})


# --------------------------------------------------------------------------------------------
# Repro 09: numbers of any size, dates and cadences past the calendar

# (front matter line, the finding it gets on its line, or None for none)
VALUES = [
    (f"keep_in_touch: {NINES}", "VT102"),
    (f'keep_in_touch: "{NINES}d"', "VT102"),
    (f"keep_in_touch: -{NINES}", "VT102"),
    ("keep_in_touch: 99999999999d", "VT102"),
    ("keep_in_touch: 99999999999", "VT102"),
    (f"status: {HEX}", "VT103"),
    (f"status: {NINES}", "VT103"),
    (f"company: {HEX}", None),
    (f"person: {NINES}", None),
    (f"date: {HEX}", "VT102"),
    (f"date: !!int {NINES}", "VT102"),
    ("date: 99999-01-01", "VT102"),
    (f"vault-tools-ignore: [{HEX}]", None),
    (f"tags: [interview, {NINES}, {HEX}]", None),
    (f"aliases: {NINES}", None),
    (f"{NINES}: key", "VT001"),  # YAML allows no implicit key over 1,024 characters
]


@pytest.mark.parametrize("line, code", VALUES, ids=lambda v: v[:24] if isinstance(v, str) else v)
def test_a_number_of_any_size_is_a_finding_in_every_command(
    tmp_path: Path, line: str, code: str | None
) -> None:
    root = odd_vault(tmp_path, line)
    base = ("--vault", str(root), "--as-of", AS_OF.isoformat(), "--no-cache")
    check = run("check", *base, "--format", "json")
    assert check.exit_code == (0 if code is None else 1), check.stdout
    diagnostics = json.loads(check.stdout)["diagnostics"]
    found = {(d["path"], d["rule"]) for d in diagnostics}
    a_md = {(d["rule"], d["line"]) for d in diagnostics if d["path"] == "Interviews/a.md"}
    assert a_md == ({(code, 3)} if code else set())  # on the value's own line
    assert OTHER_FINDING in found
    for diagnostic in diagnostics:
        assert len(diagnostic["message"]) < 300  # quotes the start of the value only
    index = run("index", *base, "--format", "json")
    assert index.exit_code == 0
    assert {row["path"] for row in json.loads(index.stdout)["notes"]} == {
        "Interviews/a.md",
        "Interviews/b.md",
    }
    for command in (
        ("followups", "--all", "--format", "json"),
        ("followups", "--all", "--format", "ics"),
        ("digest", "--week", "2026-W47", "--format", "json"),
        ("check", "--format", "text"),
        ("index", "--format", "text"),
    ):
        assert run(*command, *base).exit_code in (0, 1)


def test_a_long_number_is_shown_as_written(tmp_path: Path) -> None:
    root = odd_vault(tmp_path, f"company: {HEX}")
    index = run("index", "--vault", str(root), "--as-of", "2026-11-27", "--format", "json")
    rows = {row["path"]: row for row in json.loads(index.stdout)["notes"]}
    assert rows["Interviews/a.md"]["company"] == HEX


def test_a_cadence_past_the_calendar_says_so_and_is_never_due(tmp_path: Path) -> None:
    # Without follow_up (a pending follow-up replaces keep-in-touch).
    odd = with_line(f'keep_in_touch: "{NINES}d"').replace("follow_up: 2026-12-15\n", "")
    other = OTHER.replace("follow_up: 2026-12-15\n", "")
    root = make_vault(tmp_path, {"Interviews/a.md": odd, "Interviews/b.md": other})
    check = run("check", "--vault", str(root), "--as-of", "2026-11-27", "--no-cache")
    assert '"keep_in_touch" is longer than the calendar' in check.stdout
    base = ("--vault", str(root), "--as-of", "2026-11-27", "--format", "json")
    items = run("followups", *base, "--all")
    kinds = {(i["path"], i["kind"]) for i in json.loads(items.stdout)["items"]}
    assert ("Interviews/a.md", "keep-in-touch") not in kinds
    assert ("Interviews/b.md", "keep-in-touch") in kinds  # the other note's 60 days


def test_a_horizon_of_any_length_is_refused_with_its_range(tmp_path: Path) -> None:
    """An argument is the user's to fix (exit 2 with the range); ``--all`` lists everything."""
    root = odd_vault(tmp_path, "follow_up: 9999-12-31")
    base = ("--vault", str(root), "--as-of", "2026-11-27", "--format", "json")
    result = run("followups", *base, "--horizon", NINES + "d")
    assert result.exit_code == 2
    assert "3650" in result.stderr and len(result.stderr) < 500
    result = run("followups", *base, "--all")
    assert result.exit_code == 0
    dues = {i["due"] for i in json.loads(result.stdout)["items"]}
    assert "9999-12-31" in dues


@pytest.mark.parametrize("line", [f"company: {HEX}", f"person: {NINES}", f"date: {HEX}"])
def test_long_numbers_survive_the_cache(tmp_path: Path, line: str) -> None:
    root = odd_vault(tmp_path, line)
    for note in (root / "Interviews").iterdir():
        os.utime(note, (1_700_000_000, 1_700_000_000))  # old: the cache trusts it at once
    base = ("--vault", str(root), "--as-of", "2026-11-27", "--format", "json")
    for command in (("index",), ("followups", "--all"), ("digest", "--week", "2026-W47")):
        uncached = run(*command, *base, "--no-cache").stdout
        assert run(*command, *base).stdout == uncached  # writes the cache
        assert run(*command, *base).stdout == uncached  # reads it
    note = parse_note("Interviews/a.md", with_line(line).encode())
    facts = facts_of(note, make_context(tmp_path / "none", Config(), AS_OF))
    data = facts.to_data()
    assert data is not None and Facts.from_json(json.dumps(data)) == facts


# --------------------------------------------------------------------------------------------
# Both readers agree on numbers of any length


def both(text: str) -> Any:
    """The mapping both readers give ``text``; the plain reader must answer."""
    simple = read_simple(text, 2)
    data, lines, _ = _load_yaml(text, 2)
    assert simple is not None, text[:80]
    assert simple == (data, lines)
    return data


@pytest.mark.parametrize("digits", [1, 20, 640, MAX_INT_DIGITS, MAX_INT_DIGITS + 1, 5000])
def test_both_readers_read_a_long_number_alike(digits: int) -> None:
    for number in ("7" * digits, "+" + "7" * digits, "0o" + "7" * digits, "0x" + "f" * digits):
        value = both(f"n: {number}\nitems: [{number}, x]")
        expected = number if digits > MAX_INT_DIGITS else int(number, 0)
        assert value == {"n": expected, "items": [expected, "x"]}
        str(value["n"])  # printable under any int-digit limit


def test_leading_zeros_do_not_count() -> None:
    assert both("n: " + "0" * 5000 + "42") == {"n": 42}


def test_pyyaml_alone_reads_long_negative_and_tagged_numbers_as_text() -> None:
    # The plain reader hands these over; PyYAML's int constructor reads them the same way.
    assert read_simple(f"n: -{NINES}", 2) is None
    assert _load_yaml(f"n: -{NINES}\nm: !!int {HEX}\nk: -12", 2)[0] == {
        "n": f"-{NINES}",
        "m": HEX,
        "k": -12,
    }


_BASES = [("", "0123456789"), ("0o", "01234567"), ("0x", "0123456789abcdefABCDEF")]


@settings(derandomize=True, max_examples=200, deadline=None)
@given(st.sampled_from(["", "+", "-"]), st.sampled_from(_BASES), st.integers(0, 3), st.data())
def test_any_integer_reads_alike_and_prints(
    sign: str, base: tuple[str, str], zeros: int, data: st.DataObject
) -> None:
    prefix, alphabet = base
    count = data.draw(st.sampled_from([MAX_INT_DIGITS, MAX_INT_DIGITS + 1]) | st.integers(1, 1200))
    digits = "0" * zeros + data.draw(st.text(alphabet, min_size=count, max_size=count))
    text = f"n: {'' if prefix else sign}{prefix}{digits}"  # YAML 1.2: no sign before 0o, 0x
    parsed, _, _ = _load_yaml(text, 2)
    simple = read_simple(text, 2)
    if simple is not None:
        assert simple[0] == parsed
    value = parsed["n"]
    assert isinstance(value, str) == (len(digits.lstrip("0")) > MAX_INT_DIGITS)
    assert str(value)  # never the int-digit limit's ValueError


# --------------------------------------------------------------------------------------------
# Repro 23: values of megabytes


def note_with(front: str) -> str:
    return f"---\nperson: P\nstatus: done\n{front}\n---\n## Objectives\n- o\n"


MB = 1_000_000
SHAPES = {
    "plain": lambda n: "cover: data:image/png;base64," + "A" * n,
    "quoted": lambda n: 'cover: "' + "A b" * (n // 3) + '"',
    "escaped": lambda n: 'cover: "\\u0041' + "A" * n + '"',  # PyYAML's path
    "flow-list": lambda n: "cover: [" + ", ".join(["abcdefg"] * (n // 9)) + "]",
    "block": lambda n: "cover: |\n" + ("  " + "A" * 78 + "\n") * (n // 81) + "done: x",
    "key": lambda n: "k " * (n // 2) + "k: v",
    "role": lambda n: "state: x\nrole: " + "A" * n,
    "company": lambda n: "company: " + "A" * n,
    # A template placeholder, unquoted: re-quoted for YAML, then absent (VT110).
    "placeholder": lambda n: "cover: {{" + "A" * n + "}}",
}


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_messages_quote_only_the_start_of_a_long_value(tmp_path: Path, shape: str) -> None:
    text = note_with(SHAPES[shape](1 * MB)).replace("status: done", "status: " + "x" * MB)
    root = make_vault(tmp_path, {"Interviews/a.md": text, "Interviews/b.md": OTHER})
    result = run("check", "--vault", str(root), "--as-of", "2026-11-27", "--no-cache")
    assert result.exit_code == 1
    assert "Interviews/b.md" in result.stdout
    assert max(len(line) for line in result.stdout.splitlines()) < 400


def test_more_values_than_yaml_may_build_is_vt001(tmp_path: Path) -> None:
    many = ", ".join(["ab"] * 150_000)
    root = make_vault(
        tmp_path,
        {
            "Interviews/a.md": note_with(f"aliases: [{many}]"),
            "Interviews/c.md": note_with("aliases:\n" + "  - ab\n" * 150_000 + "x: 1"),
            "Interviews/b.md": OTHER,
        },
    )
    result = run("check", "--vault", str(root), "--as-of", "2026-11-27", "--format", "json")
    found = {(d["path"], d["rule"], d["message"]) for d in json.loads(result.stdout)["diagnostics"]}
    too_many = "front matter holds more than 100,000 values"
    assert ("Interviews/a.md", "VT001", too_many) in found
    assert ("Interviews/c.md", "VT001", too_many) in found
    assert any(path == "Interviews/b.md" for path, _, _ in found)


# In a child: its address space is limited to what a trivial run takes plus HEADROOM. Before
# the fixes, the 20 MB plain value took 2.8 GB of address space; now about 60 MB more than
# a trivial run (the block scalar, 250,000 lines, about 120 MB).
HEADROOM = 150 << 20
_VM_PEAK = """\
import atexit, runpy, sys
def peak():
    for line in open("/proc/self/status"):
        if line.startswith("VmPeak:"):
            sys.stderr.write(line)
atexit.register(peak)
sys.argv = ["vault-tools", *sys.argv[1:]]
runpy.run_module("vault_tools", run_name="__main__")
"""


def child(root: Path, *command: str, limit: int | None = None) -> subprocess.CompletedProcess[str]:
    def limit_memory() -> None:  # pragma: no cover - runs in the child
        import resource

        if limit is not None:
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    return subprocess.run(
        [sys.executable, "-c", _VM_PEAK, *command, "--vault", str(root), "--as-of", "2026-11-27"],
        capture_output=True,
        text=True,
        timeout=120,  # a hang fails the test instead of stopping the suite
        preexec_fn=limit_memory,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
        check=False,
    )


@pytest.fixture(scope="module")
def memory_limit(tmp_path_factory: pytest.TempPathFactory) -> int:
    """What a trivial run's address space peaks at, plus HEADROOM."""
    root = make_vault(tmp_path_factory.mktemp("trivial"), {"Interviews/b.md": OTHER})
    trivial = child(root, "check", "--no-cache")
    peak = re.search(r"VmPeak:\s+(\d+) kB", trivial.stderr)
    assert trivial.returncode == 0 and peak, trivial.stderr
    return int(peak.group(1)) * 1024 + HEADROOM


LIMITED = [
    ("plain", ("check", "--no-cache")),
    ("plain", ("check",)),
    ("plain", ("index", "--format", "json")),
    ("plain", ("followups", "--all")),
    ("plain", ("digest", "--week", "2026-W47")),
    ("company", ("index", "--format", "json")),
    ("company", ("followups", "--all")),
    ("quoted", ("check", "--no-cache")),
    ("escaped", ("check", "--no-cache")),
    ("flow-list", ("check", "--no-cache")),
    ("block", ("check", "--no-cache")),
    ("key", ("check", "--no-cache")),
    ("placeholder", ("check", "--no-cache")),
]


@pytest.mark.slow
@pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="RLIMIT_AS and /proc/self/status: Linux"
)
@pytest.mark.parametrize(
    "shape, command", LIMITED, ids=lambda v: " ".join(v) if isinstance(v, tuple) else v
)
def test_a_20_mb_value_runs_within_a_small_memory_limit(
    tmp_path: Path, memory_limit: int, shape: str, command: tuple[str, ...]
) -> None:
    text = note_with(SHAPES[shape](20 * MB))
    root = make_vault(tmp_path, {"Interviews/a.md": text, "Interviews/b.md": OTHER})
    result = child(root, *command, limit=memory_limit)
    assert "Traceback" not in result.stderr and "MemoryError" not in result.stderr, result.stderr
    assert result.returncode in (0, 1), result.stderr
    if command[0] == "check":
        assert "Interviews/b.md" in result.stdout  # the rest of the vault is still read
        assert max(len(line) for line in result.stdout.splitlines()) < 400


# --------------------------------------------------------------------------------------------
# Outputs that quote a long value stay short


def test_index_text_table_cuts_a_long_value_instead_of_padding_every_row(tmp_path: Path) -> None:
    company = "Acme " * 20_000  # 100,000 characters
    root = make_vault(
        tmp_path,
        {"Interviews/a.md": with_line(f"company: {company}"), "Interviews/b.md": OTHER},
    )
    result = run("index", "--vault", str(root), "--as-of", AS_OF, "--no-cache")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) < 400
    assert any("Acme Acme" in line and "…" in line for line in lines)
    assert any(line.rstrip().endswith("Interviews/b.md") for line in lines)


def test_a_duplicate_heading_of_a_megabyte_is_quoted_short(tmp_path: Path) -> None:
    heading = "Objectives " + "x" * 1_000_000
    note = DONE.replace("## Objectives", f"## {heading}\n\n## {heading}", 1)
    root = make_vault(tmp_path, {"Interviews/a.md": note})
    result = run("check", "--vault", str(root), "--as-of", AS_OF, "--no-cache")
    found = [line for line in result.stdout.splitlines() if "VT203" in line]
    assert found and all(len(line) < 300 for line in found)
