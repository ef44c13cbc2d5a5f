"""The commands that write (new, draft, schema, the render's publishing) in a folder someone else
prepared: no write follows a link, nothing is written outside the folder, and every refusal is
one message naming the path, with exit 2 and no errno text. Each fixture is named after the
failure it causes."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from sitrep import cli
from sitrep.model.data import writes
from sitrep.pipeline.publish import publish

TEXT = ("Officials said 1,000 soldiers were massing near the border. "
        "The ministry did not comment.\n")


def run(monkeypatch, capsys, *argv: str) -> tuple[int, str]:
    """``sitrep ARGV`` in this process: exit code and everything printed."""
    monkeypatch.setattr(cli, "_stop_on_terminate", lambda: None)
    code = cli.main(list(argv))
    printed = capsys.readouterr()
    return code, printed.out + printed.err


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under a folder, links not followed: what 'nothing changed outside' compares."""
    found = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.is_symlink():
            found[str(path.relative_to(folder))] = path.read_bytes()
    return found


@pytest.fixture
def world(tmp_path: Path) -> dict[str, Path]:
    """A folder handed to the analyst (``given``), a place outside it that a planted link
    points at (``elsewhere``, holding one file), and a plain text to draft."""
    given, elsewhere = tmp_path / "given", tmp_path / "elsewhere"
    given.mkdir()
    elsewhere.mkdir()
    (elsewhere / "precious.txt").write_text("keep me\n", encoding="utf-8")
    text = tmp_path / "report.txt"
    text.write_text(TEXT, encoding="utf-8")
    return {"given": given, "elsewhere": elsewhere, "text": text, "tmp": tmp_path}


def no_errno(printed: str) -> None:
    assert "Errno" not in printed and "Traceback" not in printed, printed


# -- sitrep new --------------------------------------------------------------------------------

def facts_linked_to_a_folder_elsewhere(w):
    os.symlink(w["elsewhere"], w["given"] / "facts")
    return "facts"


def sources_linked_to_a_folder_elsewhere(w):
    os.symlink(w["elsewhere"], w["given"] / "sources")
    return "sources"


def readme_dangling_link_out(w):
    os.symlink(w["elsewhere"] / "created.md", w["given"] / "README.md")
    return "README.md"


def readme_linked_to_a_file_elsewhere(w):
    os.symlink(w["elsewhere"] / "precious.txt", w["given"] / "README.md")
    return "README.md"


def table_dangling_link_out(w):
    (w["given"] / "facts").mkdir()
    os.symlink(w["elsewhere"] / "claims.csv", w["given"] / "facts" / "claims.csv")
    return "claims.csv"


def descriptor_linked_to_a_file_elsewhere(w):
    (w["given"] / "facts").mkdir()
    os.symlink(w["elsewhere"] / "precious.txt", w["given"] / "facts" / "datapackage.json")
    return "datapackage.json"


NEW_LINKS = [facts_linked_to_a_folder_elsewhere, sources_linked_to_a_folder_elsewhere,
             readme_dangling_link_out, readme_linked_to_a_file_elsewhere,
             table_dangling_link_out, descriptor_linked_to_a_file_elsewhere]


@pytest.mark.parametrize("plant", NEW_LINKS, ids=[p.__name__ for p in NEW_LINKS])
def test_new_never_writes_through_a_planted_link(world, monkeypatch, capsys, plant):
    name = plant(world)
    before = snapshot(world["elsewhere"])
    code, printed = run(monkeypatch, capsys, "new", str(world["given"]), "--title", "T")
    assert code == cli.EXIT_BAD_INPUT, printed
    assert re.search(rf"{re.escape(name)}: is a symbolic link", printed), printed
    assert snapshot(world["elsewhere"]) == before  # nothing created or changed out there
    assert sorted(os.listdir(world["elsewhere"])) == ["precious.txt"]
    no_errno(printed)


def parent_is_a_file(w):
    (w["tmp"] / "afile").write_text("x", encoding="utf-8")
    return w["tmp"] / "afile" / "ds", "a file where a folder is expected"


def under_proc(w):
    return Path("/proc/sitrep-hostile-test"), "system folder"


def under_dev(w):
    return Path("/dev/null/ds"), "system folder"


def name_with_escape(w):
    return w["tmp"] / "ds\x1b]0;owned\x07", "control or bidirectional character"


def name_with_line_break(w):
    return w["tmp"] / "ds\nrm -rf", "control or bidirectional character"


def name_with_right_to_left_override(w):
    return w["tmp"] / "ds\u202etxt.exe", "control or bidirectional character"


def dataset_is_a_dangling_link(w):
    os.symlink(w["elsewhere"] / "nowhere", w["tmp"] / "ds")
    return w["tmp"] / "ds", "a link that leads nowhere"


BAD_TARGETS = [parent_is_a_file, under_proc, under_dev, name_with_escape, name_with_line_break,
               name_with_right_to_left_override, dataset_is_a_dangling_link]


@pytest.mark.parametrize("target", BAD_TARGETS, ids=[t.__name__ for t in BAD_TARGETS])
@pytest.mark.parametrize("command", ["new", "schema", "draft"])
def test_a_bad_target_folder_is_one_message_with_exit_2(world, monkeypatch, capsys, target,
                                                        command):
    folder, words = target(world)
    argv = {"new": ["new", str(folder), "--title", "T"],
            "schema": ["schema", str(folder)],
            "draft": ["draft", str(folder), str(world["text"])]}[command]
    code, printed = run(monkeypatch, capsys, *argv)
    assert code == cli.EXIT_BAD_INPUT, printed
    no_errno(printed)
    if command != "draft" or words == "system folder":
        assert words in printed, printed
    assert "\x1b" not in printed and "\u202e" not in printed  # escaped when shown
    assert sorted(os.listdir(world["elsewhere"])) == ["precious.txt"]


@pytest.mark.parametrize("title", ["x" * 201, "a\x1bb", "right\u202eleft", " "])
def test_new_never_writes_a_title_its_check_refuses(world, monkeypatch, capsys, title):
    folder = world["tmp"] / "ds"
    code, printed = run(monkeypatch, capsys, "new", str(folder), "--title", title)
    assert code == cli.EXIT_BAD_INPUT and "--title" in printed, printed
    assert not folder.exists()


def test_new_writes_a_data_set_that_checks(world, monkeypatch, capsys):
    folder = world["given"] / "ds"
    assert run(monkeypatch, capsys, "new", str(folder), "--title", "x" * 200)[0] == 0
    code, printed = run(monkeypatch, capsys, "check", str(folder))
    assert code == cli.EXIT_OK, printed


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into a read-only folder anyway")
def test_an_unwritable_folder_is_named_without_errno(world, monkeypatch, capsys):
    world["given"].chmod(0o500)
    try:
        code, printed = run(monkeypatch, capsys, "new", str(world["given"] / "ds"),
                            "--title", "T")
    finally:
        world["given"].chmod(0o700)
    assert code == cli.EXIT_BAD_INPUT and "not writable" in printed, printed
    no_errno(printed)


@pytest.mark.parametrize(("number", "words"), [
    (13, "is not writable"), (30, "read-only file system"), (28, "the disk is full"),
    (20, "a file where a folder is expected"), (17, "exists already")])
def test_os_errors_are_words_not_errno_text(number, words):
    said = writes.describe(OSError(number, os.strerror(number), "/tmp/x/y"))
    assert said == f"/tmp/x/y: {writes.words(OSError(number, ''))}" and words in said
    assert "Errno" not in said and os.strerror(number) not in said


# -- sitrep draft ------------------------------------------------------------------------------

@pytest.fixture
def dataset(world, monkeypatch, capsys) -> Path:
    folder = world["given"] / "ds"
    assert run(monkeypatch, capsys, "new", str(folder), "--title", "T")[0] == 0
    return folder


def draft_folder_linked_elsewhere(w, d):
    os.symlink(w["elsewhere"], d / "draft")
    return "draft"


def draft_source_folder_linked_elsewhere(w, d):
    (d / "draft").mkdir()
    os.symlink(w["elsewhere"], d / "draft" / "report")
    return "report"


def drafted_table_linked_to_a_file_elsewhere(w, d):
    (d / "draft" / "report").mkdir(parents=True)
    os.symlink(w["elsewhere"] / "precious.txt", d / "draft" / "report" / "claims.csv")
    return "claims.csv"


def sources_folder_replaced_by_a_link(w, d):
    os.rmdir(d / "sources")
    os.symlink(w["elsewhere"], d / "sources")
    return "sources"


def copied_text_name_taken_by_a_dangling_link(w, d):
    os.symlink(w["elsewhere"] / "copied.txt", d / "sources" / "report.txt")
    return "report.txt"


DRAFT_LINKS = [draft_folder_linked_elsewhere, draft_source_folder_linked_elsewhere,
               drafted_table_linked_to_a_file_elsewhere, sources_folder_replaced_by_a_link,
               copied_text_name_taken_by_a_dangling_link]


@pytest.mark.parametrize("plant", DRAFT_LINKS, ids=[p.__name__ for p in DRAFT_LINKS])
def test_draft_never_writes_through_a_planted_link(world, dataset, monkeypatch, capsys, plant):
    name = plant(world, dataset)
    before = snapshot(world["elsewhere"])
    code, printed = run(monkeypatch, capsys, "draft", str(dataset), str(world["text"]))
    assert code == cli.EXIT_BAD_INPUT, printed
    assert re.search(rf"{re.escape(name)}: is (a symbolic link|a link)", printed), printed
    assert snapshot(world["elsewhere"]) == before
    assert sorted(os.listdir(world["elsewhere"])) == ["precious.txt"]
    no_errno(printed)


def binary_text(w, d):
    path = w["tmp"] / "photo.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    return [str(path)], "must be UTF-8 text"


def text_with_nul(w, d):
    path = w["tmp"] / "nul.txt"
    path.write_bytes(b"Officials said so.\x00\x00\x00")
    return [str(path)], "must be plain text"


def text_over_the_size_limit(w, d):
    path = w["tmp"] / "huge.txt"
    path.write_bytes(b"A sentence. " * (2 * 1024 * 1024 // 12 + 10))
    return [str(path)], "sitrep draft reads texts of up to"


def text_named_only_dots(w, d):
    path = w["tmp"] / "...txt"
    path.write_text(TEXT, encoding="utf-8")
    return [str(path)], "must be an id"


def text_name_with_escape(w, d):
    path = w["tmp"] / "re\x1bport.txt"
    path.write_text(TEXT, encoding="utf-8")
    return [str(path), "--source-id", "ok"], "a source text's name must be plain"


def source_id_climbing_out(w, d):
    return [str(w["text"]), "--source-id", "../../x"], "must be an id"


def source_id_too_long(w, d):
    return [str(w["text"]), "--source-id", "a" * 65], "must be an id"


def text_is_the_process_environment(w, d):
    return ["/proc/self/environ"], "system folder"


def text_is_an_endless_device(w, d):
    return ["/dev/zero"], "system folder"


def text_is_a_folder(w, d):
    return [str(w["elsewhere"])], "must be a regular file"


def sources_is_a_file(w, d):
    os.rmdir(d / "sources")
    (d / "sources").write_text("not a folder", encoding="utf-8")
    return [str(w["text"])], "sources: is a file where a folder is expected"


def text_in_sources_linked_to_a_system_file(w, d):
    os.symlink("/etc/hostname", d / "sources" / "planted.txt")
    return ["planted.txt"], "is a link"


def outlet_with_a_path(w, d):
    return [str(w["text"]), "--outlet", "../x"], "must be an id"


BAD_DRAFTS = [binary_text, text_with_nul, text_over_the_size_limit, text_named_only_dots,
              text_name_with_escape, source_id_climbing_out, source_id_too_long,
              text_is_the_process_environment, text_is_an_endless_device, text_is_a_folder,
              sources_is_a_file, outlet_with_a_path, text_in_sources_linked_to_a_system_file]


@pytest.mark.parametrize("case", BAD_DRAFTS, ids=[c.__name__ for c in BAD_DRAFTS])
def test_draft_refuses_before_anything_is_written(world, dataset, monkeypatch, capsys, case):
    argv, words = case(world, dataset)
    before = snapshot(dataset)
    code, printed = run(monkeypatch, capsys, "draft", str(dataset), *argv)
    assert code == cli.EXIT_BAD_INPUT, printed
    assert words in printed, printed
    no_errno(printed)
    assert snapshot(dataset) == before  # nothing left behind in sources/ or draft/
    assert not (dataset / "draft").exists()
    assert sorted(os.listdir(world["elsewhere"])) == ["precious.txt"]


def test_draft_of_a_plain_text_writes_only_inside_the_data_set(world, dataset, monkeypatch,
                                                                capsys):
    code, printed = run(monkeypatch, capsys, "draft", str(dataset), str(world["text"]))
    assert code == cli.EXIT_OK, printed
    assert (dataset / "sources" / "report.txt").read_text(encoding="utf-8") == TEXT
    assert (dataset / "draft" / "report" / "claims.csv").is_file()
    assert not any(p.name.startswith(".tmp-") for p in dataset.rglob("*"))


# -- sitrep schema -----------------------------------------------------------------------------

def test_schema_never_writes_through_a_linked_descriptor(world, dataset, monkeypatch, capsys):
    descriptor = dataset / "facts" / "datapackage.json"
    descriptor.unlink()
    os.symlink(world["elsewhere"] / "precious.txt", descriptor)
    code, printed = run(monkeypatch, capsys, "schema", str(dataset), "--title", "New")
    assert code == cli.EXIT_BAD_INPUT and "is a symbolic link" in printed, printed
    assert (world["elsewhere"] / "precious.txt").read_text(encoding="utf-8") == "keep me\n"


def test_schema_of_a_descriptor_nested_too_deep_is_one_message(dataset, monkeypatch, capsys):
    (dataset / "facts" / "datapackage.json").write_text("[" * 100_000, encoding="utf-8")
    code, printed = run(monkeypatch, capsys, "schema", str(dataset))
    assert code == cli.EXIT_BAD_INPUT and "nested too deeply" in printed, printed
    no_errno(printed)


def test_a_hard_link_is_replaced_never_written_through(world, dataset):
    readme = dataset / "README.md"
    readme.unlink()
    os.link(world["elsewhere"] / "precious.txt", readme)
    writes.write_text(dataset, "README.md", "new text\n")
    assert (world["elsewhere"] / "precious.txt").read_text(encoding="utf-8") == "keep me\n"
    assert readme.read_text(encoding="utf-8") == "new text\n"


# -- the render's publishing -------------------------------------------------------------------

def report_folder_linked_elsewhere(w, out):
    os.symlink(w["elsewhere"], out / "brief")
    return out / "brief", "brief"


def published_file_linked_elsewhere(w, out):
    (out / "brief").mkdir()
    os.symlink(w["elsewhere"] / "precious.txt", out / "brief" / "brief.html")
    return out / "brief", "brief.html"


def index_linked_elsewhere(w, out):
    os.symlink(w["elsewhere"] / "index.html", out / "index.html")
    return out, "index.html"


PUBLISH_LINKS = [report_folder_linked_elsewhere, published_file_linked_elsewhere,
                 index_linked_elsewhere]


@pytest.mark.parametrize("plant", PUBLISH_LINKS, ids=[p.__name__ for p in PUBLISH_LINKS])
def test_publishing_never_writes_through_a_planted_link(world, plant):
    out = world["given"]
    folder, name = plant(world, out)
    target = "index.html" if name == "index.html" else "brief.html"
    with pytest.raises(writes.WriteError, match=rf"{re.escape(name)}: is a symbolic link"):
        publish({target: "<p>report</p>"}, folder, staging=world["tmp"] / "staging")
    assert sorted(os.listdir(world["elsewhere"])) == ["precious.txt"]
    assert (world["elsewhere"] / "precious.txt").read_text(encoding="utf-8") == "keep me\n"


@pytest.mark.parametrize("kind", ["file", "dangling link", "/proc"])
def test_render_out_that_is_not_a_folder_is_refused_before_rendering(world, monkeypatch, capsys,
                                                                     kind):
    out = {"file": world["tmp"] / "afile", "dangling link": world["tmp"] / "gone",
           "/proc": Path("/proc/sitrep-out")}[kind]
    if kind == "file":
        out.write_text("x", encoding="utf-8")
    if kind == "dangling link":
        os.symlink(world["elsewhere"] / "nothing", out)
    code, printed = run(monkeypatch, capsys, "render", "brief", "--out", str(out))
    assert code == cli.EXIT_BAD_INPUT, printed
    assert str(out) in printed
    no_errno(printed)


@pytest.mark.parametrize("kind", ["folder", "endless device", "named pipe", "missing"])
def test_a_manifest_that_is_not_a_file_is_one_message(world, monkeypatch, capsys, kind):
    manifest = {"folder": world["elsewhere"], "endless device": Path("/dev/zero"),
                "named pipe": world["tmp"] / "pipe", "missing": world["tmp"] / "none.toml"}[kind]
    if kind == "named pipe":
        os.mkfifo(manifest)
    for command in ("render", "index"):
        code, printed = run(monkeypatch, capsys, command, "--manifest", str(manifest),
                            "--out", str(world["tmp"] / "reports"))
        assert code == cli.EXIT_BAD_INPUT and str(manifest) in printed, printed
        no_errno(printed)
