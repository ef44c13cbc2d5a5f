"""The tables of the situation brief, built from a validated data set."""

from __future__ import annotations

import pandas as pd
from IPython.display import HTML

from sitrep.model.analysis import changes, quantity, sides
from sitrep.model.analysis.attribution import attributions, date_label, wording
from sitrep.model.analysis.origins import origin_of_claims
from sitrep.model.analysis.quantity import RELIABILITY
from sitrep.model.data.facts import Facts, about
from sitrep.views.display import EMPTY, NO_SCOPE, Scope, heading, table
from sitrep.views.style import precision_words


def filters(as_of: str | None = None, *, measures: list[str] | None = None,
            min_grade: str = "", actors: list[str] | None = None) -> str:
    """The active filters in words ('' when none): what an empty section and the subtitle
    say the reader is not seeing."""
    parts = [f"reported up to {as_of}"] if as_of else []
    if measures:
        parts.append(f"measures {', '.join(measures)} only")
    if min_grade:
        parts.append(f"figures graded {min_grade} or better")
    if actors:
        parts.append(f"actors {', '.join(actors)} only")
    return "; ".join(parts)


def subtitle(facts: Facts, as_of: str | None, min_grade: str = "", *,
             measures: list[str] | None = None, actors: list[str] | None = None) -> str:
    """What the reader is looking at: sources, claims, the cut-off and every active filter."""
    n_sources, n_claims = len(facts.sources), len(facts.claims)
    record = facts.cut
    if as_of and record is not None and record.include_possible:
        cut = (f"Reporting up to {as_of}, sources possibly published by then included")
    elif as_of:
        cut = f"Reporting certainly published by {as_of}"
    else:
        cut = "All reporting in the data set"
    graded = (f" Figures shown only where graded {min_grade} or better; ungraded ones are "
              "left out." if min_grade else "")
    left = f" {record.summary()}" if as_of and record is not None and record.summary() else ""
    chosen = "".join(f" Shown only for the {name} {', '.join(ids)}." for name, ids in
                     (("measures", measures), ("actors", actors)) if ids)
    return (f"{cut}: {n_claims} claims from {n_sources} source"
            f"{'s' if n_sources != 1 else ''}.{left}{graded}{chosen} Every figure is tagged "
            "with its claim id; hedges are kept as the source wrote them.")


def cut_table(facts: Facts) -> pd.DataFrame:
    """What the ``as_of`` cut left out, and why: sources, later claims and key takeaways."""
    record = facts.cut
    rows: list[tuple[str, str, str]] = []
    if record is not None:
        rows += [(f"source {r.source_id}", r.published, r.reason)
                 for r in record.sources_left_out.itertuples(index=False)]
        rows += [(f"source {r.source_id}", r.published,
                  "kept, although possibly published after the cut-off")
                 for r in record.sources_possible.itertuples(index=False)]
        rows += [(f"claim {c}", "", "refers to a time after the cut-off")
                 for c in record.claims_later]
        rows += [(f"takeaway {t}: {text}", "", f"rests on {claims}, cut")
                 for t, text, claims in record.takeaways_left_out]
        if record.bottom_line_left_out:
            text, claims = record.bottom_line_left_out
            rows.append((f"the bottom line: {text}", "", f"rests on {claims}, cut"))
    return pd.DataFrame(rows, columns=["Left out", "Published", "Why"])


def figures_table(facts: Facts) -> pd.DataFrame:
    """Every reported (and derived) figure: its measure and unit, the figure as reported, the
    time it refers to, its claim, and who said it where (the publication date beside them)."""
    f = quantity.figures(facts, kinds=None)
    return about(pd.DataFrame({
        "Measure": f["label"] + " (" + f["unit"] + ")",
        "Figure as reported": f["figure"] + f["derived"].map({True: " (derived)",
                                                               False: ""}),
        "Refers to": f["reference"],
        "Claim": f["claim_id"],
        "Said by": f["said_by"],
        "Published": f["published"],
    }).reset_index(drop=True), "figures")


def evidence_figures(facts: Facts, *, scope: Scope = NO_SCOPE) -> list[HTML]:
    """The evidence part's first section: every figure in one table (the force-size report
    charts them)."""
    return [heading("Every reported figure", 3),
            table(figures_table(facts), scope=scope,
                  rest="the force-size report lists and charts every figure, and every "
                       "figure's claim is in Annex A")]


def positions_table(facts: Facts) -> pd.DataFrame:
    """Who is where doing what, with the precision of the place and who says so. A position
    another side denies or disputes is marked as a claim, with who says it and who denies."""
    names = facts.actors.set_index("actor_id")["name"]
    places = facts.places.set_index("place_id")
    said = attributions(facts).set_index("claim_id")
    contested = sides.contested(facts).set_index("claim_id")
    p = facts.positions
    activity = [a if c not in contested.index else
                f"{a}: a claim, not a position ({contested.at[c, 'words']}; see "
                f"{', '.join(contested.at[c, 'answered_by'])})"
                for a, c in zip(p["activity"], p["claim_id"], strict=True)]
    return about(pd.DataFrame({
        "Actor": p["actor_id"].map(names),
        "Activity": activity,
        "Place": p["place_id"].map(places["name"]),
        "Place role": p["place_role"],
        "Precision": [precision_words(int(places.at[pid, "geo_precision"]),
                                      str(places.at[pid, "kind"])) for pid in p["place_id"]],
        "Claim": p["claim_id"],
        "Hedge": p["claim_id"].map(said["hedge"]),
        "Said by": p["claim_id"].map(said["said_by"]),
    }).reset_index(drop=True), "positions")


def claims_table(facts: Facts) -> pd.DataFrame:
    """Every claim with its quote (or, text not held, the analyst's paraphrase), claimant,
    relays and origin in separate columns."""
    said = attributions(facts).set_index("claim_id")
    origin = origin_of_claims(facts).set_index("claim_id")["origin_label"]
    c = facts.claims
    return about(pd.DataFrame({
        "Claim": c["claim_id"],
        "Kind": c["kind"].str.replace("_", " "),
        "Quote (verbatim)": wording(c),
        "Claimant": c["claim_id"].map(said["claimant"]),
        "Relayed by": c["claim_id"].map(said["relay"]),
        "Origin": c["claim_id"].map(origin),
        "Hedge": c["claim_id"].map(said["hedge"]),
        "Likelihood (ICD 203)": c["likelihood"],
    }).reset_index(drop=True), "claims")


def reliability(letter: str, rationale: str) -> str:
    """A source's Admiralty reliability in words, with the analyst's rationale."""
    if not letter:
        return "ungraded"
    return f"{letter}: {RELIABILITY[letter]}. {rationale}".strip()


def sources_table(facts: Facts) -> pd.DataFrame:
    """The source documents with their provenance and their reliability grade."""
    names = facts.actors.set_index("actor_id")["name"]
    s = facts.sources
    table = pd.DataFrame({
        "Source": s["source_id"],
        "Title": s["title"],
        "Outlet": s["outlet_id"].map(names),
        "Published": [date_label(d, p, b) for d, p, b in
                      zip(s["published"], s["published_precision"], s["published_basis"],
                          strict=True)],
        "URL": s["url"],
        "Text": s["sha256"].map(lambda h: f"held, sha256 {h[:12]}…" if h else "not held"),
        "Reliability (Admiralty)": [reliability(r, why) for r, why in
                                    zip(s["reliability"], s["reliability_rationale"],
                                        strict=True)],
        "Date note": s["published_note"],
        "Republishes": s["republishes"],
    }).reset_index(drop=True)
    # Shown only where a source republishes another.
    shown = table if table["Republishes"].ne("").any() else table.drop(columns="Republishes")
    return about(shown, "sources")


def coverage_note(facts: Facts) -> str:
    """What to say when no sentence is listed (shown after the report's title)."""
    if not facts.texts and facts.cut is None:
        return ("No source text is held in this data set: every claim is the analyst's "
                "paraphrase, and there is no sentence to account for.")
    return EMPTY  # the table names what is empty, and the report its filters


def coverage_table(facts: Facts, width: int = 90) -> pd.DataFrame:
    """Each sentence of each held text: its role and the claims taken from it."""
    claims_of: dict[tuple[str, int], list[str]] = {}
    for claim_id, source_id, numbers in zip(facts.claims["claim_id"], facts.claims["source_id"],
                                            facts.claims["sentences"], strict=True):
        for number in numbers:
            claims_of.setdefault((source_id, number), []).append(claim_id)
    s = facts.sentences
    keys = list(zip(s["source_id"], s["sentence"], strict=True))
    texts = [_sentence(facts, source_id, number) for source_id, number in keys]
    table = pd.DataFrame({
        "Source": s["source_id"],
        "#": s["sentence"],
        "Sentence": [t if len(t) <= width else t[: width - 1].rsplit(" ", 1)[0] + "…"
                     for t in texts],
        "Role": s["role"],
        "Claims": [", ".join(claims_of.get(k, [])) or "none" for k in keys],
    })
    # With one source the column would repeat one id on every row.
    shown = table.drop(columns="Source") if table["Source"].nunique() <= 1 else table
    return about(shown, "sentences of source texts held")


def _sentence(facts: Facts, source_id: str, number: int) -> str:
    text = facts.sentences_of.get(source_id, [])
    return text[number - 1] if 0 < number <= len(text) else ""


def cut_note(facts: Facts) -> str:
    """What to say when the cut left nothing out (or there is no cut)."""
    if facts.cut is None:
        return "No cut-off: every source of the data set is in."
    return "The cut-off leaves nothing out."


def changes_subtitle(edition: changes.Changes) -> str:
    """What the changes report compares."""
    later = (f"the reporting as of {edition.as_of}" if edition.as_of != "all reporting"
             else "all reporting in the data set")
    cuts = " ".join(f"As of {day}: {note[0].lower()}{note[1:]}" for day, note in
                    ((edition.since, edition.left_out_before),
                     (edition.as_of, edition.left_out_now)) if note)
    return (f"From the reporting as of {edition.since} to {later}. {cuts} Each figure is "
            "tagged with its claim; hedges are kept as the source wrote them.").replace("  ", " ")
