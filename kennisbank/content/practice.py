"""The core content type ``practice``: a good practice any sector can share.

Its optional fields follow the structure of good-practice databases such as
Interreg Europe's: the problem addressed, the solution, evidence of success,
the resources needed and the potential for transfer to another city.
"""

from __future__ import annotations

from ..hookspecs import hookimpl
from .types import ContentType, Field


def _text(name: str, nl: str, en: str, help_nl: str, help_en: str) -> Field:
    return Field(
        name,
        "markdown",
        label={"nl": nl, "en": en},
        help={"nl": help_nl, "en": help_en},
        translatable=True,
        searchable=True,
    )


PRACTICE = ContentType(
    name="practice",
    label={"nl": "Praktijk", "en": "Practice"},
    description={
        "nl": "Een goede praktijk die een stad, organisatie of sector wil delen.",
        "en": "A good practice that a city, organisation or sector wants to share.",
    },
    fields=[
        _text(
            "challenge", "Uitdaging", "Challenge",
            "Welk probleem pakt de praktijk aan?", "Which problem does the practice address?",
        ),
        _text(
            "approach", "Aanpak", "Approach",
            "Wat is er gedaan, door wie?", "What was done, and by whom?",
        ),
        _text(
            "results", "Resultaten", "Results",
            "Welk bewijs van succes is er?", "What evidence of success is there?",
        ),
        _text(
            "resources", "Benodigde middelen", "Resources needed",
            "Geld, mensen en tijd die nodig waren.", "Money, people and time it took.",
        ),
        _text(
            "transferability", "Overdraagbaarheid", "Transferability",
            "Wat moet een andere stad weten om dit over te nemen?",
            "What should another city know to take this up?",
        ),
    ],
)


@hookimpl
def register_content_types() -> list[ContentType]:
    """The core registers its own type through the plugin contract."""
    return [PRACTICE]
