"""Issue #11 points 1 and 8: which notes are interviews, and the files that never are.

Point 1: ``type`` as text, a link or a list of either, matched ignoring case against the
configured types (``[interviews] type`` a string or a list); tags ignoring case and a
leading ``#``, a nested tag by its first segment. Point 8: plugin data files (Excalidraw
drawings, Kanban boards) are skipped wherever they lie.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import AS_OF, make_vault

from vault_tools.app import read_config as load_config
from vault_tools.cli import cli
from vault_tools.config import Config
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
