"""`vault-tools check --fix` and `check --diff` end to end (SPEC "Fixes" and "Safety").

What a user relies on: --fix leaves only findings it cannot fix (and running it again
changes nothing); --diff writes nothing and prints a patch that gives exactly what --fix
writes; fixable findings are marked ([*], "fix" in JSON); each kind of fix changes only what
it names and keeps every other byte (CRLF and BOM included); a note that changed on disk, or
is read-only, is left alone with a warning. Every test works on a temporary copy; the corpus
tests only read ../shared/corpus.

The expected notes of the fix-kind tests are written here by hand from SPEC's wording, not
copied from a run.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from conftest import AS_OF, CORPUS, copy_sample_vault, make_vault
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import vault_tools.editing
from vault_tools.cli import cli
from vault_tools.config import Config
from vault_tools.editing import fixed_bytes
from vault_tools.interview import make_context
from vault_tools.linter import lint_note
from vault_tools.note import parse_note

BOM = "\ufeff"
CACHE = ".vault-tools"

# --------------------------------------------------------------------------------------------
# Helpers


def invoke(vault: Path, *args: str) -> Result:
    runner = CliRunner(catch_exceptions=False)
    return runner.invoke(cli, [*args, "--vault", str(vault), "--as-of", AS_OF.isoformat()])


def snapshot(root: Path, with_cache: bool = True) -> dict[str, str]:
    """Every file under ``root`` (relative path -> SHA-256); ``with_cache=False`` leaves
    out the tool's own cache folder, which a run without --no-cache may write."""
    found: dict[str, str] = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if not with_cache and (rel == CACHE or rel.startswith(CACHE + "/")):
            continue
        if path.is_file() and not path.is_symlink():
            found[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
        elif path.is_symlink():
            found[rel] = "-> " + os.readlink(path)
    return found


def diagnostics(result: Result) -> list[dict[str, Any]]:
    payload = json.loads(result.stdout)
    found: list[dict[str, Any]] = payload["diagnostics"]
    return found


def what(d: dict[str, Any]) -> tuple[str, str, str]:
    """A finding without its position (a fix above it moves it)."""
    return (d["path"], d["rule"], d["message"])


def fixable(found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [d for d in found if d["fix"] is not None]


def lines_with_ends(text: str) -> list[str]:
    """A note's lines with their endings, split where editors split (CRLF, CR, LF)."""
    return re.findall(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$", text)


def apply_by_hand(raw: bytes, edits: list[dict[str, Any]]) -> bytes:
    """A fix's JSON edits applied to the note's lines as SPEC describes a line edit: replace
    ``remove`` lines from ``line`` with ``insert``, new lines taking the file's ending."""
    text = raw.decode("utf-8")
    bom = text.startswith(BOM)
    lines = lines_with_ends(text[1:] if bom else text)
    newline = next((m.group() for m in re.finditer(r"\r\n|\r|\n", text)), "\n")
    for edit in sorted(edits, key=lambda e: e["line"], reverse=True):
        at = edit["line"] - 1
        removed = lines[at : at + edit["remove"]]
        new = [item + newline for item in edit["insert"]]
        if new and removed:
            ending = removed[-1][len(removed[-1].rstrip("\r\n")) :]
            new[-1] = edit["insert"][-1] + ending
        lines[at : at + edit["remove"]] = new
    return ((BOM if bom else "") + "".join(lines)).encode("utf-8")


def crlf_bom(text: str) -> str:
    """The same note as a Windows editor saves it: CRLF endings and a BOM."""
    return BOM + text.replace("\n", "\r\n")


def git_apply(folder: Path, patch: bytes, check: bool) -> subprocess.CompletedProcess[bytes]:
    """``git apply`` (``--check`` when asked) of ``patch`` in ``folder``, outside any
    repository (GIT_CEILING_DIRECTORIES keeps git from finding one above the tmp folder).
    Bytes: click's ``Result.stdout`` turns CRLF into LF, so the patch is its stdout_bytes."""
    env = {**os.environ, "GIT_CEILING_DIRECTORIES": str(folder.parent)}
    args = ["git", "apply", *(["--check"] if check else []), "-"]
    return subprocess.run(args, cwd=folder, input=patch, capture_output=True, env=env, check=False)


needs_git = pytest.mark.skipif(
    shutil.which("git") is None, reason="git is not installed: git apply checks the diff"
)


# --------------------------------------------------------------------------------------------
# 1. --fix on sample_vault: only unfixable findings remain; a second run changes nothing

KARIM = "Interviews/2026-11-19 Karim Haddad.md"
NADIA = "Interviews/2026-11-26 Nadia Karim.md"
PLACEHOLDER = '<% tp.system.prompt("Role") %> (fill it in, or delete the line)'

#: Findings a fix is expected to reveal or reword, and why.
#: - VT201's fix adds "## Takeaways" empty (SPEC: "added as an empty heading"), so the
#:   done note now has an empty required section: VT202, until the user fills it in.
#: - VT110 names the key as written: once VT111 renamed "Role:" to "role:", its message
#:   says "role" (the same finding, reworded).
REVEALED = [
    (KARIM, "VT202", 'section "Takeaways" is empty (required when status is done)'),
    (NADIA, "VT110", f'"role" holds a placeholder left from a template: {PLACEHOLDER}'),
]
REWORDED = [(NADIA, "VT110", f'"Role" holds a placeholder left from a template: {PLACEHOLDER}')]


def test_fix_leaves_only_unfixable_findings_and_a_second_fix_changes_nothing(
    tmp_path: Path,
) -> None:
    vault = copy_sample_vault(tmp_path / "v")
    before_files = snapshot(vault, with_cache=False)
    before = diagnostics(invoke(vault, "check", "--format", "json"))
    to_fix = fixable(before)
    assert to_fix, "sample_vault has fixable findings"
    fixed_paths = {d["path"] for d in to_fix}

    first = invoke(vault, "check", "--fix", "--format", "json")
    assert first.exit_code == 1, first.output  # errors nothing can fix remain
    assert f"fixed {len(to_fix)} findings in {len(fixed_paths)} notes" in first.stderr
    after = diagnostics(first)
    assert fixable(after) == []
    expected = Counter(map(what, before)) - Counter(map(what, to_fix)) - Counter(REWORDED)
    expected += Counter(REVEALED)
    assert Counter(map(what, after)) == expected

    after_files = snapshot(vault, with_cache=False)
    assert after_files.keys() == before_files.keys()
    changed = {rel for rel in after_files if after_files[rel] != before_files[rel]}
    assert changed == fixed_paths
    # Notes without a fix keep their findings where they were, line and column.
    untouched = [d for d in before if d["path"] not in fixed_paths]
    assert [d for d in after if d["path"] not in fixed_paths] == untouched

    second = invoke(vault, "check", "--fix", "--format", "json")
    assert snapshot(vault, with_cache=False) == after_files
    assert "fixed" not in second.stderr
    assert second.exit_code == first.exit_code
    assert diagnostics(second) == after

    diff = invoke(vault, "check", "--diff")
    assert diff.exit_code == 0, diff.output
    assert diff.stdout == ""
    assert "nothing to fix" in diff.stderr
    assert snapshot(vault, with_cache=False) == after_files


# --------------------------------------------------------------------------------------------
# 2. --diff writes nothing, and its patch gives what --fix writes


@needs_git
def test_diff_writes_nothing_and_its_patch_gives_what_fix_writes(tmp_path: Path) -> None:
    shown = copy_sample_vault(tmp_path / "shown")
    fixed = copy_sample_vault(tmp_path / "fixed")
    before = snapshot(shown)

    result = invoke(shown, "check", "--diff", "--no-cache")
    assert result.exit_code == 1, result.output
    assert snapshot(shown) == before  # nothing written, no cache either
    assert result.stdout.startswith("--- a/Interviews/")
    to_fix = fixable(diagnostics(invoke(fixed, "check", "--format", "json", "--no-cache")))
    notes = len({d["path"] for d in to_fix})
    assert f"would fix {len(to_fix)} findings in {notes} notes" in result.stderr

    checked = git_apply(shown, result.stdout_bytes, check=True)
    assert checked.returncode == 0, checked.stderr
    assert invoke(fixed, "check", "--fix", "--no-cache").exit_code == 1
    applied = git_apply(shown, result.stdout_bytes, check=False)
    assert applied.returncode == 0, applied.stderr
    assert snapshot(shown) == snapshot(fixed)
    assert snapshot(shown) != before


@needs_git
def test_diff_of_a_crlf_note_applies_to_it(tmp_path: Path) -> None:
    """A vault checked out on Windows (git's autocrlf) holds CRLF notes: the patch CI prints
    must apply to them as they are, giving what --fix writes."""
    note = crlf_bom(
        "---\nperson: [[Jane Doe]]\ncompany: Acme\nrole: PM\nstatus: planned\n---\n"
        "# Jane\n\n## Objectives\n- learn\n"
    )
    shown = make_vault(tmp_path / "shown", {"Interviews/2026-11-20 Jane Doe.md": note})
    fixed = make_vault(tmp_path / "fixed", {"Interviews/2026-11-20 Jane Doe.md": note})
    result = invoke(shown, "check", "--diff", "--no-cache")
    assert result.exit_code == 1, result.output
    invoke(fixed, "check", "--fix", "--no-cache")
    checked = git_apply(shown, result.stdout_bytes, check=True)
    assert checked.returncode == 0, checked.stderr
    git_apply(shown, result.stdout_bytes, check=False)
    assert snapshot(shown) == snapshot(fixed)


# --------------------------------------------------------------------------------------------
# 3. Marks: [*] in text, the fixable count on stderr, "fix" in JSON

TEXT_LINE = re.compile(
    r"^(?P<path>.+?):(?P<line>\d+):(?P<column>\d+): (?P<rule>VT\d{3}) "
    r"(?P<severity>error|warning): (?P<mark>\[\*\] )?(?P<message>.*)$"
)


def test_text_marks_exactly_the_fixable_findings_and_the_summary_counts_them(
    tmp_path: Path,
) -> None:
    vault = copy_sample_vault(tmp_path / "v")
    found = diagnostics(invoke(vault, "check", "--format", "json", "--no-cache"))
    text = invoke(vault, "check", "--no-cache")
    lines = text.stdout.splitlines()
    assert len(lines) == len(found)
    for line, d in zip(lines, found, strict=True):
        m = TEXT_LINE.match(line)
        assert m is not None, line
        assert (m["path"], int(m["line"]), m["rule"], m["message"]) == (
            d["path"],
            d["line"],
            d["rule"],
            d["message"],
        )
        assert (m["mark"] is not None) == (d["fix"] is not None), line
    count = len(fixable(found))
    assert count == sum(": [*] " in line for line in lines) > 0
    assert text.stderr.rstrip("\n").endswith(f"; [*] {count} fixable with --fix")


def test_summary_says_nothing_of_fixes_when_none_is_fixable(tmp_path: Path) -> None:
    vault = make_vault(
        tmp_path / "v",
        {"Interviews/a.md": "---\nperson: Jane\nstatus: waiting\n---\n# Jane\n"},
    )
    result = invoke(vault, "check", "--no-cache")
    assert "VT103" in result.stdout and "[*]" not in result.stdout
    assert "fixable" not in result.stderr


def test_json_fix_has_its_shape_and_its_edits_give_what_fix_writes(tmp_path: Path) -> None:
    vault = copy_sample_vault(tmp_path / "v")
    fixed = copy_sample_vault(tmp_path / "fixed")
    found = diagnostics(invoke(vault, "check", "--format", "json", "--no-cache"))
    for d in found:
        assert "fix" in d
        fix = d["fix"]
        if fix is None:
            continue
        assert set(fix) == {"message", "edits"} and isinstance(fix["message"], str)
        assert fix["edits"]
        for edit in fix["edits"]:
            assert set(edit) == {"line", "remove", "insert"}
            assert isinstance(edit["line"], int) and edit["line"] >= 1
            assert isinstance(edit["remove"], int) and edit["remove"] >= 0
            assert all(isinstance(line, str) for line in edit["insert"])
    invoke(fixed, "check", "--fix", "--no-cache")
    per_note = Counter(d["path"] for d in fixable(found))
    single = [d for d in fixable(found) if per_note[d["path"]] == 1]
    assert len(single) >= 3  # Karim Haddad (VT201), Tom Becker (VT102), Priya Nair (VT105)
    for d in single:
        raw = (vault / d["path"]).read_bytes()
        by_hand = apply_by_hand(raw, d["fix"]["edits"])
        assert by_hand != raw
        assert by_hand == (fixed / d["path"]).read_bytes(), d["path"]


# --------------------------------------------------------------------------------------------
# 4. Each kind of fix, on notes shaped like real users' (LF, and CRLF with a BOM)

OBJECTIVES = "# Jane\n\n## Objectives\n- learn how the team works\n"
FRONT = 'person: "[[Jane Doe]]"\ncompany: Acme\nrole: PM\n'

#: (name, the note, the note after --fix): both written by hand from SPEC.
CASES: list[tuple[str, str, str]] = [
    (
        "VT105 scalars",
        "---\nperson: [[Jane Doe]]\ncompany: [[Acme]]  # the parent company\nrole: PM\n"
        "status: planned\n---\n" + OBJECTIVES,
        '---\nperson: "[[Jane Doe]]"\ncompany: "[[Acme]]"  # the parent company\nrole: PM\n'
        "status: planned\n---\n" + OBJECTIVES,
    ),
    (
        "VT105 block list",
        "---\nperson:\n  - [[A]]\n  - [[B]] # co-host\ncompany: Acme\nrole: PM\n"
        "status: planned\n---\n" + OBJECTIVES,
        '---\nperson:\n  - "[[A]]"\n  - "[[B]]" # co-host\ncompany: Acme\nrole: PM\n'
        "status: planned\n---\n" + OBJECTIVES,
    ),
    (
        "VT105 block list quoted in part",  # half done by hand: the rest is quoted
        '---\nperson:\n  - [[A]]\n  - "[[B]]"\ncompany: Acme\nrole: PM\n'
        "status: planned\n---\n" + OBJECTIVES,
        '---\nperson:\n  - "[[A]]"\n  - "[[B]]"\ncompany: Acme\nrole: PM\n'
        "status: planned\n---\n" + OBJECTIVES,
    ),
    (
        "VT111 Templater keys",
        '---\nType: interview\nPerson: "[[Jane Doe]]"\ncompany: Acme\nrole: PM\n'
        "Status:   requested  # set by Templater\nrequested: 2026-11-18\n"
        "Thank-you-sent: 2026-11-21\n---\n" + OBJECTIVES,
        '---\ntype: interview\nperson: "[[Jane Doe]]"\ncompany: Acme\nrole: PM\n'
        "status:   requested  # set by Templater\nrequested: 2026-11-18\n"
        "thank_you_sent: 2026-11-21\n---\n" + OBJECTIVES,
    ),
    *[
        (
            f"VT102 {written}",
            f"---\n{FRONT}status: requested\nrequested: {written}  # asked on LinkedIn\n---\n"
            + OBJECTIVES,
            f"---\n{FRONT}status: requested\nrequested: {iso}  # asked on LinkedIn\n---\n"
            + OBJECTIVES,
        )
        for written, iso in [
            ("2026/11/20", "2026-11-20"),
            ("20 Nov 2026", "2026-11-20"),
            ("Nov 20, 2026", "2026-11-20"),
            ("20.11.2026", "2026-11-20"),
            ('"2026/11/20"', '"2026-11-20"'),  # its quotes are kept
            ("'20 Nov 2026'", "'2026-11-20'"),
        ]
    ],
    (
        "VT102 date with a time",
        f"---\n{FRONT}status: scheduled\ndate: 20 Nov 2026 3pm\n---\n"
        "# Jane\n\n## Objectives\n- learn\n\n## Research\nHer talk.\n\n## Questions\n- How?\n",
        f"---\n{FRONT}status: scheduled\ndate: 2026-11-20T15:00\n---\n"
        "# Jane\n\n## Objectives\n- learn\n\n## Research\nHer talk.\n\n## Questions\n- How?\n",
    ),
    (
        "VT102 nudged block list",
        f"---\n{FRONT}status: requested\nrequested: 2026-11-10\nnudged:\n  - 2026/11/20\n"
        "  - 2026-11-24\n---\n" + OBJECTIVES,
        f"---\n{FRONT}status: requested\nrequested: 2026-11-10\nnudged:\n  - 2026-11-20\n"
        "  - 2026-11-24\n---\n" + OBJECTIVES,
    ),
    (
        "VT102 nudged flow list",  # the shape `tags: [interview]` notes use
        f"---\n{FRONT}status: requested\nrequested: 2026-11-10\n"
        "nudged: [2026/11/20, 2026-11-24]\n---\n" + OBJECTIVES,
        f"---\n{FRONT}status: requested\nrequested: 2026-11-10\n"
        "nudged: [2026-11-20, 2026-11-24]\n---\n" + OBJECTIVES,
    ),
]

DONE_NOTE = (
    f"---\n{FRONT}status: done\ndate: 2026-11-20\n---\n"
    "# Jane\n\n## Objectives\n- learn how the team works\n\n## Notes\nShe said things.\n\n"
    "## Reflection\n### What went well\nI listened.\n### What to improve\nFewer notes.\n"
)
# The built-in template's order: Objectives, Research, Questions, Notes, Takeaways,
# Reflection, Follow-up; each missing heading goes before the next present one (with a
# blank line after it), or at the end after a blank line.
CASES.append(
    (
        "VT201 built-in template",
        DONE_NOTE,
        f"---\n{FRONT}status: done\ndate: 2026-11-20\n---\n"
        "# Jane\n\n## Objectives\n- learn how the team works\n\n"
        "## Research\n\n## Questions\n\n"
        "## Notes\nShe said things.\n\n"
        "## Takeaways\n\n"
        "## Reflection\n### What went well\nI listened.\n### What to improve\nFewer notes.\n"
        "\n## Follow-up\n",
    )
)

#: A vault's own template, with decorated headings and an order of its own (Questions
#: before Research, Takeaways after Reflection).
DECORATED_TEMPLATE = (
    '---\ntype: interview\nperson: "{{person}}"\nstatus: planned\n---\n'
    "# Interview with {{person}}\n\n## 🎯 Objectives\n<!-- what to learn -->\n\n"
    "## ❓ Questions\n\n## 🔎 Research\n\n## 📝 Notes\n\n"
    "## 🪞 Reflection\n### What went well\n### What to improve\n\n"
    "## 💡 Takeaways\n\n## 📬 Follow-up\n- [ ] Send a thank-you note\n"
)
DECORATED_FIXED = (
    f"---\n{FRONT}status: done\ndate: 2026-11-20\n---\n"
    "# Jane\n\n## Objectives\n- learn how the team works\n\n"
    "## ❓ Questions\n\n## 🔎 Research\n\n"
    "## Notes\nShe said things.\n\n"
    "## Reflection\n### What went well\nI listened.\n### What to improve\nFewer notes.\n"
    "\n## 💡 Takeaways\n\n## 📬 Follow-up\n"
)

NOTE = "Interviews/2026-11-20 Jane Doe.md"
ENCODINGS: dict[str, Callable[[str], str]] = {"lf": lambda text: text, "crlf+bom": crlf_bom}


def fix_one(root: Path, note: str, extra: dict[str, str] | None = None) -> tuple[bytes, Result]:
    vault = make_vault(root, {NOTE: note, **(extra or {})})
    result = invoke(vault, "check", "--fix", "--format", "json", "--no-cache")
    return (vault / NOTE).read_bytes(), result


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize(("name", "note", "expected"), CASES, ids=[c[0] for c in CASES])
def test_each_fix_changes_only_what_it_names(
    tmp_path: Path, name: str, note: str, expected: str, encoding: str
) -> None:
    code = name.split()[0]
    encode = ENCODINGS[encoding]
    vault = make_vault(tmp_path / "v", {NOTE: encode(note)})
    before = diagnostics(invoke(vault, "check", "--format", "json", "--no-cache"))
    offered = [d["fix"] for d in before if d["rule"] == code]
    assert offered and None not in offered, f"{code} offers no fix: {before}"
    result = invoke(vault, "check", "--fix", "--format", "json", "--no-cache")
    written = (vault / NOTE).read_bytes()
    assert written == encode(expected).encode("utf-8")
    assert "fixed" in result.stderr
    assert fixable(diagnostics(result)) == []
    assert not any(d["rule"] == code for d in diagnostics(result))


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_missing_sections_are_written_as_the_vault_template_writes_them(
    tmp_path: Path, encoding: str
) -> None:
    encode = ENCODINGS[encoding]
    written, result = fix_one(
        tmp_path / "v", encode(DONE_NOTE), {"Templates/Interview.md": DECORATED_TEMPLATE}
    )
    assert written == encode(DECORATED_FIXED).encode("utf-8")
    left = {(d["rule"], d["message"]) for d in diagnostics(result)}
    assert not any(rule == "VT201" for rule, _ in left)
    # Added empty: VT202 says so until the user writes something under each.
    for name in ("Research", "Questions", "Takeaways", "Follow-up"):
        assert ("VT202", f'section "{name}" is empty (required when status is done)') in left


NOT_FIXED = {
    "ambiguous day": (
        f"---\n{FRONT}status: requested\nrequested: 03/04/2026\n---\n" + OBJECTIVES,
        "VT102",
    ),
    "words": (f"---\n{FRONT}status: requested\nrequested: next week\n---\n" + OBJECTIVES, "VT102"),
    "key written twice": (
        f"---\n{FRONT}Status: planned\nstatus: planned\n---\n" + OBJECTIVES,
        "VT111",
    ),
}


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize("case", NOT_FIXED)
def test_what_has_no_safe_fix_is_reported_and_left_as_it_is(
    tmp_path: Path, case: str, encoding: str
) -> None:
    note, code = NOT_FIXED[case]
    raw = ENCODINGS[encoding](note).encode("utf-8")
    vault = make_vault(tmp_path / "v", {NOTE: raw})
    result = invoke(vault, "check", "--fix", "--format", "json", "--no-cache")
    assert (vault / NOTE).read_bytes() == raw
    assert "fixed" not in result.stderr
    left = diagnostics(result)
    assert [d["fix"] for d in left if d["rule"] == code] == [None]
    if case == "key written twice":
        assert any(d["rule"] == "VT107" for d in left)
    diff = invoke(vault, "check", "--diff", "--no-cache")
    assert (diff.exit_code, diff.stdout) == (0, "")


# --------------------------------------------------------------------------------------------
# 5. Safety: a note that changed meanwhile, a read-only note, options that contradict

TWO_NOTES = {
    "Interviews/2026-11-20 Jane Doe.md": (
        "---\nperson: [[Jane Doe]]\ncompany: Acme\nrole: PM\nstatus: planned\n---\n" + OBJECTIVES
    ),
    "Interviews/2026-11-21 Bo Li.md": (
        "---\nperson: [[Bo Li]]\ncompany: Acme\nrole: PM\nstatus: planned\n---\n" + OBJECTIVES
    ),
}
JANE, BO = sorted(TWO_NOTES)


def test_a_note_saved_between_plan_and_write_is_left_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    vault = make_vault(tmp_path / "v", TWO_NOTES)
    typed = (TWO_NOTES[JANE] + "\nShe replied!\n").encode("utf-8")
    real_plan = vault_tools.editing.plan_fixes

    def plan_then_the_user_saves(*args: Any, **kwargs: Any) -> Any:
        planned = real_plan(*args, **kwargs)
        (vault / JANE).write_bytes(typed)  # the editor saves, after the plan was made
        return planned

    monkeypatch.setattr(vault_tools.editing, "plan_fixes", plan_then_the_user_saves)
    result = invoke(vault, "check", "--fix", "--format", "json", "--no-cache")
    assert (vault / JANE).read_bytes() == typed
    assert re.search(rf"warning: left {re.escape(JANE)} alone: .*changed on disk", result.stderr)
    assert (vault / BO).read_bytes() == TWO_NOTES[BO].replace("[[Bo Li]]", '"[[Bo Li]]"').encode(
        "utf-8"
    )
    assert "fixed 1 finding in 1 note" in result.stderr
    left = [d for d in diagnostics(result) if d["rule"] == "VT105"]
    assert [d["path"] for d in left] == [JANE]  # still to fix, and still fixable
    assert left[0]["fix"] is not None


def test_a_read_only_note_is_left_alone_with_a_warning(tmp_path: Path) -> None:
    vault = make_vault(tmp_path / "v", TWO_NOTES)
    (vault / JANE).chmod(0o444)
    try:
        result = invoke(vault, "check", "--fix", "--no-cache")
        assert (vault / JANE).read_text(encoding="utf-8") == TWO_NOTES[JANE]
        assert (vault / JANE).stat().st_mode & 0o777 == 0o444
    finally:
        (vault / JANE).chmod(0o644)
    assert f"warning: left {JANE} alone: {JANE} is read-only" in result.stderr
    assert '"[[Bo Li]]"' in (vault / BO).read_text(encoding="utf-8")
    assert "fixed 1 finding in 1 note" in result.stderr


def test_a_symlinked_note_is_left_alone_with_a_warning(tmp_path: Path) -> None:
    """The link is read (it lies in the vault), but never written through."""
    vault = make_vault(tmp_path / "v", {"Archive/real.md": TWO_NOTES[JANE]})
    (vault / JANE).parent.mkdir(parents=True)
    (vault / JANE).symlink_to(Path("..") / "Archive" / "real.md")
    result = invoke(vault, "check", "--fix", "--no-cache")
    assert "VT105" in result.stdout  # it was checked, and its finding is still there
    assert f"warning: left {JANE} alone: " in result.stderr and "symlink" in result.stderr
    assert (vault / JANE).is_symlink()
    assert (vault / "Archive" / "real.md").read_text(encoding="utf-8") == TWO_NOTES[JANE]


@pytest.mark.parametrize(
    "extra",
    [("--write",), ("--format", "json"), ("--format", "text"), ("--fix", "--write")],
    ids=" ".join,
)
def test_diff_with_an_option_that_writes_or_formats_is_a_usage_error(
    tmp_path: Path, extra: tuple[str, ...]
) -> None:
    vault = copy_sample_vault(tmp_path / "v")
    before = snapshot(vault)
    result = invoke(vault, "check", "--diff", *extra, "--no-cache")
    assert result.exit_code == 2, result.output
    assert "--diff" in result.stderr
    assert result.stdout == ""
    assert snapshot(vault) == before


# --------------------------------------------------------------------------------------------
# 6. The real corpus: --diff never crashes nor writes; every file's fixes hold and settle


def corpus_sources() -> list[Path]:
    return sorted(p for p in CORPUS.iterdir() if p.is_dir()) if CORPUS.is_dir() else []


SOURCES = corpus_sources()
SOURCE_IDS = [p.name for p in SOURCES]
EVERY_NOTE = Config(folders=("",))
needs_corpus = pytest.mark.skipif(
    not CORPUS.is_dir(), reason="../shared/corpus is absent (fresh clone)"
)


def markdown_files(source: Path) -> list[Path]:
    return sorted(p for p in source.rglob("*") if p.is_file() and p.suffix.lower() == ".md")


@needs_corpus
@pytest.mark.parametrize("source", SOURCES or [None], ids=SOURCE_IDS or ["absent"])
def test_diff_on_every_corpus_source_neither_crashes_nor_writes(source: Path) -> None:
    before = snapshot(source)
    result = invoke(source, "check", "--diff", "--no-cache")
    assert result.exit_code in (0, 1), result.output
    assert snapshot(source) == before


@needs_corpus
@pytest.mark.parametrize("source", SOURCES or [None], ids=SOURCE_IDS or ["absent"])
def test_every_corpus_file_fixed_reparses_and_fixing_again_changes_nothing(
    source: Path,
) -> None:
    """Every note taken as an interview, so every rule (and every fix) runs on it."""
    ctx = make_context(Path("/nonexistent-vault"), EVERY_NOTE, AS_OF)
    problems: list[str] = []
    paths = markdown_files(source)
    assert paths, f"{source} holds no Markdown"
    for path in paths:
        rel = path.relative_to(source).as_posix()
        raw = path.read_bytes()
        new, fixed = fixed_bytes(rel, raw, ctx)
        if new == raw:
            if fixed:
                problems.append(f"{rel}: {len(fixed)} fixed, but nothing changed")
            continue
        before, after = parse_note(rel, raw), parse_note(rel, new)
        if after.frontmatter_kind != before.frontmatter_kind:
            problems.append(
                f"{rel}: front matter {before.frontmatter_kind} became {after.frontmatter_kind}"
            )
            continue
        free = {key for d in fixed if d.fix for key in d.fix.keys}
        old, now = before.frontmatter or {}, after.frontmatter or {}
        for key in (set(old) | set(now)) - free:
            if old.get(key) != now.get(key):
                problems.append(f"{rel}: {key!r} changed though no fix names it")
        if len(after.problems) > len(before.problems):
            problems.append(f"{rel}: the fix added a parse problem: {after.problems}")
        again, refixed = fixed_bytes(rel, new, ctx)
        if again != new or refixed:
            problems.append(f"{rel}: a second fix changed it again ({len(refixed)} fixed)")
    assert not problems, "\n".join(problems)


# --------------------------------------------------------------------------------------------
# 7. Generated notes: whatever mix of fixable and unfixable values, the fixes hold and settle

#: Front matter lines users write, fixable or not; each group is one key.
KEY_LINES: dict[str, list[str]] = {
    "person": [
        "person: [[Jane Doe]]",
        'person: "[[Jane Doe]]"',
        "Person: [[Jane Doe]]",
        "person:\n  - [[A]]\n  - [[B]] # co-host",
    ],
    "company": ["company: [[Acme]]", "Company: Acme", 'company: "Acme"  # parent'],
    "role": ["role: PM", "Role: [[PM]]"],
    "status": ["status: done", "Status: requested", "status: planned", "status: scheduled"],
    "date": ["date: 20 Nov 2026 3pm", "date: 2026/11/20", "date: 2026-11-20", "date: next week"],
    "requested": [
        "requested: 20.11.2026",
        "Requested: Nov 20, 2026",
        "requested: 03/04/2026",
        "requested: '2026/11/20'",
    ],
    "thank_you_sent": ["Thank-you-sent: 2026-11-21", "thank_you_sent: 20 Nov 2026"],
    "nudged": ["nudged:\n  - 2026/11/20\n  - 2026-11-24", "nudged: 2026-11-24"],
    "tags": ["tags: [interview]", "# set by Templater"],
}
SECTION_NAMES = ("Objectives", "Research", "Questions", "Notes", "Takeaways", "Reflection")


FRONT_LINES = st.lists(
    st.sampled_from(sorted(KEY_LINES)).flatmap(lambda key: st.sampled_from(KEY_LINES[key])),
    max_size=9,
)
SECTIONS = st.lists(
    st.tuples(st.sampled_from(SECTION_NAMES), st.sampled_from(["", "- a point\n", "How?\n"])),
    max_size=6,
)


@settings(
    max_examples=100,  # about 1 s; tests/test_properties.py holds the long-running ones
    derandomize=bool(os.environ.get("CI")),  # CI sees the same examples on every run
    deadline=None,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(FRONT_LINES, SECTIONS, st.booleans(), st.booleans())
def test_generated_notes_fixes_hold_keep_bytes_and_settle(
    front: list[str], sections: list[tuple[str, str]], crlf: bool, bom: bool
) -> None:
    body = "# Jane\n" + "".join(f"\n## {name}\n{text}" for name, text in sections)
    text = "---\n" + "".join(line + "\n" for line in front) + "---\n" + body
    if crlf:
        text = text.replace("\n", "\r\n")
    raw = ((BOM if bom else "") + text).encode("utf-8")
    ctx = make_context(Path("/nonexistent-vault"), EVERY_NOTE, AS_OF)
    rel = "Interviews/note.md"

    new, fixed = fixed_bytes(rel, raw, ctx)
    assert (new != raw) == bool(fixed)
    assert new.startswith(BOM.encode("utf-8")) == bom
    if crlf:
        assert b"\n" not in new.replace(b"\r\n", b"")  # every new line takes CRLF too
    else:
        assert b"\r" not in new
    old_lines = lines_with_ends(raw.decode("utf-8").removeprefix(BOM))
    new_lines = lines_with_ends(new.decode("utf-8").removeprefix(BOM))
    close = old_lines.index(old_lines[0], 1)  # the closing ---, as the opening writes it
    # Front matter fixes rewrite a line in place; sections are added to the body only.
    assert new_lines.index(new_lines[0], 1) == close
    remaining = iter(new_lines[close:])
    assert all(line in remaining for line in old_lines[close:])  # the body, in order

    before, after = parse_note(rel, raw), parse_note(rel, new)
    assert after.frontmatter_kind == before.frontmatter_kind
    free = {key for d in fixed if d.fix for key in d.fix.keys}
    old, now = before.frontmatter or {}, after.frontmatter or {}
    assert {k: v for k, v in old.items() if k not in free} == {
        k: v for k, v in now.items() if k not in free
    }
    left = {(d.rule, d.message) for d in lint_note(after, ctx)}
    assert not left & {(d.rule, d.message) for d in fixed}
    assert fixed_bytes(rel, new, ctx) == (new, [])


def test_a_fix_planted_in_the_cache_is_never_applied(tmp_path: Path) -> None:
    """A cache is data from the vault's folder (a stranger's, maybe): --fix works its fixes
    out again from the note it reads, so a crafted fix in the cache writes nothing."""
    import sqlite3

    note = '---\nperson: "[[Jane Doe]]"\ncompany: Acme\nstatus: planned\n---\n## Objectives\n- x\n'
    root = make_vault(tmp_path / "v", {"Interviews/jane.md": note})
    time.sleep(2.5)  # past the "racy" window: the cache keeps the note's row as it is
    base = ["--vault", str(root), "--as-of", AS_OF.isoformat()]
    runner = CliRunner()
    runner.invoke(cli, ["check", *base], catch_exceptions=False)  # the snapshot, too
    first = runner.invoke(cli, ["check", "--format", "json", *base], catch_exceptions=False)
    (finding,) = json.loads(first.stdout)["diagnostics"]  # VT106: no "role", no fix
    assert finding["rule"] == "VT106" and finding["fix"] is None
    planted = ["add the role", [[1, 5, ["PWNED"]]], []]
    db = sqlite3.connect(root / ".vault-tools" / "cache.sqlite")
    with db:
        for (lint,) in db.execute("SELECT lint FROM files WHERE lint IS NOT NULL").fetchall():
            rows = json.loads(lint)
            db.execute(
                "UPDATE files SET lint = ? WHERE lint = ?",
                (json.dumps([[*row[:5], planted] for row in rows]), lint),
            )
        for (result,) in db.execute("SELECT result FROM snapshot").fetchall():
            checked, rows = json.loads(result)
            made = [[*row[:6], planted] for row in rows]
            db.execute("UPDATE snapshot SET result = ?", (json.dumps([checked, made]),))
    db.close()
    shown = runner.invoke(cli, ["check", "--format", "json", *base], catch_exceptions=False)
    assert json.loads(shown.stdout)["diagnostics"][0]["fix"]["edits"][0]["insert"] == ["PWNED"]
    fixed = runner.invoke(cli, ["check", "--fix", *base], catch_exceptions=False)
    assert fixed.exit_code == 0
    assert (root / "Interviews/jane.md").read_text("utf-8") == note
    assert "fixed" not in fixed.stderr
