"""Warm kernels shared by the suite's worker threads, so that no kernel waits for a conversion.

A notebook takes a free kernel and gives it back as soon as it has run: its thread converts to
HTML and PDF while the kernel already runs the next notebook. The kernels start, and import
what the notebooks import, while the data sets are still being validated. Each kernel is shut
down once no notebook is left to start, so that its memory is free for the browser.
"""

from __future__ import annotations

import ast
import contextlib
import json
import queue
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from sitrep.pipeline.execute import QUIET, KernelPool, close_kernel, ipc_kernel_manager

#: Seconds a notebook waits for a free kernel before it starts one of its own.
WAIT = 900


def imports_of(notebooks: Iterable[Path]) -> str:
    """The import statements of the notebooks' code cells, once each, as one cell's code."""
    seen: dict[str, None] = {}
    for notebook in notebooks:
        with contextlib.suppress(OSError, ValueError):
            cells = json.loads(Path(notebook).read_text(encoding="utf-8")).get("cells", [])
            for cell in cells:
                if cell.get("cell_type") != "code":
                    continue
                source = "".join(cell.get("source", ""))
                with contextlib.suppress(SyntaxError):  # IPython magics: not Python
                    for node in ast.parse(source).body:
                        if isinstance(node, ast.Import | ast.ImportFrom):
                            seen[ast.unparse(node)] = None
    return "\n".join(seen)


class SharedKernels(KernelPool):
    """:class:`KernelPool`'s interface over ``size`` kernels shared by any number of threads.

    ``get()`` takes a free kernel (waiting for one), ``executed()`` gives it back once its
    notebook has run, ``discard()`` replaces it after a failure, ``close()`` shuts all down.
    """

    def __init__(self, cwd: Path, size: int, notebooks: list[Path]) -> None:
        super().__init__(cwd)
        self._free: queue.Queue = queue.Queue()
        self._left = len(notebooks)
        self._count = threading.Lock()
        warm_up = imports_of(notebooks)
        for _ in range(max(1, min(size, len(notebooks)))):
            threading.Thread(target=self._warm, args=(warm_up,), name="sitrep-kernel",
                             daemon=True).start()

    def _start(self) -> Any:
        km = ipc_kernel_manager()
        km.start_kernel(cwd=str(self.cwd), **QUIET)
        with self._lock:
            self._all.append(km)
        return km

    def _warm(self, code: str) -> None:
        """Start a kernel and run the notebooks' imports in it; hand it over (or None, so that
        get() starts one, when this failed)."""
        km = None
        with contextlib.suppress(Exception):
            km = self._start()
            client = km.client()
            client.start_channels()
            try:
                client.wait_for_ready(timeout=120)
                if code:
                    client.execute_interactive(code, store_history=False, timeout=300,
                                               output_hook=lambda _message: None)
            finally:
                client.stop_channels()
        self._give(km)

    def _give(self, km: Any) -> None:
        with self._count:
            wanted = self._left > 0
        if wanted:
            self._free.put(km)
        elif km is not None:
            self._shut(km)

    @staticmethod
    def _shut(km: Any) -> None:
        close_kernel(km)

    def get(self) -> Any:
        """A free warm kernel for this thread's notebook."""
        try:
            km = self._free.get(timeout=WAIT)
        except queue.Empty:
            km = None
        with self._count:  # counted once it has its kernel: until then one is kept for it
            self._left -= 1
            last = self._left <= 0
        if km is None or not km.is_alive():
            if km is not None:
                self._shut(km)
            km = self._start()
        if last:  # no notebook left to start: idle kernels go now
            while not self._free.empty():
                idle = self._free.get_nowait()
                if idle is not None:
                    self._shut(idle)
        self._local.km = km
        return km

    def cancel(self, count: int) -> None:
        """``count`` notebooks counted at the start will not run after all (bad data)."""
        if count <= 0:
            return
        with self._count:
            self._left -= count
            gone = self._left <= 0
        while gone and not self._free.empty():
            idle = self._free.get_nowait()
            if idle is not None:
                self._shut(idle)

    def executed(self) -> None:
        """This thread's notebook has run: its kernel goes to the next notebook, or is shut
        down when none is left to start."""
        km = getattr(self._local, "km", None)
        self._local.km = None
        if km is not None:
            self._give(km)

    def discard(self) -> None:
        """This thread's notebook failed: its kernel goes, a fresh one takes its place."""
        km = getattr(self._local, "km", None)
        self._local.km = None
        if km is not None:
            self._shut(km)
            self._give(None)
