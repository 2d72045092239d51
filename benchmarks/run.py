"""Benchmark vault-tools against the cost of just reading the files, side by side.

    python benchmarks/run.py                       # 10,000 notes
    python benchmarks/run.py --notes 10000 --notes 50000 --repeat 5
    python benchmarks/run.py --obsidiantools-python /path/to/venv/bin/python

Every figure is the median wall time of whole processes (start-up and imports included),
with a warm page cache, on vaults made by ``generate_vault.py`` (seeded). The floors are
tiny scripts doing only part of the work; F2 (read every note, split the front matter,
PyYAML's C loader) is the reference the targets are stated against. Memory is the peak of
the summed RSS of the process and its workers, sampled every 10 ms in separate runs.

Prints a Markdown table; paste it into benchmarks/README.md with the command that made it.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate_vault import generate  # noqa: E402

AS_OF = "2026-11-27"

FLOOR_WALK_STAT = """
import os, sys
def walk(d):
    with os.scandir(d) as it:
        for e in it:
            if e.is_dir(follow_symlinks=False):
                if not e.name.startswith('.'): yield from walk(e.path)
            elif e.name.endswith('.md'):
                yield e
n = sum(1 for e in walk(sys.argv[1]) if e.stat())
"""

FLOOR_WALK_STAT_COMPARE = FLOOR_WALK_STAT.replace(
    "n = sum(1 for e in walk(sys.argv[1]) if e.stat())",
    """import sqlite3
db = sqlite3.connect(sys.argv[2])
known = {p: (m, s) for p, m, s in db.execute('select path, mtime, size from t')}
changed = 0
for e in walk(sys.argv[1]):
    st = e.stat()
    if known.get(e.path) != (st.st_mtime_ns, st.st_size): changed += 1
""",
)

FLOOR_READ = FLOOR_WALK_STAT.replace(
    "n = sum(1 for e in walk(sys.argv[1]) if e.stat())",
    "n = sum(len(open(e.path, 'rb').read()) for e in walk(sys.argv[1]))",
)

F2 = FLOOR_WALK_STAT.replace(
    "n = sum(1 for e in walk(sys.argv[1]) if e.stat())",
    """import yaml
for e in walk(sys.argv[1]):
    text = open(e.path, encoding='utf-8', errors='replace').read()
    if text.startswith('---\\n'):
        end = text.find('\\n---', 4)
        if end != -1:
            try:
                yaml.load(text[4:end], Loader=yaml.CSafeLoader)
            except yaml.YAMLError:
                pass
""",
)

OBSIDIANTOOLS = """
import sys
from pathlib import Path
import obsidiantools.api as otools
otools.Vault(Path(sys.argv[1])).connect().gather()
"""


def vault_tools_command() -> list[str]:
    script = Path(sys.executable).parent / "vault-tools"
    return [str(script)] if script.exists() else [sys.executable, "-m", "vault_tools"]


def run_once(cmd: list[str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    elapsed = time.perf_counter() - start
    ok = (0, 1) if "check" in cmd else (0,)  # check exits 1 on findings
    if done.returncode not in ok:
        raise SystemExit(f"{' '.join(cmd)} failed ({done.returncode}):\n{done.stderr.decode()}")
    return elapsed


def median_time(cmd: list[str], repeat: int, before: object = None) -> float:
    times = []
    for _ in range(repeat):
        if callable(before):
            before()
        times.append(run_once(cmd))
    return statistics.median(times)


def _tree_rss_kb(root_pid: int) -> int:
    """Summed RSS of a process and its descendants, from /proc (Linux)."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            parents[int(entry)] = int(fields[1])
            with open(f"/proc/{entry}/statm") as f:
                rss[int(entry)] = int(f.read().split()[1]) * (os.sysconf("SC_PAGE_SIZE") // 1024)
        except (OSError, IndexError, ValueError):
            continue
    tree = {root_pid}
    grew = True
    while grew:
        grew = False
        for pid, parent in parents.items():
            if parent in tree and pid not in tree:
                tree.add(pid)
                grew = True
    return sum(rss.get(pid, 0) for pid in tree)


def peak_memory_mb(cmd: list[str], before: object = None) -> float | None:
    if not Path("/proc/self/statm").exists():
        return None
    if callable(before):
        before()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak = 0
    while proc.poll() is None:
        peak = max(peak, _tree_rss_kb(proc.pid))
        time.sleep(0.01)
    return peak / 1024


def make_vault(work: Path, notes: int) -> Path:
    root = work / f"vault-{notes}"
    if not (root / ".complete").exists():
        shutil.rmtree(root, ignore_errors=True)
        generate(root, notes, seed=1, as_of=__import__("datetime").date.fromisoformat(AS_OF))
        (root / ".complete").write_text("")
    # Files written seconds ago have "racy" mtimes the cache will not trust yet.
    old = time.time() - 3600
    for path in root.rglob("*.md"):
        os.utime(path, (old, old))
    return root


def lean_table(root: Path, work: Path) -> Path:
    import sqlite3

    db_path = work / f"lean-{root.name}.sqlite"
    db_path.unlink(missing_ok=True)
    db = sqlite3.connect(db_path)
    db.execute("create table t (path text primary key, mtime int, size int)")
    rows = []
    for path in root.rglob("*.md"):
        st = path.stat()
        rows.append((str(path), st.st_mtime_ns, st.st_size))
    db.executemany("insert into t values (?, ?, ?)", rows)
    db.commit()
    db.close()
    return db_path


def pick_interview_note(root: Path) -> Path:
    return sorted((root / "Interviews").rglob("*.md"))[
        len(list((root / "Interviews").rglob("*.md"))) // 2
    ]


def bench_size(notes: int, work: Path, repeat: int) -> list[tuple[str, float | None, str]]:
    root = make_vault(work, notes)
    vt = vault_tools_command()
    check = [*vt, "check", "--vault", str(root), "--as-of", AS_OF]
    py = sys.executable
    scripts = work / "scripts"
    scripts.mkdir(exist_ok=True)
    for name, text in {
        "walk_stat": FLOOR_WALK_STAT,
        "walk_stat_compare": FLOOR_WALK_STAT_COMPARE,
        "read": FLOOR_READ,
        "f2": F2,
    }.items():
        (scripts / f"{name}.py").write_text(textwrap.dedent(text))
    lean = lean_table(root, work)

    def drop_cache() -> None:
        shutil.rmtree(root / ".vault-tools", ignore_errors=True)

    rows: list[tuple[str, float | None, str]] = []
    f2 = median_time([py, str(scripts / "f2.py"), str(root)], repeat)
    rows.append(
        (
            "walk + stat only (floor)",
            median_time([py, str(scripts / "walk_stat.py"), str(root)], repeat),
            "s",
        )
    )
    rows.append(
        (
            "walk + stat + compare with a lean table (floor)",
            median_time([py, str(scripts / "walk_stat_compare.py"), str(root), str(lean)], repeat),
            "s",
        )
    )
    rows.append(
        (
            "walk + read every byte (floor)",
            median_time([py, str(scripts / "read.py"), str(root)], repeat),
            "s",
        )
    )
    rows.append(("F2: read + split front matter + PyYAML C loader", f2, "s"))
    rows.append(("cold `check --no-cache`", median_time([*check, "--no-cache"], repeat), "s"))
    rows.append(
        (
            "cold `check` (no cache yet: builds it)",
            median_time(check, repeat, before=drop_cache),
            "s",
        )
    )
    run_once(check)
    rows.append(("warm `check`, nothing changed", median_time(check, repeat), "s"))

    note = pick_interview_note(root)
    original = note.read_bytes()
    counter = [0]

    def touch_one() -> None:
        counter[0] += 1
        note.write_bytes(original + f"\nEdit {counter[0]}.\n".encode())
        old = time.time() - 60  # past the racy window, as a save a minute ago
        os.utime(note, (old, old))

    try:
        rows.append(
            ("`check` with one note changed", median_time(check, repeat, before=touch_one), "s")
        )
    finally:
        note.write_bytes(original)
        old = time.time() - 3600
        os.utime(note, (old, old))
    run_once(check)
    rows.append(("`vault-tools --help`", median_time([*vt, "--help"], repeat), "s"))
    rows.append(
        (
            "peak memory, cold `check` (process + workers)",
            peak_memory_mb(check, before=drop_cache),
            "MB",
        )
    )
    rows.append(
        ("peak memory, cold `check --no-cache`", peak_memory_mb([*check, "--no-cache"]), "MB")
    )
    run_once(check)
    rows.append(("peak memory, warm `check`", peak_memory_mb(check), "MB"))
    watch = watch_latency(root, note)
    if watch is not None:
        rows.append(("watch: re-check one saved note", watch[0], "s"))
        rows.append(("watch: save to findings printed (debounce included)", watch[1], "s"))
    rows.append(("(F2, for the ratios)", f2, "s"))
    return rows


def watch_latency(root: Path, note: Path, runs: int = 9) -> tuple[float, float] | None:
    """(re-check of one saved note, save-to-findings latency) of ``vault-tools watch``:
    medians over ``runs`` saves under a running watcher, default debounce."""
    try:
        from watch_latency import measure_latency

        from vault_tools.app import read_config
    except ImportError:
        return None
    import datetime as dt

    config = read_config(root)
    rel = note.relative_to(root).as_posix()
    latencies, rechecks = [], []
    for _ in range(runs):
        latency, recheck = measure_latency(root, config, dt.date.fromisoformat(AS_OF), rel)
        latencies.append(latency)
        rechecks.append(recheck)
    return statistics.median(rechecks), statistics.median(latencies)


def obsidiantools_row(work: Path, python: str, repeat: int) -> list[tuple[str, float | None, str]]:
    root = make_vault(work, 1000)
    # In a folder of its own: a script beside it named like the package would shadow it.
    script = work / "obsidiantools-run" / "gather.py"
    script.parent.mkdir(exist_ok=True)
    script.write_text(OBSIDIANTOOLS)
    probe = subprocess.run([python, "-c", "import obsidiantools"], capture_output=True)
    if probe.returncode != 0:
        return []
    theirs = median_time([python, str(script), str(root)], max(1, repeat // 2))
    check = [*vault_tools_command(), "check", "--vault", str(root), "--as-of", AS_OF]
    cold = median_time([*check, "--no-cache"], repeat)
    run_once(check)
    warm = median_time(check, repeat)
    return [
        ("obsidiantools `Vault(...).connect().gather()`, 1,000 notes", theirs, "s"),
        ("cold `check --no-cache`, the same 1,000 notes", cold, "s"),
        ("speed-up over obsidiantools, cold", theirs / cold, "x"),
        ("warm `check` (its cache built), the same 1,000 notes", warm, "s"),
        ("speed-up over obsidiantools, warm", theirs / warm, "x"),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--notes", type=int, action="append", help="vault size (repeatable)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--work", type=Path, default=Path(tempfile.gettempdir()) / "vault-tools-bench"
    )
    parser.add_argument(
        "--obsidiantools-python",
        default=sys.executable,
        help="a python with obsidiantools installed",
    )
    args = parser.parse_args()
    sizes = args.notes or [10_000]
    args.work.mkdir(parents=True, exist_ok=True)
    results = {n: bench_size(n, args.work, args.repeat) for n in sizes}
    header = "| work | " + " | ".join(f"{n:,} notes" for n in sizes) + " | ratio to F2 |"
    print(header)
    print("|---" * (len(sizes) + 2) + "|")
    labels = [label for label, _, _ in results[sizes[0]]]
    for i, label in enumerate(labels):
        cells = []
        ratios = []
        for n in sizes:
            _, value, unit = results[n][i]
            f2 = results[n][-1][1]
            cells.append(
                "n/a"
                if value is None
                else (f"{value:.2f} s" if unit == "s" else f"{value:.0f} {unit}")
            )
            if unit == "s" and value is not None and f2:
                ratios.append(f"{value / f2:.2f}x")
        print(f"| {label} | " + " | ".join(cells) + f" | {' / '.join(ratios)} |")
    extra = obsidiantools_row(args.work, args.obsidiantools_python, args.repeat)
    for label, value, unit in extra:
        shown = f"{value:.2f} s" if unit == "s" else f"{value:.0f}x"
        print(f"| {label} | {shown} |  |")


if __name__ == "__main__":
    main()
