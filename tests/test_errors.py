"""One root for sitrep's own errors: every exception class in src/sitrep is a SitrepError (an
error code also catches as ValueError or OSError keeps that base too), and the command line
turns any SitrepError into its message, one line, with the exit code of its kind; every
subcommand takes --debug, which shows the traceback instead."""

from __future__ import annotations

import importlib
import re

import pytest

from sitrep import cli, paths
from sitrep.model.data.errors import SitrepError
from sitrep.model.data.writes import WriteError
from sitrep.pipeline.errors import RenderError
from sitrep.pipeline.parameters import ParameterError

SUBCOMMANDS = {"check": [], "new": ["folder", "--title", "T"], "draft": ["data", "s.txt"],
               "schema": ["data"], "rules": [], "render": [], "index": [],
               "preview": ["brief"]}


def exception_classes() -> list[type[BaseException]]:
    """Every exception class defined in a module of src/sitrep (each module imported)."""
    found = []
    for module in sorted(paths.PACKAGE.rglob("*.py")):
        name = ".".join(module.relative_to(paths.PACKAGE.parent).with_suffix("").parts)
        loaded = importlib.import_module(name.removesuffix(".__init__"))
        found += [value for value in vars(loaded).values() if isinstance(value, type)
                  and issubclass(value, BaseException) and value.__module__ == loaded.__name__]
    return found


CLASSES = exception_classes()
#: The built-in base each keeps beside SitrepError, because code catches it as one.
BUILT_IN_BASES = {"OutsideError": OSError, "WriteError": OSError, "DraftError": ValueError,
                  "GeoFileError": ValueError, "PlaceError": ValueError,
                  "FormatError": ValueError, "NotebookRefused": ValueError,
                  "ManifestError": ValueError, "ParameterError": ValueError,
                  "UnsafeSvg": ValueError}


def test_every_exception_class_is_a_sitrep_error():
    assert {c.__name__ for c in CLASSES} >= {*BUILT_IN_BASES, "FactsError", "RenderError",
                                             "ScaffoldError", "SitrepError"}
    assert [c.__qualname__ for c in CLASSES if not issubclass(c, SitrepError)] == []
    assert SitrepError.__bases__ == (Exception,)


@pytest.mark.parametrize("error", [c for c in CLASSES if c is not SitrepError],
                         ids=lambda c: c.__name__)
def test_sitrep_error_first_then_the_built_in_base_it_had(error):
    kept = BUILT_IN_BASES.get(error.__name__)
    assert error.__bases__[0] is SitrepError or error.__bases__[0] in CLASSES
    assert kept is None or issubclass(error, kept)


@pytest.mark.parametrize(("command", "error", "code"), [
    ("rules", ParameterError("as_of", "must be a date", "x"), cli.EXIT_BAD_INPUT),
    ("rules", WriteError("out", "is a file where a folder is expected"), cli.EXIT_BAD_INPUT),
    ("index", RenderError("report 'brief' could not be rendered"), cli.EXIT_RENDER_FAILED),
    ("index", WriteError("out", "is a file where a folder is expected"), cli.EXIT_BAD_INPUT),
])
def test_the_command_line_says_a_sitrep_error_in_one_line(monkeypatch, capsys, command, error,
                                                          code):
    def fail(_args):
        raise error

    monkeypatch.setattr(cli, f"_{command}", fail)
    assert cli.main([command]) == code
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == f"error: {error}\n"
    with pytest.raises(type(error)):
        cli.main([command, "--debug"])


@pytest.mark.parametrize("command", sorted(SUBCOMMANDS))
@pytest.mark.parametrize("where", ["before", "after"])
def test_every_subcommand_takes_debug(command, where):
    argv = [command, *SUBCOMMANDS[command]]
    argv = ["--debug", *argv] if where == "before" else [*argv, "--debug"]
    assert cli.build_parser().parse_args(argv).debug is True


def test_help_names_every_subcommand_tested_here(capsys):
    with pytest.raises(SystemExit):
        cli.build_parser().parse_args(["--help"])
    (choices,) = re.findall(r"\{([a-z,]+)\}", capsys.readouterr().out)[:1]
    assert set(choices.split(",")) == set(SUBCOMMANDS)
