"""Progress of a suite render: which entry, which step, how long; a live display on a
terminal, plain log lines elsewhere (a CI log)."""

from __future__ import annotations

import sys
import threading
import time

from sitrep.pipeline.entry import Entry


class Progress:
    """Which entry, which step, how long: a live display on a terminal, log lines elsewhere."""

    def __init__(self, entries: list[Entry], *, live: bool | None = None) -> None:
        self.live = sys.stderr.isatty() if live is None else live
        self.started = time.perf_counter()
        self._lock = threading.Lock()
        self._progress = None
        self._tasks: dict[str, object] = {}
        if self.live:
            from rich.progress import Progress as RichProgress
            from rich.progress import SpinnerColumn, TextColumn, TimeElapsedColumn

            self._progress = RichProgress(SpinnerColumn(), TextColumn("{task.description}"),
                                          TimeElapsedColumn(), transient=False)

    def __enter__(self) -> Progress:
        if self._progress is not None:
            self._progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            self._progress.stop()

    def step(self, entry: Entry, text: str, *, done: bool = False) -> None:
        """Report that ``entry`` is at ``text`` (e.g. 'executing', 'pdf', 'rendered')."""
        with self._lock:
            if self._progress is not None:
                if entry.name not in self._tasks:
                    self._tasks[entry.name] = self._progress.add_task(entry.name, total=1)
                self._progress.update(self._tasks[entry.name],
                                      description=f"{entry.name}: {text}",
                                      completed=1 if done else 0)
            else:
                elapsed = time.perf_counter() - self.started
                print(f"[{elapsed:6.1f}s] {entry.name}: {text}", flush=True)
