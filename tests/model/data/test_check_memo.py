"""A check answers from its memo only for the very files it checked: any changed byte of the
data set, the shipped layers or sitrep's code validates again; prepared layers likewise."""

from __future__ import annotations

import subprocess
import sys

import pytest

from sitrep.model import loader as load_module
from sitrep.model.data import memo
from sitrep.model.geo import geofiles, prepared


def _refuse(*_args, **_kwargs):
    raise AssertionError("validated again although nothing changed")


def test_unchanged_files_answer_from_the_memo(clean_dataset, monkeypatch):
    first = load_module.check(clean_dataset)
    monkeypatch.setattr(load_module, "_validate", _refuse)
    assert load_module.check(clean_dataset) == first


@pytest.mark.parametrize(("change", "rules"), [
    (lambda d: d.set_cell("quantities", 2, "lower", "999999"), {"bounds-order"}),
    (lambda d: d.replace_text("facts/claims.csv", "\n", "\r\n", count=1), set()),
])
def test_changed_byte_validates_again(broken_dataset, change, rules):
    from conftest import DatasetEditor

    dataset = broken_dataset()
    assert load_module.check(dataset) == []
    change(DatasetEditor(dataset))
    assert memo.key(dataset) is not None
    assert memo.recall(dataset) is None
    assert {p.rule for p in load_module.check(dataset)} == rules


def test_memo_answers_with_the_problems_found(broken_dataset, monkeypatch):
    dataset = broken_dataset(lambda d: d.set_cell("quantities", 2, "lower", "999999"))
    found = load_module.check(dataset)
    assert any(p.rule == "bounds-order" for p in found)
    monkeypatch.setattr(load_module, "_validate", _refuse)
    assert memo.recall(dataset) == found


def test_fresh_validates_even_unchanged_files(clean_dataset, monkeypatch):
    load_module.check(clean_dataset)
    monkeypatch.setattr(load_module, "_validate", _refuse)
    with pytest.raises(AssertionError, match="validated again"):
        load_module.check(clean_dataset, fresh=True)


def test_a_memoised_check_imports_no_pandas(clean_dataset):
    load_module.check(clean_dataset)
    probe = ("import sys; from sitrep.cli import main; code = main(['check', sys.argv[1]]); "
             "assert 'pandas' not in sys.modules, 'pandas imported'; sys.exit(code)")
    run = subprocess.run([sys.executable, "-c", probe, str(clean_dataset)],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert "clean" in run.stdout


def test_prepared_layer_is_read_afresh_when_its_file_changes(tmp_path, monkeypatch):
    from sitrep import paths

    layer = tmp_path / "geo" / "admin0.geojson"
    layer.parent.mkdir()
    square = ('{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": '
              '{"iso_a2": "XA", "name": "%s"}, "geometry": {"type": "Polygon", "coordinates": '
              '[[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]]}}]}')
    monkeypatch.setattr(paths, "BUILD", tmp_path / "build")
    layer.write_text(square % "First")
    assert prepared.layer(layer, tmp_path)["name"].tolist() == ["First"]
    layer.write_text(square % "Second")
    assert prepared.layer(layer, tmp_path)["name"].tolist() == ["Second"]
    monkeypatch.setattr(geofiles, "read_layer", _refuse)
    assert prepared.layer(layer, tmp_path)["name"].tolist() == ["Second"]


def test_a_copy_elsewhere_is_checked_on_its_own(broken_dataset):
    """Messages name the files of the folder checked: identical content in another folder is
    never answered with the first folder's messages."""
    first = broken_dataset(lambda d: d.set_cell("quantities", 2, "lower", "999999"))
    second = broken_dataset(lambda d: d.set_cell("quantities", 2, "lower", "999999"))
    found = load_module.check(first)
    assert memo.recall(second) is None
    assert [p.file for p in load_module.check(second)] == [
        p.file.replace(first.name, second.name) for p in found]


def test_evicted_facts_cache_is_rebuilt_by_check_so_kernels_validate_none(clean_dataset,
                                                                        monkeypatch):
    load_module.check(clean_dataset)
    cached = load_module._cache_path(clean_dataset)
    cached.unlink()  # evicted (older caches are removed) while the check's memo stayed
    load_module.check(clean_dataset)  # a render's check: validates once, writes the cache
    assert cached.is_file()
    monkeypatch.setattr(load_module, "_validate", _refuse)
    assert len(load_module.load(clean_dataset).claims)  # what each kernel does: no validation
