"""Differential test: whatever happens to a vault, the cache answers as ``--no-cache`` does.

SPEC, Safety: "A result from the cache is the result without it." A seeded random sequence
of what happens to a real vault (edits, an edit that keeps size and mtime, renames,
deletions, swaps, ``cp -p``-style replacements, new notes, config and template changes, a
new day, another time zone, two commands at once) runs on a small vault; after every step
each reading command runs with the cache and with ``--no-cache``, and their exit codes and
stdout must be equal.

Only the command line is used (in this process for most runs; the ``vault-tools`` script
for commands run at the same time), so the test holds across a rewrite of the cache. A
failure names the seed, the step and every operation so far: replay it with
``pytest tests/test_differential.py -k "seed_N"`` and read the listed operations.
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
import random
import re
import subprocess
import sys
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from vault_tools.cli import cli

#: Every reading command, as checked after each step (``--vault``/``--as-of`` added).
COMMANDS = (
    ("check",),
    ("check", "--format", "json"),
    ("index", "--format", "json"),
    ("followups", "--format", "json", "--all"),
    ("digest", "--format", "json", "--week", "2026-W47"),
)
AS_OFS = ("2026-11-20", "2026-11-23", "2026-11-27", "2026-12-01", "2026-12-20")
ZONES = ("UTC", "Asia/Tokyo", "America/Los_Angeles")
#: The vault is unpacked with one mtime "long ago" (the cache trusts such an mtime at once);
#: each save after that is an hour later, still long ago.
EPOCH = dt.datetime(2025, 1, 1, tzinfo=dt.UTC).timestamp()

SEEDS = (1, 2, 3, 4, 5, 6, 7, 8)
STEPS = 40


# --------------------------------------------------------------------------------------------
# Note texts

PEOPLE = ("Ana Souza", "Ben Okafo", "Cai Weiji", "Dee Patel", "Eva Lundh", "Femi Adel")
STATUSES = ("planned", "requested", "scheduled", "done", "declined", "waiting")
DATES = (
    "2026-11-20T15:00",
    "2026-11-18",
    "2026-11-20T23:30:00Z",  # Nov 21 east of UTC
    "2026-11-21T00:30:00+09:00",  # Nov 20 west of Tokyo
    "2026-10-28T10:00",
    "2026-12-02T09:30",
)


def interview(
    person: str, status: str, date: str, *, research: str = "Moved to Acme in 2023."
) -> str:
    return f"""\
---
type: interview
person: "[[{person}]]"
company: Acme Corp
role: Data Engineer
status: {status}
requested: 2026-11-10
date: {date}
thank_you_sent: 2026-11-20
keep_in_touch: 60d
tags: [interview]
---
## Objectives
- Learn how the data team works.
## Research
{research}
## Questions
1. How did you decide to move?
- Do you like the team?
## Notes
Platform team of six.
## Takeaways
- Platform teams own the pipelines.
## Reflection
### What went well
- Asked follow-up questions.
### What to improve
- Talked too much.
## Follow-up
- [ ] Share the article 📅 2026-11-28
- [x] Send thank-you note ✅ 2026-11-20
"""


def meeting(person: str) -> str:
    """A note in Meetings/ without type or tag: an interview only when the folder is."""
    return f"---\nperson: {person}\nstatus: planned\n---\n## Objectives\n- Catch up.\n"


def daily(day: str, tag: str = "daily") -> str:
    return f"---\ntags: [{tag}]\n---\n# {day}\nPrepared for an #interview today.\n"


def template(placeholder: str) -> str:
    return (
        '---\ntype: interview\nperson: "{{person}}"\nstatus: planned\n---\n'
        f"## Objectives\n<!-- goals -->\n## Research\n{placeholder}\n## Questions\n1. \n"
    )


#: A Research text that is empty exactly when the template holds it as its prompt.
PROMPT = "TODO: look them up"

CONFIG_PARTS = {
    "folders": (
        'folders = ["Interviews"]',
        'folders = ["Interviews", "Meetings"]',
        'folders = [""]',
    ),
    "exclude": ("", 'exclude = ["Archive/**"]'),
    "nudge": ("", "nudge_days = 3", "nudge_days = 14"),
    "keep": ("", "keep_in_touch_days = 30"),
    "rules": ("", 'VT106 = "off"', 'VT301 = "error"', 'VT104 = "off"\nVT302 = "warning"'),
    "timezone": ("", 'timezone = "Asia/Tokyo"'),
}


def config(rng: random.Random) -> str:
    part = {name: rng.choice(choices) for name, choices in CONFIG_PARTS.items()}
    return (
        f"{part['timezone']}\n[interviews]\n{part['folders']}\n{part['exclude']}\n"
        f"[followups]\n{part['nudge']}\n{part['keep']}\n[rules]\n{part['rules']}\n"
    )


def initial_files(rng: random.Random) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    for i in range(rng.randint(10, 16)):
        person = PEOPLE[i % len(PEOPLE)]
        research = PROMPT if rng.random() < 0.2 else "Moved to Acme in 2023."
        text = interview(person, rng.choice(STATUSES), rng.choice(DATES), research=research)
        files[f"Interviews/i{i:02d}.md"] = text.encode()
    files["Interviews/latin1.md"] = interview("Gil Ramos", "done", DATES[0]).encode() + b"caf\xe9\n"
    for i in range(3):
        files[f"Meetings/m{i}.md"] = meeting(PEOPLE[i]).encode()
    for day in ("2026-11-19", "2026-11-20", "2026-11-21"):
        files[f"Daily/{day}.md"] = daily(day).encode()
    files["People/Ana Souza.md"] = b"---\nkeep_in_touch: 30d\nlast_contact: 2026-11-01\n---\n"
    files["Archive/old.md"] = interview("Hal Berg", "waiting", DATES[4]).encode()
    files["Templates/Interview.md"] = template(PROMPT).encode()
    files[".vault-tools.toml"] = config(rng).encode()
    return files


# --------------------------------------------------------------------------------------------
# The vault and what happens to it


def read(path: Path) -> str:
    return path.read_bytes().decode("utf-8", "surrogateescape")


@dataclass
class World:
    root: Path
    rng: random.Random
    as_of: str = "2026-11-27"
    tz: str = "UTC"
    clock: float = EPOCH
    done: list[str] = field(default_factory=list)  # the operations so far, for a replay

    def save(self, rel: str, text: str | bytes, *, mtime: float | None = None) -> Path:
        """Write a vault file as an editor saves it: a new, old-looking mtime each time."""
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        data = text if isinstance(text, bytes) else text.encode("utf-8", "surrogateescape")
        path.write_bytes(data)
        if mtime is None:
            self.clock += 3600
            mtime = self.clock
        os.utime(path, (mtime, mtime))
        return path

    def notes(self, folder: str = "") -> list[str]:
        """The Markdown files the user wrote (the template and the cache aside)."""
        found = []
        for path in sorted((self.root / folder).rglob("*.md")):
            rel = path.relative_to(self.root).as_posix()
            if not rel.startswith((".vault-tools/", "Templates/")):
                found.append(rel)
        return found

    def pick(self, folder: str = "") -> str | None:
        notes = self.notes(folder)
        return self.rng.choice(notes) if notes else None

    def pick_two(self) -> tuple[str, str] | None:
        notes = self.notes()
        if len(notes) < 2:
            return None
        a, b = self.rng.sample(notes, 2)
        return a, b


#: Same-size rewrites (each way): what an edit that keeps the size can change.
SAME_SIZE = (
    ("status: done", "status: dune"),
    ("status: planned", "status: planted"),
    ("- [ ] Share", "- [x] Share"),
    ("date: 2026-11-2", "date: 2026-11-1"),
    ("tags: [daily]", "tags: [intvw]"),
    ("tags: [interview]", "tags: [Interview]"),
)


def same_size_variant(rng: random.Random, text: str) -> str | None:
    options = [(a, b) for a, b in SAME_SIZE if a in text] + [
        (b, a) for a, b in SAME_SIZE if b in text
    ]
    if not options:
        return None
    old, new = rng.choice(options)
    return text.replace(old, new, 1)


def edit_status(w: World) -> str:
    rel = w.pick("Interviews") or w.pick()
    if rel is None:
        return "edit status: no note"
    status = w.rng.choice(STATUSES)
    text = re.sub(r"^status: .*$", f"status: {status}", read(w.root / rel), count=1, flags=re.M)
    w.save(rel, text)
    return f"edit status of {rel} to {status}"


def edit_date(w: World) -> str:
    rel = w.pick("Interviews")
    if rel is None:
        return "edit date: no note"
    date = w.rng.choice(DATES)
    text = re.sub(r"^date: .*$", f"date: {date}", read(w.root / rel), count=1, flags=re.M)
    w.save(rel, text)
    return f"edit date of {rel} to {date}"


SECTION_EDITS: dict[str, Callable[[str], str]] = {
    "drop Takeaways": lambda t: re.sub(r"## Takeaways\n(?:(?!##).*\n)*", "", t),
    "empty Notes": lambda t: re.sub(r"(## Notes\n)(?:(?!##).*\n)*", r"\1\n", t),
    "closed question": lambda t: t.replace("## Notes\n", "- Is it fun?\n## Notes\n", 1),
    "research is the prompt": lambda t: re.sub(
        r"(## Research\n)(?:(?!##).*\n)*", rf"\1{PROMPT}\n", t
    ),
    "tick every task": lambda t: t.replace("- [ ]", "- [x]"),
    "reflection without parts": lambda t: re.sub(
        r"(## Reflection\n)(?:(?!## ).*\n)*", r"\1It was fine.\n", t
    ),
    "tag as interview": lambda t: t.replace("tags: [daily]", "tags: [interview]"),
    "duplicate heading": lambda t: t + "## Notes\nMore notes.\n",
}


def edit_section(w: World) -> str:
    rel = w.pick()
    if rel is None:
        return "edit section: no note"
    name = w.rng.choice(list(SECTION_EDITS))
    w.save(rel, SECTION_EDITS[name](read(w.root / rel)))
    return f"edit {rel}: {name}"


def keep_size_and_mtime(path: Path, new: str) -> None:
    """Write ``new`` (as long as the old text) in place, then put the mtime back
    (``touch -r``): only the ctime says the file changed."""
    before = path.stat()
    path.write_bytes(new.encode("utf-8", "surrogateescape"))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))


def replace_keeping_mtime(path: Path, new: str) -> None:
    """Copy a version in as ``cp -p``/``rsync -t`` do: a new file (a new inode) with the old
    mtime, renamed over the note."""
    before = path.stat()
    staged = path.with_name(".replace.tmp")
    staged.write_bytes(new.encode("utf-8", "surrogateescape"))
    os.utime(staged, ns=(before.st_atime_ns, before.st_mtime_ns))
    os.replace(staged, path)


def swap_files(a: Path, b: Path) -> None:
    """Swap two notes' contents (and mtimes) through a temporary name."""
    temp = a.with_name(".swap.tmp")
    os.replace(a, temp)
    os.replace(b, a)
    os.replace(temp, b)


def edit_keeping_size_and_mtime(w: World) -> str:
    rel = w.pick()
    if rel is None:
        return "same-size edit: no note"
    new = same_size_variant(w.rng, read(w.root / rel))
    if new is None:
        return f"same-size edit of {rel}: nothing to change"
    keep_size_and_mtime(w.root / rel, new)
    return f"same-size edit of {rel}, mtime restored"


def replace_like_cp_p(w: World) -> str:
    rel = w.pick()
    if rel is None:
        return "cp -p: no note"
    text = read(w.root / rel)
    replace_keeping_mtime(w.root / rel, same_size_variant(w.rng, text) or text + "Copied in.\n")
    return f"cp -p style replacement of {rel}"


def rename(w: World) -> str:
    rel = w.pick()
    if rel is None:
        return "rename: no note"
    folder = w.rng.choice(("Interviews", "Meetings", "Archive", str(Path(rel).parent)))
    new = f"{folder}/r{w.rng.randrange(1000):03d}.md"
    if (w.root / new).exists():
        return f"rename {rel}: {new} exists"
    (w.root / new).parent.mkdir(parents=True, exist_ok=True)
    os.rename(w.root / rel, w.root / new)
    return f"rename {rel} to {new}"


def delete(w: World) -> str:
    rel = w.pick()
    if rel is None:
        return "delete: no note"
    (w.root / rel).unlink()
    return f"delete {rel}"


def swap(w: World) -> str:
    pair = w.pick_two()
    if pair is None:
        return "swap: fewer than two notes"
    swap_files(w.root / pair[0], w.root / pair[1])
    return f"swap {pair[0]} and {pair[1]}"


def add(w: World) -> str:
    folder = w.rng.choice(("Interviews", "Meetings", "Daily"))
    rel = f"{folder}/a{w.rng.randrange(1000):03d}.md"
    person = w.rng.choice(PEOPLE)
    if folder == "Interviews":
        text = interview(person, w.rng.choice(STATUSES), w.rng.choice(DATES))
    elif folder == "Meetings":
        text = meeting(person)
    else:
        text = daily(w.rng.choice(AS_OFS), w.rng.choice(("daily", "interview")))
    w.save(rel, text)
    return f"add {rel}"


def change_config(w: World) -> str:
    w.save(".vault-tools.toml", config(w.rng))
    return "change .vault-tools.toml: " + " | ".join(
        line for line in read(w.root / ".vault-tools.toml").splitlines() if "=" in line
    )


def change_template(w: World) -> str:
    placeholder = w.rng.choice((PROMPT, "<!-- who are they? -->", "Their path and company."))
    w.save("Templates/Interview.md", template(placeholder))
    return f"change Templates/Interview.md: Research prompt {placeholder!r}"


def change_as_of(w: World) -> str:
    w.as_of = w.rng.choice(AS_OFS)
    return f"as-of {w.as_of}"


def change_tz(w: World) -> str:
    w.tz = w.rng.choice(ZONES)
    return f"TZ={w.tz}"


def console_script() -> list[str]:
    script = Path(sys.executable).with_name("vault-tools")
    return [str(script)] if script.exists() else [sys.executable, "-m", "vault_tools"]


def two_at_once(w: World) -> str:
    """Two commands in two processes at the same time, one of them on another day; a note
    is saved between their starts."""
    env = {**os.environ, "TZ": w.tz, "PYTHONIOENCODING": "utf-8"}
    other = w.rng.choice(AS_OFS)
    first = w.rng.choice(COMMANDS)
    second = w.rng.choice(COMMANDS)

    def start(args: tuple[str, ...], as_of: str) -> subprocess.Popen[bytes]:
        argv = [*console_script(), *args, "--vault", str(w.root), "--as-of", as_of]
        return subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)

    runs = [start(first, w.as_of)]
    edited = edit_status(w)
    runs.append(start(second, other))
    for run in runs:
        try:
            _, err = run.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            run.kill()
            run.communicate()
            pytest.fail(f"{run.args} still running after 60 s")
        text = err.decode("utf-8", "replace")
        assert "Traceback" not in text, f"{run.args} crashed:\n{text}"
    started = f"{' '.join(first)} (as-of {w.as_of})"
    return f"at once: {started}, {edited}, {' '.join(second)} (as-of {other})"


Operation = Callable[[World], str]

#: Each operation with its weight: edits most often, concurrency now and then.
OPERATIONS: tuple[tuple[Operation, int], ...] = (
    (edit_status, 4),
    (edit_date, 2),
    (edit_section, 4),
    (edit_keeping_size_and_mtime, 3),
    (replace_like_cp_p, 2),
    (rename, 2),
    (delete, 1),
    (swap, 2),
    (add, 2),
    (change_config, 2),
    (change_template, 1),
    (change_as_of, 2),
    (change_tz, 2),
    (two_at_once, 1),
)


# --------------------------------------------------------------------------------------------
# Comparing


@dataclass(frozen=True)
class Outcome:
    exit_code: int
    stdout: str
    crash: str


def run(w: World, args: tuple[str, ...], cache: bool) -> Outcome:
    argv = [*args, "--vault", str(w.root), "--as-of", w.as_of, *([] if cache else ["--no-cache"])]
    result = CliRunner().invoke(cli, argv)
    crash = ""
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        assert result.exc_info is not None
        crash = "".join(traceback.format_exception(*result.exc_info))
    return Outcome(result.exit_code, result.stdout, crash)


def mismatches(w: World) -> Iterator[str]:
    """Every reading command whose cached run differs from its ``--no-cache`` run."""
    for args in COMMANDS:
        cached, plain = run(w, args, True), run(w, args, False)
        command = f"vault-tools {' '.join(args)} --as-of {w.as_of} (TZ={w.tz})"
        if plain.exit_code not in (0, 1):  # a step of this test made the vault unusable
            yield f"{command} --no-cache: exit {plain.exit_code}\n{plain.stdout}{plain.crash}"
        if cached == plain:
            continue
        lines = [command]
        if cached.crash:
            lines.append(f"cached run crashed:\n{cached.crash[-2000:]}")
        if cached.exit_code != plain.exit_code:
            lines.append(f"exit code {cached.exit_code}, --no-cache: {plain.exit_code}")
        if cached.stdout != plain.stdout:
            diff = difflib.unified_diff(
                plain.stdout.splitlines(),
                cached.stdout.splitlines(),
                "--no-cache",
                "cached",
                lineterm="",
            )
            lines.append("\n".join(list(diff)[:40]))
        yield "\n".join(lines)


@pytest.fixture
def machine_zone() -> Iterator[Callable[[str], None]]:
    """Set the machine's time zone for in-process runs; put back afterwards."""
    saved = os.environ.get("TZ")

    def set_zone(zone: str) -> None:
        os.environ["TZ"] = zone
        time.tzset()

    yield set_zone
    if saved is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = saved
    time.tzset()


def new_world(root: Path, rng: random.Random) -> World:
    """The starting vault; every file with one mtime, as an unpacked or cloned vault has."""
    w = World(root, rng)
    for rel, data in initial_files(rng).items():
        w.save(rel, data, mtime=EPOCH)
    return w


def replay(seed: int, w: World) -> str:
    steps = "\n".join(f"  {i}: {what}" for i, what in enumerate(w.done))
    return f"seed {seed}, operations (step: what):\n{steps}"


@pytest.mark.parametrize("seed", SEEDS, ids=[f"seed_{s}" for s in SEEDS])
def test_cached_runs_answer_as_no_cache_runs(
    seed: int, tmp_path: Path, machine_zone: Callable[[str], None]
) -> None:
    rng = random.Random(seed)
    w = new_world(tmp_path / "vault", rng)
    machine_zone(w.tz)
    w.done.append(f"a vault of {len(w.notes())} notes, as-of {w.as_of}, TZ={w.tz}")
    operations, weights = zip(*OPERATIONS, strict=True)
    for step in range(STEPS + 1):
        if step:
            operation = rng.choices(operations, weights)[0]
            w.done.append(operation(w))
            machine_zone(w.tz)
        found = list(mismatches(w))
        assert not found, f"step {step}: {w.done[-1]}\n{replay(seed, w)}\n\n" + "\n\n".join(found)


#: The operations a state machine draws from: all but the one with processes, whose timing
#: Hypothesis could not replay.
REPLAYABLE = tuple(operation for operation, _ in OPERATIONS if operation is not two_at_once)


def test_cached_runs_answer_as_no_cache_runs_stateful(
    tmp_path: Path, machine_zone: Callable[[str], None]
) -> None:
    """The same, with Hypothesis choosing the operations (derandomized: the same examples
    every run; no shrinking, to stay fast; the failing steps are printed)."""
    examples = iter(range(1_000_000))

    class CacheAgreesWithNoCache(RuleBasedStateMachine):
        world: World

        @initialize(seed=st.integers(0, 2**16))
        def build(self, seed: int) -> None:
            # A new folder per example (the vault depends only on the seed drawn).
            root = tmp_path / f"example{next(examples)}" / "vault"
            self.world = new_world(root, random.Random(seed))
            self.world.done.append(f"a vault of {len(self.world.notes())} notes [seed {seed}]")
            machine_zone(self.world.tz)

        @rule(operation=st.sampled_from(REPLAYABLE), seed=st.integers(0, 2**16))
        def happen(self, operation: Operation, seed: int) -> None:
            self.world.rng = random.Random(seed)
            self.world.done.append(f"{operation(self.world)} [{operation.__name__}, {seed}]")
            machine_zone(self.world.tz)

        @invariant()
        def cache_agrees(self) -> None:
            found = list(mismatches(self.world))
            steps = "\n".join(f"  {i}: {what}" for i, what in enumerate(self.world.done))
            assert not found, f"after:\n{steps}\n\n" + "\n\n".join(found)

    # Hypothesis keeps a cache of its own even without a database: not in the repository.
    set_hypothesis_home_dir(tmp_path / "hypothesis")
    try:
        run_state_machine_as_test(
            CacheAgreesWithNoCache,
            settings=settings(
                max_examples=20,
                stateful_step_count=12,
                derandomize=True,
                database=None,
                deadline=None,
                phases=(Phase.explicit, Phase.generate),
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
            ),
        )
    finally:
        set_hypothesis_home_dir(None)  # back to Hypothesis's default for other tests


def test_the_file_operations_do_what_they_say(tmp_path: Path) -> None:
    """A test of the test: the edit that keeps size and mtime keeps them, the cp -p
    replacement is a new inode with the old mtime, a swap swaps."""
    w = new_world(tmp_path / "vault", random.Random(0))
    path = w.root / "Interviews/latin1.md"
    text = read(path)
    before = path.stat()
    keep_size_and_mtime(path, text.replace("status: done", "status: dune"))
    after = path.stat()
    assert (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    assert read(path) != text and read(path).endswith("caf\udce9\n")
    replace_keeping_mtime(path, text)
    again = path.stat()
    assert (again.st_size, again.st_mtime_ns, read(path)) == (
        before.st_size,
        before.st_mtime_ns,
        text,
    )
    assert again.st_ino != after.st_ino
    a, b = w.root / "Interviews/i00.md", w.root / "Interviews/i01.md"
    texts = (a.read_bytes(), b.read_bytes())
    swap_files(a, b)
    assert (b.read_bytes(), a.read_bytes()) == texts
    assert not list(w.root.rglob("*.tmp"))
