"""The summary a report opens with: the analyst's bottom line, the key takeaways and the key
figures (one row per measure), and what changed since an earlier edition when anything did.

The model computes (:mod:`sitrep.model.analysis.keyfigures`, :mod:`changes`); this module only
words and lays out what it computed. A long data set does not make a long summary: past
:data:`BODY_TAKEAWAYS` takeaways and :data:`BODY_FIGURES` measures the summary names how many
more there are and where they are (the evidence part lists them all).
"""

from __future__ import annotations

import pandas as pd
from IPython.display import HTML

from sitrep.model.analysis import changes, contested, reconcile
from sitrep.model.analysis.attribution import attributions
from sitrep.model.analysis.keyfigures import key_figures, key_lines, ranked, since_edition
from sitrep.model.analysis.quantity import figures as figures_of
from sitrep.model.analysis.quantity import with_unit
from sitrep.model.data.facts import Facts, about
from sitrep.views.display import (
    NO_SCOPE,
    Entries,
    Scope,
    figure,
    heading,
    items,
    paragraph,
    table,
    wrap,
)

#: Key takeaways and key-figure rows a summary shows at most; the rest follow in the evidence.
BODY_TAKEAWAYS = 8
BODY_FIGURES = 8
#: Table lines the summary's key figures take at most (a contested measure takes a line a
#: side, an assessment a line of its own); at least one measure is always shown.
BODY_LINES = 7


PARAPHRASED = " (text not held: paraphrase)"


def _said(facts: Facts, claims: tuple[str, ...]) -> str:
    """Who made the claims, each claimant once: 'C01, C02: Dagens, no source named · K01, K03:
    American and Ukrainian officials, relayed by The New York Times, in Newser, MENAFN (text not
    held: paraphrase) (hedge: expected)'. Claims of one claimant, relay and hedge share an
    entry, their outlets listed; the order is kept."""
    said = attributions(facts).set_index("claim_id")
    # With no source text held at all, 'paraphrase' is said once (:func:`bottom_line`).
    every = not any(facts.sources["document"].astype(bool))
    groups: dict[tuple, tuple[list[str], list[str]]] = {}
    for c in claims:
        if c not in said.index:
            continue
        r = said.loc[c]
        paraphrase = r["said_by"].endswith(PARAPHRASED) and not every
        if r["unattributed"]:
            key, outlet = (r["said_by"], "", r["hedge"], paraphrase), ""
        else:
            who = r["claimant"] + (f", relayed by {r['relay']}" if r["relay"] else "")
            key, outlet = (who, "in", r["hedge"], paraphrase), r["outlet"]
        ids, outlets = groups.setdefault(key, ([], []))
        ids.append(c)
        if outlet and outlet not in outlets:
            outlets.append(outlet)
    entries = []
    for (who, joined, hedge, paraphrase), (ids, outlets) in groups.items():
        text = who.removesuffix(PARAPHRASED) if not joined else \
            f"{who}, in {', '.join(outlets)}"
        entries.append(f"{', '.join(ids)}: {text}" + (PARAPHRASED if paraphrase else "")
                       + (f" (hedge: {hedge})" if hedge else ""))
    return " · ".join(entries)


def bottom_line(facts: Facts, *, scope: Scope = NO_SCOPE) -> HTML:
    """The analyst's bottom line (the takeaways row whose role is bottom_line) with its claims,
    who made them and their hedges; or why there is none."""
    rows = facts.takeaways[facts.takeaways["role"].eq("bottom_line")]
    if rows.empty:
        cut = facts.cut.bottom_line_left_out if facts.cut is not None else None
        why = (f"The analyst's bottom line rests on claims after the cut-off ({cut[1]}), so "
               "this edition has none." if cut else
               "The data set gives no bottom line (a takeaways row with role bottom_line).")
        return paragraph(why, css_class="sitrep-empty")
    row = rows.iloc[0]
    said = _said(facts, row["claims"])
    if len(facts.sources) and not any(facts.sources["document"].astype(bool)):
        said += f". {NOT_HELD}"
    return items(Entries([(row["text"], said)]), css_class="sitrep-bottom-line", scope=scope)


NOT_HELD = "No source text is held: every claim here is the analyst's paraphrase."


def takeaways(facts: Facts, limit: int = BODY_TAKEAWAYS) -> Entries:
    """The key takeaways (not the bottom line), each with its claims, claimants and hedges;
    past ``limit`` a last line says how many more the evidence part lists."""
    rows = facts.takeaways[facts.takeaways["role"].ne("bottom_line")]
    entries = [(r.text, _said(facts, r.claims)) for r in rows.itertuples(index=False)
               if _said(facts, r.claims)]
    if len(entries) > limit:
        more = len(entries) - limit
        entries = [*entries[:limit], (f"… and {more:,} more key takeaway{'s' if more > 1 else ''}"
                                      " (listed in full under Evidence).", "")]
    return Entries(entries, subject="key takeaways")


def rest_of_takeaways(facts: Facts, limit: int = BODY_TAKEAWAYS, *,
                      scope: Scope = NO_SCOPE) -> list[HTML]:
    """The key takeaways past the summary's ``limit``, under a heading (nothing for a data set
    with no more than ``limit``)."""
    rows = facts.takeaways[facts.takeaways["role"].ne("bottom_line")].iloc[limit:]
    if rows.empty:
        return []
    entries = [(r.text, _said(facts, r.claims)) for r in rows.itertuples(index=False)]
    return [heading("Further key takeaways", 3), items(entries, ordered=True, scope=scope)]


def earlier_edition(whole: Facts, since: str | None, as_of: str | None,
                    include_possible: bool = False) -> changes.Changes | None:
    """The comparison with the edition as of ``since`` (default a week before the cut-off), or
    None when that edition held no claim (there is nothing to compare with)."""
    start = since or changes.default_since(whole, as_of)
    edition = changes.compare(whole, start, as_of, include_possible=include_possible)
    return edition if edition.claims_before else None


def key_figures_rows(whole: Facts, facts: Facts, edition: changes.Changes | None = None,
                     **filters) -> pd.DataFrame:
    """The model's key figures of ``facts`` (with ``filters`` for ``quantity.figures``), with
    the change since the earlier ``edition`` when there is one, and ``lines``: each measure's
    lines a voice and its assessments (:func:`key_lines`), which a contested measure shows
    instead of a best figure."""
    table = figures_of(facts, kinds=None, **filters)
    now = _with_lines(ranked(key_figures(table, facts), facts), key_lines(table, facts))
    if edition is None:
        return now
    before = whole.until(edition.since, include_possible=bool(
        facts.cut is not None and facts.cut.include_possible))
    return since_edition(now, key_figures(figures_of(before, kinds=None, **filters), before))


def _with_lines(rows: pd.DataFrame, lines: pd.DataFrame) -> pd.DataFrame:
    by_measure = {m: part.to_dict("records") for m, part in lines.groupby("measure_id",
                                                                           sort=False)}
    return rows.assign(lines=[by_measure.get(m, []) for m in rows["measure_id"]])


def _flags(r) -> str:
    flags = []
    if r.disagreements:
        flags.append(f"{r.disagreements}{_more(r.more_disagreements, 'pair')} disagree "
                     "(no common value)")
    if r.restated:
        flags.append(f"{r.restated}{_more(r.more_restated, 'source')}: one source, two figures")
    if not r.well_sourced:
        flags.append("no well-sourced figure: the lowest is shown")
    if r.other_status:
        flags.append(f"also {r.other_status}")
    if getattr(r, "window_note", ""):
        flags.append(f"the figure shown {r.window_note}")
    return "; ".join(flags)


def _more(count: int, noun: str = "") -> str:
    """' and 12 more pairs' (' and 12 more' without a noun; nothing when none): what a capped
    list left out."""
    if count <= 0:
        return ""
    return f" and {count:,} more" + (f" {noun}{'s' if count > 1 else ''}" if noun else "")


def _who(r) -> str:
    """Who gives a best figure, and for which side: 'IDF (Israel, party)', 'HRANA
    (independent)', 'Dagens (side not stated)'."""
    claimant = str(getattr(r, "claimant", "") or "")
    side = str(getattr(r, "side_name", "") or "")
    role = str(getattr(r, "side_role", "") or "")
    said = ", ".join(x for x in (side if side != claimant else "", role) if x)
    return f"{claimant} ({said})" if claimant and said else claimant or side


def key_figures_table(rows: pd.DataFrame, *, since: str = "") -> pd.DataFrame:
    """The key figures worded for a page: measure (unit), who says it, the figure with its
    claim, the date it refers to, the range firm figures allow, independent origins, the change
    since ``since`` (when the rows carry one) and the flags. A contested measure (two voices,
    one a party to the conflict) takes one line a voice, what each side claims, denies or
    admits, and the analyst's assessment on a line of its own, never one side's figure as the
    best; another measure takes its best figure with its claimant and side, then any
    assessment. Empty columns are left out."""
    out = []
    has_change = "change" in rows.columns
    change_heading = f"Since {since}" if since else "Change"
    for r in rows.itertuples(index=False):
        derived = bool(r.derived)
        first = {
            "Measure": r.measure,
            "Refers to": r.reference,
            "Firm figures allow": "derived, no reported figure" if derived else r.firm_range,
            "Origins": "none (derived)" if derived else
            f"{r.origins:,} of {r.figures:,} figure{'s' if r.figures != 1 else ''}",
        }
        if has_change:
            first[change_heading] = (r.change if r.change in ("new", "unchanged") else
                                     f"{r.change}; was "
                                     f"{r.before.replace(' (', ', ', 1).rstrip(')')}")
        first["Flags"] = _flags(r)
        lines = list(getattr(r, "lines", []) or [])
        voices = [x for x in lines if x["role"] == "voice"]
        judged = [x for x in lines if x["role"] == "assessment"]
        if getattr(r, "contested", False) and voices:
            shown = [{"Who says": x["who"], "Figure": x["figure"] or "no figure",
                      "Refers to": x["reference"]} for x in voices]
            shown[0] = {**first, **shown[0],
                        "Refers to": shown[0]["Refers to"] or r.reference}
        else:
            own = "; ".join(x["answers"] for x in voices if x["answers"])
            figure = with_unit(r.figure, r.unit) + f" [{r.claim_id}]" + (
                " (derived)" if derived else "") + (f"; {own}" if own else "")
            shown = [{**first, "Who says": _who(r), "Figure": figure}]
        shown += [{"Who says": x["who"], "Figure": x["figure"], "Refers to": x["reference"]}
                  for x in judged]
        out += shown
    columns = ["Measure", "Who says", "Figure", "Refers to", "Firm figures allow", "Origins",
               *([change_heading] if has_change else []), "Flags"]
    frame = pd.DataFrame(out, columns=columns).fillna("")
    shown = frame.loc[:, [c for c in frame.columns if frame[c].astype(str).ne("").any()]]
    return about(shown.reset_index(drop=True), "key figures")


KEY_FIGURES_NOTE = ("At the latest time each measure refers to. Where two sides speak to it, "
                    "one a party to the conflict: a line a side, never one side's figure as the "
                    "best; else the best figure (the lowest well-sourced one) and who gives it. "
                    "The analyst's assessment has a line of its own. Cited measures first, then "
                    "contested and assessed ones, then by reporting.")


KEY_WIDTHS = {"Measure": "17%", "Who says": "13%", "Figure": "17%", "Refers to": "9%",
              "Firm figures allow": "11%", "Origins": "7%"}


def assessments_table(facts: Facts) -> pd.DataFrame:
    """The analyst's assessments, one row each, apart from every claim: the measure, the
    assessed figure, the time it refers to, its probability (PHIA yardstick) and the analyst's
    confidence (ICD 203), the claims it rests on, the rationale and when it was made."""
    found = contested.assessments(facts)
    labels = dict(zip(facts.measures["measure_id"], facts.measures["label"], strict=True))
    units = dict(zip(facts.measures["measure_id"], facts.measures["unit"], strict=True))
    frame = pd.DataFrame({
        "Measure": found["measure_id"].map(labels),
        "Assessed": [with_unit(f, units.get(m, "")) for f, m in
                     zip(found["figure"], found["measure_id"], strict=True)],
        "Refers to": found["reference"], "Probability": found["probability"],
        "Confidence": found["confidence"], "Rests on": found["rests_on"],
        "Rationale": found["rationale"], "Assessed on": found["assessed"]})
    return about(frame.reset_index(drop=True), "assessments by the analyst", filtered=False)


ASSESSMENTS_NOTE = ("The analyst's own judgement of a measure, never a claim of a source: a "
                    "figure or range, how likely the true figure lies there (the UK Professional "
                    "Head of Intelligence Assessment's probability yardstick: remote chance, "
                    "highly unlikely, unlikely, realistic possibility, likely, highly likely, "
                    "almost certain), the analyst's confidence (ICD 203: low, moderate, high), "
                    "and the claims it rests on.")


def assessments_section(facts: Facts, *, scope: Scope = NO_SCOPE) -> list[HTML]:
    """The analyst's assessments under their own heading (nothing when there are none)."""
    shown = assessments_table(facts)
    if shown.empty:
        return []
    return [heading("The analyst's assessments", 3),
            paragraph(ASSESSMENTS_NOTE, css_class="sitrep-note"),
            table(shown, scope=scope, limit=max(len(shown), 1))]


def _lines_of(r) -> int:
    lines = list(getattr(r, "lines", []) or [])
    voices = sum(x["role"] == "voice" for x in lines)
    judged = sum(x["role"] == "assessment" for x in lines)
    return (voices if getattr(r, "contested", False) and voices else 1) + judged


def body_count(rows: pd.DataFrame, limit: int = BODY_FIGURES,
               lines: int = BODY_LINES) -> int:
    """How many of the ranked key-figure rows the summary shows: at most ``limit`` measures
    and ``lines`` table lines, and at least one measure."""
    used, count = 0, 0
    for r in rows.head(limit).itertuples(index=False):
        need = _lines_of(r)
        if count and used + need > lines:
            break
        used, count = used + need, count + 1
    return count


def key_figures_section(rows: pd.DataFrame, *, since: str = "", limit: int = BODY_FIGURES,
                        scope: Scope = NO_SCOPE) -> list[HTML]:
    """The key figures as the summary shows them: the note and the table, at most ``limit``
    rows; past it a line says how many measures follow under "Key figures, continued" in the
    evidence part (:func:`key_figures_continued`)."""
    limit = body_count(rows, limit)
    shown = key_figures_table(rows.head(limit), since=since)
    body = table(shown, widths=KEY_WIDTHS, scope=scope, limit=max(len(shown), 1))
    parts = [paragraph(KEY_FIGURES_NOTE, css_class="sitrep-note"),
             wrap(body, "sitrep-key-figures")]
    if len(rows) > limit:
        more = len(rows) - limit
        parts.append(paragraph(f"{more:,} more measure{'s' if more != 1 else ''}: under "
                               "Key figures, continued, at the start of the evidence.",
                               css_class="sitrep-note"))
    return parts


def key_figures_continued(rows: pd.DataFrame, *, since: str = "", limit: int = BODY_FIGURES,
                          scope: Scope = NO_SCOPE) -> list[HTML]:
    """The key-figure rows past the summary's ``limit``, under their own heading (nothing when
    the summary shows them all)."""
    limit = body_count(rows, limit)
    if len(rows) <= limit:
        return []
    shown = key_figures_table(rows.iloc[limit:], since=since)
    body = table(shown, widths=KEY_WIDTHS, scope=scope, limit=max(len(shown), 1))
    return [heading("Key figures, continued", 3), wrap(body, "sitrep-key-figures")]


def _first(items: pd.Series, sep: str, noun: str) -> str:
    """The first :data:`~sitrep.model.analysis.changes.SHORT_LINES` of ``items`` joined by
    ``sep``, and how many more ('S01, S02 and 1,234 more'; with a ``noun``, '... and 12 more
    pairs'): a line of "What changed" does not grow with the corpus."""
    return sep.join(items.head(changes.SHORT_LINES)) + _more(len(items) - changes.SHORT_LINES,
                                                            noun)


def what_changed(edition: changes.Changes | None, whole: Facts | None = None, *,
                 scope: Scope = NO_SCOPE) -> list[HTML]:
    """'What changed' for a summary: a heading and its lines when an earlier edition exists
    and differs; nothing at all otherwise (an empty section would only repeat 'all new').
    With ``whole`` (the data set) the bottom line is named as such, not by its id."""
    if edition is None:
        return []
    lines_of = set() if whole is None else set(
        whole.takeaways.loc[whole.takeaways["role"].eq("bottom_line"), "takeaway_id"])
    lines = []
    new = edition.new_claims
    if len(new):
        lines.append(f"{len(new):,} new claim{'s' if len(new) != 1 else ''} ("
                     + _first(new["claim_id"], ", ", "") + ")")
    for status, rows in edition.conflicts.groupby("status", sort=False):
        lines.append(f"conflict {status}: {_first(rows['pair'], '; ', 'pair')}")
    for status, rows in edition.takeaways.groupby("status", sort=False):
        ids = [t for t in rows["takeaway_id"] if t not in lines_of]
        if ids:
            lines.append(f"key takeaways {status}: {', '.join(ids)}")
        if len(ids) < len(rows):
            lines.append(f"the bottom line {'is new' if status == 'added' else status}")
    stale = edition.not_current
    if len(stale):
        lines.append(f"{len(stale):,} figure{'s' if len(stale) != 1 else ''} no longer current ("
                     + _first(stale["claim_id"], ", ", "") + ")")
    if not lines:
        return []
    text = (f"Since the edition of {edition.since}: " + "; ".join(lines) + ". The change of "
            "each best figure is in the key figures; the changes report gives every table.")
    return [heading("What changed"), paragraph(text, scope=scope)]


def body_map(facts: Facts, *, scope: Scope = NO_SCOPE) -> HTML:
    """The brief's one map (the compact position map) with its credit line, set a little
    smaller in print so that it shares page 2 with the takeaways (:file:`report.css`)."""
    from sitrep.views import maps

    drawn = maps.position_map(facts, compact=True)
    shown = figure(drawn.figure, caption=map_credit(facts, drawn),
                   alt="Map of who is where, doing what", scope=scope, kind="map")
    return wrap(shown, "sitrep-body-map")


#: Sources a body map's credit line names one by one; past it the line counts them and points to
#: the sources annex, which lists each with its title, date and link.
MAP_SOURCES = 2


def map_credit(facts: Facts, drawn) -> str:
    """The body map's credit line: the map's own (every source named) when it rests on a few
    sources; else the claims and how many sources, with the boundaries and towns credits."""
    from sitrep.views import maps

    ids = list(dict.fromkeys(drawn.marks["claim_id"]))
    if not ids:
        return ""  # nothing drawn, nothing to credit
    sources = facts.claims.loc[facts.claims["claim_id"].isin(ids), "source_id"].nunique()
    if sources <= MAP_SOURCES:
        return maps.caption(facts, drawn)
    # The map's boxes name (and link) each claim; the annexes list them with their sources.
    return (f"Source: {sources:,} sources, each listed in Annex B, for the {len(ids):,} claims "
            f"the boxes name (Annex A). {drawn.credit_brief or drawn.credit}")


def in_short(facts: Facts, figures: pd.DataFrame, rows: pd.DataFrame, *,
             scope: Scope = NO_SCOPE) -> HTML:
    """A force-size report's 'In short': how many figures, measures, sources and independent
    origins it shows, where figures disagree, and the measures that rest on one origin; the
    key figures follow. ``figures`` is what the report shows (after its filters), ``rows`` its
    key figures (:func:`key_figures_rows`)."""
    reported = figures[~figures["derived"].astype(bool)] if len(figures) else figures
    if reported.empty:
        return paragraph("No reported figure to sum up (see the filters above).",
                         css_class="sitrep-empty")
    sources = reported["source_id"].nunique()
    origins = reported["independent"].nunique()
    lines = [f"{len(reported):,} reported figure{'s' if len(reported) != 1 else ''} for "
             f"{rows['measure_id'].nunique():,} measure{'s' if len(rows) != 1 else ''}, from "
             f"{sources:,} source{'s' if sources != 1 else ''} resting on {origins:,} "
             f"independent origin{'s' if origins != 1 else ''}."]
    pairs = list(reconcile.disagreements(figures))
    label = dict(zip(reported["claim_id"], reported["label"], strict=False))
    if pairs:
        named = "; ".join(f"{a} and {b} ({label.get(a, '')})" for a, b in pairs[:6])
        more = f" and {len(pairs) - 6:,} more pairs" if len(pairs) > 6 else ""
        lines.append(f"Figures disagree (no common value at one time): {named}{more}.")
    else:
        lines.append("No two figures of one measure at one time disagree.")
    single = rows[(rows["origins"] == 1) & (rows["figures"] > 1)]
    if len(single):
        lines.append("Several figures, one origin (they count once): " + "; ".join(
            f"{m} ({n} figures)" for m, n in zip(single["measure"], single["figures"],
                                                  strict=True)) + ".")
    derived = int(figures["derived"].astype(bool).sum()) if len(figures) else 0
    if derived:
        lines.append(f"{derived:,} figure{'s are' if derived != 1 else ' is'} derived by the "
                     "analyst from reported ones, labelled so.")
    return items(Entries([(line, "") for line in lines]), scope=scope)


def force_summary(facts: Facts, figures: pd.DataFrame, *,
                  scope: Scope = NO_SCOPE) -> list[HTML]:
    """A force-size report's first section: 'In short', then the key figures of the figures it
    shows (``figures``: after its filters)."""
    rows = _with_lines(ranked(key_figures(figures, facts), facts), key_lines(figures, facts))
    return [in_short(facts, figures, rows, scope=scope), heading("Key figures", 3),
            *key_figures_section(rows, scope=scope, limit=max(len(rows), 1))]
