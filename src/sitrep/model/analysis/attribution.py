"""Who said it, who relayed it, where we read it: attribution and credit lines."""

from __future__ import annotations

from urllib.parse import urlparse

import pandas as pd

from sitrep.model.data.facts import Facts
from sitrep.model.data.when import date_label

__all__ = ["attributions", "credit_line", "date_label"]

#: How a table shows a claim whose source's text is not held: the analyst's words, marked so.
PARAPHRASE = "(text not held) paraphrase: "


def wording(claims: pd.DataFrame) -> pd.Series:
    """Each claim's words as a table shows them: its verbatim quote, or, where the source's
    text is not held, the analyst's statement marked as a paraphrase."""
    return claims["quote"].where(claims["quote"].ne(""), PARAPHRASE + claims["statement"])


def _names(ids: tuple[str, ...], names: dict[str, str]) -> str:
    shown = [str(names.get(i, i)) for i in ids]
    if len(shown) <= 1:
        return "".join(shown)
    return ", ".join(shown[:-1]) + " and " + shown[-1]


def attributions(facts: Facts) -> pd.DataFrame:
    """One row per claim: claimant, relay, outlet and source, each kept in its own column.

    ``said_by`` reads as a phrase: "American and Ukrainian officials, relayed by The New York
    Times, in Dagens (Nov 2024 (inferred))"; a claim whose claimant is the outlet itself reads
    "Dagens, no source named". Computed once per Facts object.
    """
    return facts.memo("attributions", _attributions)


def _attributions(facts: Facts) -> pd.DataFrame:
    names = dict(zip(facts.actors["actor_id"], facts.actors["name"], strict=True))
    kinds = dict(zip(facts.actors["actor_id"], facts.actors["kind"], strict=True))
    # One record per source, computed once (a data set may hold 100,000 claims).
    sources = {}
    for source in facts.sources.itertuples(index=False):
        sources[source.source_id] = {
            "outlet_id": source.outlet_id,
            "outlet": str(names.get(source.outlet_id, source.outlet_id)),
            "is_outlet": kinds.get(source.outlet_id) == "news_outlet",
            "title": source.title,
            "held": bool(source.document),
            "published": date_label(source.published, source.published_precision,
                                    source.published_basis),
        }
    rows = []
    for claim in facts.claims.itertuples(index=False):
        source = sources[claim.source_id]
        outlet = source["outlet"]
        claimant = _names(claim.claimants, names)
        relay = _names(claim.relays, names)
        own_voice = tuple(claim.claimants) == (source["outlet_id"],)
        if own_voice:
            said_by = (f"{outlet}, no source named" if source["is_outlet"]
                       else f"{outlet}, own statement")
        else:
            said_by = claimant + (f", relayed by {relay}" if relay else "") + f", in {outlet}"
        if not source["held"]:
            said_by += " (text not held: paraphrase)"
        rows.append((claim.claim_id, claimant, relay, outlet, claim.source_id, source["title"],
                     source["published"], "; ".join(claim.hedge), own_voice, said_by))
    return pd.DataFrame(rows, columns=["claim_id", "claimant", "relay", "outlet", "source_id",
                                       "source_title", "published", "hedge", "unattributed",
                                       "said_by"])


#: Sources a credit line names one by one; past this many it names the first and counts the rest.
CREDIT_SOURCES = 6
CREDIT_CLAIMS = 12


def credit_line(facts: Facts, claim_ids: list[str] | tuple[str, ...] | pd.Series) -> str:
    """The credit line under a chart: every source of the claims shown, from its record.

    Ids of derived figures are named with the claims they are computed from. A chart drawn from
    thousands of sources names the first few and counts the rest (each figure's source is in
    the tables).
    """
    ids = list(claim_ids)
    derived = facts.derived[facts.derived["derived_id"].isin(ids)]
    inputs = [c for row in derived["inputs"] for c in row]
    claims = facts.claims[facts.claims["claim_id"].isin(set(ids + inputs))]
    names = dict(zip(facts.actors["actor_id"], facts.actors["name"], strict=True))
    by_source = claims.groupby("source_id", sort=True)["claim_id"].agg(sorted)
    sources = facts.sources[facts.sources["source_id"].isin(by_source.index[:CREDIT_SOURCES])]
    parts = []
    for source in sources.sort_values("source_id").itertuples(index=False):
        outlet = names.get(source.outlet_id, source.outlet_id)
        when = date_label(source.published, source.published_precision, source.published_basis)
        held = "text held" if source.document else "text not held"
        listed = by_source[source.source_id]
        shown = ", ".join(listed[:CREDIT_CLAIMS]) + (
            f" and {len(listed) - CREDIT_CLAIMS:,} more" if len(listed) > CREDIT_CLAIMS else "")
        site = urlparse(source.url).netloc if source.url else ""
        where = f" ({site})" if site else ""
        parts.append(f"{outlet}{where}, \u201c{source.title}\u201d, {when}; {held}; "
                     f"claims {shown}")
    if len(by_source) > CREDIT_SOURCES:
        rest = by_source.iloc[CREDIT_SOURCES:]
        parts.append(f"and {len(rest):,} more sources ({sum(map(len, rest)):,} claims)")
    for row in derived.itertuples(index=False):
        parts.append(f"{row.derived_id} derived by the analyst from {', '.join(row.inputs)}")
    return "Source: " + " | ".join(parts) if parts else "Source: none"
