"""``.vault-tools.toml``: defaults, and exit-2 errors that name file, key and reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from vault_tools.app import read_config as load_config
from vault_tools.config import Config, default_config_text
from vault_tools.errors import VaultToolsError


def write(tmp_path: Path, text: str) -> Path:
    (tmp_path / ".vault-tools.toml").write_text(text)
    return tmp_path


def test_absent_config_gives_the_defaults(tmp_path: Path) -> None:
    assert load_config(tmp_path) == Config()


def test_every_documented_key_is_read(tmp_path: Path) -> None:
    config = load_config(
        write(
            tmp_path,
            """
timezone = "Europe/Berlin"
[interviews]
folders = ["Calls", ""]
type = "informational"
tag = "ii"
templates = "_templates"
exclude = ["Archive/**"]
[sections]
planned = ["Objectives", "Research"]
[sections.aliases]
Takeaways = ["Lessons"]
[followups]
thank_you_hours = 48
nudge_days = 5
keep_in_touch_days = 60
horizon_days = 14
[rules]
VT301 = "off"
vt106 = "error"
[output]
index = "Calls/Index.md"
followups = "Calls/Due.md"
digests = "Reviews"
""",
        )
    )
    assert config.timezone == "Europe/Berlin"
    assert config.folders == ("Calls", "")
    assert (config.type, config.tag, config.templates) == (("informational",), "ii", "_templates")
    assert config.exclude == ("Archive/**",)
    assert config.sections["planned"] == ("Objectives", "Research")
    assert config.sections["done"][-1] == "Follow-up"
    assert "Lessons" in config.aliases["Takeaways"] and "Learnings" in config.aliases["Takeaways"]
    assert (config.thank_you_hours, config.nudge_days) == (48, 5)
    assert (config.keep_in_touch_days, config.horizon_days) == (60, 14)
    assert config.rules == {"VT301": "off", "VT106": "error"}
    assert (config.index_path, config.followups_path, config.digests_folder) == (
        "Calls/Index.md",
        "Calls/Due.md",
        "Reviews",
    )


@pytest.mark.parametrize(
    ("text", "key", "reason"),
    [
        ("timezone = ", "invalid TOML", ""),
        ("colour = 1", "colour", "unknown key"),
        ("[interviews]\nfolder = 'x'", "interviews.folder", "unknown key"),
        ("[interviews]\nfolders = 3", "interviews.folders", "list of strings"),
        ("[followups]\nnudge_days = 'seven'", "followups.nudge_days", "whole number"),
        ("[followups]\nnudge_days = -1", "followups.nudge_days", "whole number"),
        ("[rules]\nVT999 = 'off'", "rules.VT999", "unknown rule"),
        ("[rules]\nVT301 = 'loud'", "rules.VT301", "error, warning, off"),
        ("timezone = 'Mars/Olympus'", "timezone", "unknown time zone"),
        ("[sections]\ndone = ['Objectivs']", "sections.done", "unknown section"),
        ("[sections.aliases]\nSummary = ['x']", "sections.aliases.Summary", "unknown section"),
        ("[output]\nindex = '../outside.md'", "output.index", "inside the vault"),
        ("[output]\ndigests = '/abs'", "output.digests", "inside the vault"),
        ("interviews = 3", "interviews", "must be a table"),
    ],
)
def test_bad_config_names_file_key_and_reason(
    tmp_path: Path, text: str, key: str, reason: str
) -> None:
    with pytest.raises(VaultToolsError) as caught:
        load_config(write(tmp_path, text))
    message = str(caught.value)
    assert ".vault-tools.toml" in message and key in message and reason in message


def test_the_config_init_writes_reads_back_as_the_defaults(tmp_path: Path) -> None:
    # The commented config `init` writes is made from Config's own defaults, so the two
    # cannot drift apart.
    assert load_config(write(tmp_path, default_config_text())) == Config(
        source=tmp_path / ".vault-tools.toml"
    )
