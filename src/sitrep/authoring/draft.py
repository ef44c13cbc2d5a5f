"""Draft the rows of a source text for the analyst to review; nothing is written into facts/.

Deterministic and explained: the same text gives the same rows, and every proposed row names
the words it rests on (its ``basis``). What is drafted, per sentence of the text:

- ``sentences.csv``: every sentence, a heading where a line is short and unpunctuated;
- claims: one per sentence that carries a figure, a hedge, an attribution or a place, its
  quote the sentence verbatim (the analyst splits and trims it);
- quantities: value, bounds, unit and qualifier from the wording ("over 10,000", "nearly
  50,000", "as many as 175,000", "25,000-50,000", "1 to 5 million", "about half", "70%");
- hedges as written, with their ICD 203 term where the wording is one;
- claimants and relays from reporting phrases ("according to", "cited by", "X said",
  "sources indicate"); a sentence with none is the outlet's own statement;
- places found in the boundary layers and gazetteer (:mod:`sitrep.model.geo.place`), with a
  precision from the wording ("western Kursk" is part of a region, precision 2).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from sitrep.model.data import wording
from sitrep.model.data.sources import split_sentences

#: Hedge words as sources write them, longest first; the ICD 203 term where the word is one.
HEDGES: dict[str, str] = {
    "almost certainly": "almost certain", "very likely": "very likely",
    "very unlikely": "very unlikely", "highly likely": "very likely", "unlikely": "unlikely",
    "likely": "likely", "probably": "likely", "roughly even chance": "roughly even chance",
    "sources indicate": "", "sources say": "", "sources said": "", "reportedly": "",
    "allegedly": "", "estimated": "", "estimates": "", "indicate": "", "indicates": "",
    "suggest": "", "suggests": "", "suggested": "", "expected": "", "anticipate": "",
    "anticipates": "",
    "considered": "", "believed": "", "potential": "", "possibly": "", "may": "",
    "might": "", "could": "", "appears": "", "appear": "", "claimed": "", "claims": "",
    "unconfirmed": "", "assessed": "", "assess": "", "predicted": "", "predicting": "",
}
_HEDGE = re.compile(r"\b(" + "|".join(re.escape(h) for h in sorted(HEDGES, key=len,
                                                                   reverse=True)) + r")\b",
                    re.IGNORECASE)

#: Verbs of reporting: the noun phrase before one is who says it.
REPORTING = ("said", "says", "say", "noted", "notes", "reported", "reports", "report",
             "estimates", "estimated", "indicate", "indicates", "suggest", "suggests",
             "suggested", "confirmed", "confirm", "anticipate", "anticipates", "told",
             "stated", "announced", "warned", "claimed", "believe", "believes", "learned",
             "assess", "assessed", "predicted", "added", "declared", "mentioned",
             "condemned", "warns", "urged", "insisted", "acknowledged", "denied")
_REPORTING = "|".join(REPORTING)
_AUX = r"(?:(?:has|have|had|also|now|further|\w+ly)\s+)*"
_LEADING = re.compile(r"^(?:meanwhile|however|but|and|also|both|in addition|moreover)\b[,\s]*",
                      re.IGNORECASE)
_SPEAKER_FIRST = re.compile(rf"^(?P<who>[^;:]{{3,140}}?),?\s+{_AUX}(?P<verb>{_REPORTING})\b"
                            r"(?!\s+(?:at|to be|as)\b)")
_SPEAKER_LAST = re.compile(rf",\s+(?P<who>[^,]{{3,80}}?)\s+{_AUX}(?P<verb>{_REPORTING})\W*$")
#: A name runs to a comma, semicolon or full stop; "U.S." keeps its inner stops.
_NAME = r"(?:[^,.;\"“”]|(?<=\b[A-Z])\.|\.(?=\S))"
_ACCORDING = re.compile(rf"\baccording to (?P<who>{_NAME}{{2,80}})", re.IGNORECASE)
_BY = re.compile(rf"\b(?:mentioned|said|stated|reported|noted|labell?ed|described|announced|"
                 rf"confirmed|claimed) [^.;]{{0,60}}?\bby (?P<who>{_NAME}{{2,80}})",
                 re.IGNORECASE)
_AFTER_QUOTE = re.compile(rf"[,.!?][\"”]\s+(?P<who>[A-Z]{_NAME}{{1,60}}?)\s+{_AUX}"
                          rf"(?P<verb>{_REPORTING})\b")
_PRONOUN = re.compile(r"^(?:it|this|that|there|they|he|she|we|these|those)\b", re.IGNORECASE)
_CITED = re.compile(r",?\s*(?:as )?(?:cited|quoted) by (?P<who>[^,.;]{2,80}),?", re.IGNORECASE)

#: Nouns of people under arms and other units, and the unit the data set writes.
UNITS = {"troops": "troops", "soldiers": "troops", "servicemen": "troops", "fighters":
         "troops", "personnel": "troops", "reservists": "troops", "conscripts": "troops",
         "men": "troops", "people": "people", "civilians": "people", "refugees": "people",
         "years": "years", "months": "months", "days": "days", "km": "km",
         "kilometres": "km", "kilometers": "km", "miles": "miles", "tanks": "tanks",
         "drones": "drones", "missiles": "missiles"}
NUMBER_WORDS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                "eight": 8, "nine": 9, "ten": 10, "dozen": 12, "twenty": 20}
_NUMBER_WORD = re.compile(r"\b(" + "|".join(NUMBER_WORDS) + r")\b", re.IGNORECASE)
_RANGE = re.compile(r"^\s*(?:to|-|–|—)\s*$")
SIDES = {"western": "west", "eastern": "east", "northern": "north", "southern": "south"}
_LOCATIVE = re.compile(r"\b(?:in|within|near|around|into|across|to|from|at|of|inside)\s+"
                       r"(?:the\s+)?(?:(western|eastern|northern|southern)\s+)?$", re.IGNORECASE)


@dataclass
class Draft:
    """Proposed rows, one DataFrame per table, each with a ``basis`` column."""

    source_id: str
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)


def is_heading(sentence: str, line: str) -> bool:
    """A heading stands alone on its line, short and without closing punctuation."""
    return sentence == line.strip() and len(sentence.split()) <= 10 \
        and not sentence.rstrip("\"'”’)").endswith((".", "!", "?", ":"))


def hedges(sentence: str) -> list[tuple[str, str]]:
    """(hedge as written, ICD 203 term or '') for every hedge word of the sentence."""
    plain = wording.without_dates(sentence)  # "May" the month is no hedge
    found = [(sentence[m.start(1):m.end(1)], HEDGES[m.group(1).lower()])
             for m in _HEDGE.finditer(plain)]
    return list(dict.fromkeys(found))


def _unit_after(sentence: str, end: int) -> tuple[str, str]:
    """(unit, the word it rests on): the first unit noun within four words after a number,
    else the first anywhere in the sentence ("soldiers, estimated at over 10,000")."""
    after = re.findall(r"[A-Za-z%]+", sentence[end:])[:4]
    for word in after:
        if word.lower() in UNITS:
            return UNITS[word.lower()], word
    for word in re.findall(r"[A-Za-z]+", sentence):
        if word.lower() in UNITS:
            return UNITS[word.lower()], word
    return "", ""


def quantities(sentence: str) -> list[dict]:
    """Proposed quantities of one sentence, each with the words it rests on."""
    found = [(f.start, f.end, f.values[0], f.text) for f in wording.figures(sentence)]
    for match in _NUMBER_WORD.finditer(wording.without_dates(sentence)):
        found.append((match.start(), match.end(), float(NUMBER_WORDS[match.group(1).lower()]),
                      match.group(1)))
    found.sort()
    rows, skip = [], set()
    for index, (start, end, value, text) in enumerate(found):
        if index in skip:
            continue
        if "%" in text or "per" in text.lower():
            unit, low, up = "percent", None, None
        else:
            unit = ""
        nxt = found[index + 1] if index + 1 < len(found) else None
        if nxt and _RANGE.match(sentence[end:nxt[0]]):
            skip.add(index + 1)
            low, up, qualifier = value, nxt[2], "range"
            basis = sentence[start:nxt[1]]
            end = nxt[1]
            value = (low + up) / 2
        else:
            before = " ".join(sentence[:start].split()[-3:])
            qualifier = wording.qualifier_of(before) or "exact"
            low = value if qualifier in ("over", "at_least") else None
            up = value if qualifier in ("nearly", "up_to", "under") else None
            basis = (before + " " + text).strip() if qualifier != "exact" else text
        if text in wording.FRACTIONS or text.lower() in wording.FRACTIONS:
            unit = "share"
        if not unit:
            unit, noun = _unit_after(sentence, end)
            basis = f"{basis} … {noun}" if noun and noun not in basis else basis
        rows.append({"value": value, "lower": low, "upper": up, "unit": unit or "TODO",
                     "qualifier": qualifier, "basis": basis})
    return rows


_INTRO = re.compile(r"^(?:in|on|at|after|before|while|when|as|with|for|since|although|though|"
                    r"if|meanwhile|however|but|and|also|moreover|in addition)\b", re.IGNORECASE)


def _clean_speaker(text: str) -> str:
    """The name of who speaks: apposition, cited-by phrase and introductory words dropped."""
    text = _CITED.sub(", ", text)
    parts = [p.strip() for p in text.split(",") if p.strip()]
    # "In return for support, officials" -> "officials"; "X, a general" -> "X"
    named = [p for p in parts if not _INTRO.match(p)] or parts[-1:]
    text = _LEADING.sub("", named[0] if named else "").strip()
    # "the U.S. government report on October 31" -> "U.S. government report"
    text = re.sub(r"\s+(?:on|in|of)\s*$", "", wording.without_dates(text).strip())
    # "Blinken at a joint press conference" -> "Blinken" (not "analysts at the Institute")
    text = re.sub(r"\s+(?:at an?|during|on|while)\s.*$", "", text)
    return re.sub(r"^(?:that|the)\s+", "", text, flags=re.IGNORECASE).strip(" ,")


def _speakers(who: str) -> list[str]:
    """'Zelensky and Ukraine's Defense Minister' -> two speakers; 'American and Ukrainian
    officials' stays one (its first part is an adjective of nationality)."""
    left, sep, right = who.partition(" and ")
    if sep and left[:1].isupper() and right[:1].isupper() and " " not in left.strip() \
            and not left.endswith(("an", "ish", "ese", "i")):
        return [left.strip(), right.strip()]
    return [who]


def attribution(sentence: str) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(claimants, relays) as (name, words it rests on) from the reporting phrases."""
    claimants: list[tuple[str, str]] = []
    relays = [(_clean_speaker(m["who"]), m.group().strip(" ,")) for m in _CITED.finditer(
        sentence)]
    for pattern in (_ACCORDING, _BY, _AFTER_QUOTE, _SPEAKER_LAST):
        for match in pattern.finditer(sentence):
            claimants.append((_clean_speaker(match["who"]), match.group().strip(" ,.")))
    first = _SPEAKER_FIRST.search(sentence)
    if first and not claimants and len(first["who"].split()) <= 14 \
            and not re.search(r"\b(?:a|an|the|its|his|her|their)$", first["who"]):
        who = _clean_speaker(first["who"])
        if (who and who[0].isupper()) or who.lower().startswith(("sources", "officials")):
            claimants.extend((name, first.group()) for name in _speakers(who))
    # "It is noted": no one is named, so the statement stays the outlet's own.
    kept = [(n, b) for n, b in claimants if n and not _PRONOUN.match(n)]
    return list(dict.fromkeys(kept)), relays


def places(sentence: str, layers) -> list[dict]:
    """Places of the boundary layers and gazetteer named in the sentence."""
    found: list[dict] = []
    taken: list[tuple[int, int]] = []

    def add(match: re.Match, row: dict) -> None:
        if any(a < match.end() and match.start() < b for a, b in taken):
            return
        taken.append((match.start(), match.end()))
        found.append(row)

    for town in layers.gazetteer.itertuples(index=False):
        if town.kind == "admin1_capital":
            continue  # "Kursk" is read as the region; the analyst can say it is the city
        for match in re.finditer(rf"\b{re.escape(town.name)}\b", sentence):
            if "capital" in town.kind and not _LOCATIVE.search(sentence[:match.start()]):
                continue  # "allowing Moscow to operate": the state, not the city
            add(match, {"name": town.name, "kind": "town", "geo_precision": 1,
                        "iso_3166_2": town.iso_3166_2, "geonameid": int(town.geonameid),
                        "part": "", "basis": match.group()})
    for unit in layers.admin1.drop_duplicates("iso_3166_2").itertuples(index=False):
        pattern = (rf"\b(?:(western|eastern|northern|southern)\s+)?{re.escape(unit.name)}"
                   r"(?:\s+(?i:region|oblast|province|governorate|state))?\b")
        for match in re.finditer(pattern, sentence):
            side = match.group(1)
            add(match, {"name": match.group(), "kind": "region_part" if side else "region",
                        "geo_precision": 2 if side else 3, "iso_3166_2": unit.iso_3166_2,
                        "geonameid": None, "part": SIDES.get((side or "").lower(), ""),
                        "basis": match.group()})
    for country in layers.admin0.itertuples(index=False):
        name = getattr(country, "name", "")
        for match in re.finditer(rf"\b{re.escape(str(name))}\b(?![’']s\b)", sentence):
            before = _LOCATIVE.search(sentence[:match.start()])
            if not before:
                continue  # "Russia has amassed": an actor, not a place
            side = before.group(1)
            add(match, {"name": (f"{side} " if side else "") + match.group(),
                        "kind": "country_part" if side else "country", "geo_precision": 3,
                        "iso_3166_2": "", "geonameid": None,
                        "country": getattr(country, "iso_a2", ""),
                        "part": SIDES.get((side or "").lower(), ""),
                        "basis": before.group().strip() + " " + match.group()})
    return found


def sentence_rows(text: str) -> list[tuple[int, str, bool]]:
    """(number, sentence, is heading) for every sentence, numbered as sitrep numbers them."""
    rows, number = [], 0
    for line in text.splitlines():
        if not line.strip():
            continue
        for sentence in split_sentences(line):
            number += 1
            rows.append((number, sentence, is_heading(sentence, line)))
    return rows


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")[:40] or "actor"


_STOP = frozenset("the a an of and in at for to by on from with its his her their both".split())


def name_tokens(name: str) -> set[str]:
    """The words of a name that identify it: 'The New York Times' -> {new, york, times}."""
    return {w for w in re.findall(r"[a-z]+", name.lower().replace("’", "'")) if w not in _STOP
            and len(w) > 1}


def match_actor(name: str, actors: pd.DataFrame) -> str | None:
    """The id of a known actor whose name shares the most words with ``name``, if any."""
    wanted = name_tokens(name)
    best, score = None, 0.0
    roles = actors["role"] if "role" in actors else [""] * len(actors)
    for actor_id, actor_name, role in zip(actors["actor_id"], actors["name"], roles,
                                          strict=True):
        have = name_tokens(str(actor_name))
        if isinstance(role, str) and len(wanted & name_tokens(role)) >= 2:
            have = name_tokens(str(role))  # "Ukraine's Defense Minister" is Umerov's role
        if not have or not wanted:
            continue
        same = sum(any(w == h or (min(len(w), len(h)) >= 5 and (w.startswith(h)
                                                                  or h.startswith(w)))
                       for h in have) for w in wanted)  # "Castrovia" ~ "Castrovian"
        shared = same / (len(wanted) + len(have) - same)
        if shared > score:
            best, score = str(actor_id), shared
    return best if score >= 0.33 else None


_ACTOR_KINDS = (("news_outlet", r"times|herald|monitor|wire|news|post|journal|agency|tv"),
                ("unnamed_sources", r"^sources?$|unnamed"), ("intelligence", r"intelligence"),
                ("officials", r"officials?|ministry|leaders|government"),
                ("organisation", r"institute|analysts|group|council"))


def actor_kind(name: str) -> str:
    for kind, pattern in _ACTOR_KINDS:
        if re.search(pattern, name, re.IGNORECASE):
            return kind
    return "person"


@dataclass(frozen=True)
class Context:
    """What the draft needs besides the text: ids, dates and the data set's known rows."""

    source_id: str
    outlet_id: str
    published: str
    actors: pd.DataFrame
    places: pd.DataFrame
    layers: object
    #: Drafted claims are numbered C<n> from here on (after the data set's own claim ids).
    next_claim: int = 1


def draft_text(text: str, context: Context) -> Draft:
    """Propose the rows of every table for one source text (see the module's docstring)."""
    out = Draft(context.source_id)
    rows: dict[str, list[dict]] = {t: [] for t in ("sentences", "claims", "quantities",
                                                   "actors", "places")}
    new_actors: dict[str, dict] = {}
    new_places: dict[str, dict] = {}
    claim_number = context.next_claim
    for number, sentence, heading in sentence_rows(text):
        found = _claim_parts(sentence, context, new_actors, new_places)
        role = "heading" if heading else "claims" if found else "context"
        rows["sentences"].append({
            "source_id": context.source_id, "sentence": number, "role": role,
            "starts_with": " ".join(sentence.split()[:3]), "note": "",
            "basis": "a short line without closing punctuation" if heading else (
                "; ".join(found["why"]) if found else "no figure, hedge, attribution or place")})
        if role != "claims":
            continue
        claim_id = f"C{claim_number:02d}"
        claim_number += 1
        rows["claims"].append({
            "claim_id": claim_id, "source_id": context.source_id, "sentences": number,
            "kind": "force_size" if any(q["unit"] == "troops" for q in found["quantities"])
            else "assessment" if found["hedges"] else "event",
            "quote": sentence.rstrip("."), "statement": "TODO: the claim in plain words",
            "claimants": ";".join(found["claimants"]), "relays": ";".join(found["relays"]),
            "hedge": ";".join(h for h, _ in found["hedges"]),
            "likelihood": next((t for _, t in found["hedges"] if t), ""),
            "credibility": "", "credibility_rationale": "", "actors": "",
            "places": ";".join(found["places"]), "refers_to": context.published,
            "time_precision": "day", "note": "", "basis": "; ".join(found["why"])})
        for quantity in found["quantities"]:
            rows["quantities"].append({"claim_id": claim_id, "measure_id": "TODO",
                                       **{k: quantity[k] for k in ("value", "lower", "upper",
                                                                   "unit", "qualifier")},
                                       "note": "", "basis": quantity["basis"]})
    rows["actors"] = list(new_actors.values())
    rows["places"] = list(new_places.values())
    out.tables = {name: pd.DataFrame(r) for name, r in rows.items()}
    return out


def _claim_parts(sentence: str, context: Context, new_actors: dict,
                 new_places: dict) -> dict | None:
    """What one sentence offers a claim; None when it offers nothing to claim."""
    figures = quantities(sentence)
    hedged = hedges(sentence)
    said, relayed = attribution(sentence)
    named = places(sentence, context.layers)
    if not (figures or hedged or said or named):
        return None
    why = [f"figure {q['basis']!r}" for q in figures] + [f"hedge {h!r}" for h, _ in hedged]
    claimants = []
    for name, basis in said:
        claimants.append(_actor_id(name, context, new_actors, basis))
        why.append(f"claimant from {basis!r}")
    if not said:
        claimants.append(context.outlet_id)
        why.append("no source named: the outlet's own statement")
    relays = [_actor_id(name, context, new_actors, basis) for name, basis in relayed]
    why += [f"relay from {basis!r}" for _, basis in relayed]
    place_ids = [_place_id(p, context, new_places) for p in named]
    why += [f"place {p['basis']!r}" for p in named]
    return {"quantities": figures, "hedges": hedged, "claimants": claimants,
            "relays": relays, "places": place_ids, "why": why}


def _actor_id(name: str, context: Context, new_actors: dict, basis: str) -> str:
    known = match_actor(name, context.actors)
    if known:
        return known
    if name.lower().startswith("sources"):
        name = "unnamed sources"
    actor_id = slug(name)
    new_actors.setdefault(actor_id, {
        "actor_id": actor_id, "name": name, "kind": actor_kind(name), "country": "",
        "role": "", "wikidata": "", "note": "", "basis": basis})
    return actor_id


def _place_id(place: dict, context: Context, new_places: dict) -> str:
    known = context.places
    if place["geonameid"] is not None:
        hits = known[known["geonameid"].astype(str) == str(place["geonameid"])]
    else:
        hits = known[(known["iso_3166_2"] == place["iso_3166_2"]) & (place["iso_3166_2"] != "")
                     & (known["geo_precision"].astype(str) == str(place["geo_precision"]))
                     & known["part"].astype(str).eq(place["part"])]
    if len(hits):
        return str(hits.iloc[0]["place_id"])
    if place["iso_3166_2"]:  # "Kursk" and "Kursk Oblast" are one place
        key = (place["iso_3166_2"], place["geo_precision"], place["part"])
        for row in new_places.values():
            if (row["iso_3166_2"], row["geo_precision"], row["part"]) == key:
                return row["place_id"]
    place_id = slug(place["name"])
    new_places.setdefault(place_id, {
        "place_id": place_id, "name": place["name"], "geo_precision": place["geo_precision"],
        "kind": place["kind"], "parent_id": "", "iso_3166_2": place["iso_3166_2"],
        "geonameid": place["geonameid"] or "",
        # A country is drawn from its ISO code; "eastern Ukraine" needs the analyst's units.
        "members": place.get("country", "") if place["kind"] == "country" else "",
        "part": "" if place["kind"] == "country_part" else place["part"],
        "note": (f"the source says '{place['name']}': list the units it means in members"
                 if place["kind"] == "country_part" else ""),
        "basis": place["basis"]})
    return place_id
