"""The reports' parameters: what each one means, which values it takes, and clear refusals.

A notebook declares its parameters in the cell tagged ``parameters``; the default's type is the
parameter's declared type (every sitrep parameter is a string, ``""`` meaning "not set"), and
:func:`sitrep.pipeline.execute.check_parameters` refuses a value of another type before
anything runs. So
papermill's command-line coercions never happen on our path: ``sitrep render`` hands papermill
Python strings, and ``"007"`` stays ``"007"``, ``"NO"`` stays ``"NO"``.

This module checks the *values* of the parameters sitrep knows. ``execute.check_parameters``
calls :func:`check` for each one before a kernel starts, and each notebook's
:class:`sitrep.report.Report` calls :func:`read` with the declared values in its first cell (so
a value typed in JupyterLab gets the same message)::

    given = parameters.read(dataset="tests/data/fictional", as_of="2031-03-06", title="")
    facts = given.open()

A ``dataset`` path is relative to the project root wherever it is given
(:func:`sitrep.paths.dataset_folder`).

Every refusal is a :class:`ParameterError` whose message names the parameter, the rule and the
value. Text parameters (``title``) are taken exactly as given: quotes, newlines, backslashes,
any Unicode; they are escaped where they are shown, never here.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sitrep.model.data import limits
from sitrep.model.data.errors import SitrepError

if TYPE_CHECKING:
    from sitrep.model.data.facts import Facts

__all__ = ["KNOWN", "ParameterError", "Parameters", "check", "read"]

#: An id as the data set's schema writes it (actor, measure, claim ids).
ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")
GRADE = re.compile(r"[A-F][1-6]")
DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
#: Degrees of an extent: up to three digits, a sign, a decimal part of up to twelve.
DEGREES = re.compile(r"[+-]?[0-9]{1,3}(?:\.[0-9]{1,12})?")

#: Said when a number or a boolean arrives for a text parameter.
_COERCION_HINT = (
    "; pass it as text: papermill's `-p` and YAML turn 007 into 7 and NO into False, "
    "sitrep does not"
)


class ParameterError(SitrepError, ValueError):
    """A parameter's value breaks its rule; the message names the parameter, rule and value."""

    def __init__(self, name: str, rule: str, value: Any) -> None:
        shown = repr(value)
        if len(shown) > 120:
            shown = shown[:119] + "…"
        super().__init__(f"parameter {name!r} {rule} (value {shown})")
        self.name = name
        self.rule = rule
        self.value = value

    def _render_traceback_(self) -> list[str]:
        """IPython (JupyterLab) shows this one line instead of a traceback."""
        return [f"ParameterError: {self}"]


def _text(name: str, value: Any) -> str:
    if not isinstance(value, str):
        hint = _COERCION_HINT if isinstance(value, bool | int | float) else ""
        raise ParameterError(name, f"must be a str, not {type(value).__name__}{hint}", value)
    return value


def _dataset(value: Any) -> str | None:
    text = _text("dataset", value)
    if "\0" in text:
        raise ParameterError("dataset", "a folder path cannot hold a NUL character", value)
    if text and not text.strip():
        raise ParameterError("dataset", "is blank; leave it empty for the shipped data set",
                             value)
    return text or None


def _date(name: str) -> Callable[[Any], str | None]:
    def parse(value: Any) -> str | None:
        text = _text(name, value)
        if not text:
            return None
        if not DATE.fullmatch(text):
            raise ParameterError(name, "must be a date written YYYY-MM-DD, e.g. 2024-11-30",
                                 value)
        try:
            dt.date.fromisoformat(text)
        except ValueError as error:
            raise ParameterError(name, f"is not a real date ({error})", value) from None
        return text

    return parse


_as_of = _date("as_of")


def _as_of_sources(value: Any) -> str:
    text = _text("as_of_sources", value)
    if text not in ("", "certain", "possible"):
        raise ParameterError("as_of_sources", "must be 'certain' (only sources certainly "
                             "published by as_of, the default) or 'possible' (also those whose "
                             "date, at its precision, may fall on or before it)", value)
    return text or "certain"


def _title(value: Any) -> str:
    return _text("title", value)


def _ids(name: str, what: str) -> Callable[[Any], list[str] | None]:
    def parse(value: Any) -> list[str] | None:
        text = _text(name, value)
        if not text.strip():
            return None
        ids = [part.strip() for part in text.split(",")]
        for item in ids:
            if not item:
                raise ParameterError(name, f"lists {what.split()[-1]} ids separated by commas, "
                                     "with none empty (e.g. 'a,b')", value)
            if not ID.fullmatch(item):
                raise ParameterError(name, f"lists {item!r}, which is not {what} id "
                                     "(letters, digits, '_', '.', '-')", value)
        return list(dict.fromkeys(ids))

    return parse


def _min_grade(value: Any) -> str:
    text = _text("min_grade", value)
    if text and not GRADE.fullmatch(text):
        hint = f"; did you mean {text.upper()!r}?" if GRADE.fullmatch(text.upper()) else ""
        raise ParameterError("min_grade", "must be an Admiralty grade: a reliability letter "
                             f"A-F and a credibility digit 1-6, such as 'C3'{hint}", value)
    return text


def _extent(value: Any) -> tuple[float, float, float, float] | None:
    text = _text("extent", value)
    if not text.strip():
        return None
    rule = "must be four numbers 'lon_min,lat_min,lon_max,lat_max', e.g. '30,44,42,53'"
    parts = text.split(",")
    if len(parts) != 4:
        raise ParameterError("extent", rule, value)
    # read on the text first: plain degrees in the digits 0-9 ('１' or 1e999 is no degree)
    if not all(DEGREES.fullmatch(part.strip()) for part in parts):
        raise ParameterError("extent", rule + ", in degrees written with the digits 0-9", value)
    numbers = [float(part) for part in parts]
    if not all(math.isfinite(n) for n in numbers):
        raise ParameterError("extent", rule, value)
    lon0, lat0, lon1, lat1 = numbers
    if not (-180 <= lon0 < lon1 <= 180 and -90 <= lat0 < lat1 <= 90):
        raise ParameterError("extent", "needs -180 <= lon_min < lon_max <= 180 and "
                             "-90 <= lat_min < lat_max <= 90, in degrees", value)
    problem = limits.extent_problem(lon0, lat0, lon1, lat1)
    if problem:
        raise ParameterError("extent", problem, value)
    return lon0, lat0, lon1, lat1


#: sitrep's parameters: name -> the check that turns the text into the value the code uses.
KNOWN: dict[str, Callable[[Any], Any]] = {
    "dataset": _dataset,
    "as_of": _as_of,
    "as_of_sources": _as_of_sources,
    "since": _date("since"),
    "title": _title,
    "measures": _ids("measures", "a measure"),
    "min_grade": _min_grade,
    "actors": _ids("actors", "an actor"),
    "extent": _extent,
}


def check(name: str, value: Any) -> Any:
    """Check one of sitrep's parameters; return the value the code uses.

    Unknown names are returned unchanged (a notebook may declare its own); see :data:`KNOWN`.

    Raises:
        ParameterError: the value breaks the parameter's rule.
    """
    checker = KNOWN.get(name)
    return value if checker is None else checker(value)


@dataclass(frozen=True)
class Parameters:
    """A report's parameters, checked and parsed: ``None`` or empty means "not set"."""

    dataset: str | None = None
    as_of: str | None = None
    as_of_sources: str = "certain"
    since: str | None = None
    title: str = ""
    measures: list[str] | None = None
    min_grade: str = ""
    actors: list[str] | None = None
    extent: tuple[float, float, float, float] | None = None

    def open(self) -> Facts:
        """Load and validate the data set (default: the shipped one), check that the ids named
        by ``measures`` and ``actors`` exist in it, and cut it at ``as_of``.

        Raises:
            FactsError: the data set breaks a rule.
            ParameterError: an id named is not in the data set.
        """
        return self.cut(self.load())

    def load(self) -> Facts:
        """The whole data set, validated, with the ids named by ``measures`` and ``actors``
        checked; not cut (see :meth:`cut`)."""
        from sitrep import paths
        from sitrep.model import load

        facts = load(paths.dataset_folder(self.dataset) if self.dataset
                     else paths.DEFAULT_DATASET)
        _known_ids("measures", self.measures, facts.measures["measure_id"])
        _known_ids("actors", self.actors, facts.actors["actor_id"])
        return facts

    def cut(self, facts: Facts, as_of: str | None = None) -> Facts:
        """The facts as of ``as_of`` (default: the parameter), by the ``as_of_sources`` rule."""
        day = as_of or self.as_of
        return facts.until(day, include_possible=self.as_of_sources == "possible") if day \
            else facts


def _known_ids(name: str, chosen: Sequence[str] | None, available: Sequence[str]) -> None:
    if not chosen:
        return
    known = list(dict.fromkeys(available))
    missing = [i for i in chosen if i not in set(known)]
    if missing:
        listed = ", ".join(known) or "none"
        raise ParameterError(name, f"names {', '.join(map(repr, missing))}, which the data "
                             f"set has no {name[:-1]} of (known: {listed})", ",".join(chosen))


def read(**values: Any) -> Parameters:
    """Check the parameters a notebook declares and return them parsed.

    Every keyword must be one of sitrep's parameters (:data:`KNOWN`)::

        given = read(dataset="", as_of="2024-11-30", title="")
        given.as_of     # '2024-11-30'; None when empty

    Raises:
        ParameterError: an unknown name, or a value that breaks its parameter's rule.
    """
    unknown = sorted(set(values) - set(KNOWN))
    if unknown:
        raise ParameterError(unknown[0], f"is not a sitrep parameter (known: "
                             f"{', '.join(KNOWN)})", values[unknown[0]])
    given = Parameters(**{name: KNOWN[name](value) for name, value in values.items()})
    if given.since and given.as_of and given.since >= given.as_of:
        raise ParameterError("since", f"must be earlier than as_of ({given.as_of}): it names "
                             "the earlier edition", values["since"])
    return given


def render_command(report: str, *, keep: Collection[str] = (), **values: Any) -> str:
    """The ``sitrep render`` command that renders ``report`` with these parameter values
    (empty ones left out unless named in ``keep``, each value quoted for a POSIX shell)::

        render_command("brief", as_of="2024-11-30", title="")
        # 'sitrep render brief --force -p as_of=2024-11-30'
    """
    import shlex

    given = [f"-p {shlex.quote(f'{name}={value}')}" for name, value in values.items()
             if value not in ("", None) or name in keep]
    return " ".join(["sitrep render", shlex.quote(report), "--force", *given])
