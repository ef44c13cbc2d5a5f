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
import datetime as dt
import gc
import json
import os
import queue
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from sitrep import paths
from sitrep.model.data import writes
from sitrep.model.data.digest import code_digest, dataset_digest
from sitrep.pipeline import guard, manifest
from sitrep.pipeline.errors import RenderError
from sitrep.pipeline.kernels import SharedKernels
from sitrep.pipeline.manifest import Entry
from sitrep.pipeline.publish import publish
from sitrep.pipeline.render import FORMATS, render

RENDER_JSON = "render.json"
#: Name prefix of the threads that render entries.
WORKER = "sitrep-render"
#: Set when the run is interrupted: entries still running publish nothing.
STOP = threading.Event()
STATUS_RENDERED, STATUS_UNCHANGED, STATUS_FAILED, STATUS_BAD_DATA, STATUS_BAD_PARAMETER = (
    "rendered", "unchanged", "failed", "bad data", "bad parameter")
#: Statuses only an assembled index gives (see :func:`assemble_index`).
STATUS_MISSING, STATUS_STALE = "missing", "stale"
#: The notebook differs from its committed form (outputs, edited defaults): see guard.
STATUS_REFUSED = "refused"
#: Statuses of entries refused before anything ran (the command exits 2).
REFUSED = (STATUS_BAD_DATA, STATUS_BAD_PARAMETER, STATUS_REFUSED)


@dataclass
class Outcome:
    """What happened to one entry."""

    entry: Entry
    status: str
    seconds: float = 0.0
    message: str = ""
    files: list[Path] = field(default_factory=list)
    digest: str = ""
    dataset_digest: str = ""


# -- PDF printing in one thread that owns the browser ------------------------------------------

class PrinterThread:
    """Playwright's sync API belongs to the thread that started it: this thread owns one
    Chromium and prints every job's HTML in turn. Chromium starts with the first job, not
    before: while the notebooks run, its memory is not taken."""

    def __init__(self) -> None:
        from sitrep.pipeline.pdf import chromium_path

        chromium_path()  # no Chromium at all: say so before any notebook runs
        self._jobs: queue.Queue = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="sitrep-pdf", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        from sitrep.pipeline.pdf import pdf_printer

        job = self._jobs.get()
        if job is None:
            return
        try:
            with pdf_printer() as printer:
                while job is not None:
                    html, future = job
                    if future.set_running_or_notify_cancel():
                        try:
                            future.set_result(printer(html))
                        except BaseException as error:  # handed to the waiting job
                            future.set_exception(error)
                    job = self._jobs.get()
        except BaseException as error:  # Chromium did not start: every job gets the reason
            while job is not None:
                if not job[1].done():
                    job[1].set_exception(error)
                job = self._jobs.get()

    def __call__(self, html: str) -> bytes:
        """Print HTML to PDF bytes (blocks until this job's turn is done)."""
        future: concurrent.futures.Future = concurrent.futures.Future()
        self._jobs.put((html, future))
        return future.result()

    def close(self) -> None:
        """Close the browser once the job printing now is done (not waited for after an
        interrupt: the driver then closes Chromium as the process ends)."""
        self._jobs.put(None)
        self._thread.join(timeout=0 if STOP.is_set() else 30)


@contextlib.contextmanager
def _printer(needed: bool) -> Iterator[Callable[[str], bytes] | None]:
    if not needed:
        yield None
        return
    printer = PrinterThread()
    try:
        yield printer
    finally:
        printer.close()


# -- progress ------------------------------------------------------------------------------------

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


# -- one entry -----------------------------------------------------------------------------------

def _previous(out_dir: Path) -> dict:
    try:
        return json.loads((out_dir / RENDER_JSON).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _is_current(entry: Entry, out_dir: Path, digest: str) -> bool:
    previous = _previous(out_dir)
    return (previous.get("digest") == digest and previous.get("status") == STATUS_RENDERED
            and all((out_dir / f"{entry.name}.{fmt}").is_file() for fmt in entry.formats))


def _keep_failed(executed: Path | None, name: str) -> Path | None:
    if executed is None or not Path(executed).is_file():
        return None
    return writes.write_bytes(writes.root(paths.FAILED.parent, create=True),
                              Path(paths.FAILED.name) / f"{name}.ipynb",
                              Path(executed).read_bytes())


def render_entry(entry: Entry, out_root: Path, *, digest: str, dataset_digest: str,
                 printer: Callable[[str], bytes] | None, progress: Progress,
                 kernels: SharedKernels | None = None) -> Outcome:
    """Render one entry by the one path (:func:`sitrep.pipeline.render.render`), publishing its
    outputs and its render.json together; a failure becomes the entry's outcome."""
    started = time.perf_counter()
    writes.folder(writes.root(paths.STAGING.parent, create=True), paths.STAGING.name)
    work = Path(tempfile.mkdtemp(prefix=f"sitrep-{entry.name}-"))
    seconds = 0.0
    out_dir = out_root / entry.name
    inputs = manifest.input_digest(replace(entry, formats=()), dataset_digest, code_digest())
    current = _current_formats(entry, out_dir, inputs)

    def step(text: str) -> None:
        if text != "executing" and kernels is not None:
            kernels.executed()  # the notebook has run: its kernel goes to the next one
        if STOP.is_set():  # interrupted: no further step
            raise RenderError(f"interrupted before {text}")
        progress.step(entry, text)

    def record(title: str) -> dict[str, str]:
        nonlocal seconds
        seconds = time.perf_counter() - started
        if STOP.is_set():
            raise RenderError("interrupted before publishing")
        return {RENDER_JSON: _render_json(entry, title, seconds, digest, dataset_digest,
                                          formats=current, inputs=inputs)}

    try:
        written = render(entry.notebook, entry.kernel_parameters(), out_root / entry.name,
                         name=entry.name, formats=entry.formats, workdir=work, printer=printer,
                         kernels=kernels, staging=paths.STAGING,
                         step=step, extra=record)
    except RenderError as error:
        kept = _keep_failed(error.executed, entry.name)
        where = f"\nexecuted notebook kept at {paths.display(kept)}" if kept else ""
        return Outcome(entry, STATUS_FAILED, time.perf_counter() - started, f"{error}{where}",
                       digest=digest, dataset_digest=dataset_digest)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    _remove_stale_formats(entry, out_dir, current)
    (paths.FAILED / f"{entry.name}.ipynb").unlink(missing_ok=True)  # it renders now
    return Outcome(entry, STATUS_RENDERED, seconds, "", written[:-1], digest, dataset_digest)


def _current_formats(entry: Entry, out_dir: Path, inputs: str) -> list[str]:
    """The formats that will be current once this render is published: those rendered now,
    and those published earlier from the very same inputs (notebook, data, parameters, code)."""
    previous = _previous(out_dir)
    kept = [f for f in previous.get("formats", []) if f not in entry.formats
            and previous.get("inputs") == inputs and (out_dir / f"{entry.name}.{f}").is_file()]
    return [*entry.formats, *kept]


def _remove_stale_formats(entry: Entry, out_dir: Path, current: list[str]) -> None:
    """Rendering only some formats must not leave the others behind from older inputs: a PDF
    of last week's data beside today's HTML is removed, never listed as current."""
    for fmt in FORMATS:
        if fmt not in current:
            (out_dir / f"{entry.name}.{fmt}").unlink(missing_ok=True)


def _refusal(entry: Entry, problems: list) -> Outcome | None:
    """Why an entry is not rendered at all, checked before any kernel starts: its data set
    breaks a rule, its notebook differs from its committed form, or a parameter is wrong."""
    if problems:
        listed = "\n".join(f"  {p}" for p in problems)
        return Outcome(entry, STATUS_BAD_DATA, message=(
            f"the data set {paths.display(entry.dataset)} breaks {len(problems)} rule(s):"
            f"\n{listed}"))
    refused = guard.problem(entry.notebook)
    if refused:
        return Outcome(entry, STATUS_REFUSED, message=refused)
    refused = _parameter_problem(entry)
    if refused:
        return Outcome(entry, STATUS_BAD_PARAMETER, message=refused)
    return None


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


def _render_json(entry: Entry, title: str, seconds: float, digest: str,
                 dataset_digest: str, *, formats: list[str], inputs: str) -> str:
    """What the index and the next run read about a published report."""
    record = {
        "name": entry.name, "title": title, "notebook": entry.notebook.name,
        "parameters": entry.parameters, "formats": formats, "inputs": inputs,
        "status": STATUS_RENDERED, "seconds": round(seconds, 2), "digest": digest,
        "dataset": paths.display(entry.dataset), "dataset_digest": dataset_digest,
        "rendered_at": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    return json.dumps(record, indent=1, ensure_ascii=False) + "\n"


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
def _closing(kernels: SharedKernels | None) -> Iterator[None]:
    try:
        yield
    finally:
        if kernels is not None:
            kernels.close()


def cores() -> int:
    """The cores this process may run on: the default number of reports side by side."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


def render_suite(entries: list[Entry], out_root: Path = paths.REPORTS, *, jobs: int = 0,
                 force: bool = False, live: bool | None = None,
                 reuse_kernels: bool = True) -> list[Outcome]:
    """Render every entry (or skip it when unchanged); write ``index.html``; return outcomes.

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
    code = code_digest()
    digests = {d: dataset_digest(d) for d in {e.dataset for e in entries}}
    wanted = {e.name: manifest.input_digest(e, digests[e.dataset], code) for e in entries}
    stale = [e for e in entries
             if force or not _is_current(e, out_root / e.name, wanted[e.name])]
    kernels = (SharedKernels(paths.NOTEBOOKS, jobs, [e.notebook for e in stale])
               if reuse_kernels and stale else None)
    outcomes: dict[str, Outcome] = {}
    with _closing(kernels), Progress(entries, live=live) as progress:
        problems = _validate({e.dataset for e in stale})
        todo: list[tuple[Entry, str]] = []
        for entry in entries:
            if entry not in stale:
                outcomes[entry.name] = Outcome(entry, STATUS_UNCHANGED, digest=wanted[entry.name],
                                               dataset_digest=digests[entry.dataset])
                progress.step(entry, "unchanged, skipped", done=True)
                continue
            refused = _refusal(entry, problems.get(entry.dataset, []))
            if refused is not None:
                outcomes[entry.name] = refused
                progress.step(entry, f"not rendered: {refused.status}", done=True)
                continue
            todo.append((entry, wanted[entry.name]))
        if kernels is not None:
            kernels.cancel(len(stale) - len(todo))
        outcomes.update(_render_all(todo, out_root, jobs=jobs, digests=digests,
                                    kernels=kernels, progress=progress))
    ordered = [outcomes[e.name] for e in entries]
    write_index(ordered, out_root)
    return ordered


def _validate(datasets: set[Path]) -> dict[Path, list]:
    """Every problem of each data set (none when clean); then the heap is handed back."""
    from sitrep.model import check
    from sitrep.model.data.problems import errors

    problems = {d: errors(check(d)) for d in sorted(datasets)}
    _give_back_memory()
    return problems


def _render_all(todo: list[tuple[Entry, str]], out_root: Path, *, jobs: int,
                digests: dict[Path, str], kernels: SharedKernels | None,
                progress: Progress) -> dict[str, Outcome]:
    """Render the entries side by side: twice as many threads as kernels, so that one entry's
    HTML and PDF are made while the kernel runs the next notebook."""
    outcomes: dict[str, Outcome] = {}
    needs_pdf = any("pdf" in e.formats for e, _ in todo)
    threads = 2 * jobs if kernels is not None else jobs
    with _printer(needs_pdf) as printer, _workers_joined(), \
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
                    outcome = Outcome(entry, STATUS_FAILED,
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


def write_index(outcomes: list[Outcome], out_root: Path) -> Path:
    """``reports/index.html``: every report with its parameters, formats, time, status and data
    set checksum, read from each report's render.json (escaped by the template)."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    rows = []
    for outcome in outcomes:
        record = _previous(out_root / outcome.entry.name)
        published = record.get("status") == STATUS_RENDERED
        rows.append({
            "name": outcome.entry.name,
            "title": record.get("title", ""),
            "notebook": outcome.entry.notebook.name,
            "parameters": outcome.entry.parameters,
            "formats": [f for f in outcome.entry.formats
                        if (out_root / outcome.entry.name / f"{outcome.entry.name}.{f}").is_file()],
            "status": outcome.status,
            "seconds": outcome.seconds if outcome.status == STATUS_RENDERED
            else record.get("seconds"),
            "rendered_at": record.get("rendered_at", ""),
            "dataset": paths.display(outcome.entry.dataset),
            "dataset_digest": (outcome.dataset_digest or record.get("dataset_digest", ""))[:12],
            "message": outcome.message.splitlines()[0] if outcome.message else "",
            "stale": outcome.status in (STATUS_FAILED, *REFUSED) and published,
        })
    environment = Environment(loader=FileSystemLoader(paths.TEMPLATES / "index"),
                              autoescape=select_autoescape(default=True))
    html = environment.get_template("index.html.j2").render(
        rows=rows, generated=dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"))
    (written,) = publish({"index.html": html}, out_root, staging=paths.STAGING)
    return written


def assemble_index(entries: list[Entry], out_root: Path = paths.REPORTS) -> list[Outcome]:
    """Write ``index.html`` from the ``render.json`` of every entry's folder, as when shards
    rendered on several machines (``sitrep render --shard I/N``) are gathered into one folder.

    An entry without a rendered ``render.json`` is 'missing'; one rendered from other inputs
    than the current notebook, data set, parameters and code is 'stale'.
    """
    from sitrep.model.data.digest import code_digest, dataset_digest

    code, digests, outcomes = code_digest(), {}, []
    for entry in entries:
        record = _previous(Path(out_root) / entry.name)
        if record.get("status") != STATUS_RENDERED:
            outcomes.append(Outcome(entry, STATUS_MISSING, message=(
                "no rendered render.json in its folder: its shard failed or was not gathered")))
            continue
        if entry.dataset not in digests:
            digests[entry.dataset] = dataset_digest(entry.dataset)
        current = manifest.input_digest(entry, digests[entry.dataset], code)
        stale = record.get("digest") != current
        outcomes.append(Outcome(
            entry, STATUS_STALE if stale else STATUS_RENDERED, float(record.get("seconds", 0)),
            "rendered from other inputs (notebook, data set, parameters or code)" if stale
            else "", digest=record.get("digest", ""),
            dataset_digest=record.get("dataset_digest", "")))
    write_index(outcomes, Path(out_root))
    return outcomes


def summary(outcomes: list[Outcome]) -> str:
    """A plain table of the outcomes, for the end of a run."""
    width = max([len(o.entry.name) for o in outcomes] + [6])
    lines = [f"{'report':<{width}}  {'status':<10}  {'seconds':>7}"]
    for o in outcomes:
        seconds = f"{o.seconds:7.1f}" if o.status == STATUS_RENDERED else "      -"
        lines.append(f"{o.entry.name:<{width}}  {o.status:<10}  {seconds}")
    counts = {s: sum(o.status == s for o in outcomes) for s in
              (STATUS_RENDERED, STATUS_UNCHANGED, STATUS_FAILED, *REFUSED,
               STATUS_MISSING, STATUS_STALE)}
    lines.append(", ".join(f"{n} {s}" for s, n in counts.items() if n) or "nothing to do")
    return "\n".join(lines)
