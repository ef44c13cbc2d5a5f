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
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from sitrep import paths
from sitrep.authoring import draft_dates, draft_places
from sitrep.model.data import confine, limits, wording
from sitrep.model.data.errors import SitrepError
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
_AUX = r"(?:(?:has|have|had|also|now|further|\w{1,20}ly)\s{1,3}){0,3}"
_LEADING = re.compile(r"^(?:meanwhile|however|but|and|also|both|in addition|moreover)\b[,\s]*",
                      re.IGNORECASE)
_SPEAKER_FIRST = re.compile(rf"^(?P<who>[^;:]{{3,140}}?),?\s{{1,3}}{_AUX}(?P<verb>{_REPORTING})"
                            r"\b(?!\s{1,3}(?:at|to be|as)\b)")
_SPEAKER_LAST = re.compile(rf",\s{{1,3}}(?P<who>[^,]{{3,80}}?)\s{{1,3}}{_AUX}(?P<verb>{_REPORTING})"
                           r"\W{0,6}$")
#: A name runs to a comma, semicolon or full stop; "U.S." keeps its inner stops. The three
#: branches never match the same character (a stop before a non-space, a stop after an
#: initial before a space), so a run of initials cannot backtrack exponentially.
_NAME = r"(?:[^,.;\"“”]|\.(?=\S)|(?<=\b[A-Z])\.(?!\S))"
_ACCORDING = re.compile(rf"\baccording to (?P<who>{_NAME}{{2,80}})", re.IGNORECASE)
_BY = re.compile(rf"\b(?:mentioned|said|stated|reported|noted|labell?ed|described|announced|"
                 rf"confirmed|claimed) [^.;]{{0,60}}?\bby (?P<who>{_NAME}{{2,80}})",
                 re.IGNORECASE)
_AFTER_QUOTE = re.compile(rf"[,.!?][\"”]\s{{1,3}}(?P<who>[A-Z]{_NAME}{{1,60}}?)\s{{1,3}}{_AUX}"
                          rf"(?P<verb>{_REPORTING})\b")
_PRONOUN = re.compile(r"^(?:it|this|that|there|they|he|she|we|these|those)\b", re.IGNORECASE)
_CITED = re.compile(r",?\s{0,3}(?:as )?(?:cited|quoted) by (?P<who>[^,.;]{2,80}),?",
                    re.IGNORECASE)

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
_RANGE = re.compile(r"[ \t]{0,3}(?:to|-|–|—)[ \t]{0,3}")


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
    after = _LETTERS.findall(sentence[end:end + 120])[:4]
    for word in after:
        if word.lower() in UNITS:
            return UNITS[word.lower()], word
    return _first_unit(sentence)


_LETTERS = re.compile(r"[A-Za-z%]+")
_FIRST_UNIT: dict[str, tuple[str, str]] = {}


def _first_unit(sentence: str) -> tuple[str, str]:
    """The first unit noun of the sentence (read once per sentence)."""
    if sentence not in _FIRST_UNIT:
        if len(_FIRST_UNIT) > 64:
            _FIRST_UNIT.clear()
        _FIRST_UNIT[sentence] = next(((UNITS[w.lower()], w) for w in _LETTERS.findall(sentence)
                                      if w.lower() in UNITS), ("", ""))
    return _FIRST_UNIT[sentence]


def quantities(sentence: str) -> list[dict]:
    """Proposed quantities of one sentence, each with the words it rests on."""
    found = [(f.start, f.end, f.values[0], f.text) for f in wording.figures(sentence)]
    plain = wording.without_dates(sentence)  # same length: offsets hold
    for match in _NUMBER_WORD.finditer(plain):
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
        if nxt and _RANGE.fullmatch(sentence[end:nxt[0]]):
            skip.add(index + 1)
            low, up, qualifier = value, nxt[2], "range"
            basis = sentence[start:nxt[1]]
            end = nxt[1]
            value = (low + up) / 2
        else:
            before = " ".join(sentence[max(0, start - 80):start].split()[-3:])
            qualifier = wording.qualifier_of(
                " ".join(plain[max(0, start - 80):start].split()[-3:]), dates_blanked=True) \
                or "exact"
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


def places(sentence: str, layers, preferred: frozenset[str] = frozenset()) -> list[dict]:
    """Places of the boundary layers and gazetteer named in the sentence as proper nouns
    (:mod:`sitrep.authoring.draft_places`), preferring entries in the ``preferred`` countries."""
    return draft_places.find(sentence, layers, preferred)


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


#: Cues of an actor's kind, read in this order in its name (first match wins); a country's or
#: a national capital's name is a state; a name of two to four capitalised words a person.
#: (kind, sector proposed, cue words). Documented in the README ("sitrep draft").
ACTOR_CUES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("unnamed_sources", "", ("sources", "source", "unnamed", "people familiar")),
    ("intelligence", "government", ("intelligence", "spy agency")),
    ("news_outlet", "press", ("times", "herald", "monitor", "wire", "news", "post", "journal",
                              "tv", "television", "press", "broadcaster", "newspaper",
                              "reuters", "afp", "xinhua", "cnn", "bbc", "gazette")),
    ("state_forces", "government", ("army", "navy", "naval", "air force", "coast guard",
                                    "command", "forces", "military", "fleet", "marines",
                                    "rocket force", "liberation army", "pla", "guard",
                                    "brigade", "division", "troops", "armed forces")),
    ("organisation", "government", ("ministry", "department", "government", "office",
                                     "council", "administration", "agency", "cabinet",
                                     "bureau", "presidency", "kremlin", "white house",
                                     "pentagon", "affairs council")),
    ("officials", "government", ("officials", "official", "leaders", "authorities",
                                 "diplomats")),
    ("organisation", "independent", ("institute", "analysts", "group", "centre", "center",
                                     "think tank", "university", "foundation",
                                     "organisation", "organization")),
    ("person", "", ("president", "minister", "general", "gen", "admiral", "adm", "colonel",
                    "col", "secretary", "spokesperson", "spokesman", "spokeswoman",
                    "chairman", "premier", "senator", "commander", "leader", "mr", "ms")),
)
_CUES = [(kind, sector, re.compile(r"\b(?:" + "|".join(re.escape(c) for c in cues) + r")\b",
                                   re.IGNORECASE)) for kind, sector, cues in ACTOR_CUES]


_TITLED = re.compile(r"\b(?:President|Minister|General|Gen\.?|Admiral|Adm\.?|Colonel|Col\.?|"
                     r"Secretary|Spokesperson|Spokesman|Spokeswoman|Senator|Commander|"
                     r"Premier|Mr\.?|Ms\.?|Mrs\.?|Dr\.?)\s{1,3}(?:[A-Z][\w'’-]{0,30}\s{0,3}){1,3}$")


def actor_kind(name: str, layers=None) -> tuple[str, str]:
    """(kind, sector proposed) of an actor from the cues of its name (:data:`ACTOR_CUES`); a
    title before a capitalised name is a person ("Army Senior Colonel Shi Yi")."""
    if _TITLED.search(name):
        return "person", ""
    for kind, sector, pattern in _CUES:
        if pattern.search(name):
            return kind, sector
    if layers is not None:
        entries = draft_places.name_index(layers).get(
            draft_places.name_key(re.sub(r"^the\s+", "", name.strip(), flags=re.IGNORECASE)))
        if any(e.kind in ("country", "capital") for e in entries or ()):
            return "state", "government"
    words = name.split()
    if 2 <= len(words) <= 4 and all(w[:1].isupper() for w in words):
        return "person", ""
    return "organisation", ""


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
    #: ISO codes of the countries whose places come first where a name has several entries
    #: (the data set's places and title; the countries the text names are added).
    preferred: frozenset[str] = frozenset()


#: The longest text drafted, in characters (a long article is some 50,000), and the longest
#: sentence read for claims; a longer sentence is listed as context, with a note.
MAX_TEXT = 2_000_000
MAX_SENTENCE = 5_000
#: Seconds a sentence may take; past it the sentence is listed with a note, unread.
SENTENCE_SECONDS = 2.0


class DraftError(SitrepError, ValueError):
    """A source text or an option ``sitrep draft`` refuses, or a text too long to draft: the
    message names it, why, and what to do."""


def draft_text(text: str, context: Context) -> Draft:
    """Propose the rows of every table for one source text (see the module's docstring)."""
    if len(text) > MAX_TEXT:
        raise DraftError(f"the text has {len(text):,} characters; sitrep draft reads at most "
                         f"{MAX_TEXT:,}: split it into several source texts")
    out = Draft(context.source_id)
    rows: dict[str, list[dict]] = {t: [] for t in ("sentences", "claims", "quantities",
                                                   "actors", "places")}
    new_actors: dict[str, dict] = {}
    new_places: dict[str, dict] = {}
    preferred = context.preferred | draft_places.countries_named(text[:MAX_TEXT],
                                                                 context.layers)
    context = replace(context, preferred=frozenset(preferred))
    claim_number = context.next_claim
    for number, sentence, heading in sentence_rows(text):
        found, why_not = _read_sentence(sentence, heading, context, new_actors, new_places)
        role = "heading" if heading else "claims" if found else "context"
        rows["sentences"].append({
            "source_id": context.source_id, "sentence": number, "role": role,
            "starts_with": " ".join(sentence[:200].split()[:3]), "note": why_not,
            "basis": "a short line without closing punctuation" if heading else (
                "; ".join(found["why"]) if found else why_not or
                "no figure, hedge, attribution or place")})
        if role != "claims":
            continue
        claim_id = f"C{claim_number:02d}"
        claim_number += 1
        rows["claims"].append(_claim_row(claim_id, number, sentence, found, context))
        for quantity in found["quantities"]:
            rows["quantities"].append({"claim_id": claim_id, "measure_id": "TODO",
                                       **{k: quantity[k] for k in ("value", "lower", "upper",
                                                                   "unit", "qualifier")},
                                       "note": "", "basis": quantity["basis"]})
    rows["actors"] = list(new_actors.values())
    rows["places"] = list(new_places.values())
    out.tables = {name: pd.DataFrame(r) for name, r in rows.items()}
    return out


def _read_sentence(sentence: str, heading: bool, context: Context, new_actors: dict,
                   new_places: dict) -> tuple[dict | None, str]:
    """What a sentence offers a claim, and why it was not read when it was not."""
    if heading:
        return None, ""
    if len(sentence) > MAX_SENTENCE:
        return None, (f"not read: {len(sentence):,} characters, over the {MAX_SENTENCE:,} a "
                      "drafted sentence may have; split it or draft it by hand")
    started = time.perf_counter()
    found = _claim_parts(sentence, context, new_actors, new_places, started)
    if found is None and time.perf_counter() - started > SENTENCE_SECONDS:
        return None, (f"not read in full: over the {SENTENCE_SECONDS:g} s a sentence may take; "
                      "draft it by hand")
    return found, ""


def _claim_row(claim_id: str, number: int, sentence: str, found: dict,
               context: Context) -> dict:
    stated = draft_dates.reference(sentence, context.published)
    refers_to, end, why = (stated[0], stated[1], [f"date from {stated[2]!r}"]) if stated \
        else (context.published, "", [])
    return {
        "claim_id": claim_id, "source_id": context.source_id, "sentences": number,
        "kind": "force_size" if any(q["unit"] == "troops" for q in found["quantities"])
        else "assessment" if found["hedges"] else "event",
        "quote": sentence.rstrip("."), "statement": "TODO: the claim in plain words",
        "claimants": ";".join(found["claimants"]), "relays": ";".join(found["relays"]),
        "hedge": ";".join(h for h, _ in found["hedges"]),
        "likelihood": next((t for _, t in found["hedges"] if t), ""),
        "credibility": "", "credibility_rationale": "", "actors": "",
        "places": ";".join(found["places"]), "refers_to": refers_to,
        "time_precision": "day", "refers_to_end": end, "end_precision": "day" if end else "",
        "note": "", "basis": "; ".join(found["why"] + why)}


def _claim_parts(sentence: str, context: Context, new_actors: dict,
                 new_places: dict, started: float) -> dict | None:
    """What one sentence offers a claim; None when it offers nothing to claim, or when it
    runs past its time budget (:data:`SENTENCE_SECONDS`, checked between the readings)."""
    parts: list = []
    for read in (quantities, hedges, attribution,
                 lambda s: places(s, context.layers, context.preferred)):
        if time.perf_counter() - started > SENTENCE_SECONDS:
            return None
        parts.append(read(sentence))
    figures, hedged, (said, relayed), named = parts
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
    kind, sector = actor_kind(name, context.layers)
    new_actors.setdefault(actor_id, {
        "actor_id": actor_id, "name": name, "kind": kind, "sector": sector, "country": "",
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



def preferred_countries(places: pd.DataFrame, title: str, layers) -> frozenset[str]:
    """ISO codes of the countries of a data set's places (their ISO 3166-2 codes, members and
    country codes) and of the countries its title names."""
    codes: set[str] = set(draft_places.countries_named(title, layers))
    for column in ("iso_3166_2", "members"):
        if column in places:
            codes.update(str(code)[:2] for cell in places[column].dropna()
                         for code in str(cell).split(";") if len(str(code)) >= 2)
    return frozenset(c.upper() for c in codes if c.isalpha())


def title_of(dataset: Path) -> str:
    """The data set's title, or "" when its descriptor cannot be read (only a regular file
    inside the data set is read, as for every file of it)."""
    try:
        data = confine.read_bytes(paths.facts_dir(dataset) / "datapackage.json", dataset)
        title = limits.load_json(data).get("title", "")
    except (OSError, ValueError, AttributeError, confine.OutsideError):
        return ""
    return title[:500] if isinstance(title, str) else ""


def _cell(value: object) -> object:
    """50000.0 is written 50000: the schema's numbers carry no needless decimals."""
    if isinstance(value, float):
        return "" if pd.isna(value) else int(value) if value.is_integer() else value
    return "" if value is None else value
