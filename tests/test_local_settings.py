"""The analyst's path as written: `sitrep new DIR` outside the project registers DIR in the
local settings (.sitrep/local.toml, git-ignored), the commands it prints and writes into the
data set's README run as written, and a hostile or malformed settings file is refused in one
message naming the file, the line and the rule (exit 2)."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys

import pytest

from sitrep import paths, settings
from sitrep.cli import main
from sitrep.pipeline import manifest

FICTIONAL = paths.ROOT / "tests" / "data" / "fictional"
ARTICLE = FICTIONAL / "sources" / "ostland-monitor-2031-03-15.txt"


@pytest.fixture
def local(tmp_path, monkeypatch):
    """A settings file of this test's own, SITREP_DATA_ROOTS unset (the file decides)."""
    monkeypatch.delenv("SITREP_DATA_ROOTS", raising=False)
    monkeypatch.setenv("SITREP_SETTINGS", str(tmp_path / "settings" / "local.toml"))
    return tmp_path / "settings" / "local.toml"


def _run(command: str, **extra) -> subprocess.CompletedProcess:
    """A command as printed ('sitrep ...'), run from the project root as the README says."""
    words = shlex.split(command)
    assert words[0] == "sitrep", command
    return subprocess.run([sys.executable, "-m", "sitrep.cli", *words[1:]], cwd=paths.ROOT,
                          capture_output=True, text=True, timeout=600, **extra)


@pytest.mark.e2e
def test_the_commands_sitrep_new_prints_and_writes_run_as_written(tmp_path, local):
    """What an analyst met: 'sitrep new ../nk', then the render it named was refused as
    outside the project."""
    folder = tmp_path / "nk"
    made = _run(f"sitrep new {shlex.quote(str(folder))} --title 'North Korean troops'")
    assert made.returncode == 0, made.stderr
    assert "registered in" in made.stdout and settings.read(local) == [folder.resolve()]
    printed = [line.strip() for line in made.stdout.splitlines() if line.startswith("  sitrep ")]
    readme = re.findall(r"`(sitrep [^`]+)`", (folder / "README.md").read_text(encoding="utf-8"))
    assert printed == readme and len(printed) == 3, (printed, readme)
    (folder / "sources" / "article.txt").write_bytes(ARTICLE.read_bytes())
    out = tmp_path / "reports"
    for command in printed:
        # Only the reports folder is the test's own, not the checkout's reports/.
        result = _run(command + (f" --out {out}" if command.startswith("sitrep render") else ""))
        assert result.returncode == 0, (command, result.stdout, result.stderr)
    assert list(out.glob("brief.*/brief.*.html"))


def test_sitrep_data_roots_when_set_is_used_instead_of_the_settings(tmp_path, local,
                                                                    monkeypatch):
    folder = tmp_path / "nk"
    assert main(["new", str(folder), "--title", "T"]) == 0
    assert folder.resolve() in manifest.data_roots()
    monkeypatch.setenv("SITREP_DATA_ROOTS", str(tmp_path / "elsewhere"))
    assert folder.resolve() not in manifest.data_roots()
    with pytest.raises(manifest.ManifestError, match="outside the project: register its folder"):
        manifest.confine_dataset(folder.resolve(), str(folder), "-p dataset")


def test_new_refuses_the_home_folder_before_writing_anything(tmp_path, local, monkeypatch,
                                                             capsys):
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    assert main(["new", str(home), "--title", "T"]) == 2
    assert "is the home folder itself" in capsys.readouterr().err
    assert list(home.iterdir()) == [] and not local.exists()


# -- a hostile or malformed settings file -----------------------------------------------------

def _file(text: str):
    return lambda tmp, path: path.write_text(text, encoding="utf-8")


def _lists(make):
    """A settings file listing what ``make(tmp)`` returns, on line 2."""
    def write(tmp, path):
        path.write_text(f'# mine\ndata_roots = ["{make(tmp)}"]\n', encoding="utf-8")
    return write


def _symlink_to_a_folder(tmp):
    (tmp / "real").mkdir(exist_ok=True)
    os.symlink(tmp / "real", tmp / "link")
    return tmp / "link"


def _settings_file_is_a_link(tmp, path):
    (tmp / "elsewhere.toml").write_text("data_roots = []\n", encoding="utf-8")
    os.symlink(tmp / "elsewhere.toml", path)


def _settings_file_is_a_fifo(tmp, path):
    os.mkfifo(path)


HOSTILE = {
    "not_toml": (_file("data_roots = [\n"), "line 1: not TOML"),
    "unknown_key": (_file('data_roots = []\ncolour = "red"\n'), "line 2: unknown key 'colour'"),
    "roots_not_a_list": (_file('data_roots = "/srv/data"\n'), "line 1: data_roots must be a list"),
    "root_not_a_string": (_file("data_roots = [7]\n"), "line 1: data_roots lists 7"),
    "root_is_slash": (_lists(lambda tmp: "/"), "line 2: data_roots lists '/', which is a system"),
    "root_is_etc": (_lists(lambda tmp: "/etc"), "line 2: data_roots lists '/etc', which is a "
                                                 "system folder"),
    "root_under_proc": (_lists(lambda tmp: "/proc/self"), "which is a system folder"),
    "root_under_dev": (_lists(lambda tmp: "/dev/shm"), "which is a system folder"),
    "root_is_the_home_folder": (_lists(lambda tmp: os.path.expanduser("~")),
                                "which is the home folder itself"),
    "root_is_a_symlink": (_lists(_symlink_to_a_folder), "passes through a symbolic link"),
    "root_does_not_exist": (_lists(lambda tmp: tmp / "gone"), "is not an existing folder"),
    "root_is_relative": (_lists(lambda tmp: "../nk"), "must be an absolute path"),
    "settings_file_is_a_link": (_settings_file_is_a_link, "line 1: the settings file is a "
                                                          "symbolic link"),
    "settings_file_is_a_fifo": (_settings_file_is_a_fifo, "line 1: the settings file must be "
                                                          "a regular file"),
    "settings_file_too_large": (_file("#" * (settings.SETTINGS_BYTES + 1)), "line 1: the "
                                "settings file is larger than"),
    "settings_file_not_utf8": (lambda tmp, path: path.write_bytes(b"# ok\n# caf\xe9\n"),
                               "line 2: the settings file must be UTF-8"),
}


@pytest.mark.parametrize("case", list(HOSTILE))
def test_a_hostile_settings_file_is_one_message_naming_file_line_and_rule(
        tmp_path, local, capsys, case):
    write, expected = HOSTILE[case]
    local.parent.mkdir()
    write(tmp_path, local)
    outside = tmp_path / "ds"
    outside.mkdir()
    code = main(["render", "force_sizes", "-p", f"dataset={outside}", "--list"])
    said = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    assert code == 2 and len(said) == 1, said
    assert said[0].startswith(f"error: {local}: line ") and expected in said[0], said
