"""Shared kernels: who holds one, when the printer may print, when a kernel is shut down.

Kernels here are stand-ins (no process), so the tests read the pool's bookkeeping alone; the
real kernels are exercised by every render test."""

from __future__ import annotations

import threading
import time

import pytest
from conftest import ceiling

from sitrep.pipeline import kernels as kernels_module
from sitrep.pipeline.kernels import KernelPool, SharedKernels


class FakeKernel:
    """A kernel manager's surface as the pool uses it, with a log of its shutdown."""

    def __init__(self, log: list[str]) -> None:
        self.log = log
        self.has_kernel = True

    def is_alive(self) -> bool:
        return self.has_kernel

    def start_kernel(self, **_kwargs) -> None:
        pass

    def shutdown_kernel(self, now: bool = False) -> None:
        time.sleep(0.2)  # a real shutdown takes a while: long enough to show what waits for it
        self.has_kernel = False
        self.log.append("shut down")

    def interrupt_kernel(self) -> None:
        pass

    def client(self) -> FakeKernel:
        return self

    def start_channels(self) -> None:
        pass

    def stop_channels(self) -> None:
        pass

    def wait_for_ready(self, timeout: float) -> None:
        pass

    def execute_interactive(self, *_args, **_kwargs) -> None:
        pass


@pytest.fixture
def log(monkeypatch) -> list[str]:
    events: list[str] = []
    monkeypatch.setattr(kernels_module, "ipc_kernel_manager", lambda: FakeKernel(events))
    return events


def _in_thread(work) -> threading.Thread:
    thread = threading.Thread(target=work, daemon=True)
    thread.start()
    thread.join(timeout=10)
    assert not thread.is_alive()
    return thread


def _quiet_within(pool: KernelPool, seconds: float) -> bool:
    """Whether wait_quiet returned within ``seconds``."""
    done = threading.Event()
    threading.Thread(target=lambda: (pool.wait_quiet(timeout=30), done.set()),
                     daemon=True).start()
    return done.wait(seconds)


def test_the_printer_waits_while_a_notebook_runs_and_prints_once_it_has_run(log, tmp_path):
    pool = SharedKernels(tmp_path, 1, [tmp_path / "a.ipynb", tmp_path / "b.ipynb"])
    taken = threading.Event()
    release = threading.Event()

    def notebook():
        pool.get()
        taken.set()
        release.wait(10)
        pool.executed()
        pool.executed()  # every later step of a render says so again: counted once

    thread = threading.Thread(target=notebook, daemon=True)
    thread.start()
    assert taken.wait(10)
    assert not _quiet_within(pool, 0.3), "the printer printed while a notebook ran"
    release.set()
    thread.join(10)
    assert _quiet_within(pool, 5)
    pool.close()


def test_a_failed_notebook_frees_the_printer_too(log, tmp_path):
    pool = SharedKernels(tmp_path, 1, [tmp_path / "a.ipynb", tmp_path / "b.ipynb"])
    _in_thread(lambda: (pool.get(), pool.discard()))
    assert _quiet_within(pool, 5)
    pool.close()


def test_the_last_kernel_is_shut_down_before_the_printer_prints(log, tmp_path):
    """No notebook is left: the kernel goes first, so Chromium never holds its memory beside
    a kernel's."""
    pool = SharedKernels(tmp_path, 1, [tmp_path / "only.ipynb"])
    taken, release = threading.Event(), threading.Event()

    def notebook():
        pool.get()
        taken.set()
        release.wait(10)
        pool.executed()

    runner = threading.Thread(target=notebook, daemon=True)
    runner.start()
    assert taken.wait(10)
    printer = threading.Thread(target=lambda: (pool.wait_quiet(timeout=30),
                                               log.append("printed")), daemon=True)
    printer.start()
    time.sleep(0.2)
    assert log == []
    release.set()
    runner.join(10)
    printer.join(10)
    assert log == ["shut down", "printed"]
    pool.close()


def test_a_stopped_run_does_not_wait_for_quiet(log, tmp_path):
    pool = SharedKernels(tmp_path, 1, [tmp_path / "a.ipynb", tmp_path / "b.ipynb"])
    _in_thread(pool.get)
    stop = threading.Event()
    stop.set()
    started = time.perf_counter()
    pool.wait_quiet(stop, timeout=600)  # a stopped run returns at once, never at the timeout
    assert time.perf_counter() - started < ceiling(5)
    pool.close()


def test_a_pool_of_own_kernels_counts_each_notebook_once(log, tmp_path):
    """KernelPool keeps a thread's kernel for its next notebook: the count still returns to
    nothing running after each."""
    pool = KernelPool(tmp_path)

    def two_notebooks():
        for _ in range(2):
            pool.get()
            assert not _quiet_within(pool, 0.2)
            pool.executed()
            assert _quiet_within(pool, 5)

    _in_thread(two_notebooks)
    pool.close()


def test_a_kernel_closed_by_two_threads_at_once_is_shut_down_once(log):
    """The pool's close() and a warming thread's hand-back may close one kernel together."""
    from sitrep.pipeline.kernels import close_kernel

    km = kernels_module.ipc_kernel_manager()
    threads = [threading.Thread(target=close_kernel, args=(km,)) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert log == ["shut down"]
