"""Every kernel sitrep starts: one module for starting, sharing, interrupting and ending them.

- :func:`ipc_kernel_manager` starts a kernel that talks over Unix sockets in a private folder
  (no TCP port); :func:`close_kernel` ends it; :func:`close_all_kernels` ends every kernel of
  the process (after an interrupt).
- :class:`KernelPool`: one warm kernel per worker thread, reused across notebooks.
- :class:`SharedKernels`: a few warm kernels shared by any number of threads, so that no
  kernel waits for a conversion. A notebook takes a free kernel and gives it back as soon as it
  has run: its thread converts to HTML and PDF while the kernel already runs the next notebook.
  The kernels start, and import what the notebooks import, while the data sets are still being
  validated. Each kernel is shut down once no notebook is left to start, so that its memory is
  free for the browser.

jupyter_client is imported lazily.
"""

from __future__ import annotations

import ast
import contextlib
import json
import os
import queue
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

#: A Unix socket's path holds at most 107 bytes; a kernel's five sockets are named <folder>/k-N.
SOCKET_PATH_BUDGET = 80


def _socket_base() -> str | None:
    """Where kernel socket folders go: the temporary folder, unless its path is so long (a
    test's or a CI job's TMPDIR) that a socket's name would not fit; then /tmp."""
    base = tempfile.gettempdir()
    if len(base) + len("/sitrep-kernel-XXXXXXXX/k-N") <= SOCKET_PATH_BUDGET:
        return None
    return "/tmp" if os.path.isdir("/tmp") and os.access("/tmp", os.W_OK) else None


def ipc_kernel_manager() -> Any:
    """A kernel manager whose kernel talks over Unix sockets in a private folder (0700): no
    TCP port that another local user could reach, and so no warning about unencrypted TCP in
    every render. :func:`close_kernel` shuts it down and removes the folder."""
    from jupyter_client.manager import KernelManager

    folder = tempfile.mkdtemp(prefix="sitrep-kernel-", dir=_socket_base())
    km = KernelManager(kernel_name="python3", transport="ipc", ip=os.path.join(folder, "k"))
    km.sitrep_socket_folder = folder
    with _LIVE_LOCK:
        _LIVE.add(km)
    return km


#: Kernel managers not yet closed, so an interrupt can end every kernel at once.
_LIVE: set[Any] = set()
_LIVE_LOCK = threading.Lock()
#: A kernel's own output (its log lines, what a library writes to file descriptor 2) is not
#: the report's: cell output reaches the notebook through the kernel's messages.
QUIET = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}


def close_kernel(km: Any) -> None:
    """Shut a kernel down at once and remove its socket folder; once, whichever thread asks
    first (two threads tearing down one kernel's zmq context at once abort the process: a run
    refused for bad data closes its pool while a kernel still warming up closes itself)."""
    with _LIVE_LOCK:
        if getattr(km, "sitrep_closed", False):
            return
        km.sitrep_closed = True
        _LIVE.discard(km)
    with contextlib.suppress(Exception):
        if km.has_kernel:
            km.shutdown_kernel(now=True)
    folder = getattr(km, "sitrep_socket_folder", None)
    if folder:
        shutil.rmtree(folder, ignore_errors=True)


def close_all_kernels() -> None:
    """End every kernel this process started (after an interrupt)."""
    with _LIVE_LOCK:
        live = list(_LIVE)
    for km in live:
        close_kernel(km)


class KernelPool:
    """Warm kernels kept across notebooks: one per worker thread, started once, reused.

    Starting a kernel and importing pandas, matplotlib and sitrep costs seconds per notebook;
    a reused kernel pays it once. Each notebook starts with an emptied namespace (see
    :func:`~sitrep.pipeline.execute.execute`); a kernel that died or whose notebook failed is
    replaced. Subclasses change only where a thread's kernel comes from (:meth:`_next`) and
    where it goes when its notebook has run (:meth:`_hand_back`).
    """

    def __init__(self, cwd: Path) -> None:
        self.cwd = Path(cwd)
        self._local = threading.local()
        self._all: list[Any] = []
        self._lock = threading.Lock()
        self._running = 0  # notebooks running now: kernels taken and not yet handed back
        self._quiet = threading.Condition()

    def _start(self) -> Any:
        """A new kernel of this pool, started in ``cwd``."""
        km = ipc_kernel_manager()
        km.start_kernel(cwd=str(self.cwd), **QUIET)
        with self._lock:
            self._all.append(km)
        return km

    def _next(self) -> Any:
        """The kernel this thread runs its next notebook in: its own, while it lives."""
        return getattr(self._local, "km", None)

    def _hand_back(self, km: Any) -> None:
        """This thread keeps its kernel for its next notebook."""
        self._local.km = km

    def _take_mine(self) -> Any:
        """This thread's kernel, no longer this thread's (None when it has none)."""
        km = getattr(self._local, "km", None)
        self._local.km = None
        return km

    def _ran(self, running: bool) -> None:
        """This thread's notebook starts (``running``) or has ended: counted once either way."""
        if getattr(self._local, "running", False) == running:
            return
        self._local.running = running
        with self._quiet:
            self._running += 1 if running else -1
            if self._running <= 0:
                self._quiet.notify_all()

    def wait_quiet(self, stop: threading.Event | None = None, *, timeout: float = 0) -> None:
        """Return once no notebook runs in this pool's kernels (or ``stop`` is set, or after
        ``timeout`` seconds, default :data:`WAIT`): the printer waits for this, so Chromium
        never holds its memory while a kernel holds a large data set's."""
        with self._quiet:
            self._quiet.wait_for(lambda: self._running <= 0 or (stop is not None
                                                                and stop.is_set()),
                                 timeout=timeout or WAIT)

    def when_ready(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` once this thread has its kernel (its next :meth:`get`): the
        progress display shows 'executing' only then, not while the notebook waits."""
        self._local.ready = callback

    def get(self) -> Any:
        """A live kernel manager for this thread's notebook, started when needed."""
        km = self._next()
        if km is None or not km.is_alive():
            if km is not None:
                close_kernel(km)
            km = self._start()
        self._ran(True)
        self._local.km = km
        ready, self._local.ready = getattr(self._local, "ready", None), None
        if ready is not None:
            ready()
        return km

    def executed(self) -> None:
        """This thread's notebook has run: its kernel is handed back (see :meth:`_hand_back`)."""
        km = self._take_mine()
        if km is not None:
            self._hand_back(km)  # shut down first when no notebook is left: then quiet
            self._ran(False)

    def discard(self) -> None:
        """This thread's notebook failed: its kernel is shut down, so none of what the notebook
        left behind reaches the next one."""
        km = self._take_mine()
        if km is not None:
            close_kernel(km)
            self._ran(False)

    def interrupt(self) -> None:
        """Interrupt every kernel of the pool (as Ctrl-C in Jupyter): a running cell stops with
        an error, so its notebook fails soon and its kernel is replaced; the kernels stay up."""
        with self._lock:
            kernels = list(self._all)
        for km in kernels:
            with contextlib.suppress(Exception):
                km.interrupt_kernel()

    def close(self) -> None:
        """Shut down every kernel of the pool."""
        with self._lock:
            kernels, self._all = self._all, []
        for km in kernels:
            close_kernel(km)


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
    """``size`` warm kernels shared by any number of threads.

    ``get()`` takes a free kernel (waiting for one), ``executed()`` hands it to the next
    notebook once this one has run, ``discard()`` replaces it after a failure, ``close()``
    shuts all down. A kernel no notebook is left to take is shut down at once.
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
        self._hand_back(km)

    def _hand_back(self, km: Any) -> None:
        """The one way a kernel (or None: a place for one) returns: to the next notebook while
        one is left to start, else shut down."""
        with self._count:
            wanted = self._left > 0
        if wanted:
            self._free.put(km)
        elif km is not None:
            close_kernel(km)

    def _shut_idle(self) -> None:
        """No notebook is left to start: every idle kernel goes now."""
        while not self._free.empty():
            idle = self._free.get_nowait()
            if idle is not None:
                close_kernel(idle)

    def _started(self, count: int) -> bool:
        """Count ``count`` notebooks as started (or never to start); True when none is left."""
        with self._count:
            self._left -= count
            return self._left <= 0

    def _next(self) -> Any:
        """A free warm kernel (None: start one), once this thread's notebook is counted."""
        try:
            km = self._free.get(timeout=WAIT)
        except queue.Empty:
            km = None
        if self._started(1):
            self._shut_idle()
        return km

    def cancel(self, count: int) -> None:
        """``count`` notebooks counted at the start will not run after all (bad data)."""
        if count > 0 and self._started(count):
            self._shut_idle()

    def discard(self) -> None:
        """This thread's notebook failed: its kernel goes, a place for a fresh one is kept."""
        km = self._take_mine()
        if km is not None:
            close_kernel(km)
            self._hand_back(None)
            self._ran(False)


class KeptKernels(SharedKernels):
    """One warm kernel kept across runs (the live preview's): after each notebook it goes back
    to the queue for the next run, and ends only with :meth:`close` (or after a failure, when
    a fresh one takes its place)."""

    def __init__(self, cwd: Path, notebooks: list[Path]) -> None:
        super().__init__(cwd, 1, notebooks)

    def _started(self, count: int) -> bool:
        """No run is the last: the kernel stays for the next one."""
        return False
