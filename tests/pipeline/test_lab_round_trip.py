"""The Lab round trip: a notebook run in JupyterLab's server and saved as JupyterLab saves it
changes no byte on disk unless the analyst edited it.

The test starts jupyter-server as ``make lab`` does (scripts/jupyter_server_config.py) on a free
localhost port with a token, over a copy of a shipped notebook; runs every cell in a kernel the
server starts (REST API for the session, the kernel's websocket for the cells), and saves the
notebook through the contents API with what JupyterLab would send: every output, execution
counts, the kernel's ``language_info`` and display name, execution timings in the cells'
metadata. The file must then be the same bytes as before. An edit of one cell, saved the same
way, changes that cell and nothing else. A parameter value explored and saved changes no byte
either: it is kept in .sitrep-lab/ and the notebook opens with it again.
"""

from __future__ import annotations

import difflib
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest
import requests

from sitrep import paths

CONFIG = paths.ROOT / "scripts" / "jupyter_server_config.py"
NOTEBOOK = "brief.ipynb"

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Lab:
    """A running jupyter-server and the calls JupyterLab makes to it."""

    def __init__(self, port: int, token: str) -> None:
        self.base = f"http://127.0.0.1:{port}"
        self.ws = f"ws://127.0.0.1:{port}"
        self.token = token
        self.http = requests.Session()
        self.http.headers["Authorization"] = f"token {token}"

    def get(self, path: str) -> dict:
        reply = self.http.get(f"{self.base}/api/contents/{path}", timeout=30)
        reply.raise_for_status()
        return reply.json()

    def save(self, path: str, content: dict) -> None:
        reply = self.http.put(f"{self.base}/api/contents/{path}", timeout=60,
                              json={"type": "notebook", "format": "json", "content": content})
        reply.raise_for_status()

    def run_all(self, path: str, notebook: nbformat.NotebookNode) -> dict:
        """Run every code cell in a kernel of a new session; fill in what Lab keeps."""
        import websocket

        reply = self.http.post(f"{self.base}/api/sessions", timeout=60, json={
            "path": path, "type": "notebook", "name": path, "kernel": {"name": "python3"}})
        reply.raise_for_status()
        kernel = reply.json()["kernel"]["id"]
        channel = websocket.create_connection(
            f"{self.ws}/api/kernels/{kernel}/channels?token={self.token}", timeout=300)
        try:
            info = _request(channel, "kernel_info_request", {})[0]["content"]
            for count, cell in enumerate((c for c in notebook.cells
                                          if c.cell_type == "code"), start=1):
                started = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())
                reply, outputs = _run(channel, cell.source)
                assert reply["content"]["status"] == "ok", (cell.source, outputs)
                cell.outputs, cell.execution_count = outputs, count
                cell.metadata["execution"] = {"iopub.execute_input": started,
                                              "shell.execute_reply": started}
                cell.metadata["scrolled"] = False
        finally:
            channel.close()
        notebook.metadata["language_info"] = info["language_info"]
        notebook.metadata["kernelspec"] = {"display_name": "Python 3 (ipykernel)",
                                           "language": "python", "name": "python3"}
        return notebook


def _message(kind: str, content: dict) -> dict:
    return {"header": {"msg_id": uuid.uuid4().hex, "msg_type": kind, "username": "test",
                       "session": uuid.uuid4().hex, "version": "5.3", "date": ""},
            "parent_header": {}, "metadata": {}, "content": content, "channel": "shell",
            "buffers": []}


def _request(channel, kind: str, content: dict) -> tuple[dict, list[dict]]:
    """Send a shell request; return its reply and the iopub messages it caused, up to idle."""
    sent = _message(kind, content)
    channel.send(json.dumps(sent))
    reply, shown, idle = None, [], False
    while reply is None or not idle:
        message = json.loads(channel.recv())
        if message.get("parent_header", {}).get("msg_id") != sent["header"]["msg_id"]:
            continue
        kind_ = message["header"]["msg_type"]
        if message["channel"] == "shell":
            reply = message
        elif kind_ == "status":
            idle = message["content"]["execution_state"] == "idle"
        else:
            shown.append(message)
    return reply, shown


def _run(channel, source: str) -> tuple[dict, list]:
    reply, shown = _request(channel, "execute_request", {
        "code": source, "silent": False, "store_history": True, "user_expressions": {},
        "allow_stdin": False, "stop_on_error": True})
    outputs = [nbformat.v4.output_from_msg(m) for m in shown
               if m["header"]["msg_type"] in ("stream", "display_data", "execute_result",
                                              "error")]
    return reply, outputs


@pytest.fixture
def lab(tmp_path: Path) -> Iterator[tuple[Lab, Path]]:
    folder = tmp_path / "notebooks"
    folder.mkdir()
    shutil.copy(paths.NOTEBOOKS / NOTEBOOK, folder / NOTEBOOK)
    port, token = _free_port(), uuid.uuid4().hex
    jupyter = {k: str(tmp_path / k.lower()) for k in
               ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR")}
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyter_server", f"--config={CONFIG}", "--no-browser",
         "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
         f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={folder}"],
        cwd=folder, env={**os.environ, **jupyter}, stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE, text=True)
    client = Lab(port, token)
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, server.stderr.read()
            try:
                if client.http.get(f"{client.base}/api/status", timeout=2).ok:
                    break
            except requests.ConnectionError:
                pass
            assert time.monotonic() < deadline, "jupyter-server did not start in 60 s"
            time.sleep(0.2)
        yield client, folder / NOTEBOOK
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def test_a_save_after_run_all_changes_no_byte(lab):
    client, path = lab
    before = path.read_bytes()
    loaded = nbformat.from_dict(client.get(NOTEBOOK)["content"])
    ran = client.run_all(NOTEBOOK, loaded)
    sent = nbformat.writes(ran)
    assert '"outputs": []' not in sent.split('"source"')[1], "the run made outputs"
    assert "Python 3 (ipykernel)" in sent and '"execution"' in sent
    client.save(NOTEBOOK, ran)
    assert path.read_bytes() == before, f"saving {NOTEBOOK} after Run All changed it"

    # An edit is kept, and only the edit: that cell's source changed, every other line as was.
    first = next(c for c in ran.cells if c.cell_type == "markdown")
    first.source += "\nAn analyst's note."
    client.save(NOTEBOOK, ran)
    was, now = before.decode("utf-8").splitlines(), path.read_text(encoding="utf-8").splitlines()
    changed = [line for line in difflib.ndiff(was, now) if line[:1] in "+-"]
    old, new, added = (line[2:] for line in changed)  # ndiff marks a line with "- " or "+ "
    assert added == '    "An analyst\'s note."', changed
    assert new == old[:-1] + '\\n",', changed


def test_explored_parameters_are_kept_beside_the_notebook_and_reopened(lab):
    client, path = lab
    before = path.read_bytes()
    loaded = nbformat.from_dict(client.get(NOTEBOOK)["content"])
    cell = next(c for c in loaded.cells if "parameters" in c.metadata.get("tags", []))
    cell.source = cell.source.replace('as_of = ""', 'as_of = "2024-11-01"')
    client.save(NOTEBOOK, loaded)
    assert path.read_bytes() == before, "an explored value reached the notebook on disk"
    assert (path.parent / ".sitrep-lab" / "brief.json").is_file()
    reopened = nbformat.from_dict(client.get(NOTEBOOK)["content"])
    again = next(c for c in reopened.cells if "parameters" in c.metadata.get("tags", []))
    assert again.source == cell.source
