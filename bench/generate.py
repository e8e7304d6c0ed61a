"""A seeded generator of realistic bilingual practices, for benchmarks.

Words are drawn from the ``wordfreq`` lists of Dutch and English with their
real corpus frequencies (Zipf-distributed, as in real text: a few words are
everywhere, most are rare), and each item has a topic whose domain terms
(Dutch compounds such as ``klimaatadaptatie``, ``fietspaden``) recur in its
title and text, as they would in a real practice. About half the items are
in both languages, 30% only in Dutch, 20% only in English; each translation
has 300-800 words spread over the summary, body and the practice fields.

Usage: ``python bench/generate.py --count 10000 --seed 1 > items.jsonl``
(the import format of ``kennisbank import``), or :func:`generate` from code.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import wordfreq

VOCABULARY_SIZE = 25_000
TOPIC_RATE = 0.03
FIELDS = ("challenge", "approach", "results", "resources", "transferability")
SECTORS = ("education", "business", "culture", "ngo", "municipality")
STATUSES = (("published", 0.85), ("draft", 0.1), ("review", 0.03), ("archived", 0.02))

TOPICS: list[tuple[list[str], list[str], list[str]]] = [
    (["fietsbeleid", "fietspaden", "fietsstraten", "fietsenstalling", "fiets"],
     ["cycling policy", "cycle paths", "bicycle streets", "bike parking", "bicycle"], ["sdg11"]),
    (["klimaatadaptatie", "groene daken", "hittestress", "wateroverlast", "regenwater"],
     ["climate adaptation", "green roofs", "heat stress", "flooding", "rainwater"], ["sdg13"]),
    (["energiecoöperatie", "zonnepanelen", "warmtenet", "energietransitie", "isolatie"],
     ["energy cooperative", "solar panels", "heat network", "energy transition", "insulation"],
     ["sdg7"]),
    (["uitwisseling", "studenten", "stageplaatsen", "beroepsonderwijs", "leerlingen"],
     ["exchange", "students", "internships", "vocational education", "pupils"], ["sdg4"]),
    (["jeugdwerkloosheid", "arbeidsmarkt", "werkgevers", "omscholing", "vakmanschap"],
     ["youth unemployment", "labour market", "employers", "retraining", "craftsmanship"],
     ["sdg8"]),
    (["eenzaamheid", "ouderen", "mantelzorg", "buurthuis", "vrijwilligers"],
     ["loneliness", "older people", "informal care", "community centre", "volunteers"],
     ["sdg3", "sdg10"]),
    (["binnenstad", "winkelstraten", "leegstand", "herbestemming", "erfgoed"],
     ["city centre", "shopping streets", "vacancy", "adaptive reuse", "heritage"], ["sdg11"]),
    (["afvalscheiding", "kringloop", "circulaire economie", "hergebruik", "grondstoffen"],
     ["waste separation", "recycling", "circular economy", "reuse", "raw materials"], ["sdg12"]),
    (["cultuureducatie", "muziekschool", "bibliotheek", "festival", "theater"],
     ["cultural education", "music school", "library", "festival", "theatre"], ["sdg4", "sdg11"]),
    (["burgerparticipatie", "wijkbudget", "inspraak", "bewonersinitiatief", "democratie"],
     ["citizen participation", "neighbourhood budget", "consultation", "residents' initiative",
      "democracy"], ["sdg16"]),
    (["waterkwaliteit", "rivierherstel", "uiterwaarden", "biodiversiteit", "natuurbeheer"],
     ["water quality", "river restoration", "floodplains", "biodiversity", "nature management"],
     ["sdg6", "sdg15"]),
    (["voedselbank", "armoedebestrijding", "schuldhulpverlening", "minima", "huurtoeslag"],
     ["food bank", "poverty reduction", "debt counselling", "low incomes", "housing benefit"],
     ["sdg1", "sdg2"]),
    (["digitalisering", "dienstverlening", "open data", "privacy", "datagedreven"],
     ["digitalisation", "public services", "open data", "privacy", "data-driven"], ["sdg9"]),
    (["woningbouw", "sociale huurwoningen", "starters", "woningtekort", "verduurzaming"],
     ["housing construction", "social housing", "first-time buyers", "housing shortage",
      "retrofitting"], ["sdg11"]),
    (["inburgering", "nieuwkomers", "taalles", "integratie", "statushouders"],
     ["civic integration", "newcomers", "language lessons", "integration", "refugees"],
     ["sdg10", "sdg16"]),
    (["stedenband", "partnerstad", "samenwerkingsverband", "kennisuitwisseling", "netwerk"],
     ["town twinning", "partner city", "partnership", "knowledge exchange", "network"],
     ["sdg17"]),
]
PLACES: dict[str, list[str]] = {
    "NL": ["Deventer", "Zwolle", "Apeldoorn", "Enschede", "Zutphen"],
    "DE": ["Lüneburg", "Münster", "Osnabrück", "Göttingen", "Kassel"],
    "HU": ["Pécs", "Győr", "Szeged"],
    "PL": ["Kraków", "Łódź", "Gdańsk"],
    "RO": ["Sibiu", "Brașov"],
    "BE": ["Gent", "Leuven", "Liège"],
    "FR": ["Lille", "Besançon", "Nîmes"],
    "SE": ["Malmö", "Göteborg"],
    "ES": ["Málaga", "Córdoba"],
    "GB": ["Sheffield", "Bristol"],
}
COUNTRY_WEIGHTS = {"NL": 30, "DE": 20, "BE": 10, "HU": 6, "PL": 8, "RO": 4, "FR": 8, "SE": 5,
                   "ES": 5, "GB": 4}


class Vocabulary:
    """The most frequent words of a language, drawn with their real frequencies."""

    def __init__(self, lang: str, size: int = VOCABULARY_SIZE) -> None:
        frequencies = wordfreq.get_frequency_dict(lang)
        words = [w for w in wordfreq.top_n_list(lang, size * 2) if w.isalpha()][:size]
        self.words = words
        total = 0.0
        self.cumulative = []
        for word in words:
            total += frequencies.get(word, 0.0)
            self.cumulative.append(total)

    def sample(self, rng: random.Random, count: int) -> list[str]:
        return rng.choices(self.words, cum_weights=self.cumulative, k=count)


def _sentence(rng: random.Random, vocab: Vocabulary, terms: list[str]) -> str:
    words = vocab.sample(rng, rng.randint(8, 20))
    for i in range(len(words)):
        if rng.random() < TOPIC_RATE:
            words[i] = rng.choice(terms)
    return " ".join(words).capitalize() + "."


def _text(rng: random.Random, vocab: Vocabulary, terms: list[str], words: int) -> str:
    sentences, count = [], 0
    while count < words:
        sentence = _sentence(rng, vocab, terms)
        sentences.append(sentence)
        count += sentence.count(" ") + 1
    return " ".join(sentences)


def _translation(rng: random.Random, vocab: Vocabulary, terms: list[str]) -> dict[str, str]:
    total = rng.randint(300, 800)
    summary_words = rng.randint(20, 40)
    field_words = [rng.randint(15, 60) for _ in FIELDS]
    body_words = max(50, total - summary_words - sum(field_words))
    topic = rng.choice(terms)
    title_words = " ".join(vocab.sample(rng, rng.randint(1, 4)))
    result = {
        "title": f"{topic.capitalize()}: {title_words}",
        "summary": _text(rng, vocab, terms, summary_words),
        "body": _text(rng, vocab, terms, body_words),
    }
    for name, count in zip(FIELDS, field_words, strict=True):
        result[name] = _text(rng, vocab, terms, count)
    return result


def _status(rng: random.Random) -> str:
    return rng.choices([s for s, _ in STATUSES], weights=[w for _, w in STATUSES])[0]


def generate(count: int, seed: int = 1) -> Iterator[dict[str, Any]]:
    """``count`` items in the import format, the same for the same seed."""
    rng = random.Random(seed)
    vocabularies = {"nl": Vocabulary("nl"), "en": Vocabulary("en")}
    countries = list(COUNTRY_WEIGHTS)
    weights = list(COUNTRY_WEIGHTS.values())
    first = date(2010, 1, 1)
    for number in range(count):
        nl_terms, en_terms, themes = rng.choice(TOPICS)
        roll = rng.random()
        langs = ["nl", "en"] if roll < 0.5 else (["nl"] if roll < 0.8 else ["en"])
        country = rng.choices(countries, weights=weights)[0]
        extra_themes = rng.sample([f"sdg{i}" for i in range(1, 18)], rng.randint(0, 2))
        yield {
            "external_id": f"bench-{seed}-{number}",
            "type": "practice",
            "status": _status(rng),
            "sector": rng.choice(SECTORS),
            "country": country,
            "city": rng.choice(PLACES[country]),
            "themes": sorted(set(themes) | set(extra_themes)),
            "tags": rng.sample(nl_terms if "nl" in langs else en_terms, 2),
            "start_date": (first + timedelta(days=rng.randint(0, 15 * 365))).isoformat(),
            "translations": {
                lang: _translation(rng, vocabularies[lang], nl_terms if lang == "nl" else en_terms)
                for lang in langs
            },
        }


def queries(count: int, seed: int = 2) -> list[str]:
    """1-3 word queries a reader would type: topic terms, their compound
    parts, and frequent content words, in both languages."""
    rng = random.Random(seed)
    parts = ["fiets", "klimaat", "energie", "water", "jeugd", "cultuur", "wonen", "afval"]
    content = {lang: [w for w in wordfreq.top_n_list(lang, 3000)[300:] if len(w) > 4]
               for lang in ("nl", "en")}
    found = []
    for _ in range(count):
        nl_terms, en_terms, _themes = rng.choice(TOPICS)
        lang = rng.choice(("nl", "en"))
        terms = nl_terms if lang == "nl" else en_terms
        size = rng.choice((1, 1, 2, 2, 3))
        words = [rng.choice(terms).split()[0]]
        if rng.random() < 0.2:
            words = [rng.choice(parts)]
        while len(words) < size:
            words.append(rng.choice(content[lang] + terms))
        found.append(" ".join(words))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    for item in generate(args.count, args.seed):
        sys.stdout.write(json.dumps(item, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
