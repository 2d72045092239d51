"""Facts: what reports read of an interview note, as data the cache keeps.

A note's facts go to data and back unchanged; values JSON cannot hold exactly give no data;
data read back from a cache (which anyone can craft) is checked field by field, and
anything off is refused without an exception.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import json
import math
import shutil
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import AS_OF, SAMPLE_VAULT
from hypothesis import given, settings
from hypothesis import strategies as st

from vault_tools import app
from vault_tools.app import Session
from vault_tools.config import Config
from vault_tools.dates import date_range, iso_week
from vault_tools.interview import (
    FACT_KEYS,
    FACTS_VERSION,
    MAX_FACT_DEPTH,
    Context,
    Facts,
    facts_key,
    facts_of,
    make_context,
)
from vault_tools.note import Note, Task, parse_note
from vault_tools.reports.followups import followups_report
from vault_tools.store.sync import load_interview_notes

NOWHERE = Path("/nonexistent-vault")


def context(config: Config | None = None, as_of: dt.date = AS_OF) -> Context:
    return make_context(NOWHERE, config or Config(), as_of)


def note(text: str, path: str = "Interviews/a.md") -> Note:
    return parse_note(path, textwrap.dedent(text).encode("utf-8"))


def through_json(facts: Facts) -> Facts | None:
    """The facts as the cache keeps them: data, JSON text, data again."""
    data = facts.to_data()
    assert data is not None
    return Facts.from_data(json.loads(json.dumps(data, allow_nan=False)))


def same(a: Any, b: Any) -> bool:
    """Equal, and of the same types all the way down (``1 == 1.0 == True`` is not enough)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


JANE = note(
    """\
    ---
    type: interview
    person: "[[People/Jane Doe|Jane]]"
    company: Acme
    role: Staff Engineer
    status: done
    requested: 2026-11-06
    date: 2026-11-20T15:00
    follow_up: 2026-12-15
    keep_in_touch: 60d
    tags: [interview]
    location: Berlin
    ---
    # Jane

    ## Research
    <!-- What do you know about them? -->

    ## Takeaways
    - Platform teams own the pipelines.

    ## Reflection
    ### What went well
    - Listened.
    ### What to improve
    - Talked too much.

    ## Follow-up
    - [x] Send thank-you note ✅ 2026-11-20
    - [ ] Share the article 📅 2026-11-28

    ## Notes
    - [ ] Not a follow-up task
    """
)


# --------------------------------------------------------------------------------------------
# What the facts of a note are


def test_the_facts_of_a_note() -> None:
    facts = facts_of(JANE, context())
    assert facts.path == "Interviews/a.md" and facts.readable
    assert dict(facts.values) == {
        "person": "[[People/Jane Doe|Jane]]",
        "company": "Acme",
        "role": "Staff Engineer",
        "status": "done",
        "requested": "2026-11-06",
        "date": "2026-11-20T15:00",
        "follow_up": "2026-12-15",
        "keep_in_touch": "60d",
    }  # raw values: dates are read at report time, with the vault's zone
    assert facts.key_line("status") == JANE.key_line("status") == 6
    assert facts.key_line("thank_you_sent") == 1  # absent, as Note.key_line
    assert facts.get("thank_you_sent") is None
    assert [t.text for t in facts.tasks] == ["Send thank-you note", "Share the article"]
    assert facts.unprepared == ("Research", "Questions")  # a prompt only; no Questions
    assert facts.takeaways == ("Platform teams own the pipelines.",)
    assert (facts.went_well, facts.to_improve) == (("Listened.",), ("Talked too much.",))


def test_facts_keep_only_the_keys_reports_read_and_refuse_to_guess_others() -> None:
    facts = facts_of(JANE, context())
    assert set(facts.values) <= set(FACT_KEYS)
    with pytest.raises(KeyError, match="location"):
        facts.get("location")
    with pytest.raises(KeyError, match="tags"):
        facts.key_line("tags")


def test_facts_depend_on_neither_as_of_nor_the_time_zone() -> None:
    first = facts_of(JANE, context())
    later = facts_of(JANE, context(Config(timezone="Pacific/Auckland"), dt.date(2030, 1, 1)))
    assert first == later
    assert facts_key(context()) == facts_key(
        context(Config(timezone="Pacific/Auckland"), dt.date(2030, 1, 1))
    )


def test_the_facts_key_changes_with_section_names_and_templates(tmp_path: Path) -> None:
    plain = facts_key(context())
    renamed = facts_key(context(Config(aliases={"Follow-up": ("Next moves",)})))
    (tmp_path / "Templates").mkdir()
    (tmp_path / "Templates/Interview.md").write_text("## Research\n- Who are they?\n")
    templated = facts_key(make_context(tmp_path, Config(), AS_OF))
    assert len({plain, renamed, templated}) == 3


def test_an_unreadable_note_has_no_facts_but_its_path() -> None:
    facts = facts_of(parse_note("Interviews/u.md", b"interview \xff\xfe"), context())
    assert facts == Facts("Interviews/u.md", False, {}, {}, (), (), (), (), ())
    assert through_json(facts) == facts


# --------------------------------------------------------------------------------------------
# (a) Round trips


def sample_notes() -> list[Note]:
    paths = sorted(SAMPLE_VAULT.rglob("*.md"))
    assert len(paths) >= 20
    return [parse_note(p.relative_to(SAMPLE_VAULT).as_posix(), p.read_bytes()) for p in paths]


@pytest.mark.parametrize("item", sample_notes(), ids=lambda n: n.path)
def test_every_sample_vault_note_round_trips(item: Note) -> None:
    ctx = make_context(SAMPLE_VAULT, Config(), AS_OF)
    facts = facts_of(item, ctx)
    data = facts.to_data()
    assert data is not None
    assert Facts.from_data(data) == facts
    back = through_json(facts)
    assert back == facts
    assert back is not None and same(back.to_data(), data)


SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20)
)
PLAIN = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=12,
)
#: Values YAML can make that JSON cannot hold exactly.
NOT_PLAIN = (
    st.sets(st.integers(), min_size=1, max_size=3)
    | st.binary(max_size=4)
    | st.tuples(st.integers())
    | st.sampled_from([math.nan, math.inf, -math.inf, dt.date(2026, 11, 20)])
    | st.dictionaries(st.integers(), st.text(max_size=3), min_size=1, max_size=2)
)
BODY_LINES = st.lists(
    st.sampled_from(
        [
            "## Follow-up",
            "## Next steps",
            "## Research",
            "## Questions",
            "## Takeaways",
            "## Reflection",
            "### What went well",
            "### What to improve",
            "## Notes",
            "- [ ] Call back 📅 2026-11-30",
            "- [x] Sent thanks ✅ 2026-11-21",
            "- [-] Dropped",
            "- [ ] Ask [due:: 2026-12-01]",
            "- An item",
            "1. How did you start?",
            "Some prose.",
            "<!-- a prompt -->",
            "```",
            "",
        ]
    ),
    max_size=25,
)


def made_note(values: dict[str, Any], body: list[str]) -> Note:
    """A parsed note with these front matter values (each key on its own line) and body."""
    return Note(
        path="Interviews/h.md",
        lines=tuple(body),
        frontmatter=values,
        has_frontmatter=True,
        frontmatter_kind="mapping",
        key_lines={key: i + 2 for i, key in enumerate(values)},
        body_start=1,
    )


@settings(derandomize=True, max_examples=150, deadline=None)
@given(st.dictionaries(st.sampled_from([*FACT_KEYS, "tags", "type"]), PLAIN), BODY_LINES)
def test_generated_front_matter_values_round_trip(values: dict[str, Any], body: list[str]) -> None:
    facts = facts_of(made_note(values, body), context())
    data = facts.to_data()
    assert data is not None
    assert Facts.from_data(data) == facts
    back = through_json(facts)
    assert back == facts and back is not None
    assert same(back.to_data(), data)
    assert all(same(back.get(key), values.get(key)) for key in FACT_KEYS)


@settings(derandomize=True, max_examples=150, deadline=None)
@given(
    st.sampled_from(FACT_KEYS),
    st.recursive(NOT_PLAIN, lambda inner: st.lists(inner, min_size=1, max_size=2), max_leaves=3),
    st.dictionaries(st.sampled_from(FACT_KEYS), PLAIN, max_size=3),
)
def test_generated_values_json_cannot_hold_give_no_data(
    key: str, odd: Any, others: dict[str, Any]
) -> None:
    facts = facts_of(made_note({**others, key: odd}, []), context())
    assert facts.to_data() is None


# --------------------------------------------------------------------------------------------
# (b) What JSON cannot hold exactly gives no data


def short_id(value: Any) -> str:
    """A test id: the value's repr, cut short (a huge int has no repr under the limit)."""
    try:
        text = repr(value)
    except ValueError:
        return f"int of {value.bit_length()} bits"
    return text if len(text) <= 40 else f"{type(value).__name__} {text[:30]}..."


def deep_list(levels: int) -> Any:
    value: Any = "bottom"
    for _ in range(levels):
        value = [value]
    return value


@pytest.mark.parametrize(
    "value",
    [
        {"a", "b"},
        frozenset({1}),
        b"bytes",
        bytearray(b"x"),
        ("a", "tuple"),
        [("a", 1)],  # YAML's !!omap and !!pairs
        {1: "int key"},
        {"ok": {None: "null key"}},
        {("a",): 1},
        10**5000,  # str() refuses it under Python's int-digit limit
        -(10**5000),
        math.nan,
        math.inf,
        -math.inf,
        [1.0, math.nan],
        dt.date(2026, 11, 20),
        object(),
        deep_list(MAX_FACT_DEPTH + 1),
    ],
    ids=short_id,
)
def test_values_json_cannot_hold_exactly_give_no_data(value: Any) -> None:
    facts = facts_of(made_note({"person": value, "status": "done"}, []), context())
    assert facts.to_data() is None


@pytest.mark.parametrize(
    "front",
    [
        "person: !!set {a, b}",
        "person: !!binary aGVsbG8=",
        "person: !!omap [{a: 1}]",
        "date: .nan",
        "date: -.inf",
        "person: {1: one}",
        # (A hex number too long for str() is read as its text: tests/test_value_limits.py.)
    ],
)
def test_front_matter_json_cannot_hold_gives_no_data(front: str) -> None:
    parsed = note(f"---\nstatus: done\n{front}\n---\n# x\n")
    assert parsed.frontmatter is not None and len(parsed.frontmatter) == 2
    assert facts_of(parsed, context()).to_data() is None


@pytest.mark.parametrize(
    "value",
    [
        10**300,
        2**64,
        -0.0,
        1e308,
        5e-324,
        "\ud800 lone surrogate",  # YAML's "\ud800": JSON holds it as an escape
        "\x00nul",
        deep_list(MAX_FACT_DEPTH - 1),
        {"": [None, True, 0, 0.5, {"x": []}]},
    ],
    ids=short_id,
)
def test_values_json_holds_exactly_round_trip(value: Any) -> None:
    facts = facts_of(made_note({"person": value}, []), context())
    back = through_json(facts)
    assert back == facts and back is not None and same(back.get("person"), value)


def test_facts_made_by_hand_with_bad_fields_give_no_data() -> None:
    good = facts_of(JANE, context())
    task = Task(3, "x", "Thanks", None, "2026-11-20")
    for bad in (
        Facts(1, True, {}, {}, (), (), (), (), ()),  # type: ignore[arg-type]
        Facts("a.md", 1, {}, {}, (), (), (), (), ()),  # type: ignore[arg-type]
        Facts("a.md", True, {"location": "x"}, {}, (), (), (), (), ()),
        Facts("a.md", True, {"status": "x"}, {"status": True}, (), (), (), (), ()),
        Facts("a.md", True, {}, {"status": 2}, (), (), (), (), ()),
        Facts("a.md", True, {}, {}, (Task(0, "x", "t", None, None),), (), (), (), ()),
        Facts("a.md", True, {}, {}, (Task(1, "xx", "t", None, None),), (), (), (), ()),
        Facts("a.md", True, {}, {}, ("not a task",), (), (), (), ()),  # type: ignore[arg-type]
        Facts("a.md", True, {}, {}, (), ("Notes",), (), (), ()),
        Facts("a.md", True, {}, {}, (), ("Questions", "Research"), (), (), ()),
        Facts("a.md", True, {}, {}, (), (), (1,), (), ()),  # type: ignore[arg-type]
        Facts("a.md", False, {}, {}, (task,), (), (), (), ()),
        Facts("a.md", True, {}, ["abc"], (), (), (), (), ()),  # type: ignore[arg-type]
        Facts("a.md", True, {}, 7, (), (), (), (), ()),  # type: ignore[arg-type]
        Facts("a.md", True, [("person", "x")], {}, (), (), (), (), ()),  # type: ignore[arg-type]
    ):
        assert bad.to_data() is None, bad
    assert good.to_data() is not None


# --------------------------------------------------------------------------------------------
# (c) Data read back from a cache: anything off is refused, never raised


def good_data() -> dict[str, Any]:
    data = facts_of(JANE, context()).to_data()
    assert data is not None
    return copy.deepcopy(data)


def changed(**fields: Any) -> dict[str, Any]:
    data = good_data()
    data.update(fields)
    return data


def without(key: str) -> dict[str, Any]:
    data = good_data()
    del data[key]
    return data


def with_task(task: Any) -> dict[str, Any]:
    return changed(tasks=[task])


class Evil:
    """Fails the test if anything compares, iterates or measures it."""

    def __eq__(self, other: object) -> bool:
        raise AssertionError("compared")

    __hash__ = object.__hash__  # so it can be a key: hashing it runs nothing of ours

    def __iter__(self) -> Any:
        raise AssertionError("iterated")

    def __len__(self) -> int:
        raise AssertionError("measured")

    def __repr__(self) -> str:
        return "Evil()"


class SneakyStr(str):
    def __eq__(self, other: object) -> bool:
        raise AssertionError("compared")

    __hash__ = str.__hash__


class SneakyDict(dict[str, Any]):
    def keys(self) -> Any:
        raise AssertionError("called")


class SneakyInt(int):
    pass


def shared_lists(levels: int) -> Any:
    value: Any = []
    for _ in range(levels):
        value = [value, value]  # 2**levels paths through a few dozen lists
    return value


def deep_dict(levels: int) -> Any:
    value: Any = {}
    for _ in range(levels):
        value = {"person": value}
    return value


TASK = [41, "x", "Send thank-you note", None, "2026-11-20"]
TASK_FIELDS = ("line", "status", "text", "due", "completed")

CRAFTED: dict[str, Any] = {
    # not facts at all
    "none": None,
    "int": 7,
    "bool": True,
    "str": "facts",
    "bytes": b"{}",
    "list": [],
    "list of good data": [good_data()],
    "tuple": tuple(good_data().items()),
    "empty dict": {},
    "pickle-like": {"__reduce__": ["os.system", ["echo pwned"]]},
    "pickle-like beside the fields": changed(__reduce__=["os.system", ["echo"]]),
    "a python class marker": changed(__class__="Facts"),
    "evil object": Evil(),
    "dict subclass": SneakyDict(good_data()),
    "evil key": {Evil(): 1, **good_data()},
    "int key": {1: "x", **good_data()},
    # the version
    "no version": without("version"),
    "another version": changed(version=FACTS_VERSION + 1),
    "version as bool": changed(version=True),
    "version as text": changed(version=str(FACTS_VERSION)),
    "version as float": changed(version=float(FACTS_VERSION)),
    # path
    "no path": without("path"),
    "path as int": changed(path=1),
    "path as None": changed(path=None),
    "path as list": changed(path=["Interviews/a.md"]),
    "path as bytes": changed(path=b"Interviews/a.md"),
    "path as str subclass": changed(path=SneakyStr("Interviews/a.md")),
    # readable
    "readable as int": changed(readable=1),
    "readable as text": changed(readable="true"),
    "readable as None": changed(readable=None),
    "unreadable with values": changed(readable=False),
    "unreadable with tasks only": changed(
        readable=False, values={}, key_lines={}, unprepared=[], takeaways=[], went_well=[]
    ),
    # values
    "values as list": changed(values=[["person", "Jane"]]),
    "values as text": changed(values="person: Jane"),
    "values as None": changed(values=None),
    "values with another key": changed(values={"location": "Berlin"}, key_lines={}),
    "values with an int key": changed(values={1: "x"}, key_lines={}),
    "values with a set": changed(values={"person": {"Jane"}}, key_lines={}),
    "values with bytes": changed(values={"person": b"Jane"}, key_lines={}),
    "values with a tuple": changed(values={"person": ("Jane",)}, key_lines={}),
    "values with NaN": changed(values={"date": math.nan}, key_lines={}),
    "values with inf": changed(values={"date": math.inf}, key_lines={}),
    "values with a huge int": changed(values={"date": 10**5000}, key_lines={}),
    "values with an int subclass": changed(values={"date": SneakyInt(3)}, key_lines={}),
    "values with a str subclass": changed(values={"person": SneakyStr("J")}, key_lines={}),
    "values with an object": changed(values={"person": Evil()}, key_lines={}),
    "values nested too deep": changed(values={"person": deep_list(100_000)}, key_lines={}),
    "values of dicts nested too deep": changed(values=deep_dict(5_000), key_lines={}),
    "values that share lists": changed(values={"person": shared_lists(60)}, key_lines={}),
    "values too many": changed(values={"person": [0] * 200_000}, key_lines={}),
    "values with an evil nested key": changed(values={"person": {Evil(): 1}}, key_lines={}),
    # key_lines
    "key_lines as list": changed(key_lines=[["person", 3]]),
    "key_lines with a bool": changed(key_lines={"person": True}),
    "key_lines with zero": changed(key_lines={"person": 0}),
    "key_lines negative": changed(key_lines={"person": -3}),
    "key_lines as text": changed(key_lines={"person": "3"}),
    "key_lines as float": changed(key_lines={"person": 3.0}),
    "key_lines as None": changed(key_lines={"person": None}),
    "key_lines of an absent key": changed(key_lines={"thank_you_sent": 9}),
    "key_lines of another key": changed(key_lines={"location": 9}),
    # tasks
    "tasks as text": changed(tasks="- [ ] Call"),
    "tasks as dict": changed(tasks={"41": TASK}),
    "tasks as None": changed(tasks=None),
    "task as text": with_task("- [x] Thanks"),
    "task as dict": with_task(dict(zip(TASK_FIELDS, TASK, strict=True))),
    "task as tuple": with_task(tuple(TASK)),
    "task too short": with_task(TASK[:4]),
    "task too long": with_task([*TASK, "extra"]),
    "task empty": with_task([]),
    "task line as bool": with_task([True, *TASK[1:]]),
    "task line zero": with_task([0, *TASK[1:]]),
    "task line as text": with_task(["41", *TASK[1:]]),
    "task line as float": with_task([41.0, *TASK[1:]]),
    "task status empty": with_task([41, "", *TASK[2:]]),
    "task status too long": with_task([41, "xx", *TASK[2:]]),
    "task status as None": with_task([41, None, *TASK[2:]]),
    "task text as int": with_task([41, "x", 5, None, None]),
    "task text as list": with_task([41, "x", ["a"], None, None]),
    "task due as int": with_task([41, "x", "t", 20261120, None]),
    "task due as bool": with_task([41, "x", "t", False, None]),
    "task completed as list": with_task([41, "x", "t", None, ["2026-11-20"]]),
    # unprepared
    "unprepared as text": changed(unprepared="Research"),
    "unprepared twice": changed(unprepared=["Research", "Research"]),
    "unprepared out of order": changed(unprepared=["Questions", "Research"]),
    "unprepared another section": changed(unprepared=["Notes"]),
    "unprepared as None": changed(unprepared=None),
    "unprepared with None": changed(unprepared=[None]),
    # what was learned
    "takeaways as text": changed(takeaways="Platform teams own the pipelines."),
    "takeaways with an int": changed(takeaways=[1]),
    "takeaways as None": changed(takeaways=None),
    "takeaways as tuple": changed(takeaways=("x",)),
    "went_well as dict": changed(went_well={"0": "Listened."}),
    "to_improve nested": changed(to_improve=[["Talked too much."]]),
    "no to_improve": without("to_improve"),
}


@pytest.mark.parametrize("data", list(CRAFTED.values()), ids=list(CRAFTED))
def test_crafted_data_is_refused_without_an_exception(data: Any) -> None:
    started = time.perf_counter()
    assert Facts.from_data(data) is None
    assert time.perf_counter() - started < 1.0  # refused quickly, however big or shared


def test_good_data_is_accepted_and_an_inert_lookalike_value_stays_data() -> None:
    assert Facts.from_data(good_data()) == facts_of(JANE, context())
    # A value that looks like a pickle's instructions is just a mapping the reports ignore.
    odd = changed(values={"person": {"__reduce__": ["os.system", ["echo"]]}}, key_lines={})
    facts = Facts.from_data(odd)
    assert facts is not None and facts.get("person") == {"__reduce__": ["os.system", ["echo"]]}


JSONISH = st.recursive(
    SCALARS | st.binary(max_size=3),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(max_size=8) | st.integers(), inner, max_size=4)
        | st.tuples(inner)
    ),
    max_leaves=10,
)


@settings(derandomize=True, max_examples=400, deadline=None)
@given(st.sampled_from(sorted(good_data())), JSONISH)
def test_any_field_replaced_by_anything_is_refused_or_round_trips(field: str, value: Any) -> None:
    data = changed(**{field: value})
    facts = Facts.from_data(data)
    if facts is not None:
        assert same(facts.to_data(), data)


@settings(derandomize=True, max_examples=200, deadline=None)
@given(JSONISH)
def test_anything_at_all_is_refused_without_an_exception(value: Any) -> None:
    assert Facts.from_data(value) is None


# --------------------------------------------------------------------------------------------
# (d) Reports made of facts read back from data are the reports made of the notes


@pytest.fixture(scope="module")
def sample_session(tmp_path_factory: pytest.TempPathFactory) -> Session:
    root = tmp_path_factory.mktemp("facts") / "vault"
    shutil.copytree(SAMPLE_VAULT, root)
    return Session.open(root, AS_OF)


def read_back(facts: list[Facts]) -> list[Facts]:
    back = [through_json(f) for f in facts]
    assert all(f is not None for f in back)
    return [f for f in back if f is not None]


PERIODS = [
    iso_week("2026-W47"),
    iso_week("2026-W43"),
    date_range(dt.date(2026, 8, 1), dt.date(2026, 11, 30)),
]


@pytest.mark.parametrize("zone", [None, "UTC", "Pacific/Auckland", "America/Los_Angeles"])
def test_reports_of_facts_read_back_are_the_reports_of_the_notes(
    sample_session: Session, zone: str | None
) -> None:
    session = sample_session
    notes, _ = load_interview_notes(session.root, session.config, session.listing())
    assert len(notes) >= 15
    facts = session.interview_facts()
    assert facts == [facts_of(n, session.context()) for n in notes]
    back = read_back(facts)
    # Facts hold no dates read in a zone: the same facts serve every zone and as-of.
    config = dataclasses.replace(session.config, timezone=zone)
    for as_of in (AS_OF, dt.date(2026, 10, 25), dt.date(2027, 3, 1)):
        ctx = make_context(session.root, config, as_of)
        made_here = [facts_of(n, ctx) for n in notes]
        assert made_here == facts
        for horizon, everything in ((0, False), (7, False), (30, True)):
            report = followups_report(made_here, ctx, as_of, horizon, everything)
            assert followups_report(back, ctx, as_of, horizon, everything) == report
        assert app.index_of(back, ctx) == app.index_of(made_here, ctx)
        assert app.index_of(back, ctx).to_json() == app.index_of(made_here, ctx).to_json()
        for period in PERIODS:
            digest = app.digest_of(made_here, ctx, period)
            assert app.digest_of(back, ctx, period) == digest
            assert app.digest_of(back, ctx, period).to_json() == digest.to_json()
