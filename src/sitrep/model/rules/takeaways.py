"""A takeaway keeps its claims' hedges and qualifiers and states only their figures.

The rules ``takeaway-keeps-hedge``, ``takeaway-figure`` and ``takeaway-keeps-qualifier``, read
on the text alone (:func:`slips`), so that a corpus of sentences can be checked without a data
set (tests/data/takeaway_corpus.csv). Figures are found as a reader finds them
(:mod:`sitrep.model.data.wording`: dates, clock times and names with digits are not figures).
Every mention of a figure is read: a takeaway keeps a qualifier when one of its mentions does
("about 10,000 to 11,000 ... officials estimate 10,000" keeps ``estimated``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sitrep.model.data import rule_ids as R
from sitrep.model.data import wording as words
from sitrep.model.rules import measures_apart as apart


@dataclass(frozen=True)
class Slip:
    """One problem of a takeaway's text: its rule, the words it rests on, the message."""

    rule: str
    value: str
    message: str


def slips(text: str, hedges: Mapping[str, Sequence[str]],
          numbers: Sequence[tuple[float, str]], cited: list[apart.Cited]) -> list[Slip]:
    """Every slip of ``text``, one per slip: ``hedges`` maps each cited claim to its hedges,
    ``numbers`` lists each (value or bound, qualifier) the cited claims give, ``cited`` the
    same numbers with their measures (:mod:`sitrep.model.rules.measures_apart`)."""
    found: list[Slip] = []
    missing: dict[str, list[str]] = {}
    for claim_id, claim_hedges in hedges.items():
        for hedge in claim_hedges:
            if not words.says(text, hedge):
                missing.setdefault(hedge, []).append(claim_id)
    for hedge, claim_ids in missing.items():
        many = len(claim_ids) > 1
        found.append(Slip(R.TAKEAWAY_KEEPS_HEDGE, hedge,
                          f"claim{'s' if many else ''} {' and '.join(claim_ids)} "
                          f"{'are' if many else 'is'} hedged {hedge!r}: the takeaway must say "
                          "so (any form of the word)"))
    # A qualifier worded like a dropped hedge ('estimated') is reported once, as the hedge.
    allowed = [(v, "" if any(words.states_qualifier(h, q) for h in missing) else q)
               for v, q in numbers]
    return found + _figure_slips(text, allowed, cited)


def _figure_slips(text: str, allowed: list[tuple[float, str]],
                  cited: list[apart.Cited]) -> list[Slip]:
    found: list[Slip] = []
    reported: set[object] = set()
    in_text = words.figures(text)
    qualifiers: dict[str, set[str]] = {}
    for value, qualifier in allowed:
        qualifiers.setdefault(words.value_key(value), set()).add(qualifier)
    # Every mention of the same figure is read: one that keeps the qualifier is enough.
    mentions: dict[str, list[int]] = {}
    for index, figure in enumerate(in_text):
        for value in figure.values:
            mentions.setdefault(words.value_key(value), []).append(index)
    windows = words.qualifier_windows(text, in_text) if allowed else []
    decided: dict[tuple[str, str], bool] = {}
    grouped: dict[tuple[str, ...], list[int]] = {}
    for index, figure in enumerate(in_text):
        keys = [words.value_key(v) for v in figure.values]
        matching = set().union(*(qualifiers.get(k, set()) for k in keys))
        if not matching:
            if figure.text not in reported:
                reported.add(figure.text)
                combined = apart.combination(figure, cited)
                found.append(Slip(apart.RULE if combined else R.TAKEAWAY_FIGURE, figure.text,
                                  combined or "every number in a takeaway must be a figure of "
                                  "a claim it cites (dates, clock times and names with digits "
                                  "are not figures)"))
            continue
        if cited:
            merged = apart.merged(text, figure, in_text, cited)
            if merged and (apart.RULE, figure.text) not in reported:
                reported.add((apart.RULE, figure.text))
                found.append(Slip(apart.RULE, figure.text, merged))
        if figure.text in reported:
            continue
        group = tuple(keys)
        if group not in grouped:
            grouped[group] = sorted({i for k in keys for i in mentions.get(k, [])})
        these = grouped[group]
        kept = False
        for qualifier in sorted(matching):
            if qualifier not in words.QUALIFIER_WORDS:
                kept = True
                break
            key = (keys[0], qualifier)
            if key not in decided:
                decided[key] = words.keeps_qualifier(windows, these, qualifier)
            kept = kept or decided[key]
        if not kept and these[0] == index:
            reported.add(figure.text)
            qualifier = sorted(matching)[0]
            examples = " or ".join(repr(w) for w in words.QUALIFIER_WORDS[qualifier][:3])
            found.append(Slip(R.TAKEAWAY_KEEPS_QUALIFIER, figure.text,
                              f"a cited claim gives this figure with the qualifier "
                              f"{qualifier!r}: the takeaway must keep it before the number, "
                              f"at one mention at least (e.g. {examples}; the forms are "
                              "listed in sitrep.model.data.wording.QUALIFIER_WORDS)"))
    return found
