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

from sitrep.model.analysis import changes
from sitrep.model.analysis.attribution import attributions
from sitrep.model.analysis.keyfigures import key_figures, since_edition
from sitrep.model.analysis.quantity import figures as figures_of
from sitrep.model.data.facts import Facts
from sitrep.views.display import Entries, about, heading, items, paragraph, table

#: Key takeaways and key-figure rows a summary shows at most; the rest follow in the evidence.
BODY_TAKEAWAYS = 8
BODY_FIGURES = 16


def _said(facts: Facts, claims: tuple[str, ...]) -> str:
    """Who made the claims, each claimant once: 'C01, C02: Dagens, no source named · C03:
    American and Ukrainian officials, relayed by The New York Times, in Dagens (hedge:
    expected)'. Claims sharing attribution and hedge share an entry; the order is kept."""
    said = attributions(facts).set_index("claim_id")
    groups: dict[tuple[str, str], list[str]] = {}
    for c in claims:
        if c in said.index:
            groups.setdefault((said.at[c, "said_by"], said.at[c, "hedge"]), []).append(c)
    return " · ".join(f"{', '.join(ids)}: {who}" + (f" (hedge: {hedge})" if hedge else "")
                      for (who, hedge), ids in groups.items())


def bottom_line(facts: Facts) -> HTML:
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
    return items(Entries([(row["text"], _said(facts, row["claims"]))]),
                 css_class="sitrep-bottom-line")


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


def rest_of_takeaways(facts: Facts, limit: int = BODY_TAKEAWAYS) -> list[HTML]:
    """The key takeaways past the summary's ``limit``, under a heading (nothing for a data set
    with no more than ``limit``)."""
    rows = facts.takeaways[facts.takeaways["role"].ne("bottom_line")].iloc[limit:]
    if rows.empty:
        return []
    entries = [(r.text, _said(facts, r.claims)) for r in rows.itertuples(index=False)]
    return [heading("Further key takeaways", 3), items(entries, ordered=True)]


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
    the change since the earlier ``edition`` when there is one."""
    now = key_figures(figures_of(facts, kinds=None, **filters))
    if edition is None:
        return now
    before = whole.until(edition.since, include_possible=bool(
        facts.cut is not None and facts.cut.include_possible))
    return since_edition(now, key_figures(figures_of(before, kinds=None, **filters)))


def _flags(r) -> str:
    flags = []
    if r.disagreements:
        flags.append(f"{r.disagreements} disagree (no common value)")
    if r.restated:
        flags.append(f"one source states it differently ({r.restated})")
    if not r.well_sourced:
        flags.append("no well-sourced figure: the lowest is shown")
    if r.other_status:
        flags.append(f"also {r.other_status}")
    if r.times > 1:
        flags.append(f"the latest of {r.times} reference times")
    return "; ".join(flags)


def key_figures_table(rows: pd.DataFrame, *, since: str = "") -> pd.DataFrame:
    """The key figures worded for a page: measure (unit), best figure with its claim, the date
    it refers to, the range firm figures allow, independent origins, the change since ``since``
    (when the rows carry one) and the flags. Empty columns are left out."""
    derived = rows["derived"].astype(bool)
    frame = pd.DataFrame({
        "Measure": rows["measure"] + " (" + rows["unit"] + ")",
        "Best figure": [f"{f} [{c}]" + (" (derived)" if d else "") for f, c, d in
                        zip(rows["figure"], rows["claim_id"], derived, strict=True)],
        "Refers to": rows["reference"],
        "Firm figures allow": rows["firm_range"].where(~derived, "derived, no reported figure"),
        "Independent origins": [
            "none (derived)" if d else f"{o:,} of {n:,} figure{'s' if n != 1 else ''}"
            for o, n, d in zip(rows["origins"], rows["figures"], derived, strict=True)],
    })
    if "change" in rows.columns:
        frame[f"Since {since}" if since else "Change"] = [
            c if c in ("new", "unchanged") else f"{c} (was {b})"
            for c, b in zip(rows["change"], rows["before"], strict=True)]
    frame["Flags"] = [_flags(r) for r in rows.itertuples(index=False)]
    shown = frame.loc[:, [c for c in frame.columns if frame[c].astype(str).ne("").any()]]
    return about(shown.reset_index(drop=True), "key figures")


KEY_FIGURES_NOTE = ("One row per measure, at the latest time it refers to. Best figure: the "
                    "lowest well-sourced one (the reconciliation's conservative figure); firm "
                    "figures allow: what every figure not qualified 'about' or 'estimated' "
                    "leaves; reports sharing an origin count once. Each takeaway below names "
                    "its claims, who made them and their hedges.")


KEY_WIDTHS = {"Measure": "21%", "Best figure": "16%", "Refers to": "10%",
              "Firm figures allow": "14%", "Independent origins": "10%"}


def key_figures_section(rows: pd.DataFrame, *, since: str = "",
                        limit: int = BODY_FIGURES) -> list[HTML]:
    """The key figures as the summary shows them: the note, the table (at most ``limit``
    rows; the rest counted and left to the evidence part)."""
    shown = key_figures_table(rows, since=since)
    parts = [paragraph(KEY_FIGURES_NOTE, css_class="sitrep-note"),
             table(shown, limit=limit, widths=KEY_WIDTHS)]
    return parts


def what_changed(edition: changes.Changes | None) -> list[HTML]:
    """'What changed' for a summary: a heading and its lines when an earlier edition exists
    and differs; nothing at all otherwise (an empty section would only repeat 'all new')."""
    if edition is None:
        return []
    lines = []
    new = edition.new_claims
    if len(new):
        lines.append((f"{len(new):,} new claim{'s' if len(new) != 1 else ''} since "
                      f"{edition.since}", ", ".join(new["Claim"].head(20)) +
                      (" and more" if len(new) > 20 else "")))
    for row in edition.conflicts.itertuples(index=False):
        lines.append((f"Conflict {row.Status}: {row.Pair}", ""))
    for status, rows in edition.takeaways.groupby("Status", sort=False):
        lines.append((f"Key takeaways {status}: {', '.join(rows['Takeaway'])}", ""))
    if len(edition.not_current):
        lines.append((f"{len(edition.not_current):,} figure"
                      f"{'s' if len(edition.not_current) != 1 else ''} no longer current",
                      ", ".join(edition.not_current["Claim"].head(20))))
    if not lines:
        return []
    lead = (f"Since the edition of {edition.since}: the change of each best figure is in the "
            "key figures above; the changes report gives every table.")
    return [heading("What changed"), paragraph(lead), items(lines)]
