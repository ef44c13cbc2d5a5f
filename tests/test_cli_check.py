"""``sitrep check DATA_DIR`` as an analyst runs it: a real process, exit codes, stderr."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sitrep import paths


def sitrep(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "sitrep.cli", *args], cwd=cwd,
                          capture_output=True, text=True, encoding="utf-8", timeout=60,
                          check=False)


def assert_no_traceback(result: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in result.stderr, result.stderr
    assert "Traceback" not in result.stdout, result.stdout


def test_clean_dataset_exits_0(tmp_path):
    result = sitrep("check", str(paths.DEFAULT_DATASET), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "clean" in result.stdout
    assert result.stderr == ""
    assert_no_traceback(result)


def test_default_dataset_does_not_depend_on_working_directory(tmp_path):
    result = sitrep("check", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert_no_traceback(result)


def test_broken_copy_exits_2_naming_file_row_field_rule(broken_dataset, tmp_path):
    def slips(d) -> None:
        d.set_cell("quantities", 4, "unit", "soldiers")
        d.set_cell("claims", 2, "quote", "Russia has amassed 60,000 troops")

    result = sitrep("check", str(broken_dataset(slips)), cwd=tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    assert "2 problems" in result.stderr
    lines = result.stderr.splitlines()
    (unit,) = [x for x in lines if "[unit-of-measure]" in x]
    for part in ("quantities.csv", "row 4", "field 'unit'", "[unit-of-measure]", "'soldiers'"):
        assert part in unit, unit
    (quote,) = [x for x in lines if "[quote-in-source]" in x]
    for part in ("claims.csv", "row 2", "field 'quote'", "[quote-in-source]", "60,000"):
        assert part in quote, quote
    assert_no_traceback(result)


def test_unreadable_input_exits_2_without_traceback(broken_dataset, tmp_path):
    def unreadable(d) -> None:
        d.write_bytes("issues", b"\xff\xfe\x00")
        d.delete(d.source_text().name)

    result = sitrep("check", str(broken_dataset(unreadable)), cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert "issues.csv row 1: [utf-8]" in result.stderr
    assert_no_traceback(result)


def test_missing_folder_exits_2_without_traceback(tmp_path):
    result = sitrep("check", str(tmp_path / "no-such-data-set"), cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert "[dataset-layout]" in result.stderr
    assert_no_traceback(result)
