"""``sitrep preview``: a real preview process on a copy of the fictional data set, read by
Chromium (a save reloads the page; a bad edit shows its message), by raw HTTP requests (paths
that try to leave the report's folder are refused, the server answers on) and interrupted."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import ceiling

from sitrep import paths
from sitrep.pipeline import preview

FICTIONAL = paths.ROOT / "tests" / "data" / "fictional"
NAME = "preview-brief"
#: A takeaway of the fictional data set, as the brief shows it, and as edited.
SHOWN, EDITED = "Counts of Veldorian troops at the border", "Tallies of Veldorian troops"


class Running:
    """A ``sitrep preview`` process and every line it has printed (read by a thread)."""

    def __init__(self, root: Path) -> None:
        self.dataset, self.out = root / "dataset", root / "reports"
        shutil.copytree(FICTIONAL, self.dataset)
        manifest = root / "reports.toml"
        manifest.write_text(f'[[report]]\nname = "{NAME}"\nnotebook = "brief.ipynb"\n'
                            f'parameters.dataset = "{self.dataset}"\n', encoding="utf-8")
        self.lines: list[str] = []
        self.ended = False  # the process's output is read to its end
        self._changed = threading.Condition()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "sitrep.cli", "preview", NAME, "--manifest", str(manifest),
             "--out", str(self.out)],
            cwd=paths.ROOT, env={**os.environ, "SITREP_DATA_ROOTS": str(root)},
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            start_new_session=True)
        threading.Thread(target=self._read, daemon=True).start()
        url = self.wait_for(r"at (http://127\.0\.0\.1:\d+/)", ceiling(30))
        self.url = url.group(1)
        self.port = int(self.url.rsplit(":", 1)[1].strip("/"))

    def _read(self) -> None:
        for line in self.process.stdout:
            with self._changed:
                self.lines.append(line)
                self._changed.notify_all()
        with self._changed:
            self.ended = True
            self._changed.notify_all()

    def wait_for(self, pattern: str, timeout: float, after: int = 0) -> re.Match:
        """The first line from ``after`` on that matches ``pattern``, waited for."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                for line in self.lines[after:]:
                    if match := re.search(pattern, line):
                        return match
                left = deadline - time.monotonic()
                if left <= 0 or self.ended:
                    raise AssertionError(f"no line matching {pattern!r}:\n{self.output}")
                self._changed.wait(min(left, 1))

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=ceiling(5))


@pytest.fixture(scope="module")
def running(tmp_path_factory):
    """One preview, its first render done, for the module's tests."""
    started = Running(tmp_path_factory.mktemp("preview"))
    try:
        started.wait_for(r"watching ", ceiling(30))
        yield started
    finally:
        started.stop()
    assert "Traceback" not in started.output


def _request(port: int, raw: bytes) -> tuple[int, bytes]:
    """Send ``raw`` as it is; the status and the whole answer."""
    with socket.create_connection((preview.HOST, port), timeout=ceiling(3)) as connection:
        connection.sendall(raw)
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    # A request line http.server reads as HTTP/0.9 is answered as such: no status line, the
    # body alone (which starts with the status).
    match = re.match(rb"(?:HTTP/1\.[01] )?(\d{3}) ", answer)
    assert match, answer[:200]
    return int(match.group(1)), answer


def _get(port: int, target: bytes, *, method: bytes = b"GET",
         host: bytes | None = None) -> tuple[int, bytes]:
    host = host or f"{preview.HOST}:{port}".encode()
    return _request(port, method + b" " + target + b" HTTP/1.1\r\nHost: " + host
                    + b"\r\nConnection: close\r\n\r\n")


#: Requests that must be refused, each with the status that refuses it.
REFUSED = {
    b"/../etc/passwd": 400,
    b"/%2e%2e/%2e%2e/etc/passwd": 400,
    b"/..%2f..%2fetc%2fpasswd": 400,
    b"/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd": 400,
    b"/..\\..\\etc\\passwd": 400,
    b"/%5c..%5cetc%5cpasswd": 400,
    b"/%00": 400,
    b"/x%00.html": 400,
    b"/\x00": 400,
    b"/" + b"a" * 5000: 414,
    b"/" + b"a" * 70000: 414,
    b"//etc/passwd": 404,
    b"/etc/passwd": 404,
    b"http://example.org/etc/passwd": 400,
    b"/%ff%fe": 400,
    b"/./" + NAME.encode() + b".html": 400,
    b"/render.json": 404,
    b"/leak.html": 404,
}


@pytest.mark.e2e
def test_paths_outside_the_report_are_refused_and_the_server_answers_on(running):
    folder = running.out / NAME
    (folder / "leak.html").symlink_to("/etc/passwd")
    (folder.parent / "outside.html").write_text("outside", encoding="utf-8")
    for target, status in [*REFUSED.items(), (b"/../outside.html", 400)]:
        code, body = _get(running.port, target)
        assert code == status, (target[:60], code, body[:300])
        assert b"Traceback" not in body and b'File "' not in body and b"root:" not in body
        assert _get(running.port, b"/")[0] == 200
    for method in (b"POST", b"PUT", b"DELETE", b"OPTIONS", b"BREW"):
        code, body = _get(running.port, b"/", method=method)
        assert code == 405 and b"Allow: GET, HEAD" in body, (method, body[:300])
    code, _ = _get(running.port, b"/", host=b"attacker.example:80")
    assert code == 400  # a page of another site, its name resolved to 127.0.0.1, reads nothing
    for garbage in (b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n", b"GET\r\n\r\n",
                    b"GET / HTTP/9.9\r\n\r\n"):
        code, body = _request(running.port, garbage)
        assert 400 <= code < 600 and b"Traceback" not in body, (garbage, code, body[:200])
    code, body = _get(running.port, b"/")
    assert code == 200 and b"__sitrep/version" in body
    assert "Traceback" not in running.output


@pytest.mark.e2e
def test_a_save_reloads_the_page_and_a_bad_edit_shows_its_message(running, browser):
    page = browser.new_page()
    try:
        page.goto(running.url)
        page.get_by_text(SHOWN).first.wait_for(timeout=ceiling(30) * 1000)
        takeaways = running.dataset / "facts" / "takeaways.csv"
        text = takeaways.read_text(encoding="utf-8")
        assert SHOWN in text
        with page.expect_event("load", timeout=ceiling(20) * 1000):
            saved = time.perf_counter()
            takeaways.write_text(text.replace("Counts", "Tallies", 1), encoding="utf-8")
            # While it renders, the page says it is not current yet (a render takes seconds).
            page.locator("#sitrep-preview-rendering").wait_for(timeout=ceiling(10) * 1000)
        page.get_by_text(EDITED).first.wait_for(timeout=ceiling(20) * 1000)
        print(f"save to reloaded page: {time.perf_counter() - saved:.2f} s")
        assert page.get_by_text(SHOWN).count() == 0
        published = (running.out / NAME / f"{NAME}.html").read_text(encoding="utf-8")
        assert EDITED in published and preview.VERSION_PATH not in published

        broken = text.replace("Counts", "Tallies", 1).replace('T1,"', "T1,", 1)
        with page.expect_event("load", timeout=ceiling(20) * 1000):
            takeaways.write_text(broken, encoding="utf-8")
        banner = page.locator("#sitrep-preview-status.sitrep-preview-error")
        banner.wait_for(timeout=ceiling(20) * 1000)
        shown = banner.inner_text()
        assert "Not current: bad data" in shown and "takeaways.csv row 2" in shown
        assert "the row has 8 cells but the header has 4" in shown
        assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", shown)  # when
        assert page.get_by_text(EDITED).count() == 1  # only inside the quoted bad row
        assert "Traceback" not in shown
        running.wait_for(r"bad data: the page shows it", ceiling(5))

        with page.expect_event("load", timeout=ceiling(20) * 1000):
            takeaways.write_text(text, encoding="utf-8")  # fixed: the report is back
        page.get_by_text(SHOWN).first.wait_for(timeout=ceiling(20) * 1000)
        assert page.locator("#sitrep-preview-status").count() == 0
    finally:
        page.close()


def _children(pid: int) -> set[int]:
    found = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        found |= {int(c) for c in (task / "children").read_text().split()}
    return found


@pytest.mark.e2e
def test_ctrl_c_stops_the_preview_at_once_with_its_kernel(tmp_path):
    started = Running(tmp_path)
    try:
        started.wait_for(r"watching ", ceiling(30))
        kernels = _children(started.process.pid)
        assert kernels  # the warm kernel, kept for the next save
        sent = time.monotonic()
        started.process.send_signal(signal.SIGINT)
        code = started.process.wait(timeout=ceiling(2))
        took = time.monotonic() - sent
    finally:
        started.stop()
    assert code == 130, started.output
    assert took < ceiling(2)
    started.wait_for(r"^interrupted$", ceiling(1))
    assert "Traceback" not in started.output
    deadline = time.monotonic() + ceiling(1)
    while any(Path(f"/proc/{pid}").exists() for pid in kernels) and \
            time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [pid for pid in kernels if Path(f"/proc/{pid}").exists()
                and "zombie" not in _state(pid)]
    with pytest.raises(OSError):
        socket.create_connection((preview.HOST, started.port), timeout=1).close()


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/status").read_text().lower()
    except OSError:
        return "zombie"


# -- without rendering -----------------------------------------------------------------------

@pytest.mark.parametrize(("target", "expected"), [
    ("/", ""), ("/?reload=1", ""), ("/brief.html", "brief.html"),
    ("/__sitrep/version", "__sitrep/version"), ("/a%20b.html", "a b.html"),
    ("/../x", 400), ("/%2e%2e/x", 400), ("/a%2fb", 400), ("/a%5cb", 400), ("/a\\b", 400),
    ("/%00", 400), ("/%0a", 400), ("/%ff", 400), ("//x", 400), ("x", 400), ("/./x", 400),
])
def test_a_request_path_names_one_file_or_is_refused(target, expected):
    found = preview._file_name(target)
    assert (found.value if isinstance(found, preview.HTTPStatus) else found) == expected


def test_the_script_goes_into_the_served_copy_before_the_body_ends():
    assert preview.inject(b"<html><body>x</BODY></html>", "<s>") == \
        b"<html><body>x<s></BODY></html>"
    assert preview.inject(b"no body", "<s>") == b"no body<s>"


def test_a_change_renders_when_the_report_reads_it_and_restarts_on_sitrep_code(tmp_path):
    from sitrep.pipeline.entry import Entry

    notebook = paths.NOTEBOOKS / "brief.ipynb"
    entry = Entry("x", notebook, {"dataset": str(FICTIONAL)})
    roots, meaning = preview._watched(entry)
    assert {FICTIONAL.resolve(), notebook.parent.resolve(), paths.PACKAGE} <= set(roots)
    assert meaning(FICTIONAL / "facts" / "takeaways.csv") == "render"
    assert meaning(FICTIONAL / "facts" / "gone.csv") == "render"  # a file removed
    assert meaning(notebook) == "render"
    assert meaning(notebook.parent / "changes.ipynb") == ""  # another report's notebook
    assert meaning(paths.PACKAGE / "pipeline" / "suite.py") == "restart"
    assert meaning(tmp_path / "elsewhere.csv") == ""
