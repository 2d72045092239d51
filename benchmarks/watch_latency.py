"""Save-to-findings latency of ``vault-tools watch``, for ``run.py`` (not product code).

Drives the package's own watcher in this process: a note is saved (its own bytes again, so
the vault is left as it was) and the time until its batch's findings is measured.
"""

from __future__ import annotations

import datetime as dt
import queue
import time
from pathlib import Path

from vault_tools.config import Config
from vault_tools.watch import DEFAULT_DEBOUNCE, BatchResult, VaultWatcher, Watch


def measure_latency(
    root: Path,
    config: Config,
    as_of: dt.date,
    note_rel: str,
    debounce: float = DEFAULT_DEBOUNCE,
    *,
    use_cache: bool = True,
    timeout: float = 10.0,
) -> tuple[float, float]:
    """Save ``note_rel`` (its own bytes again: the vault is left as it was) under a running
    watcher and time it: (seconds from the write to its findings, seconds of the re-check
    alone). The vault should have been checked once before, so the cache is warm."""
    root = Path(root).resolve()
    watch = Watch(root, config, as_of=as_of, use_cache=use_cache)
    watch.check_changed([note_rel], [])  # warm: imports, the rule context, the cache row
    done: queue.Queue[tuple[float, BatchResult]] = queue.Queue()

    def on_batch(changed: set[str], deleted: set[str]) -> None:
        batch = watch.check_changed(changed, deleted)
        done.put((time.perf_counter(), batch))

    watcher = VaultWatcher(root, config, on_batch, debounce=debounce)
    watcher.start()
    try:
        path = root / note_rel
        content = path.read_bytes()
        time.sleep(max(0.2, 2 * debounce))  # let the start's own events settle
        while not done.empty():
            done.get_nowait()
        saved = time.perf_counter()
        path.write_bytes(content)
        while True:
            try:
                finished, batch = done.get(timeout=timeout)
            except queue.Empty:
                raise TimeoutError(f"no batch for {note_rel} within {timeout} s") from None
            if note_rel in batch.changed:
                return finished - saved, batch.seconds
    finally:
        watcher.stop()
