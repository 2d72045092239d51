"""Issue #11 points 1 and 8: which notes are interviews, and the files that never are.

Point 1: ``type`` as text, a link or a list of either, matched ignoring case against the
configured types (``[interviews] type`` a string or a list); tags ignoring case and a
leading ``#``, a nested tag by its first segment. Point 8: plugin data files (Excalidraw
drawings, Kanban boards) are skipped wherever they lie, and the templates folder comes
from Obsidian's or Templater's settings when the config names none.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import AS_OF, make_vault

from vault_tools.app import read_config as load_config
from vault_tools.cli import cli
from vault_tools.config import MAX_SETTINGS_BYTES, Config
from vault_tools.interview import is_interview
from vault_tools.note import parse_note

# A note outside the interview folders: only its front matter can make it an interview.
PLACE = "Daily/2026-11-20 Jane Doe.md"

BODY = """# Informational interview with Jane Doe

## Objectives
- Learn how Jane's team ships data products.
"""


def _note(front: str, path: str = PLACE, crlf_bom: bool = False) -> bool:
    text = f'---\n{front}person: "[[Jane Doe]]"\nstatus: planned\n---\n{BODY}'
    if crlf_bom:
        text = "\ufeff" + text.replace("\n", "\r\n")
    return is_interview(parse_note(path, text.encode("utf-8")), Config())


def _run(root: Path, *args: str, stdout: bool = False) -> tuple[int, str]:
    """Exit code and output (stdout and stderr, or ``stdout`` only)."""
    result = CliRunner().invoke(
        cli, [*args, "--vault", str(root), "--as-of", AS_OF.isoformat()], catch_exceptions=False
    )
    return result.exit_code, result.stdout if stdout else result.output


def _indexed(root: Path, *more: str) -> list[str]:
    code, out = _run(root, "index", "--format", "json", *more, stdout=True)
    assert code == 0, out
    return sorted(n["path"] for n in json.loads(out)["notes"])


# --------------------------------------------------------------------------------------------
# Point 1: type as text, link or list; tags as Obsidian reads them


@pytest.mark.parametrize(
    "front",
    [
        "type: interview\n",
        "type: Interview\n",  # as the Properties panel's text field keeps the user's case
        "type: [interview]\n",  # a List property
        "type:\n  - meeting\n  - Interview\n",
        'type: "[[Interview]]"\n',  # a link to a type note (personal-CRM templates)
        'type: "[[Types/Interview|Informational interview]]"\n',
        'type:\n  - "[[Interview]]"\n',
        "type: [[Interview]]\n",  # unquoted: YAML's nested list, still the link's target
    ],
)
def test_type_as_text_link_or_list_marks_an_interview(front: str) -> None:
    assert _note(front)


def test_type_as_a_link_is_read_in_a_crlf_note_with_a_bom() -> None:
    assert _note('type: "[[Interview]]"\n', crlf_bom=True)


@pytest.mark.parametrize(
    "front",
    [
        "type: meeting\n",
        "type: interviews\n",  # a different word
        'type: "[[Interview notes]]"\n',
        "type: [meeting, call]\n",
        "type: 3\n",
        "",
    ],
)
def test_other_types_are_not_interviews(front: str) -> None:
    assert not _note(front)


def test_a_mention_of_the_tag_in_the_text_is_not_an_interview() -> None:
    raw = b"---\ntype: daily\n---\n# 2026-11-20\nCoffee, then the #interview with Jane.\n"
    assert not is_interview(parse_note("Daily/2026-11-20.md", raw), Config())


def test_config_type_as_a_list_matches_any_of_its_values(tmp_path: Path) -> None:
    make_vault(
        tmp_path,
        {
            ".vault-tools.toml": '[interviews]\ntype = ["interview", "Informational interviews"]\n',
            "Calls/jane.md": f'---\ntype: "[[Informational Interviews]]"\n'
            f'person: "[[Jane Doe]]"\nstatus: planned\n---\n{BODY}',
            "Calls/omar.md": f"---\ntype: interview\nperson: Omar\nstatus: planned\n---\n{BODY}",
            "Calls/standup.md": "---\ntype: meeting\n---\n# Stand-up\n",
        },
    )
    config = load_config(tmp_path)
    assert config.type == ("interview", "Informational interviews")
    assert _indexed(tmp_path) == ["Calls/jane.md", "Calls/omar.md"]


def test_config_type_as_a_string_still_works(tmp_path: Path) -> None:
    (tmp_path / ".vault-tools.toml").write_text('[interviews]\ntype = "call"\n')
    config = load_config(tmp_path)
    assert config.type == ("call",)
    raw = f"---\ntype: Call\nperson: Jane\nstatus: planned\n---\n{BODY}".encode()
    assert is_interview(parse_note(PLACE, raw), config)


@pytest.mark.parametrize(
    "front",
    [
        "tags: [Interview]\n",
        'tags: ["#interview"]\n',
        "tags: interview/tech\n",  # nested: counts by its first segment
        "tags:\n  - career\n  - Interview/Informational\n",
        "tags: career, interview\n",  # a text property, comma-separated
        "tags: career interview\n",
        "Tags: [INTERVIEW]\n",  # the key in any spelling too
    ],
)
def test_tags_match_ignoring_case_hash_and_nesting(front: str) -> None:
    assert _note(front)


@pytest.mark.parametrize(
    "front", ["tags: [interviewing]\n", "tags: [job/interview]\n", "tags: [career]\n"]
)
def test_other_tags_are_not_the_interview_tag(front: str) -> None:
    assert not _note(front)


# --------------------------------------------------------------------------------------------
# Point 8: plugin data files, and the templates folder from Obsidian's settings

# A board as the Kanban plugin saves it.
KANBAN = """---

kanban-plugin: basic

---

## To request

- [ ] Ask Jane Doe for a call

## Done

- [x] Thank Omar ✅ 2026-11-20


%% kanban:settings
```
{"kanban-plugin":"basic"}
```
%%
"""

# A drawing as Excalidraw saves it: a .excalidraw.md file whose front matter says so.
EXCALIDRAW = """---

excalidraw-plugin: parsed
tags: [excalidraw]

---
==⚠  Switch to EXCALIDRAW VIEW in the MORE OPTIONS menu of this document. ⚠==

# Text Elements
Jane Doe ^abc123

%%
# Drawing
```json
{"type":"excalidraw","version":2,"elements":[]}
```
%%
"""


def test_kanban_boards_and_drawings_in_the_interview_folder_are_skipped(tmp_path: Path) -> None:
    make_vault(
        tmp_path,
        {
            ".obsidian/app.json": "{}",
            "Interviews/Pipeline.md": KANBAN,
            "Interviews/Board (Windows).md": "\ufeff" + KANBAN.replace("\n", "\r\n"),
            "Interviews/Map.excalidraw.md": EXCALIDRAW,
            "Interviews/Map 2.md": EXCALIDRAW,  # renamed, known by its front matter
            "Interviews/Whiteboard.Excalidraw.md": "# Excalidraw Data\n",
        },
    )
    code, out = _run(tmp_path, "check")
    assert code == 0, out
    assert "VT101" not in out and "0 interview notes checked" in out
    assert _indexed(tmp_path) == []
    code, out = _run(tmp_path, "check", str(tmp_path / "Interviews/Pipeline.md"))
    assert code == 0 and "VT1" not in out, out


def test_a_plugin_key_wins_over_a_matching_tag_anywhere() -> None:
    assert not _note("kanban-plugin: basic\ntags: [interview]\n")
    assert not _note("excalidraw-plugin: parsed\ntype: interview\n", path="Interviews/x.md")
    assert not _note("type: interview\n", path="Drawings/Jane.excalidraw.md")


TEMPLATE = """---
type: interview
person: "<% tp.file.title %>"
status: planned
---
# Informational interview with <% tp.file.title %>

## Objectives
"""


def _vault_with_templates_in(root: Path, settings: dict[str, str]) -> Path:
    return make_vault(
        root,
        {
            "Meta/Templates/Interview.md": TEMPLATE,
            "Interviews/2026-11-20 Jane Doe.md": f"---\ntype: interview\nperson: Jane\n"
            f"company: Acme\nrole: Engineer\nstatus: planned\n---\n{BODY}",
            **settings,
        },
    )


@pytest.mark.parametrize(
    "settings",
    [
        {".obsidian/templates.json": '{"folder": "Meta/Templates"}'},
        {".obsidian/templates.json": '{"folder": "/Meta/Templates/"}'},
        {
            ".obsidian/plugins/templater-obsidian/data.json": json.dumps(
                {
                    "command_timeout": 5,
                    "templates_folder": "Meta/Templates",
                    "trigger_on_file_creation": True,
                }
            )
        },
        {  # core Templates unset (Obsidian writes an empty folder): Templater's is used
            ".obsidian/templates.json": '{"folder": ""}',
            ".obsidian/plugins/templater-obsidian/data.json": json.dumps(
                {"templates_folder": "Meta/Templates"}
            ),
        },
    ],
)
def test_the_templates_folder_comes_from_obsidian_or_templater(
    tmp_path: Path, settings: dict[str, str]
) -> None:
    root = _vault_with_templates_in(tmp_path, settings)
    assert load_config(root).templates == "Meta/Templates"
    code, out = _run(root, "check")
    assert code == 0, out  # the template, with its placeholders, is not linted as a note
    assert "Meta/Templates" not in out and "1 interview note" in out


def test_obsidians_folder_wins_over_templaters_and_the_config_over_both(tmp_path: Path) -> None:
    root = make_vault(
        tmp_path,
        {
            ".obsidian/templates.json": '{"folder": "Obsidian templates"}',
            ".obsidian/plugins/templater-obsidian/data.json": '{"templates_folder": "Tp"}',
        },
    )
    assert load_config(root).templates == "Obsidian templates"
    (root / ".vault-tools.toml").write_text('[interviews]\ntemplates = "Mine"\n')
    assert load_config(root).templates == "Mine"
    (root / ".vault-tools.toml").write_text('timezone = "Europe/Berlin"\n')
    assert load_config(root).templates == "Obsidian templates"


@pytest.mark.parametrize(
    "content",
    [
        b"not json at all {",
        b'["Meta/Templates"]',
        b'{"folder": 42}',
        b'{"folder": "../outside"}',
        b'{"folder": "Meta/../../etc"}',
        b'{"folder": "C:/Users/me/Templates"}',
        b'{"folder": "a\\u0000b"}',
        b'{"folder": "' + b"x" * 300 + b'"}',
        b"\xff\xfe\x00garbage",
        b"[" * 100_000 + b"]" * 100_000,  # deeper than json.loads can go
        b'{"folder": "Meta/Templates", "pad": "' + b" " * MAX_SETTINGS_BYTES + b'"}',
    ],
)
def test_bad_obsidian_settings_are_ignored(tmp_path: Path, content: bytes) -> None:
    root = make_vault(tmp_path, {".obsidian/templates.json": content})
    assert load_config(root).templates == "Templates"
    code, out = _run(root, "check")
    assert code == 0, out


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX-only")
def test_settings_that_are_a_pipe_or_a_folder_do_not_hang_or_fail(tmp_path: Path) -> None:
    (tmp_path / ".obsidian/plugins/templater-obsidian/data.json").mkdir(parents=True)
    os.mkfifo(tmp_path / ".obsidian/templates.json")  # nobody ever writes to it
    assert load_config(tmp_path).templates == "Templates"


def test_a_changed_templates_json_is_seen_through_the_cache(tmp_path: Path) -> None:
    root = _vault_with_templates_in(tmp_path, {".obsidian/templates.json": '{"folder": "Other"}'})
    first = _run(root, "check", "--format", "json")  # fills the cache
    assert first[0] == 1 and "Meta/Templates/Interview.md" in first[1]
    assert "Meta/Templates/Interview.md" in _indexed(root)
    (root / ".obsidian/templates.json").write_text('{"folder": "Meta/Templates"}')
    cached = _run(root, "check", "--format", "json")
    uncached = _run(root, "check", "--format", "json", "--no-cache")
    assert cached == uncached
    assert cached[0] == 0 and "Meta/Templates" not in cached[1]
    assert _indexed(root) == _indexed(root, "--no-cache") == ["Interviews/2026-11-20 Jane Doe.md"]
