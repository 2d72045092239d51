"""Issue #11 point 4: people, companies and roles as people write them.

``person`` may be a list of one or more people (a conversation with two people): each is
a person of the note, with their own last contact and keep-in-touch item, and the note's
own rows and items show them joined. ``company`` and ``role`` may be links, shown without
brackets (the alias when the link has one); unquoted ones still read, with VT105. A
Markdown link names the person its target names. The notes are written as Obsidian's
Properties panel, Templater and a hand-edited Markdown link leave them.
"""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from conftest import AS_OF, findings, make_vault

from vault_tools.cli import cli

BODY_DONE = """# Informational interview

## Objectives
- Learn how the team ships data products.

## Research
- Staff data engineers at Acme since 2021.

## Questions
- How did you move from analytics into engineering?

## Notes
- Started with one dbt project.

## Takeaways
- Start from the consumer.

## Reflection
### What went well
- Listened more than I talked.
### What to improve
- Ask about hiring sooner.

## Follow-up
- [ ] Share the article on data contracts
"""

# As Obsidian's Properties panel writes a list property with two links (a block list),
# saved on Windows: CRLF and a BOM.
TWO_PEOPLE = (
    "---\n"
    "person:\n"
    '  - "[[Jane Doe]]"\n'
    '  - "[[People/John Roe|John]]"\n'
    "company: Acme Corp\n"
    "role: Staff Data Engineer\n"
    "status: done\n"
    "date: 2026-11-20T15:00\n"
    "tags:\n"
    "  - interview\n"
    "---\n" + BODY_DONE
)


def _windows(text: str) -> bytes:
    return ("\ufeff" + text.replace("\n", "\r\n")).encode("utf-8")


def _note(person: str, company: str = "Acme Corp", role: str = "Engineer", **keys: str) -> str:
    extra = "".join(f"{k}: {v}\n" for k, v in keys.items())
    return (
        f"---\nperson: {person}\ncompany: {company}\nrole: {role}\nstatus: done\n"
        f"date: 2026-08-03\n{extra}---\n" + BODY_DONE
    )


def _json(root: Path, *args: str) -> dict:  # type: ignore[type-arg]
    result = CliRunner().invoke(
        cli,
        [*args, "--vault", str(root), "--as-of", AS_OF.isoformat(), "--format", "json"],
        catch_exceptions=False,
    )
    assert result.exit_code in (0, 1), result.output
    data: dict = json.loads(result.stdout)  # type: ignore[type-arg]
    return data


def _check(root: Path) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["check", "--vault", str(root), "--as-of", AS_OF.isoformat()])
    return result.exit_code, result.stdout


# --------------------------------------------------------------------------------------------
# person as a list of people


def test_a_list_of_two_people_is_no_finding() -> None:
    assert findings(_windows(TWO_PEOPLE)) == []  # not VT102 "should be text, not a list"


def test_the_index_shows_both_people_joined(tmp_path: Path) -> None:
    root = make_vault(
        tmp_path / "v", {"Interviews/2026-11-20 Jane and John.md": _windows(TWO_PEOPLE)}
    )
    (row,) = _json(root, "index")["notes"]
    assert row["person"] == "Jane Doe, John Roe"  # John by his link's target, not "John"
    assert row["last_contact"] == "2026-11-20"


def test_each_person_of_the_note_gets_a_keep_in_touch_item(tmp_path: Path) -> None:
    root = make_vault(
        tmp_path / "v", {"Interviews/2026-11-20 Jane and John.md": _windows(TWO_PEOPLE)}
    )
    items = _json(root, "followups", "--all")["items"]
    keep = sorted((i["person"], i["due"]) for i in items if i["kind"] == "keep-in-touch")
    assert keep == [("Jane Doe", "2027-02-18"), ("John Roe", "2027-02-18")]
    # The note's own items are the note's, once: one thank-you, to both of them.
    thanks = [i for i in items if i["kind"] == "thank-you"]
    assert [(i["person"], i["title"]) for i in thanks] == [
        ("Jane Doe, John Roe", "Send a thank-you note to Jane Doe, John Roe")
    ]


def test_a_joint_conversation_is_a_contact_of_each_person(tmp_path: Path) -> None:
    # Jane's own interview in August; then a conversation with Jane and John in November
    # (written as a flow list): Jane's last contact is November's, so her keep-in-touch item
    # counts from it, and there is one item for her, not one per note.
    root = make_vault(
        tmp_path / "v",
        {
            "Interviews/2026-08-03 Jane Doe.md": _note(
                '"[[Jane Doe]]"', thank_you_sent="2026-08-04"
            ),
            "Interviews/2026-11-20 Jane and John.md": TWO_PEOPLE.replace(
                'person:\n  - "[[Jane Doe]]"\n  - "[[People/John Roe|John]]"\n',
                'person: ["[[Jane Doe]]", "[[John Roe]]"]\n',
            ),
        },
    )
    rows = {r["path"]: r for r in _json(root, "index")["notes"]}
    assert rows["Interviews/2026-08-03 Jane Doe.md"]["last_contact"] == "2026-11-20"
    items = _json(root, "followups", "--all")["items"]
    keep = sorted((i["person"], i["due"]) for i in items if i["kind"] == "keep-in-touch")
    assert keep == [("Jane Doe", "2027-02-18"), ("John Roe", "2027-02-18")]


def test_a_planned_follow_up_in_a_joint_note_holds_both_keep_in_touch_items(
    tmp_path: Path,
) -> None:
    planned = TWO_PEOPLE.replace("status: done\n", "status: done\nfollow_up: 2026-12-15\n")
    root = make_vault(tmp_path / "v", {"Interviews/2026-11-20 Jane and John.md": planned})
    kinds = [(i["kind"], i["person"]) for i in _json(root, "followups", "--all")["items"]]
    assert ("follow-up", "Jane Doe, John Roe") in kinds
    assert not [k for k in kinds if k[0] == "keep-in-touch"]


def test_a_list_holding_a_number_is_still_the_wrong_type() -> None:
    assert ("VT102", 2) in findings(
        TWO_PEOPLE.replace('  - "[[People/John Roe|John]]"\n', "  - 42\n")
    )


# --------------------------------------------------------------------------------------------
# company and role as links


def test_company_and_role_links_are_shown_without_brackets(tmp_path: Path) -> None:
    root = make_vault(
        tmp_path / "v",
        {
            "Interviews/2026-08-03 Jane Doe.md": _note(
                '"[[Jane Doe]]"', company='"[[Acme Corp|Acme]]"', role='"[[Roles/Staff Engineer]]"'
            )
        },
    )
    assert findings(_note('"[[Jane Doe]]"', company='"[[Acme Corp]]"')) == []
    (row,) = _json(root, "index")["notes"]
    assert (row["company"], row["role"]) == ("Acme", "Staff Engineer")
    digest = _json(root, "digest", "--week", "2026-W32")
    (held,) = digest["interviews"]
    assert (held["company"], held["role"]) == ("Acme", "Staff Engineer")


def test_unquoted_company_and_role_links_still_read_with_vt105(tmp_path: Path) -> None:
    text = _note('"[[Jane Doe]]"', company="[[Acme Corp]]", role="[[Data Engineer]]")
    assert findings(text) == [("VT105", 3), ("VT105", 4)]  # not VT102, and not VT106 missing
    root = make_vault(tmp_path / "v", {"Interviews/2026-08-03 Jane Doe.md": text})
    (row,) = _json(root, "index")["notes"]
    assert (row["company"], row["role"]) == ("Acme Corp", "Data Engineer")
    code, out = _check(root)
    assert code == 0, out
    assert 'write company: "[[Acme Corp]]"' in out
    assert 'write role: "[[Data Engineer]]"' in out


# --------------------------------------------------------------------------------------------
# Markdown links as people


def test_a_markdown_link_names_the_person_its_target_names(tmp_path: Path) -> None:
    # Obsidian with "Use [[Wikilinks]]" off writes Markdown links, the space as %20. The note
    # and a wikilinked note of the same person are one person: one keep-in-touch item.
    root = make_vault(
        tmp_path / "v",
        {
            "Interviews/2026-08-03 Jane Doe.md": _note(
                '"[Jane](People/Jane%20Doe.md)"', thank_you_sent="2026-08-04"
            ),
            "Interviews/2026-11-20 Jane Doe.md": TWO_PEOPLE.replace(
                'person:\n  - "[[Jane Doe]]"\n  - "[[People/John Roe|John]]"\n',
                'person: "[[Jane Doe]]"\n',
            ),
        },
    )
    assert findings(_note('"[Jane](People/Jane%20Doe.md)"')) == []
    rows = {r["path"]: r["person"] for r in _json(root, "index")["notes"]}
    assert rows["Interviews/2026-08-03 Jane Doe.md"] == "Jane Doe"
    items = _json(root, "followups", "--all")["items"]
    keep = [(i["person"], i["due"]) for i in items if i["kind"] == "keep-in-touch"]
    assert keep == [("Jane Doe", "2027-02-18")]


def test_a_markdown_link_to_a_web_page_names_the_person_by_its_text() -> None:
    from vault_tools.note import person_names

    assert person_names("[Jane Doe](https://www.linkedin.com/in/janedoe)") == ("Jane Doe",)
    assert person_names("[Jane](<People/Jane Doe.md>)") == ("Jane Doe",)


def test_a_block_list_of_unquoted_links_reads_both_and_the_fix_keeps_both(
    tmp_path: Path,
) -> None:
    # Typed by hand in source mode: "- [[Jane Doe]]" is, to YAML, a list inside a list.
    text = TWO_PEOPLE.replace('"[[Jane Doe]]"', "[[Jane Doe]]").replace(
        '"[[People/John Roe|John]]"', "[[John Roe]]"
    )
    assert findings(text) == [("VT105", 2)]  # not VT102: still a list of people
    root = make_vault(tmp_path / "v", {"Interviews/2026-11-20 Jane and John.md": text})
    (row,) = _json(root, "index")["notes"]
    assert row["person"] == "Jane Doe, John Roe"
    code, out = _check(root)
    assert code == 0, out
    assert 'write person: ["[[Jane Doe]]", "[[John Roe]]"]' in out  # not only Jane
