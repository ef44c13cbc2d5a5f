"""Places a draft proposes: proper nouns of a text that name a gazetteer or layer entry.

Read once per set of layers into an index of names (:func:`name_index`), then looked up word
by word (:func:`find`): linear in the sentence, with no pattern compiled per name or per
sentence. A name is proposed only where the text writes it as a proper noun (each of its words
capitalised but the small ones, "Bosnia and Herzegovina"), never when every word of it is a
common word (:data:`COMMON_WORDS`: Kenya's "Coast" and Fiji's "Eastern" are not found in "coast
guard" or in "the Eastern Theater Command"). A country is a place only after a word of place
(:data:`LOCATIVES`: "in Taiwan", "around Taiwan"; "Russia has amassed" names an actor and
"a warning to China" an addressee). Where one name has several entries, those in the preferred
countries (the data set's places, its title, the countries the text names) come first; the
others are named in the basis so that the analyst can choose.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: Words that name no place on their own: an entry made only of these is never proposed.
COMMON_WORDS = frozenset(
    "north south east west northern southern eastern western central north-east north-west "
    "south-east south-west northeast northwest southeast southwest middle upper lower inner "
    "outer coast coastal capital city district region province state islands island lakes "
    "lake river valley highlands lowlands mountain mountains plateau border frontier "
    "national federal greater new old great little far western-area interior "
    "littoral mainland peninsula bay gulf sea strait delta".split())
#: Words before a country that make it a place ("in", "around"; "from" with a side only);
#: not "to" or "of"
LOCATIVES = frozenset("in within near around into across at inside off over throughout from "
                      "towards toward encircling surrounding".split())
#: Words that may stand in lower case inside a name ("Bosnia and Herzegovina").
SMALL = frozenset("and of the de del da la le du van von al el upon on".split())
SIDES = {"western": "west", "eastern": "east", "northern": "north", "southern": "south"}
REGION_WORDS = frozenset("region oblast province governorate state prefecture county".split())
#: The longest name looked up, in words.
LONGEST = 6
_WORD = re.compile(r"[^\W\d_]+(?:['’.\-][^\W\d_]+){0,6}")


@dataclass(frozen=True)
class Entry:
    """One gazetteer or layer entry a name can stand for."""

    kind: str  # town, capital, region, country
    name: str
    country: str  # ISO 3166-1 alpha-2, "" when unknown
    iso_3166_2: str = ""
    geonameid: int | None = None


def _key(words: list[str]) -> tuple[str, ...]:
    return tuple(w.lower().rstrip(".").replace("’", "'") for w in words)


def name_key(name: str) -> tuple[str, ...]:
    """A name as the index holds it: its words in lower case."""
    return _key(_WORD.findall(name))


_INDEXES: dict[int, tuple[object, dict[tuple[str, ...], list[Entry]]]] = {}


def name_index(layers) -> dict[tuple[str, ...], list[Entry]]:
    """Every name of the layers and gazetteer, as lower-case words, with its entries (built
    once per layers object)."""
    held = _INDEXES.get(id(layers))
    if held is not None and held[0] is layers:
        return held[1]
    index: dict[tuple[str, ...], list[Entry]] = {}

    def add(name: str, entry: Entry) -> None:
        words = _WORD.findall(str(name))
        if words and len(words) <= LONGEST and not all(
                w.lower().rstrip(".") in COMMON_WORDS | SMALL for w in words):
            index.setdefault(_key(words), []).append(entry)

    for town in layers.gazetteer.itertuples(index=False):
        if town.kind == "admin1_capital":
            continue  # "Kursk" is read as the region; the analyst can say it is the city
        code = str(town.iso_3166_2 or "")
        add(town.name, Entry("capital" if "capital" in town.kind else "town", str(town.name),
                             code[:2], code, int(town.geonameid)))
    for unit in layers.admin1.drop_duplicates("iso_3166_2").itertuples(index=False):
        code = str(unit.iso_3166_2 or "")
        add(unit.name, Entry("region", str(unit.name), str(unit.iso_a2 or code[:2]), code))
    for country in layers.admin0.itertuples(index=False):
        add(getattr(country, "name", ""), Entry("country", str(getattr(country, "name", "")),
                                                str(getattr(country, "iso_a2", "") or "")))
    if len(_INDEXES) > 8:
        _INDEXES.clear()
    _INDEXES[id(layers)] = (layers, index)
    return index


def _proper(words: list[str]) -> bool:
    """Written as a proper noun: every word capitalised but the small ones inside."""
    return words[0][:1].isupper() and all(w[:1].isupper() or w.lower() in SMALL
                                          for w in words) and words[-1][:1].isupper()


def countries_named(text: str, layers) -> set[str]:
    """The ISO codes of the countries ``text`` names as proper nouns (any position)."""
    index = name_index(layers)
    words = [m.group() for m in _WORD.finditer(text)]
    found: set[str] = set()
    for i in range(len(words)):
        for size in range(min(LONGEST, len(words) - i), 0, -1):
            part = words[i:i + size]
            entries = index.get(_key(part))
            if entries and _proper(part):
                found.update(e.country for e in entries if e.kind == "country" and e.country)
                break
    return found


def _rank(entry: Entry, preferred: frozenset[str]) -> tuple[int, int]:
    order = {"town": 0, "capital": 1, "region": 2, "country": 3}
    return (0 if entry.country in preferred else 1, order[entry.kind])


def find(sentence: str, layers, preferred: frozenset[str] = frozenset()) -> list[dict]:
    """Places named in ``sentence`` (see the module's docstring), each with the words it rests
    on (``basis``) and, where its name has other entries, those others."""
    index = name_index(layers)
    words = list(_WORD.finditer(sentence))
    found: list[dict] = []
    i = 0
    while i < len(words):
        for size in range(min(LONGEST, len(words) - i), 0, -1):
            part = [m.group() for m in words[i:i + size]]
            entries = index.get(_key(part))
            if entries and _proper(part):
                row = _place(sentence, words, i, size, entries, preferred)
                if row is not None:
                    found.append(row)
                i += size
                break
        else:
            i += 1
    return found


def _place(sentence: str, words: list[re.Match[str]], i: int, size: int,
           entries: list[Entry], preferred: frozenset[str]) -> dict | None:
    after = i + size
    if after < len(words) and words[after].group()[:1].isupper() \
            and words[after].group().lower() not in REGION_WORDS | {"island", "islands"} \
            and sentence[words[i + size - 1].end():words[after].start()].strip() == "":
        return None  # part of a longer name: "The New York Times", "Taiwan Strait"
    before = words[i - 1].group().lower() if i else ""
    side = before if before in SIDES else ""
    word = words[i - 2].group().lower() if side and i > 1 else before
    # "from" makes a place only with a side ("from eastern Ukraine"; "backing from Russia").
    locative = (word in LOCATIVES and (word != "from" or bool(side))) \
        or (not side and i > 1 and before == "the" and words[i - 2].group().lower()
            in LOCATIVES - {"from"})
    # A country or a capital is a place only after a word of place ("allowing Moscow to").
    usable = [e for e in entries if e.kind not in ("country", "capital") or locative]
    if not usable:
        return None
    best = min(usable, key=lambda e: _rank(e, preferred))
    start = words[i - 1].start() if side else words[i].start()
    end = words[i + size - 1].end()
    if best.kind == "region" and after < len(words) and \
            words[after].group().lower() in REGION_WORDS:
        end = words[after].end()
    others = [f"{e.name} ({e.iso_3166_2 or e.country})" for e in usable if e is not best]
    text = sentence[start:end]
    name = text if best.kind != "country" else (f"{side} " if side else "") + \
        sentence[words[i].start():words[i + size - 1].end()]
    basis = text if best.kind != "country" else f"{before if not side else words[i - 2].group()}" \
        f" {name}".strip()
    if others:
        basis += f"; the name also stands for {', '.join(others[:3])}"
    part = SIDES.get(side, "")
    if best.kind in ("town", "capital"):
        return {"name": text, "kind": "town", "geo_precision": 1, "iso_3166_2": best.iso_3166_2,
                "geonameid": best.geonameid, "part": "", "basis": basis}
    if best.kind == "region":
        return {"name": text, "kind": "region_part" if side else "region",
                "geo_precision": 2 if side else 3, "iso_3166_2": best.iso_3166_2,
                "geonameid": None, "part": part, "basis": basis}
    return {"name": name, "kind": "country_part" if side else "country", "geo_precision": 3,
            "iso_3166_2": "", "geonameid": None, "country": best.country, "part": part,
            "basis": basis}
