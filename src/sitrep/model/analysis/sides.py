"""Sides: who each actor, and so each claim, speaks for.

In a war most figures come from the parties to it, and each party's figure serves its side. A
*side* is the actor id of a party to the conflict (a state, an armed movement), ``independent``
(an observer that is no party) or ``unknown``. An actor's side is stated in ``actors.side`` or
derived, in this order (README, "Sides"):

1. a state or a non-state actor marked ``party`` speaks for itself, and so does one marked
   ``third_party`` (a state that backs a side is no independent observer);
2. forces, officials and intelligence services speak for the state of their country when that
   state is in the data set and marked ``party`` or ``third_party`` (a ministry for Israel, the
   IRGC for Iran); a person does so only when marked so (an office holder speaking as such);
3. an actor of the independent sector (``sector`` independent: a monitor, a research body), or
   an outlet marked ``third_party`` (a wire agency reporting on its own), is ``independent``;
4. anything else is ``unknown``: an outlet's country never makes it a side by itself (state
   media are given their side in ``actors.side``), nor does an unnamed source's, nor an
   actor's kind (an armed movement is an ``organisation`` too).

A claim speaks for the side of its claimants (never its relays, never its origin): all of one
side, or ``mixed`` when they differ.
"""

from __future__ import annotations

import pandas as pd

from sitrep.model.data.facts import Facts

INDEPENDENT, UNKNOWN, MIXED = "independent", "unknown", "mixed"

#: Kinds of actor that speak for the state of their country when that state is a party.
OF_THEIR_STATE = {"state_forces", "external_forces", "officials", "intelligence", "person"}

#: How a side reads that is no party's name.
WORDS = {INDEPENDENT: "independent", UNKNOWN: "side not stated", MIXED: "mixed sides"}

#: How a side's standing reads beside its name.
ROLE = {"party": "party", "third_party": "third party", INDEPENDENT: "", UNKNOWN: "",
        MIXED: ""}

COLUMNS = ["actor_id", "side", "side_name", "side_role", "side_basis"]
CLAIM_COLUMNS = ["claim_id", "claimant_side", "side_name", "side_role"]


def of_actors(facts: Facts) -> pd.DataFrame:
    """Per actor: ``side`` (a party's actor id, independent or unknown), ``side_name`` as a
    reader reads it, and ``side_basis`` (stated, or the rule it was derived by). Computed once
    per Facts object."""
    return facts.memo("sides.actors", _of_actors)


def _of_actors(facts: Facts) -> pd.DataFrame:
    a = facts.actors
    names = dict(zip(a["actor_id"], a["name"], strict=True))
    blank = pd.Series("", index=a.index)
    stated, party, sector = (a[c] if c in a.columns else blank for c in ("side", "party",
                                                                        "sector"))
    states = {c: i for i, k, c, p in zip(a["actor_id"], a["kind"], a["country"], party,
                                         strict=True) if k == "state" and p and c}
    roles = dict(zip(a["actor_id"], party, strict=True))
    rows = []
    for actor, kind, country, p, s, own in zip(a["actor_id"], a["kind"], a["country"], party,
                                                sector, stated, strict=True):
        of_state = kind in OF_THEIR_STATE and states.get(country, actor) != actor
        if own:
            side, basis = own, "stated"
        elif of_state and (kind != "person" or p):
            side, basis = states[country], "derived: speaks for the state of its country"
        elif p == "third_party" and (s in ("press", "independent") or kind == "news_outlet"):
            side, basis = INDEPENDENT, "derived: an outlet or body of no party"
        elif p:
            side, basis = actor, "derived: speaks for itself"
        elif s == "independent":
            side, basis = INDEPENDENT, "derived: an independent body"
        else:
            side, basis = UNKNOWN, "derived: no side stated"
        rows.append((actor, side, name_of(side, names), ROLE.get(roles.get(side, side), ""),
                     basis))
    return pd.DataFrame(rows, columns=COLUMNS)


def name_of(side: str, names: dict[str, str]) -> str:
    """A side as a reader reads it: the party's name, 'independent', 'side not stated'."""
    return WORDS.get(side) or str(names.get(side, side))


def of_claims(facts: Facts) -> pd.DataFrame:
    """Per claim: ``claimant_side`` (its claimants' one side, or mixed), ``side_name``, and
    ``side_role`` (party, third party, or empty for independent and unknown). Computed once
    per Facts."""
    return facts.memo("sides.claims", _of_claims)


def _of_claims(facts: Facts) -> pd.DataFrame:
    actors = of_actors(facts)
    side = dict(zip(actors["actor_id"], actors["side"], strict=True))
    role = dict(zip(actors["side"], actors["side_role"], strict=True))
    names = dict(zip(facts.actors["actor_id"], facts.actors["name"], strict=True))
    found: dict[tuple[str, ...], str] = {}
    for claimants in set(facts.claims["claimants"]):
        sides = {side.get(c, UNKNOWN) for c in claimants}
        found[claimants] = sides.pop() if len(sides) == 1 else MIXED
    rows = []
    for claim, claimants in zip(facts.claims["claim_id"], facts.claims["claimants"],
                                strict=True):
        s = found[claimants]
        rows.append((claim, s, name_of(s, names), role.get(s, "")))
    return pd.DataFrame(rows, columns=CLAIM_COLUMNS)


def parties(facts: Facts) -> list[str]:
    """The sides that are parties to the conflict, in the order of ``actors.csv``."""
    actors = of_actors(facts)
    return list(dict.fromkeys(actors.loc[actors["side_role"].eq("party"), "side"]))


#: Relations by which one claim contests another (a denial is a claim too).
CONTESTING = ("denies", "disputes")
CONTESTED_COLUMNS = ["claim_id", "answered_by", "relations", "says", "answers", "words"]


def contested(facts: Facts) -> pd.DataFrame:
    """The claims another side denies or disputes: per claim answered (``claim_id``), the
    claims that answer it (``answered_by``, in claim order), their ``relations``, who says it
    (``says``: its side's name, or its claimants' names when it is no party's), who answers
    (``answers``: "Iran denies", "Hamas disputes", joined by "; ") and ``words``, both
    together: "Israel says; Iran denies". An answer from the claim's own side (a correction)
    does not contest it. Computed once per Facts object."""
    return facts.memo("sides.contested", _contested)


def _contested(facts: Facts) -> pd.DataFrame:
    r = facts.claim_relations
    r = r[r["relation"].isin(CONTESTING) & r["target"].ne("")]
    if r.empty:
        return pd.DataFrame(columns=CONTESTED_COLUMNS)
    claims = of_claims(facts).set_index("claim_id")
    claimants = facts.claims.set_index("claim_id")["claimants"]
    names = dict(zip(facts.actors["actor_id"], facts.actors["name"], strict=True))
    found: dict[str, list[tuple[str, str]]] = {}
    for claim, relation, target in zip(r["claim_id"], r["relation"], r["target"], strict=True):
        if claim not in claims.index or target not in claims.index:
            continue
        own, theirs = claims.loc[target, "claimant_side"], claims.loc[claim, "claimant_side"]
        if own == theirs and own not in (UNKNOWN, MIXED):
            continue  # its own side answers it: a correction, not a contest
        found.setdefault(target, []).append((claim, relation))
    rows = []
    for target in sorted(found):
        answers = sorted(found[target])
        says = _who(claims.loc[target], claimants.get(target, ()), names)
        by_who: dict[tuple[str, str], None] = {}
        for claim, relation in answers:
            by_who[(_who(claims.loc[claim], claimants.get(claim, ()), names), relation)] = None
        answered = "; ".join(f"{who} {relation}" for who, relation in by_who)
        rows.append((target, tuple(c for c, _ in answers),
                     tuple(dict.fromkeys(rel for _, rel in answers)), says, answered,
                     f"{says} says; {answered}"))
    return pd.DataFrame(rows, columns=CONTESTED_COLUMNS)


def _who(claim: pd.Series, claimants, names: dict[str, str]) -> str:
    """Who a claim speaks for, as a reader reads it: its party's name, else its claimants'."""
    if claim["side_role"]:
        return str(claim["side_name"])
    return " and ".join(str(names.get(c, c)) for c in claimants) or str(claim["side_name"])
