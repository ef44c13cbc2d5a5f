"""Progress of a suite render: which entry, which step, how long; a live display on a
terminal, plain log lines elsewhere (a CI log).

Each report shows one state at a time ('waiting for a kernel', 'executing', a format's name,
'publishing', then its outcome). Notes (what the run does first: 'validating 2 data sets,
starting 2 kernels') are printed above the live display. After an interrupt the display is
stopped with every unfinished report marked 'interrupted' and no spinner, before the command
prints its last line, so nothing is redrawn under it (:func:`stop_live`).
"""

from __future__ import annotations

import sys
import threading
import time
from typing import Any

from sitrep.pipeline.entry import Entry

#: The live displays now shown (one per running suite), for :func:`stop_live`.
_SHOWN: list[Progress] = []


def stop_live() -> None:
    """Stop every live display now, its unfinished reports marked 'interrupted' (called on an
    interrupt, before the one line the command then prints)."""
    for progress in list(_SHOWN):
        progress.interrupted()


class Progress:
    """Which entry, which step, how long: a live display on a terminal, log lines elsewhere."""

    def __init__(self, entries: list[Entry], *, live: bool | None = None,
                 quiet: bool = False) -> None:
        #: Says nothing at all (a run with nothing to render: the command says one line).
        self.quiet = quiet
        self.live = False if quiet else sys.stderr.isatty() if live is None else live
        self.started = time.perf_counter()
        # Re-entrant: an interrupt lands in the main thread, maybe while it holds the lock.
        self._lock = threading.RLock()
        self._progress: Any = None
        self._tasks: dict[str, Any] = {}
        if self.live:
            from rich.progress import Progress as RichProgress
            from rich.progress import SpinnerColumn, TextColumn, TimeElapsedColumn

            self._progress = RichProgress(SpinnerColumn(), TextColumn("{task.description}"),
                                          TimeElapsedColumn(), transient=False)

    def __enter__(self) -> Progress:
        if self._progress is not None:
            self._progress.start()
            _SHOWN.append(self)
        return self

    def __exit__(self, kind: type[BaseException] | None, *exc: object) -> None:
        if kind is not None and issubclass(kind, KeyboardInterrupt):
            self.interrupted()
        with self._lock:
            if self._progress is not None:
                self._progress.stop()
                self._progress = None
        if self in _SHOWN:
            _SHOWN.remove(self)

    def _elapsed(self) -> str:
        return f"[{time.perf_counter() - self.started:6.1f}s]"

    def note(self, text: str) -> None:
        """Say what the run as a whole does now (above the live display)."""
        if self.quiet:
            return
        with self._lock:
            if self._progress is not None:
                self._progress.console.print(f"{self._elapsed()} {text}", markup=False,
                                             highlight=False)
            else:
                print(f"{self._elapsed()} {text}", flush=True)

    def step(self, entry: Entry, text: str, *, done: bool = False) -> None:
        """Report that ``entry`` is at ``text`` (e.g. 'executing', 'pdf', 'rendered')."""
        if self.quiet:
            return
        with self._lock:
            if self._progress is not None:
                if entry.name not in self._tasks:
                    self._tasks[entry.name] = self._progress.add_task(entry.name, total=1)
                self._progress.update(self._tasks[entry.name],
                                      description=f"{entry.name}: {text}",
                                      completed=1 if done else 0)
            elif not self.live:
                print(f"{self._elapsed()} {entry.name}: {text}", flush=True)

    def interrupted(self) -> None:
        """Stop the live display at once: unfinished reports say 'interrupted', no spinner
        frame is left, and nothing is drawn after (the refresh thread is stopped)."""
        if not self._lock.acquire(timeout=0.5):
            return
        try:
            shown, self._progress = self._progress, None
            if shown is None:
                return
            finished = {task.id for task in shown.tasks if task.finished}
            for name, task in self._tasks.items():
                if task not in finished:
                    shown.update(task, description=f"{name}: interrupted", completed=1)
            shown.stop()
        finally:
            self._lock.release()
