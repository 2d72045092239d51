"""Latency of ``vault-tools lsp`` as an editor sees it (issue #13), not product code.

    python benchmarks/lsp_latency.py                       # 10,000 notes
    python benchmarks/lsp_latency.py --notes 10000 --notes 50000 --edits 100 --repeat 5

Spawns ``vault-tools lsp --as-of 2026-11-27`` and talks JSON-RPC to it over stdio (a tiny
client with Content-Length framing, below), on vaults made by ``generate_vault.py``
(seeded) in a temporary folder, deleted afterwards. Per vault size:

- start-up: from spawning the process to the ``initialize`` response, and to the first
  ``publishDiagnostics`` of an interview note opened right after ``initialized``; then to
  the answer of a ``[[`` completion sent right after those diagnostics, which waits for the
  vault's people (read in a process of their own as the note is opened). Medians of
  ``--repeat`` runs, with the cache warm (``vault-tools check`` run once first, as a
  user's vault would have been) and cold (the cache deleted before each run). The first
  warm run is shown apart: a check stores no report facts, so the first server after it
  reads the interview notes to find the people, and later ones read them from the cache.
- change to diagnostics: ``--edits`` full-text ``didChange`` notifications, one at a time,
  alternately a character typed into the note's ``## Notes`` section and its ``status``
  toggled between ``done`` and a typo (so the findings change every other edit); each timed
  from writing it to the ``publishDiagnostics`` carrying its version (the server's 30 ms
  debounce included, as an editor sees it). Median, p90 and max. The edits start once the
  people are read (the server is idle; ``--edits-at-once`` starts them with the first
  diagnostics instead). One more run, cold cache, starts them with the first diagnostics,
  while the people are read from every interview note: the worst case, typing at once in a
  vault never checked.
- memory: the server's peak RSS (``VmHWM`` of ``/proc/PID/status``) at the end of the
  edit run (warm cache).

The server runs with ``PYTHONDONTWRITEBYTECODE`` removed from its environment, after one
warm-up start, so imports come from ``.pyc`` files as after a ``pip install``
(``--keep-env`` keeps the environment as it is). Prints a Markdown table and the command.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run import AS_OF, make_vault, vault_tools_command  # noqa: E402

TARGET_CHANGE_S = 0.100
TARGET_START_S = 0.5
TIMEOUT_S = 60.0
TYPO = "dne"  # what `status: done` becomes on every other edit


class Client:
    """A minimal LSP client over the server's stdin/stdout; each message read is queued
    with the ``perf_counter`` time it was read at."""

    def __init__(self, cmd: list[str], env: dict[str, str]) -> None:
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(
            cmd,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
        )
        self.messages: queue.Queue[tuple[float, dict[str, Any] | None]] = queue.Queue()
        self.next_id = 0
        threading.Thread(target=self._read, daemon=True).start()
        self.stderr: list[bytes] = []
        threading.Thread(target=self._drain_stderr, daemon=True).start()

    def _read(self) -> None:
        out = self.proc.stdout
        assert out is not None
        while True:
            length = None
            line = out.readline()
            if not line:
                self.messages.put((time.perf_counter(), None))
                return
            while line.strip():
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
                line = out.readline()
            if length is None:
                continue
            body = out.read(length)
            self.messages.put((time.perf_counter(), json.loads(body)))

    def _drain_stderr(self) -> None:
        err = self.proc.stderr
        assert err is not None
        for line in err:
            self.stderr.append(line)

    def send(self, message: dict[str, Any]) -> float:
        """Write one message; the ``perf_counter`` time just before it was written."""
        body = json.dumps({"jsonrpc": "2.0", **message}).encode()
        stdin = self.proc.stdin
        assert stdin is not None
        sent = time.perf_counter()
        stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        stdin.flush()
        return sent

    def request(self, method: str, params: Any) -> tuple[int, float]:
        self.next_id += 1
        return self.next_id, self.send({"id": self.next_id, "method": method, "params": params})

    def notify(self, method: str, params: Any) -> float:
        return self.send({"method": method, "params": params})

    def wait(self, wanted: Any, timeout: float = TIMEOUT_S) -> tuple[float, dict[str, Any]]:
        """The first message ``wanted(message)`` is true of, and when it was read."""
        end = time.perf_counter() + timeout
        while True:
            try:
                at, message = self.messages.get(timeout=max(0.0, end - time.perf_counter()))
            except queue.Empty:
                raise TimeoutError(f"no awaited message within {timeout} s") from None
            if message is None:
                tail = b"".join(self.stderr[-20:]).decode(errors="replace")
                raise SystemExit(f"the server exited ({self.proc.poll()}):\n{tail}")
            if message.get("method") == "client/registerCapability" and "id" in message:
                self.send({"id": message["id"], "result": None})
            if wanted(message):
                return at, message

    def answer(self, request_id: int) -> tuple[float, dict[str, Any]]:
        at, message = self.wait(lambda m: m.get("id") == request_id and "method" not in m)
        if "error" in message:
            raise SystemExit(f"request {request_id} failed: {message['error']}")
        return at, message

    def diagnostics(self, uri: str, version: int) -> tuple[float, dict[str, Any]]:
        return self.wait(
            lambda m: (
                m.get("method") == "textDocument/publishDiagnostics"
                and m["params"]["uri"] == uri
                and m["params"].get("version") == version
            )
        )

    def peak_rss_mb(self) -> float | None:
        try:
            status = Path(f"/proc/{self.proc.pid}/status").read_text()
        except OSError:
            return None
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        return None

    def close(self) -> None:
        try:
            request_id, _ = self.request("shutdown", None)
            self.answer(request_id)
            self.notify("exit", None)
            self.proc.wait(timeout=10)
        except (OSError, TimeoutError, SystemExit):
            self.proc.kill()
            self.proc.wait()


def server_env(keep: bool) -> dict[str, str]:
    env = dict(os.environ)
    if not keep:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def pick_note(root: Path) -> Path:
    """An interview note with ``status: done`` and a ``## Notes`` section, from the middle
    of the sorted listing (the same one for the same vault)."""
    notes = sorted((root / "Interviews").rglob("*.md"))
    ordered = notes[len(notes) // 2 :] + notes[: len(notes) // 2]
    for path in ordered:
        text = path.read_text(encoding="utf-8")
        if "\nstatus: done\n" in text and "\n## Notes\n" in text:
            return path
    raise SystemExit(f"no done interview note with a Notes section in {root}")


def edited_texts(text: str, count: int) -> list[str]:
    """``count`` successive buffers: odd edits type one more character at the end of the
    Notes section's first line, even ones toggle ``status: done`` and ``status: dne``."""
    head, marker, rest = text.partition("\n## Notes\n")
    line, newline, tail = rest.partition("\n")
    typed = ""
    status = "done"
    texts = []
    for i in range(count):
        if i % 2 == 0:
            typed += "abcdefghij klmnopqrstuvwxyz"[len(typed) % 27]
        else:
            status = TYPO if status == "done" else "done"
        front = head.replace("\nstatus: done\n", f"\nstatus: {status}\n", 1)
        texts.append(front + marker + line + typed + newline + tail)
    return texts


def open_note(client: Client, note: Path, text: str) -> str:
    uri = note.as_uri()
    item = {"uri": uri, "languageId": "markdown", "version": 1, "text": text}
    client.notify("textDocument/didOpen", {"textDocument": item})
    return uri


def start(
    cmd: list[str], env: dict[str, str], root: Path, note: Path
) -> tuple[Client, str, str, dict[str, float]]:
    """Spawn the server, initialize it and open ``note``; the times from the spawn."""
    client = Client(cmd, env)
    request_id, _ = client.request(
        "initialize",
        {
            "processId": os.getpid(),
            "rootUri": root.as_uri(),
            "workspaceFolders": [{"uri": root.as_uri(), "name": root.name}],
            "capabilities": {
                "workspace": {
                    "workspaceEdit": {"documentChanges": True},
                    "didChangeWatchedFiles": {"dynamicRegistration": True},
                },
                "textDocument": {"publishDiagnostics": {"versionSupport": True}},
            },
        },
    )
    initialized, _ = client.answer(request_id)
    client.notify("initialized", {})
    text = note.read_text(encoding="utf-8")
    uri = open_note(client, note, text)
    diagnosed, _ = client.diagnostics(uri, 1)
    times = {
        "initialize": initialized - client.started,
        "diagnostics": diagnosed - client.started,
    }
    return client, uri, text, times


def people_ready(client: Client, uri: str, text: str) -> tuple[float, int]:
    """Ask for ``[[`` completion on the ``person`` line until the answer holds the vault's
    people: while they are being read (in a process of their own) the server answers at
    once, marked incomplete, and logs when they are read; then ask again, as an editor does
    on the next keystroke. (seconds from the spawn to the full answer, how many names)."""
    lines = text.split("\n")
    line = next(i for i, t in enumerate(lines) if t.startswith('person: "[['))
    params = {"textDocument": {"uri": uri}, "position": {"line": line, "character": 11}}
    while True:
        request_id, _ = client.request("textDocument/completion", params)
        at, message = client.answer(request_id)
        result = message.get("result") or {}
        items = result.get("items", []) if isinstance(result, dict) else result
        if not (isinstance(result, dict) and result.get("isIncomplete")):
            return at - client.started, len(items)
        client.wait(
            lambda m: (
                m.get("method") == "window/logMessage"
                and "read for [[ completion" in m["params"]["message"]
            )
        )


def startup_runs(
    cmd: list[str], env: dict[str, str], root: Path, note: Path, repeat: int, cold: bool
) -> list[dict[str, float]]:
    runs = []
    for _ in range(repeat):
        if cold:
            shutil.rmtree(root / ".vault-tools", ignore_errors=True)
        client, uri, text, times = start(cmd, env, root, note)
        try:
            times["people"], names = people_ready(client, uri, text)
            if names == 0:
                raise SystemExit(f"no people offered after [[ in {note}")
        finally:
            client.close()
        runs.append(times)
    return runs


def edit_run(
    cmd: list[str],
    env: dict[str, str],
    root: Path,
    note: Path,
    edits: int,
    at_once: bool,
    cold: bool = False,
) -> tuple[list[float], int, float | None]:
    """(seconds from each didChange to its diagnostics, how many edits changed the
    findings, the server's peak RSS in MB). ``at_once``: the edits start with the first
    diagnostics, not once the people are read; ``cold``: the cache deleted first."""
    if cold:
        shutil.rmtree(root / ".vault-tools", ignore_errors=True)
    client, uri, text, _ = start(cmd, env, root, note)
    try:
        if not at_once:
            people_ready(client, uri, text)
        latencies = []
        changed = 0
        last: list[Any] | None = None
        for version, buffer in enumerate(edited_texts(text, edits), start=2):
            sent = client.notify(
                "textDocument/didChange",
                {
                    "textDocument": {"uri": uri, "version": version},
                    "contentChanges": [{"text": buffer}],
                },
            )
            at, message = client.diagnostics(uri, version)
            latencies.append(at - sent)
            found = [
                (d["code"], d["range"]["start"]["line"]) for d in message["params"]["diagnostics"]
            ]
            if last is not None and found != last:
                changed += 1
            last = found
        peak = client.peak_rss_mb()
    finally:
        client.close()
    return latencies, changed, peak


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * share // 1))
    return ordered[int(rank) - 1]


def bench_size(
    notes: int, work: Path, args: argparse.Namespace, cmd: list[str], env: dict[str, str]
) -> dict[str, str]:
    root = make_vault(work, notes)
    note = pick_note(root)
    check = [*vault_tools_command(), "check", "--vault", str(root), "--as-of", AS_OF]
    subprocess.run(check, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    if not (root / ".vault-tools" / "cache.sqlite").exists():
        raise SystemExit(f"`check` left no cache in {root}")
    rows: dict[str, str] = {}
    first = startup_runs(cmd, env, root, note, 1, cold=False)[0]
    warm = startup_runs(cmd, env, root, note, args.repeat, cold=False)

    def median(runs: list[dict[str, float]], key: str) -> str:
        return f"{statistics.median(r[key] for r in runs):.3f} s"

    rows["start-up: spawn to `initialize` response, warm cache"] = median(warm, "initialize")
    rows["start-up: spawn to first diagnostics of an opened note, warm cache"] = median(
        warm, "diagnostics"
    )
    rows["start-up: spawn to `[[` people completion, warm cache"] = median(warm, "people")
    rows["first server after `check`: initialize / diagnostics / people"] = " / ".join(
        f"{first[k]:.3f} s" for k in ("initialize", "diagnostics", "people")
    )
    latencies, changed, peak = edit_run(cmd, env, root, note, args.edits, args.edits_at_once)
    rows[f"change to diagnostics, median of {len(latencies)} edits"] = (
        f"{statistics.median(latencies) * 1000:.0f} ms"
    )
    rows["change to diagnostics, p90"] = f"{percentile(latencies, 0.9) * 1000:.0f} ms"
    rows["change to diagnostics, max"] = f"{max(latencies) * 1000:.0f} ms"
    rows["edits whose findings differ from the edit before"] = f"{changed} of {len(latencies)}"
    rows["peak RSS of the server (VmHWM), edit run"] = "n/a" if peak is None else f"{peak:.0f} MB"
    if not args.no_cold:
        racing, _, _ = edit_run(cmd, env, root, note, args.edits, at_once=True, cold=True)
        rows[
            "change to diagnostics while the people are read (cold cache, edits from the "
            "first diagnostics): median / p90 / max"
        ] = " / ".join(
            f"{v * 1000:.0f} ms"
            for v in (statistics.median(racing), percentile(racing, 0.9), max(racing))
        )
        cold = startup_runs(cmd, env, root, note, args.cold_repeat, cold=True)
        rows["start-up: spawn to `initialize` response, cold cache"] = median(cold, "initialize")
        rows["start-up: spawn to first diagnostics, cold cache"] = median(cold, "diagnostics")
        rows["start-up: spawn to `[[` people completion, cold cache"] = median(cold, "people")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--notes", type=int, action="append", help="vault size (repeatable)")
    parser.add_argument("--edits", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=5, help="start-up runs, warm cache")
    parser.add_argument("--cold-repeat", type=int, default=3, help="start-up runs, cold cache")
    parser.add_argument("--no-cold", action="store_true", help="skip the cold-cache start-ups")
    parser.add_argument(
        "--edits-at-once",
        action="store_true",
        help="start the edits with the first diagnostics, not once the people are read",
    )
    parser.add_argument(
        "--keep-env",
        action="store_true",
        help="keep PYTHONDONTWRITEBYTECODE in the server's environment if set",
    )
    args = parser.parse_args()
    sizes = args.notes or [10_000]
    cmd = [*vault_tools_command(), "lsp", "--as-of", AS_OF]
    env = server_env(args.keep_env)
    load_before = os.getloadavg() if hasattr(os, "getloadavg") else None
    with tempfile.TemporaryDirectory(prefix="vault-tools-lsp-bench-") as tmp:
        work = Path(tmp)
        # One start first, so that the imports' .pyc files exist (and the page cache is warm).
        warm_up = make_vault(work, 10)
        start(cmd, env, warm_up, pick_note_or_any(warm_up))[0].close()
        results = {n: bench_size(n, work, args, cmd, env) for n in sizes}
    labels = list(results[sizes[0]])
    print("| measure | " + " | ".join(f"{n:,} notes" for n in sizes) + " |")
    print("|---" * (len(sizes) + 1) + "|")
    for label in labels:
        print(f"| {label} | " + " | ".join(results[n][label] for n in sizes) + " |")
    print()
    shown = ["python", "benchmarks/lsp_latency.py", *sys.argv[1:]]
    print("Command: `" + " ".join(shown) + "`")
    print(
        f"Server: `{' '.join(Path(cmd[0]).name if i == 0 else c for i, c in enumerate(cmd))}`, "
        + (
            "environment as given"
            if args.keep_env
            else "PYTHONDONTWRITEBYTECODE unset, after one warm-up start"
        )
        + f"; Python {sys.version.split()[0]}, {os.cpu_count()} cores"
    )
    if load_before is not None:
        print(
            "Load average (1 min) before / after: "
            f"{load_before[0]:.2f} / {os.getloadavg()[0]:.2f} (other work on the machine "
            "shows here: start-up times follow it)"
        )
    print(
        f"Targets: diagnostics within {TARGET_CHANGE_S * 1000:.0f} ms of a change (debounce "
        f"included); start-up under {TARGET_START_S} s at 10,000 notes"
    )


def pick_note_or_any(root: Path) -> Path:
    try:
        return pick_note(root)
    except SystemExit:
        return next((root / "Interviews").rglob("*.md"))


if __name__ == "__main__":
    main()
