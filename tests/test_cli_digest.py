"""``vault-tools digest`` end to end: the period options, formats, --write, and cron."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from conftest import SAMPLE_VAULT, make_vault, unstamped

from vault_tools.cli import cli

AS_OF = "2026-11-27"


def interview(name: str, day: str, improve: str = "", extra: str = "") -> str:
    return (
        f'---\ntype: interview\nperson: "[[{name}]]"\ncompany: Acme\nrole: Engineer\n'
        f"status: done\ndate: {day}\n{extra}---\n# {name}\n\n"
        f"## Takeaways\n- What {name} taught me.\n\n"
        f"## Reflection\n### What went well\n- Listened to {name}.\n"
        f"### What to improve\n- {improve or 'Prepare more.'}\n"
    )


FILES: dict[str, str | bytes] = {
    ".vault-tools.toml": 'timezone = "Europe/Berlin"\n',
    "Interviews/2026-11-20 Jane Doe.md": interview(
        "Jane Doe", "2026-11-20T15:00", "Talked too much about myself."
    ),
    "Interviews/2026-11-18 Müller.md": interview(
        "Lukas Müller", "2026-11-18", extra="thank_you_sent: 2026-11-18\n"
    ),
    "Interviews/2026-10-21 Ana Souza.md": interview(
        "Ana Souza",
        "2026-10-21",
        "I talked too much about myself",
        extra="thank_you_sent: 2026-10-21\n",
    ),
    "Interviews/2026-11-17 Tobias.md": (
        "---\nperson: Tobias\nstatus: requested\nrequested: 2026-11-17\n---\n# Tobias\n"
    ),
}


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    return make_vault(tmp_path / "vault", FILES)


def run(*args: str | Path, env: Mapping[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False, env=env)


def digest(vault: Path, *args: str) -> Result:
    return run("digest", "--vault", vault, "--as-of", AS_OF, *args)


# --------------------------------------------------------------------------------------------
# The period


def test_default_period_is_the_last_complete_week(sample: Path) -> None:
    data = json.loads(digest(sample, "--format", "json").stdout)
    assert data["period"] == {"label": "2026-W47", "start": "2026-11-16", "end": "2026-11-22"}
    assert data["stats"] == {
        "interviews_held": 2,
        "requests_sent": 1,
        "thank_you_on_time": 1,
        "thank_you_due": 2,
    }


def test_week_option(sample: Path) -> None:
    data = json.loads(digest(sample, "--week", "2026-W43", "--format", "json").stdout)
    assert data["period"]["label"] == "2026-W43"
    assert [i["person"] for i in data["interviews"]] == ["Ana Souza"]


def test_week_53_of_2026_and_the_default_after_new_year(tmp_path: Path) -> None:
    vault = make_vault(tmp_path, {"Interviews/a.md": interview("Eve", "2027-01-02")})
    explicit = run("digest", "--vault", vault, "--as-of", "2027-01-05", "--week", "2026-W53")
    default = run("digest", "--vault", vault, "--as-of", "2027-01-05")
    assert explicit.exit_code == 0 and explicit.stdout == default.stdout
    assert "period: 2026-W53" in default.stdout
    assert "2026-12-28 to 2027-01-03 (Monday to Sunday)" in default.stdout
    assert "[[Interviews/a|a]]" in default.stdout
    week1 = json.loads(
        run("digest", "--vault", vault, "--week", "2027-W01", "--format", "json").stdout
    )
    assert week1["period"]["start"] == "2027-01-04"


def test_since_until_is_a_custom_period(sample: Path) -> None:
    result = digest(sample, "--since", "2026-10-01", "--until", "2026-11-18", "--format", "json")
    data = json.loads(result.stdout)
    assert data["period"] == {
        "label": "2026-10-01..2026-11-18",
        "start": "2026-10-01",
        "end": "2026-11-18",
    }
    assert [i["person"] for i in data["interviews"]] == ["Ana Souza", "Lukas Müller"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--week", "2025-W53"], "2025 has no week 53; its ISO weeks are W01 to W52"),
        (["--week", "2026-W54"], "2026 has no week 54; its ISO weeks are W01 to W53"),
        (["--week", "47"], "'47' is not an ISO week; write it like 2026-W47"),
        (["--week", "2026-W47", "--since", "2026-11-01"], "either --week or --since"),
        (["--week", "2026-W47", "--until", "2026-11-01"], "either --week or --since"),
        (["--since", "2026-11-01"], "--since and --until go together"),
        (["--until", "2026-11-01"], "--since and --until go together"),
        (["--since", "2026-11-15", "--until", "2026-11-01"], "is before --since"),
        (["--since", "2026-11-31", "--until", "2026-12-01"], "is not a date"),
    ],
)
def test_a_bad_period_is_a_usage_error(sample: Path, args: list[str], message: str) -> None:
    result = digest(sample, *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert result.stdout == ""
    assert not (sample / "Digests").exists()


def test_no_week_before_the_first_week_of_the_calendar(sample: Path) -> None:
    result = run("digest", "--vault", sample, "--as-of", "0001-01-03")
    assert result.exit_code == 2
    assert result.stderr == (
        "vault-tools: error: there is no complete ISO week before 0001-01-03; "
        "give --week or --since and --until\n"
    )


# --------------------------------------------------------------------------------------------
# Formats


def test_markdown_is_an_obsidian_note(sample: Path) -> None:
    result = digest(sample)
    assert result.exit_code == 0
    text = result.stdout
    assert text.startswith(
        "---\ngenerated_by: vault-tools\ntype: digest\nperiod: 2026-W47\nas_of: 2026-11-27\n---\n"
    )
    for heading in (
        "# Weekly digest 2026-W47",
        "## Interviews held",
        "## What went well",
        "## What to improve",
        "## Recurring themes",
        "## Follow-ups due",
        "## Pipeline",
        "## Interviews per week",
    ):
        assert f"\n{heading}\n" in text
    assert "**2** interviews held · **1** request sent · **1 of 2** thank-yous sent on time" in text
    jane = "[[Interviews/2026-11-20 Jane Doe|2026-11-20 Jane Doe]]"
    assert f"- Listened to Jane Doe. · {jane}" in text
    assert (
        f"- Talked too much about myself. · {jane} · also in "
        "[[Interviews/2026-10-21 Ana Souza|2026-10-21 Ana Souza]]"
    ) in text
    assert "- What Lukas Müller taught me." in text
    assert "- [ ]" not in text


def test_markdown_charts_are_mermaid_blocks(sample: Path) -> None:
    text = digest(sample).stdout
    assert (
        "```mermaid\npie showData\n    title Pipeline by status\n"
        '    "requested" : 1\n    "done" : 3\n```'
    ) in text
    assert (
        "```mermaid\nxychart-beta\n"
        '    title "Interviews held per week"\n'
        "    x-axis [W40, W41, W42, W43, W44, W45, W46, W47]\n"
        '    y-axis "Interviews" 0 --> 8\n'
        "    bar [0, 0, 0, 1, 0, 0, 0, 2]\n```"
    ) in text


def test_json_is_specs_shape(sample: Path) -> None:
    data = json.loads(digest(sample, "--format", "json").stdout)
    assert list(data)[:6] == [
        "version",
        "period",
        "stats",
        "interviews",
        "recurring_improvements",
        "followups",
    ]
    assert data["interviews"][0] == {
        "path": "Interviews/2026-11-18 Müller.md",
        "person": "Lukas Müller",
        "company": "Acme",
        "role": "Engineer",
        "date": "2026-11-18",
        "takeaways": ["What Lukas Müller taught me."],
        "went_well": ["Listened to Lukas Müller."],
        "to_improve": ["Prepare more."],
    }
    assert data["recurring_improvements"] == [
        {
            "text": "Talked too much about myself.",
            "path": "Interviews/2026-11-20 Jane Doe.md",
            "seen_before_in": ["Interviews/2026-10-21 Ana Souza.md"],
        }
    ]
    assert [(i["kind"], i["person"]) for i in data["followups"]] == [
        ("thank-you", "Jane Doe"),
        ("nudge", "Tobias"),
    ]
    assert data["followups"][1] == {
        "kind": "nudge",
        "path": "Interviews/2026-11-17 Tobias.md",
        "person": "Tobias",
        "due": "2026-11-24",
        "overdue_days": 3,
        "title": "Nudge Tobias: no reply since 2026-11-17",
    }
    assert data["pipeline"]["done"] == 3
    assert data["as_of"] == AS_OF


def test_an_empty_week_is_a_short_digest(sample: Path) -> None:
    result = digest(sample, "--week", "2026-W48")
    assert result.exit_code == 0
    text = result.stdout
    assert "No interviews were held in 2026-W48." in text
    assert "**0** interviews held · **0** requests sent · no thank-yous due" in text
    assert "## Pipeline" in text and "## Follow-ups due" in text
    assert "## Interviews held" not in text and "## What to improve" not in text
    data = json.loads(digest(sample, "--week", "2026-W48", "--format", "json").stdout)
    assert data["interviews"] == [] and data["stats"]["interviews_held"] == 0


def test_an_empty_vault_is_an_empty_digest(tmp_path: Path) -> None:
    result = run("digest", "--vault", tmp_path, "--as-of", AS_OF)
    assert result.exit_code == 0
    assert "No interviews were held in 2026-W47." in result.stdout
    assert "No interview notes yet." in result.stdout
    assert "Nothing overdue or due by 2026-12-04." in result.stdout


# --------------------------------------------------------------------------------------------
# --write


def test_write_creates_the_digest_note(sample: Path) -> None:
    result = digest(sample, "--write")
    assert (result.exit_code, result.stdout, result.stderr) == (
        0,
        "",
        "wrote Digests/2026-W47.md\n",
    )
    written = (sample / "Digests/2026-W47.md").read_text(encoding="utf-8")
    assert unstamped(written) == digest(sample).stdout
    assert not list((sample / "Digests").glob(".*.tmp"))


def test_write_a_custom_range_into_the_configured_folder(sample: Path) -> None:
    (sample / ".vault-tools.toml").write_text('[output]\ndigests = "Reviews/Weekly"\n')
    result = digest(sample, "--since", "2026-11-01", "--until", "2026-11-15", "--write")
    assert result.exit_code == 0
    assert result.stderr == "wrote Reviews/Weekly/2026-11-01 to 2026-11-15.md\n"
    text = (sample / "Reviews/Weekly/2026-11-01 to 2026-11-15.md").read_text(encoding="utf-8")
    assert "period: 2026-11-01..2026-11-15" in text
    assert "# Digest 2026-11-01 to 2026-11-15" in text


def test_write_replaces_its_own_digest(sample: Path) -> None:
    assert digest(sample, "--write").exit_code == 0
    again = run("digest", "--vault", sample, "--as-of", "2026-11-28", "--write")
    assert again.exit_code == 0
    text = (sample / "Digests/2026-W47.md").read_text(encoding="utf-8")
    assert "as_of: 2026-11-28" in text


def test_write_never_replaces_a_users_file(sample: Path) -> None:
    mine = "\ufeff---\ntype: digest\n---\r\n# Meine Woche 2026-W47\r\n- Jane ✅\r\n".encode()
    target = sample / "Digests/2026-W47.md"
    target.parent.mkdir()
    target.write_bytes(mine)
    result = digest(sample, "--write")
    assert result.exit_code == 2
    assert "refusing to replace Digests/2026-W47.md" in result.stderr
    assert len(result.stderr.splitlines()) == 1
    assert target.read_bytes() == mine


def test_write_stays_inside_the_vault(sample: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (sample / "Digests").symlink_to(outside, target_is_directory=True)
    result = digest(sample, "--write")
    assert result.exit_code == 2
    assert "outside the vault" in result.stderr
    assert list(outside.iterdir()) == []


def test_digests_are_not_read_as_interviews(sample: Path) -> None:
    (sample / ".vault-tools.toml").write_text(
        '[interviews]\nfolders = [""]\n[output]\ndigests = "Interviews/Digests"\n'
    )
    before = digest(sample, "--format", "json").stdout
    assert digest(sample, "--write").exit_code == 0
    assert digest(sample, "--format", "json").stdout == before
    checked = json.loads(run("check", "--vault", sample, "--format", "json").stdout)
    assert not any("Digests" in d["path"] for d in checked["diagnostics"])


# --------------------------------------------------------------------------------------------
# Unattended: cron runs the installed console script with a bare environment


def _console_script() -> Path:
    script = Path(sys.executable).parent / "vault-tools"
    if not script.exists():
        found = shutil.which("vault-tools")
        if found is None:
            pytest.skip("the vault-tools console script is not installed (pip install -e .)")
        script = Path(found)
    return script


def _cron(
    args: list[str], cwd: Path, close_stdin: bool = False
) -> subprocess.CompletedProcess[str]:
    """Run like cron: only PATH in the environment (no HOME, LANG, TZ), no terminal, stdin
    at /dev/null or closed altogether."""
    script = _console_script()
    env = {"PATH": os.path.dirname(sys.executable)}
    command = [str(script), *args]
    if close_stdin:
        command = ["/bin/sh", "-c", 'exec "$0" "$@" <&-', *command]
    completed = subprocess.run(
        command,
        env=env,
        cwd=cwd,
        stdin=None if close_stdin else subprocess.DEVNULL,
        capture_output=True,
        timeout=60,
        check=False,
    )
    return subprocess.CompletedProcess(
        completed.args,
        completed.returncode,
        completed.stdout.decode("utf-8"),
        completed.stderr.decode("utf-8"),
    )


@pytest.mark.parametrize("close_stdin", [False, True], ids=["stdin-devnull", "stdin-closed"])
def test_cron_writes_the_digest_with_a_bare_environment(tmp_path: Path, close_stdin: bool) -> None:
    vault = tmp_path / "Notes"
    shutil.copytree(SAMPLE_VAULT, vault)
    done = _cron(
        ["digest", "--vault", str(vault), "--as-of", AS_OF, "--write"], tmp_path, close_stdin
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "wrote Digests/2026-W47.md\n")
    written = (vault / "Digests/2026-W47.md").read_bytes().decode("utf-8")  # UTF-8, no LANG
    expected = run("digest", "--vault", vault, "--as-of", AS_OF).stdout
    assert unstamped(written) == expected
    assert "No interviews were held" not in written
    assert "· [[Interviews/2026-11-20 Jane Doe|2026-11-20 Jane Doe]]" in written


def test_cron_prints_utf8_without_a_locale(tmp_path: Path) -> None:
    vault = make_vault(tmp_path / "Notes", FILES)
    done = _cron(["digest", "--vault", str(vault), "--as-of", AS_OF], tmp_path)
    assert done.returncode == 0
    assert "What Lukas Müller taught me." in done.stdout
    assert done.stdout == digest(vault).stdout


@pytest.mark.parametrize("name", ["Notes", "Nötes"])
def test_cron_with_a_missing_vault_is_one_clear_line(tmp_path: Path, name: str) -> None:
    missing = tmp_path / name
    done = _cron(["digest", "--vault", str(missing), "--write"], tmp_path, close_stdin=True)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr == f"vault-tools: error: vault not found: {missing} (from --vault)\n"
    assert not missing.exists()
