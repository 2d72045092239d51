"""Benchmark ``followups --format ics`` on vaults with very many Follow-up tasks.

    python benchmarks/ics_tasks.py                          # 200,000 tasks, 3 runs each
    python benchmarks/ics_tasks.py --tasks 50000 --repeat 5
    PYTHONPATH=/path/to/other/checkout python benchmarks/ics_tasks.py   # another version

Two vaults of ``--tasks`` open, dated tasks each (made once under ``--work``):

- *one note*: a single interview note whose ``## Follow-up`` holds every task, as
  ``- [ ] task 📅 2026-12-0D`` lines (the same text each time: the UIDs' counters and the
  renderer's per-item work, nothing else, grow with the count);
- *many notes*: interview notes of 100 tasks each, every task's text its own.

Each case runs ``vault-tools followups --all --format ics`` as whole processes (start-up
included; ``python -m vault_tools``, so ``PYTHONPATH`` chooses the code): without the cache,
building it (the cache removed first), and with it warm. Times are medians of ``--repeat``
runs; memory the peak RSS of one more run, sampled every 10 ms; the last column a SHA-1 of
the calendar, so two versions can be shown to write the same bytes. Not part of the tests.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run import median_time, peak_memory_mb  # noqa: E402

AS_OF = "2026-11-27"
TASKS_PER_NOTE = 100
HEAD = """\
---
type: interview
person: "[[{person}]]"
company: Acme Corp
role: Staff Data Engineer
status: done
date: 2026-11-20T15:00
thank_you_sent: 2026-11-20
---
## Objectives
- Learn how the team works.

## Follow-up
"""


def one_note_vault(root: Path, tasks: int) -> None:
    lines = "".join(f"- [ ] task 📅 2026-12-0{1 + i % 9}\n" for i in range(tasks))
    note = root / "Interviews/Many tasks.md"
    note.parent.mkdir(parents=True)
    note.write_text(HEAD.format(person="Jane Doe") + lines, encoding="utf-8")


def many_notes_vault(root: Path, tasks: int) -> None:
    (root / "Interviews").mkdir(parents=True)
    for n in range(max(1, tasks // TASKS_PER_NOTE)):
        lines = "".join(
            f"- [ ] Send item {i} to person {n} 📅 2026-12-0{1 + i % 9}\n"
            for i in range(TASKS_PER_NOTE)
        )
        text = HEAD.format(person=f"Person {n}") + lines
        (root / f"Interviews/n{n:05}.md").write_text(text, encoding="utf-8")


CASES = {"one note": one_note_vault, "many notes": many_notes_vault}


def make(work: Path, name: str, tasks: int) -> Path:
    root = work / f"{name.replace(' ', '-')}-{tasks}"
    if not (root / ".complete").exists():
        shutil.rmtree(root, ignore_errors=True)
        CASES[name](root, tasks)
        (root / ".complete").write_text("")
    return root


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tasks", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--work", type=Path, default=Path(tempfile.gettempdir()) / "vt-ics", help="vaults here"
    )
    args = parser.parse_args()

    args.work.mkdir(parents=True, exist_ok=True)
    # ``python -m`` puts the working directory first on the path: not a checkout's.
    os.chdir(args.work)
    base = [sys.executable, "-m", "vault_tools", "followups", "--all", "--format", "ics"]
    print(f"| case ({args.tasks:,} tasks) | run | time | peak memory | output SHA-1 |")
    print("|---|---|---|---|---|")
    for name in CASES:
        root = make(args.work.resolve(), name, args.tasks)
        cmd = [*base, "--vault", str(root), "--as-of", AS_OF]
        cache = root / ".vault-tools"

        def drop_cache(cache: Path = cache) -> None:
            shutil.rmtree(cache, ignore_errors=True)

        runs = (
            ("no cache", [*cmd, "--no-cache"], None),
            ("building the cache", cmd, drop_cache),
            ("warm cache", cmd, None),
        )
        for label, command, before in runs:
            if before is None and label == "warm cache":
                subprocess.run(cmd, stdout=subprocess.DEVNULL, check=True)
            seconds = median_time(command, args.repeat, before)
            memory = peak_memory_mb(command, before)
            output = subprocess.run(command, capture_output=True, check=True).stdout
            digest = hashlib.sha1(output).hexdigest()[:12]
            shown = f"{memory:.0f} MB" if memory is not None else "n/a"
            print(f"| {name} | {label} | {seconds:.2f} s | {shown} | `{digest}` |", flush=True)


if __name__ == "__main__":
    main()
