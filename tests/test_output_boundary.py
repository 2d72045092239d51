"""Every command and format on a vault of hostile names and text (SPEC: Commands, Safety).

File names that are not UTF-8 (a note's, a folder's), a name with a newline, and a name and
note text with the bidirectional controls U+202E and U+2066: every output is valid UTF-8,
JSON and ICS parse, what a person reads (text, md, csv, ics, stderr, the generated notes)
shows those characters escaped (``caf\\xe9``, ``\\u202e``), and JSON keeps the real names
and text as JSON escapes (``json.loads`` + ``os.fsencode`` give back the name on disk).
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from conftest import AS_OF

from vault_tools.cli import cli
from vault_tools.render import json_dumps, printable
from vault_tools.render.markdown import wikilink

RLO, LRI, PDI = "\u202e", "\u2066", "\u2069"
#: The characters that must never reach a reader raw.
BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")

#: No ``role``: every note has a finding (VT106) whose path check must print cleanly. (A
#: done note's closed question was that finding until VT301 kept to notes before the call.)
DONE = textwrap.dedent(
    """\
    ---
    type: interview
    person: "{person}"
    company: {company}
    status: done
    requested: 2026-11-10
    date: {date}T15:00
    thank_you_sent: {date}
    follow_up: 2026-11-26
    ---
    ## Objectives
    - Learn how the team works.
    ## Research
    - Read the blog.
    ## Questions
    1. How did you start?
    2. Do you like it?
    ## Notes
    - Notes.
    ## Takeaways
    - {takeaway}
    ## Reflection
    ### What went well
    - {well}
    ### What to improve
    - {improve}
    ## Follow-up
    - [ ] {task} 📅 2026-11-28
    """
)

EVIL_NAME = f"Interviews/evil{RLO}gpj {LRI}x{PDI}.md"
IMPROVE = f"Talked too much {RLO}about me."


def done(date: str, person: str, **text: str) -> str:
    fields = {"company": "Acme", "takeaway": "Teams own pipelines.", "well": "Listened."}
    fields |= {"improve": "Ask fewer closed questions.", "task": f"Send {person} the article"}
    return DONE.format(date=date, person=person, **{**fields, **text})


#: name on disk (bytes) -> note text. Dates in 2026-W47, the digest's week; "old" before it.
NOTES: dict[bytes, str] = {
    b"Interviews/Jane Doe.md": done("2026-11-18", "Jane Doe"),
    b"Interviews/Bob Lee.md": done("2026-11-18", "Bob Lee"),
    b"Interviews/caf\xe9.md": done("2026-11-19", "Café Person"),
    b"Interviews/d\xffir/Inner.md": done("2026-11-20", "Inner Person"),
    b"Interviews/new\nline.md": done("2026-11-20", "Newline Person"),
    b"Interviews/old caf\xe9.md": done("2026-11-05", "Old Person", improve=IMPROVE),
    EVIL_NAME.encode("utf-8"): done(
        "2026-11-21",
        f"Eve {RLO}liL{LRI}x{PDI}",
        company=f"Ac{RLO}me",
        takeaway=f"Take {RLO}away",
        well=f"Went {LRI}well{PDI}",
        improve=IMPROVE,
        task=f"Task {RLO}evil",
    ),
}
HOSTILE = [
    name for name in NOTES if name not in (b"Interviews/Jane Doe.md", b"Interviews/Bob Lee.md")
]


def make_hostile_vault(root: Path) -> Path:
    for name, text in NOTES.items():
        path = os.path.join(os.fsencode(root), name)
        try:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "wb") as handle:
                handle.write(text.encode("utf-8"))
        except (OSError, ValueError):
            pytest.skip("this file system does not take such names")
    return root


#: Every command with every format, and every --write. ``check`` without the cache: its
#: whole-vault snapshot of files older than two seconds cannot hold such a name yet (see
#: test_check_with_the_cache_on_settled_files_with_a_name_that_is_not_utf8), and a slow
#: machine must not make this test depend on the clock.
RUNS: tuple[tuple[str, ...], ...] = (
    ("check", "--no-cache", "--format", "text"),
    ("check", "--no-cache", "--format", "json"),
    ("check", "--no-cache", "--format", "github"),
    ("index", "--format", "text"),
    ("index", "--format", "md"),
    ("index", "--format", "json"),
    ("index", "--format", "csv"),
    ("index", "--write"),
    ("followups", "--all", "--format", "text"),
    ("followups", "--all", "--format", "md"),
    ("followups", "--all", "--format", "json"),
    ("followups", "--all", "--format", "ics"),
    ("followups", "--all", "--format", "ics", "--ics-items", "events"),
    ("followups", "--all", "--write"),
    ("digest", "--format", "md"),
    ("digest", "--format", "json"),
    ("digest", "--write"),
)
WRITTEN = {
    "index": "Interviews/Index.md",
    "followups": "Interviews/Follow-ups.md",
    "digest": "Digests/2026-W47.md",
}


def invoke(root: Path, *args: str) -> Result:
    """The command as a user runs it, on a strict UTF-8 stdout (no backslashreplace)."""
    base = [*args, "--vault", str(root), "--as-of", AS_OF.isoformat()]
    return CliRunner().invoke(cli, base, catch_exceptions=False)


def fmt_of(run: tuple[str, ...]) -> str:
    if "--write" in run:
        return "write"
    return run[run.index("--format") + 1]


def strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


def paths_in(value: Any) -> set[str]:
    if isinstance(value, dict):
        found = {v for k, v in value.items() if k == "path" and isinstance(v, str)}
        found |= {p for k, v in value.items() if k == "seen_before_in" for p in v}
        return found.union(*(paths_in(v) for v in value.values()))
    if isinstance(value, list):
        return set().union(*(paths_in(v) for v in value))
    return set()


def assert_readable(text: str, *, lines_may_hold: str = "") -> None:
    """What a person reads: no bidirectional control, and no control character inside a
    line (``lines_may_hold``: the ones a format quotes, like CSV's)."""
    assert not BIDI.intersection(text), [line for line in text.splitlines() if BIDI & set(line)]
    for line in text.split("\n"):
        bad = [ch for ch in line.removesuffix("\r") if ch < " " and ch not in lines_may_hold]
        assert not bad, line


@pytest.mark.parametrize("run", RUNS, ids=" ".join)
def test_every_output_is_clean_on_hostile_names_and_text(
    tmp_path: Path, run: tuple[str, ...]
) -> None:
    root = make_hostile_vault(tmp_path / "vault")
    result = invoke(root, *run)

    assert result.exit_code in ((0, 1) if run[0] == "check" else (0,)), result.output
    stdout = result.stdout_bytes.decode("utf-8")  # valid UTF-8, strictly
    stderr = result.stderr_bytes.decode("utf-8")
    assert "Traceback" not in stderr
    assert_readable(stderr)
    fmt = fmt_of(run)

    if fmt == "json":
        assert not BIDI.intersection(stdout)  # kept as \u202e escapes, not raw
        payload = json.loads(stdout)
        on_disk = {os.fsencode(path) for path in paths_in(payload)}
        assert set(HOSTILE) <= on_disk, sorted(on_disk)
        for name in on_disk:
            assert os.path.exists(os.path.join(os.fsencode(root), name)), name
        if run[0] != "check":  # the notes' text, as it is (check's messages quote none)
            assert any(RLO in text for text in strings(payload))
        return

    if fmt == "ics":
        from icalendar import Calendar

        calendar = Calendar.from_ical(stdout)
        items = calendar.walk("VEVENT" if "events" in run else "VTODO")
        summaries = [str(todo["SUMMARY"]) for todo in items]
        descriptions = [str(todo["DESCRIPTION"]) for todo in items]
        assert "Task \\u202eevil" in summaries
        assert any("Interviews/caf\\xe9.md" in text for text in descriptions)
        assert_readable("\n".join(summaries + descriptions))
        assert not BIDI.intersection(stdout)
        return

    if fmt == "write":
        rel = WRITTEN[run[0]]
        assert stderr == f"wrote {rel}\n"
        stdout = (root / rel).read_bytes().decode("utf-8")  # what was written, strictly
        fmt = "md"

    if fmt == "csv":
        assert_readable(stdout, lines_may_hold="\r\n")
        rows = list(csv.DictReader(io.StringIO(stdout, newline="")))
        assert len(rows) == len(NOTES)
        paths = {row["path"] for row in rows}
        assert {"Interviews/caf\\xe9.md", "Interviews/d\\xffir/Inner.md"} <= paths
        assert "Interviews/new\nline.md" in paths  # a newline the CSV quotes, as before
        assert "Eve \\u202eliL\\u2066x\\u2069" in {row["person"] for row in rows}
        return

    assert_readable(stdout)
    assert "caf\\xe9" in stdout
    assert "d\\xffir" in stdout
    assert "\\u202e" in stdout
    if fmt == "md":
        # A name that cannot be a clean wikilink is shown, escaped, as code; the rest link.
        assert "`Interviews/caf\\xe9.md`" in stdout
        assert "`Interviews/new\\nline.md`" in stdout
        assert "[[Interviews/caf" not in stdout and "[[Interviews/evil" not in stdout
        assert "[[Interviews/Jane Doe" in stdout


def test_json_round_trips_every_hostile_name_and_text(tmp_path: Path) -> None:
    """JSON's contract is the real value: the names on disk and the text of the notes."""
    root = make_hostile_vault(tmp_path / "vault")
    payload = json.loads(invoke(root, "index", "--format", "json").stdout_bytes)
    by_path = {os.fsencode(row["path"]): row for row in payload["notes"]}
    assert set(by_path) == set(NOTES)
    evil = by_path[EVIL_NAME.encode("utf-8")]
    assert (evil["person"], evil["company"]) == (f"Eve {RLO}liL{LRI}x{PDI}", f"Ac{RLO}me")


MODULE = (sys.executable, "-m", "vault_tools")


@pytest.mark.parametrize("encoding", ["ascii", "latin-1", "cp1252"])
@pytest.mark.parametrize("command", ["check", "index", "followups", "digest"])
def test_json_is_valid_on_a_stdout_that_cannot_hold_utf8(
    tmp_path: Path, command: str, encoding: str
) -> None:
    """A stdout that is not UTF-8 (a Windows console redirected to a file): JSON is written
    as ASCII, which every encoding holds; else ``Café`` became a Latin-1 byte, not JSON."""
    root = make_hostile_vault(tmp_path / "vault")
    args = ["--vault", str(root), "--as-of", AS_OF.isoformat(), "--no-cache", "--format", "json"]
    run = subprocess.run(
        [*MODULE, command, *args],
        capture_output=True,
        env={**os.environ, "PYTHONIOENCODING": encoding},
        timeout=60,
        check=False,
    )
    assert run.returncode in (0, 1), run.stderr.decode(errors="replace")
    assert b"Traceback" not in run.stderr
    run.stdout.decode("ascii")
    assert set(HOSTILE) <= {os.fsencode(p) for p in paths_in(json.loads(run.stdout))}


def test_stderr_escapes_an_output_path_from_the_config(tmp_path: Path) -> None:
    root = make_hostile_vault(tmp_path / "vault")
    (root / ".vault-tools.toml").write_text(
        f'[output]\nindex = "Interviews/Ind{RLO}ex.md"\n', encoding="utf-8"
    )
    result = invoke(root, "index", "--write")
    assert result.exit_code == 0, result.output
    assert result.stderr == "wrote Interviews/Ind\\u202eex.md\n"
    assert (root / f"Interviews/Ind{RLO}ex.md").is_file()  # the name asked for, as it is


def test_check_with_the_cache_on_settled_files_with_a_name_that_is_not_utf8(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Settled files (their times trusted at once, as a user's are): the whole-vault
    # snapshot, whose result names the file, is saved and read back.
    monkeypatch.setattr("vault_tools.store.cache.RACY_NS", 0)
    root = make_hostile_vault(tmp_path / "vault")
    for folder, dirs, names in os.walk(os.fsencode(root)):
        for name in dirs + names:
            os.utime(os.path.join(folder, name), (1_700_000_000, 1_700_000_000))
    first = invoke(root, "check", "--format", "json")
    again = invoke(root, "check", "--format", "json")
    fresh = invoke(root, "check", "--format", "json", "--no-cache")
    assert first.exit_code in (0, 1) and "vault-tools: warning" not in first.stderr
    assert (again.exit_code, again.stdout) == (fresh.exit_code, fresh.stdout)


# --------------------------------------------------------------------------------------------
# The boundary itself


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("caf\udce9 \udcff.md", "caf\\xe9 \\xff.md"),
        ("new\nline\ttab\rcr", "new\\nline\\ttab\\rcr"),
        ("\x1b[31mred\x07", "\\x1b[31mred\\x07"),
        ("c1\x85 del\x7f", "c1\\x85 del\\x7f"),
        ("ls\u2028ps\u2029", "ls\\u2028ps\\u2029"),
        (
            "".join(sorted(BIDI)),
            "\\u061c\\u200e\\u200f\\u202a\\u202b\\u202c\\u202d\\u202e\\u2066\\u2067\\u2068\\u2069",
        ),
        ("Zoë 日本 📅 · – “q”", "Zoë 日本 📅 · – “q”"),
    ],
)
def test_printable_escapes_what_a_reader_must_not_get_raw(text: str, shown: str) -> None:
    assert printable(text) == shown


def test_printable_can_keep_line_breaks_for_formats_that_quote_them() -> None:
    assert printable(f"a\nb\r\tc\x1b{RLO}\udce9", keep_lines=True) == "a\nb\r\tc\\x1b\\u202e\\xe9"


def test_json_dumps_is_utf8_and_reads_back_the_same_value() -> None:
    value = {"path": "Interviews/caf\udce9.md", "text": f"x\x85\u2028{RLO}{LRI}y\x1b Zoë"}
    text = json_dumps(value)
    text.encode("utf-8")
    assert not BIDI.intersection(text) and "\x85" not in text and "\u2028" not in text
    assert "Zoë" in text  # only what must be escaped is
    assert json.loads(text) == value
    assert os.fsencode(json.loads(text)["path"]) == b"Interviews/caf\xe9.md"


@pytest.mark.parametrize(
    ("path", "link"),
    [
        ("Interviews/Jane Doe.md", "[[Interviews/Jane Doe|Jane Doe]]"),
        ("Interviews/caf\udce9.md", "`Interviews/caf\\xe9.md`"),
        (f"Interviews/evil{RLO}.md", "`Interviews/evil\\u202e.md`"),
        ("Interviews/new\nline.md", "`Interviews/new\\nline.md`"),
        ("Interviews/C# notes.md", "`Interviews/C# notes.md`"),
        ("Interviews/a`b\udce9.md", "``Interviews/a`b\\xe9.md``"),
    ],
)
def test_wikilink_falls_back_to_the_escaped_name_as_code(path: str, link: str) -> None:
    assert wikilink(path) == link


def test_wikilink_fallback_in_a_table_escapes_bars() -> None:
    assert wikilink("Interviews/a|b\udce9.md", in_table=True) == "`Interviews/a\\|b\\xe9.md`"
