"""``sitrep preview REPORT``: one report's HTML, served on 127.0.0.1, re-rendered on save.

- The report renders by the suite's one path (:func:`sitrep.pipeline.suite.render_suite`, HTML
  only, into its usual folder), so a save that changes nothing the report reads renders
  nothing, and what is published is what ``sitrep render REPORT --format html`` publishes. One
  warm kernel (:class:`~sitrep.pipeline.kernels.KeptKernels`) runs every render.
- A watcher (watchfiles) follows the data set folder, the notebook and sitrep's own code. A
  change in the data set or the notebook renders again; a change in sitrep's code starts the
  preview afresh in the same process (``exec``, the listening socket kept), since code already
  imported here and in the kernel would otherwise be the old.
- The served copy of the page, never the published file, carries a small script that polls
  ``/__sitrep/version`` and reloads when the version changes; while a render runs, it marks
  the page as not current yet. A render that is refused (bad
  data, a refused notebook or parameter) or fails replaces the page with a banner page that
  says so, with the time and the message: never a stale page that looks current.
- The server (:class:`PreviewServer`) binds 127.0.0.1 only, answers GET and HEAD only, and
  serves only the report's own HTML files, read without following links; any other path,
  ``..``, encoded separators, backslashes, NUL, overlong paths and a foreign Host header are
  refused with a status and a line of text, never a traceback.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import html
import os
import secrets
import socket
import stat
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote_to_bytes

from sitrep import paths
from sitrep.model.data.errors import SitrepError
from sitrep.pipeline.entry import Entry, Status

__all__ = ["HOST", "MAX_PATH", "VERSION_PATH", "Preview", "PreviewServer", "Restart",
           "inject", "serve"]

#: The only address the preview listens on.
HOST = "127.0.0.1"
#: Where the page asks whether it is still current.
VERSION_PATH = "/__sitrep/version"
#: The longest request path answered (longer: 414).
MAX_PATH = 1024
#: The largest file served (a report's HTML with its images embedded is a few MB).
MAX_FILE = 256 * 2**20
#: The environment variable a restarted preview finds its listening socket in.
SOCKET_FD = "SITREP_PREVIEW_FD"
#: Seconds the watcher waits for a burst of writes (an editor's save) to settle.
DEBOUNCE_MS = 150
#: Milliseconds after which the watcher, watching and with nothing changed, says so: the
#: first render starts then.
WATCHER_READY_MS = 200

_RELOAD = """<script nonce="{nonce}">(function () {{
  var version = "{version}", badge = null;
  function rendering(on) {{
    if (on && !badge) {{
      badge = document.createElement("div");
      badge.id = "sitrep-preview-rendering";
      badge.setAttribute("role", "status");
      badge.textContent = "sitrep preview: rendering a change; this page is not current yet";
      badge.style.cssText = "position:fixed;top:0;right:0;z-index:2147483647;padding:.4em .8em;"
        + "background:#8a5a00;color:#fff;font:14px sans-serif";
      document.body.appendChild(badge);
    }} else if (!on && badge) {{ badge.remove(); badge = null; }}
  }}
  function poll() {{
    fetch("{path}", {{cache: "no-store"}})
      .then(function (r) {{ return r.text(); }})
      .then(function (now) {{
        var said = now.split(" ");
        if (said[0] !== version) {{ location.reload(); return; }}
        rendering(said[1] === "rendering");
        setTimeout(poll, 250);
      }})
      .catch(function () {{ setTimeout(poll, 1000); }});
  }}
  setTimeout(poll, 250);
}})();</script>"""

_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<style nonce="{nonce}">body {{ font-family: sans-serif; margin: 2rem; }}
.sitrep-preview-error {{ border: 4px solid #b00020; background: #fdecee; padding: 1rem 1.5rem; }}
.sitrep-preview-error h1 {{ color: #b00020; margin-top: 0; }}
pre {{ white-space: pre-wrap; }}</style></head>
<body>{body}</body></html>"""


#: How the preview speaks: a line, on the error stream when ``error``.
Say = Callable[..., None]


class Restart(SitrepError):
    """sitrep's code changed: the preview starts afresh (caught by :func:`serve`, never
    reaching the command line)."""


def inject(page: bytes, script: str) -> bytes:
    """``page`` with ``script`` before its last ``</body>`` (at its end when it has none)."""
    at = page.lower().rfind(b"</body>")
    at = len(page) if at < 0 else at
    return page[:at] + script.encode() + page[at:]


def _read_regular(path: Path) -> bytes:
    """A regular file's bytes, the file opened without following a link (OSError else)."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_FILE:
            raise OSError(f"not a regular file of at most {MAX_FILE} bytes: {path.name}")
        return handle.read(MAX_FILE + 1)


@dataclass(frozen=True)
class Shown:
    """What the preview serves now: the page (the report, or a banner page) and its version."""

    page: bytes
    version: str
    error: bool = False


class Preview:
    """One report kept current: its render, what is served, the version the page polls."""

    def __init__(self, entry: Entry, out_root: Path, *, listed: list[Entry],
                 say: Say) -> None:
        self.entry, self.out_root, self.listed, self.say = entry, Path(out_root), listed, say
        self.boot = secrets.token_hex(4)  # a restarted preview's versions differ from these
        self.nonce = secrets.token_urlsafe(12)
        self._count = 0
        self._lock = threading.Lock()
        self.rendering = False  # a render runs now: the page says it is not current yet
        self.shown = Shown(b"", f"{self.boot}-0")
        self._show(self._banner("Rendering", f"{entry.name} is rendering; this page reloads "
                                "when it is done.", error=False))
        self.kernels = None

    # -- what is served ----------------------------------------------------------------------

    def _show(self, page: bytes, *, error: bool = False) -> None:
        with self._lock:
            self._count += 1
            version = f"{self.boot}-{self._count}"
            script = _RELOAD.format(nonce=self.nonce, version=version, path=VERSION_PATH)
            self.shown = Shown(inject(page, script), version, error)
            self.rendering = False

    def _banner(self, heading: str, message: str, *, error: bool = True) -> bytes:
        when = dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M:%S %Z")
        marked = ' class="sitrep-preview-error" role="alert"' if error else ""
        note = (": not the report. The report is shown again once this is fixed; this page "
                "reloads by itself." if error else "")
        body = (f'<div id="sitrep-preview-status"{marked}><h1>{html.escape(heading)}</h1>'
                f"<p>{html.escape(self.entry.name)} at {html.escape(when)}{note}</p>"
                f"<pre>{html.escape(message)}</pre></div>")
        return _PAGE.format(title=html.escape(f"{heading}: {self.entry.name}"),
                            nonce=self.nonce, body=body).encode()

    def assets(self) -> set[str]:
        """The file names the server may serve from the report's folder: its HTML's own."""
        from sitrep.pipeline.formats import get

        folder = self.entry.folder(self.out_root)
        if folder.is_symlink():
            return set()
        return {p.name for p in get("html").files(folder, self.entry.name)}

    def asset(self, name: str) -> bytes | None:
        """One of :meth:`assets`, read without following a link; None when it is not one."""
        if name not in self.assets():
            return None
        try:
            return _read_regular(self.entry.folder(self.out_root) / name)
        except OSError:
            return None

    # -- rendering ---------------------------------------------------------------------------

    def render(self) -> None:
        """Render the report if anything it reads changed; then serve it, or a banner page
        saying why it is not current."""
        from sitrep.pipeline import suite

        started = time.perf_counter()
        self.rendering = True
        try:
            outcome = suite.render_suite([self.entry], self.out_root, jobs=1,
                                         listed=self.listed, kernels=self._kernels())[0]
        except SitrepError as error:  # e.g. a table that cannot be read at all
            self._failed("Bad data", str(error))
            return
        finally:
            self.rendering = False
        if outcome.status in (Status.RENDERED, Status.UNCHANGED):
            self._published(outcome.status, time.perf_counter() - started)
            return
        heading = {Status.BAD_DATA: "Bad data", Status.BAD_PARAMETER: "Bad parameter",
                   Status.REFUSED: "Notebook refused"}.get(outcome.status, "Render failed")
        self._failed(heading, outcome.message)

    def _kernels(self):
        if self.kernels is None:
            from sitrep.pipeline.kernels import KeptKernels

            self.kernels = KeptKernels(paths.NOTEBOOKS, [self.entry.notebook])
        return self.kernels

    def _published(self, status: Status, seconds: float) -> None:
        page = self.asset(f"{self.entry.name}.html")
        if page is None:
            self._failed("Render failed", f"{self.entry.name}.html cannot be read from its "
                         "folder (a link or not a regular file)")
            return
        self._show(page)
        done = "rendered" if status == Status.RENDERED else "current (nothing it reads changed)"
        self.say(f"{_now()} {self.entry.name}: {done}, {seconds:.1f} s: the page reloads")

    def _failed(self, heading: str, message: str) -> None:
        self._show(self._banner(f"Not current: {heading.lower()}", message), error=True)
        self.say(f"{_now()} {self.entry.name}: {heading.lower()}: the page shows it\n{message}",
                 error=True)

    def close(self) -> None:
        """End the kernel."""
        if self.kernels is not None:
            self.kernels.close()
            self.kernels = None


def _now() -> str:
    return dt.datetime.now().strftime("%H:%M:%S")


# -- the server ------------------------------------------------------------------------------

class Handler(BaseHTTPRequestHandler):
    """GET and HEAD of the report's page, its version and its own files; nothing else."""

    server: PreviewServer
    def version_string(self) -> str:
        return "sitrep-preview"

    timeout = 30  # a connection that sends nothing is closed, not kept

    def __getattr__(self, name: str):
        if name.startswith("do_"):  # every other method, known or not: 405
            return self._not_allowed
        raise AttributeError(name)

    def _not_allowed(self) -> None:
        self._answer(HTTPStatus.METHOD_NOT_ALLOWED, b"only GET and HEAD\n",
                     headers={"Allow": "GET, HEAD"})

    def do_HEAD(self) -> None:
        self.do_GET(body=False)

    def do_GET(self, body: bool = True) -> None:
        code, content, kind = self.server.answer(self.path, self.headers.get("Host", ""))
        self._answer(code, content, kind=kind, body=body)

    def _answer(self, code: HTTPStatus, content: bytes, *, kind: str = "text/plain",
                body: bool = True, headers: dict[str, str] | None = None) -> None:
        self.send_response(code)
        self.send_header("Content-Type", f"{kind}; charset=utf-8")
        self.send_header("Content-Length", str(len(content)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("Content-Security-Policy", self.server.policy)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if body and self.command != "HEAD":
            self.wfile.write(content)

    def send_error(self, code: int, message: str | None = None,
                   explain: str | None = None) -> None:
        """A request http.server itself refuses (malformed, too long): a line, no page."""
        with contextlib.suppress(OSError):
            self.close_connection = True
            status = HTTPStatus(code)
            self._answer(status, f"{status.value} {status.phrase}\n".encode(),
                         body=self.command != "HEAD")

    def log_message(self, format: str, *args: object) -> None:
        """Requests are not logged: the terminal says what renders."""


class PreviewServer(ThreadingHTTPServer):
    """The preview's HTTP server, on 127.0.0.1 only (see the module's docstring)."""

    daemon_threads = True
    block_on_close = False

    def __init__(self, preview: Preview, port: int = 0,
                 listening: socket.socket | None = None) -> None:
        self.preview = preview
        self.policy = (f"default-src 'none'; img-src 'self' data:; font-src 'self' data:; "
                       f"style-src 'self' 'unsafe-inline'; script-src 'nonce-{preview.nonce}'; "
                       f"connect-src 'self'; base-uri 'none'; form-action 'none'; "
                       f"frame-ancestors 'none'")
        super().__init__((HOST, port), Handler, bind_and_activate=listening is None)
        if listening is not None:
            self.socket.close()
            self.socket = listening
            self.server_address = listening.getsockname()

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}/"

    def handle_error(self, request: object, client_address: object) -> None:
        """A handler that failed (a bug, a client gone): one line, never a traceback."""
        kind = sys.exc_info()[0]
        if kind is not None and not issubclass(kind, ConnectionError | TimeoutError):
            print(f"preview: a request failed ({kind.__name__})", file=sys.stderr)

    def answer(self, raw: str, host: str) -> tuple[HTTPStatus, bytes, str]:
        """Status, body and type for GET ``raw`` (the request's target as sent)."""
        if host not in (f"{HOST}:{self.port}", f"localhost:{self.port}"):
            return _refused(HTTPStatus.BAD_REQUEST, "a request for another host")
        if len(raw) > MAX_PATH:
            return _refused(HTTPStatus.REQUEST_URI_TOO_LONG, "the path is too long")
        name = _file_name(raw)
        if isinstance(name, HTTPStatus):
            return _refused(name, "refused path")
        shown = self.preview.shown
        if name in ("", f"{self.preview.entry.name}.html"):
            return HTTPStatus.OK, shown.page, "text/html"
        if name == VERSION_PATH[1:]:  # the version, and whether a render runs now
            said = f"{shown.version} rendering" if self.preview.rendering else shown.version
            return HTTPStatus.OK, said.encode(), "text/plain"
        content = None if shown.error else self.preview.asset(name)
        if content is None:
            return _refused(HTTPStatus.NOT_FOUND, "not found")
        return HTTPStatus.OK, content, _kind(name)


def _refused(code: HTTPStatus, why: str) -> tuple[HTTPStatus, bytes, str]:
    return code, f"{code.value} {code.phrase}: {why}\n".encode(), "text/plain"


def _kind(name: str) -> str:
    return {".html": "text/html", ".svg": "image/svg+xml"}.get(Path(name).suffix,
                                                               "application/octet-stream")


def _file_name(raw: str) -> str | HTTPStatus:
    """The name a request path asks for ('' for the page, '__sitrep/version'), or the status
    refusing it: not starting with one '/', '..' or '.', a backslash, NUL or another control
    character, an encoded '/' or '\\', text that is not UTF-8."""
    target = raw.split("?", 1)[0].split("#", 1)[0]
    if not target.startswith("/") or target.startswith("//"):
        return HTTPStatus.BAD_REQUEST
    lowered = target.lower()
    if "\\" in target or any(code in lowered for code in ("%2f", "%5c", "%00")):
        return HTTPStatus.BAD_REQUEST
    try:
        decoded = unquote_to_bytes(target).decode("utf-8")
    except UnicodeDecodeError:
        return HTTPStatus.BAD_REQUEST
    if any(ord(c) < 32 or ord(c) == 127 for c in decoded):
        return HTTPStatus.BAD_REQUEST
    parts = decoded[1:].split("/")
    if any(part in (".", "..") for part in parts):
        return HTTPStatus.BAD_REQUEST
    return decoded[1:]


# -- the loop --------------------------------------------------------------------------------

def _watched(entry: Entry) -> tuple[list[Path], Callable[[Path], str]]:
    """The folders to watch and what a changed path means: 'render', 'restart' or ''."""
    dataset, notebook = entry.dataset.resolve(), entry.notebook.resolve()
    package = paths.PACKAGE.resolve()

    def meaning(path: Path) -> str:
        path = path.resolve() if path.exists() else path
        if path == notebook or path.is_relative_to(dataset):
            return "render"
        if path.is_relative_to(package):
            return "restart"
        return ""

    roots = {dataset, notebook.parent, package}
    return sorted(r for r in roots if r.is_dir()), meaning


def _adopted_socket() -> socket.socket | None:
    """The listening socket a restarted preview inherited (see :data:`SOCKET_FD`)."""
    given = os.environ.pop(SOCKET_FD, "")
    if not given.isdigit():
        return None
    try:
        listening = socket.socket(fileno=int(given))
    except OSError:
        return None
    if listening.family != socket.AF_INET or listening.getsockname()[0] != HOST:
        listening.detach()
        return None
    listening.set_inheritable(False)
    return listening


def _restart(server: PreviewServer) -> None:
    """Start this command afresh in this process, the listening socket kept open."""
    descriptor = server.socket.fileno()
    os.set_inheritable(descriptor, True)
    os.environ[SOCKET_FD] = str(descriptor)
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(sys.executable, [sys.executable, "-m", "sitrep.cli", *sys.argv[1:]])


def serve(entry: Entry, out_root: Path, *, port: int, listed: list[Entry],
          say: Say, ready: Callable[[str], None]) -> None:
    """Preview ``entry`` until interrupted (KeyboardInterrupt reaches the caller once the
    server, the watcher and the kernel are closed); ``ready`` is told the URL."""
    preview = Preview(entry, out_root, listed=listed, say=say)
    server = PreviewServer(preview, port, _adopted_socket())
    stop = threading.Event()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2},
                              name="sitrep-preview-server", daemon=True)
    thread.start()
    try:
        ready(server.url)
        _watch(*_watched(entry), preview, stop, say)
    except Restart:
        say(f"{_now()} sitrep's code changed: the preview starts afresh")
        _closed(server, preview, stop, keep_socket=True)
        _restart(server)
    finally:
        _closed(server, preview, stop)


def _closed(server: PreviewServer, preview: Preview, stop: threading.Event, *,
            keep_socket: bool = False) -> None:
    """Stop the watcher, the server and the kernel (once: a second call does nothing)."""
    stop.set()
    if not getattr(server, "sitrep_closed", False):
        server.sitrep_closed = True
        server.shutdown()
        if not keep_socket:
            server.server_close()
    preview.close()


def _watch(roots: list[Path], meaning: Callable[[Path], str], preview: Preview,
           stop: threading.Event, say: Say) -> None:
    """Render first, once the watcher runs (so no save is missed in between), then on every
    change the report reads; raise :class:`Restart` on a change of sitrep's code."""
    import watchfiles

    first = True
    for changes in watchfiles.watch(*roots, stop_event=stop, debounce=DEBOUNCE_MS, step=50,
                                    rust_timeout=WATCHER_READY_MS, yield_on_timeout=True,
                                    raise_interrupt=True):
        meant = {meaning(Path(path)) for _, path in changes}
        if "restart" in meant:
            raise Restart
        if first or "render" in meant:
            preview.render()
        if first:
            say(f"watching {', '.join(paths.display(r) for r in roots)}; Ctrl-C stops")
            first = False
