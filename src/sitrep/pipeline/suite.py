"""Render the whole report suite: side by side, incrementally, with progress, and an index.

Each entry's notebook runs once (papermill, in a temporary folder outside ``reports/``); the
executed notebook becomes HTML in this process and the same HTML becomes PDF in one Chromium kept
open for the whole run. An entry whose inputs (notebook, data set files, parameters, formats,
sitrep's code) are unchanged since its last render is skipped. Outputs and their ``render.json``
are published atomically; a failed entry leaves its earlier outputs as they were and keeps its
executed notebook in ``build/failed/`` for debugging.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import ctypes
import functools
import gc
import multiprocessing
import re
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from sitrep import paths
from sitrep.model.data import writes
from sitrep.model.data.digest import code_digest
from sitrep.pipeline import cores, guard
from sitrep.pipeline.entry import RENDER_JSON, Entry, Outcome, Status, Why, plan
from sitrep.pipeline.errors import RenderError
from sitrep.pipeline.formats import needs
from sitrep.pipeline.index import assemble_index, rebuild
from sitrep.pipeline.kernels import SharedKernels
from sitrep.pipeline.pdf import printer_thread
from sitrep.pipeline.progress import Progress
from sitrep.pipeline.render import render

__all__ = ["STOP", "Outcome", "Status", "assemble_index", "cores", "plan", "preflight",
           "refusal_text", "render_entry", "render_suite", "summary", "written"]

#: Name prefix of the threads that render entries.
WORKER = "sitrep-render"
#: Set when the run is interrupted: entries still running publish nothing.
STOP = threading.Event()


# -- one entry -----------------------------------------------------------------------------------

def _keep_failed(executed: Path | None, name: str) -> Path | None:
    if executed is None or not Path(executed).is_file():
        return None
    return writes.write_bytes(writes.root(paths.FAILED.parent, create=True),
                              Path(paths.FAILED.name) / f"{name}.ipynb",
                              Path(executed).read_bytes())


def _failure_message(error: RenderError, work: Path, kept: Path | None) -> str:
    """The failure as the analyst reads it: the executed notebook named where it is kept
    (build/failed/), never in the work folder, which is removed once the entry is done."""
    text = str(error)
    if kept is not None and error.executed is not None:
        text = text.replace(str(error.executed), paths.display(kept))
    # Whatever else names the work folder goes: a path that will not exist is no help.
    text = re.sub(rf"(;|\n)[^;\n]*{re.escape(str(work))}[^;\n]*", "", text)
    shown = paths.display(kept) if kept is not None else ""
    if shown and shown not in text:
        text += f"\nexecuted notebook kept at {shown}"
    return text


def render_entry(entry: Entry, out_root: Path, *, digest: str, dataset_digest: str,
                 printer: Callable[[str], bytes] | None, progress: Progress,
                 kernels: SharedKernels | None = None) -> Outcome:
    """Render one entry by the one path (:func:`sitrep.pipeline.render.render`), publishing its
    outputs and its render.json together; a failure becomes the entry's outcome."""
    started = time.perf_counter()
    writes.folder(writes.root(paths.STAGING.parent, create=True), paths.STAGING.name)
    work = Path(tempfile.mkdtemp(prefix=f"sitrep-{entry.name}-"))
    seconds = 0.0
    inputs = entry.inputs(dataset_digest, code_digest(), formats=False)
    current = entry.kept_formats(out_root, inputs)

    def step(text: str) -> None:
        if text != "executing" and kernels is not None:
            kernels.executed()  # the notebook has run: its kernel goes to the next one
        if STOP.is_set():  # interrupted: no further step
            raise RenderError(f"interrupted before {text}")
        if text == "executing" and kernels is not None:  # one state at a time: until a
            progress.step(entry, "waiting for a kernel")  # kernel is free, it only waits
            kernels.when_ready(lambda: progress.step(entry, "executing"))
        else:
            progress.step(entry, text)

    def record(title: str) -> dict[str, str]:
        nonlocal seconds
        seconds = time.perf_counter() - started
        if STOP.is_set():
            raise RenderError("interrupted before publishing")
        return {RENDER_JSON: entry.render_json(title, seconds, digest, dataset_digest,
                                               formats=current, inputs=inputs)}

    try:
        written = render(entry.notebook, entry.kernel_parameters(), entry.folder(out_root),
                         name=entry.name, formats=entry.formats, workdir=work, printer=printer,
                         kernels=kernels, staging=paths.STAGING,
                         step=step, extra=record)
    except RenderError as error:
        kept = _keep_failed(error.executed, entry.name)
        return Outcome(entry, Status.FAILED, time.perf_counter() - started,
                       _failure_message(error, work, kept),
                       digest=digest, dataset_digest=dataset_digest)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    for stale in entry.stale_files(out_root, current, written):
        stale.unlink(missing_ok=True)
    (paths.FAILED / f"{entry.name}.ipynb").unlink(missing_ok=True)  # it renders now
    return Outcome(entry, Status.RENDERED, seconds, "", written, digest, dataset_digest)


def _refusal(entry: Entry, problems: list, refused: str | None = None) -> Outcome | None:
    """Why an entry is not rendered at all, checked before any kernel starts: its notebook
    differs from its committed form (``refused``, asked before anything else), its data set
    breaks a rule, or a parameter is wrong."""
    if refused:
        return Outcome(entry, Status.REFUSED, message=refused)
    if problems:
        listed = "\n".join(f"  {p}" for p in problems)
        return Outcome(entry, Status.BAD_DATA, message=(
            f"the data set {paths.display(entry.dataset)} breaks {len(problems)} rule(s):"
            f"\n{listed}"))
    refused = _parameter_problem(entry)
    if refused:
        return Outcome(entry, Status.BAD_PARAMETER, message=refused)
    return None


def _browser_problem(entries: list[Entry]) -> str:
    """Why the formats asked for cannot be made on this machine (a PDF without Chromium),
    found before anything runs; empty when they can."""
    if not needs((f for e in entries for f in e.formats), "browser"):
        return ""
    from sitrep.pipeline.pdf import chromium_path

    try:
        chromium_path()
    except RenderError as error:
        return f"its formats need a browser: {error}"
    return ""


def _blocked(stale: list[Entry]) -> dict[str, str]:
    """Each entry refused before its data set is even validated, with why: its notebook (the
    guard), or a format this machine cannot make."""
    refused = guard.refusals(e.notebook for e in stale)
    browser = _browser_problem(stale)
    blocked = {e.name: refused[e.notebook] for e in stale if e.notebook in refused}
    for entry in stale:
        if browser and entry.name not in blocked and needs(entry.formats, "browser"):
            blocked[entry.name] = browser
    return blocked


def preflight(entries: list[Entry], out_root: Path = paths.REPORTS, *, force: bool = False,
              ) -> tuple[dict[str, Why | None], list[Outcome], list[str]]:
    """What ``sitrep render --list`` asks: the checks a render makes before it executes
    anything (the guard, the formats, each data set validated, the parameters against it), on
    the entries it would render. Returns why each would render, the refusals (the outcomes
    the render would give them) and the notices it would print."""
    why = plan(entries, out_root, force=force)[2]
    stale = [e for e in entries if why[e.name] is not None]
    blocked = _blocked(stale)
    runnable = [e for e in stale if e.name not in blocked]
    problems = _validate({e.dataset for e in runnable})
    refusals = [r for e in stale if (r := _refusal(e, problems.get(e.dataset, []),
                                                    blocked.get(e.name))) is not None]
    return why, refusals, guard.notices(e.notebook for e in runnable)


def refusal_text(outcome: Outcome) -> str:
    """What the command line says of an entry refused before anything ran: one line (a bad
    data set's problems follow it, one a line), the same from a render and from --list."""
    return f"{outcome.entry.name}: {outcome.status}: {outcome.message}"


def _parameter_problem(entry: Entry) -> str:
    """Why an entry's parameters break their rules or do not fit its data set (ids it does
    not hold), checked before any kernel starts; empty when they are fine."""
    from sitrep.pipeline import parameters

    known = {k: v for k, v in entry.kernel_parameters().items() if k in parameters.KNOWN}
    try:
        given = parameters.read(**known)
        if given.measures or given.actors:
            given.open()  # the data set is clean and cached by now: this only reads it
    except parameters.ParameterError as error:
        return str(error)
    return ""


# -- the suite -----------------------------------------------------------------------------------

@contextlib.contextmanager
def _workers_joined() -> Iterator[None]:
    """On the way out, wait for every render worker, even one an interrupt kept out of the
    pool's own list (a signal landing inside ``submit`` while the thread starts): no worker may
    outlive the kernels and the browser it uses, or the process would wait for it forever."""
    try:
        yield
    finally:
        while workers := [t for t in threading.enumerate() if t.name.startswith(WORKER)
                          and not t.daemon and t is not threading.current_thread()]:
            for worker in workers:
                worker.join()


@contextlib.contextmanager
def _closing(kernels: Callable[[], SharedKernels | None]) -> Iterator[None]:
    """Close the kernels (started inside the block, if at all) on the way out."""
    try:
        yield
    finally:
        started = kernels()
        if started is not None:
            started.close()


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _first_line(entries: list[Entry], stale: list[Entry], jobs: int) -> str:
    """What the run does first, said before it does it."""
    current = len(entries) - len(stale)
    head = f"{_plural(len(stale), 'report')} to render" + (
        f", {current} current (skipped)" if current else "")
    if not stale:
        return head
    datasets = sorted({paths.display(e.dataset) for e in stale})
    kernels = f", starting {_plural(min(jobs, len(stale)), 'kernel')}" if jobs else ""
    return (f"{head}: validating {_plural(len(datasets), 'data set')} "
            f"({', '.join(datasets)}){kernels}")


def _validated(problems: dict[Path, list]) -> str:
    bad = [paths.display(d) for d, found in problems.items() if found]
    return (f"data sets checked: {len(problems) - len(bad)} clean"
            + (f", {len(bad)} breaking rules ({', '.join(bad)})" if bad else ""))


def render_suite(entries: list[Entry], out_root: Path = paths.REPORTS, *, jobs: int = 0,
                 force: bool = False, live: bool | None = None, reuse_kernels: bool = True,
                 listed: list[Entry] | None = None, quiet: bool = False,
                 kernels: SharedKernels | None = None) -> list[Outcome]:
    """Render every entry (or skip it when unchanged); rebuild ``index.html``; return outcomes.

    With ``quiet`` it says nothing (the command line asks so when every entry is current).
    The index lists every report of ``listed`` (the whole manifest; default the entries given
    that are not ad-hoc), not only those rendered now (see :func:`sitrep.pipeline.index.rebuild`).

    Data sets are validated first, once each: an entry whose data set is bad is not rendered
    (status 'bad data') and nothing of it is published. With ``reuse_kernels``, ``jobs`` warm
    kernels (:class:`~sitrep.pipeline.kernels.SharedKernels`) run every notebook, namespace
    emptied between them; they start while the data sets are validated.
    """
    STOP.clear()
    out_root = writes.root(out_root, create=True)
    _sweep_staging()
    if jobs < 0:
        raise ValueError(f"jobs must be 1 or more (0: one per core), got {jobs}")
    jobs = jobs or cores()
    digests, wanted, why = plan(entries, out_root, force=force)
    stale = [e for e in entries if why[e.name] is not None]
    # The guard first: a notebook saved from JupyterLab is refused before any data set is
    # validated or kernel started (guard.refusals), and needs neither.
    blocked = _blocked(stale)
    runnable = [e for e in stale if e.name not in blocked]
    if any(_large(d) for d in {e.dataset for e in runnable}):
        jobs = 1  # a large data set in two kernels at once holds its memory twice
    kept = kernels is not None
    outcomes: dict[str, Outcome] = {}
    with Progress(entries, live=live, quiet=quiet) as progress, \
            _closing(lambda: None if kept else kernels):
        progress.note(_first_line(entries, stale, jobs if reuse_kernels and not kept else 0))
        for line in guard.notices(e.notebook for e in runnable):  # once per notebook
            progress.note(line)
        if reuse_kernels and runnable and not kept:
            kernels = SharedKernels(paths.NOTEBOOKS, jobs, [e.notebook for e in runnable])
        problems = _validate({e.dataset for e in runnable})
        if runnable:
            progress.note(_validated(problems))
        todo: list[tuple[Entry, str]] = []
        for entry in entries:
            if entry not in stale:
                outcomes[entry.name] = Outcome(entry, Status.UNCHANGED, digest=wanted[entry.name],
                                               dataset_digest=digests[entry.dataset])
                progress.step(entry, "unchanged, skipped", done=True)
                continue
            refusal = _refusal(entry, problems.get(entry.dataset, []),
                               blocked.get(entry.name))
            if refusal is not None:
                outcomes[entry.name] = refusal
                progress.step(entry, f"not rendered: {refusal.status}", done=True)
                continue
            todo.append((entry, wanted[entry.name]))
        if kernels is not None:
            kernels.cancel(len(runnable) - len(todo))
        outcomes.update(_render_all(todo, out_root, jobs=jobs, digests=digests,
                                    kernels=kernels, progress=progress))
    ordered = [outcomes[e.name] for e in entries]
    rebuild([e for e in entries if not e.adhoc] if listed is None else listed, out_root,
            ran=ordered)
    return ordered


#: A data set whose tables weigh more than this is large: it is validated in a child process
#: (what validating takes, hundreds of MB at 100,000 claims, then goes back to the system
#: whole, before the kernels and the browser take theirs), and a run that renders it uses one
#: kernel (each kernel holds the whole data set: two would hold it twice). A smaller one is
#: validated in this process, where starting a child would cost more than the check.
LARGE_DATA_SET_BYTES = 8 * 2**20


def _errors(dataset: Path) -> list:
    from sitrep.model import check
    from sitrep.model.data.problems import errors

    return errors(check(dataset))


def _large(dataset: Path) -> bool:
    """Whether ``dataset``'s tables weigh more than :data:`LARGE_DATA_SET_BYTES`."""
    with contextlib.suppress(OSError):
        return sum(f.stat().st_size for f in paths.facts_dir(dataset).glob("*.csv")) \
            > LARGE_DATA_SET_BYTES
    return False


def _validate(datasets: set[Path]) -> dict[Path, list]:
    """Every problem of each data set (none when clean); then the heap is handed back."""
    ordered = sorted(datasets)
    large = [d for d in ordered if _large(d)]
    found: dict[Path, list] = {}
    if large:
        spawn = multiprocessing.get_context("spawn")  # threads run here: no fork
        with concurrent.futures.ProcessPoolExecutor(1, mp_context=spawn) as child:
            found = dict(zip(large, child.map(_errors, large), strict=True))
    problems = {d: found[d] if d in found else _errors(d) for d in ordered}
    _give_back_memory()
    return problems


def _render_all(todo: list[tuple[Entry, str]], out_root: Path, *, jobs: int,
                digests: dict[Path, str], kernels: SharedKernels | None,
                progress: Progress) -> dict[str, Outcome]:
    """Render the entries side by side: twice as many threads as kernels, so that one entry's
    HTML and PDF are made while the kernel runs the next notebook."""
    outcomes: dict[str, Outcome] = {}
    needs_pdf = needs((f for e, _ in todo for f in e.formats), "browser")
    threads = 2 * jobs if kernels is not None else jobs
    # Chromium prints only while no notebook runs: its memory and a kernel's never add up.
    quiet = None if kernels is None else functools.partial(kernels.wait_quiet, STOP)
    with printer_thread(needs_pdf, stop=STOP, quiet=quiet) as printer, _workers_joined(), \
            concurrent.futures.ThreadPoolExecutor(max_workers=threads,
                                                  thread_name_prefix=WORKER) as pool:
        futures: dict[concurrent.futures.Future, Entry] = {}
        try:  # an interrupt while entries are still being handed out stops them too
            for entry, digest in todo:
                futures[pool.submit(render_entry, entry, out_root, digest=digest,
                                    dataset_digest=digests[entry.dataset], printer=printer,
                                    progress=progress, kernels=kernels)] = entry
            for future in concurrent.futures.as_completed(futures):
                entry = futures[future]
                try:
                    outcome = future.result()
                except Exception as error:  # a bug, not a notebook error: still isolated
                    outcome = Outcome(entry, Status.FAILED,
                                      message=f"{type(error).__name__}: {error}")
                outcomes[entry.name] = outcome
                progress.step(entry, f"{outcome.status} ({outcome.seconds:.1f} s)", done=True)
        except KeyboardInterrupt:
            # Stop cleanly and soon: the running cells are interrupted, what is not yet
            # published will not be; earlier outputs stay.
            STOP.set()
            for future in futures:
                future.cancel()
            if kernels is not None:
                kernels.interrupt()
            raise
    return outcomes


def _give_back_memory() -> None:
    """Hand the heap that validating a large data set used back to the system (glibc keeps
    freed memory otherwise), for the kernels and the browser that start next."""
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


#: Seconds after which a file in the staging folder is an interrupted run's leftover; younger
#: ones may belong to another render running at the same time.
LEFTOVER_AGE = 3600


def _sweep_staging() -> None:
    """Remove what an interrupted run left in the staging folder (never in reports/)."""
    if paths.STAGING.is_dir():
        now = time.time()
        for leftover in paths.STAGING.iterdir():
            with contextlib.suppress(OSError):
                if now - leftover.stat().st_mtime > LEFTOVER_AGE:
                    leftover.unlink()


def summary(outcomes: list[Outcome]) -> str:
    """A plain table of the outcomes, for the end of a run."""
    width = max([len(o.entry.name) for o in outcomes] + [6])
    lines = [f"{'report':<{width}}  {'status':<10}  {'seconds':>7}"]
    for o in outcomes:
        seconds = f"{o.seconds:7.1f}" if o.status == Status.RENDERED else "      -"
        lines.append(f"{o.entry.name:<{width}}  {o.status:<10}  {seconds}")
    counts = {s: sum(o.status == s for o in outcomes) for s in Status}
    lines.append(", ".join(f"{n} {s}" for s, n in counts.items() if n) or "nothing to do")
    return "\n".join(lines)


def written(outcomes: list[Outcome], out_root: Path) -> list[Path]:
    """Every file this run wrote: each rendered report's outputs and render.json, the index."""
    return [*(path for o in outcomes for path in o.files), Path(out_root) / "index.html"]
