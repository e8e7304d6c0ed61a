"""The ``policy_practice`` content type and its policy domains."""

from __future__ import annotations

from kennisbank import ContentType, Field

POLICY_DOMAINS = {
    "mobility": {"nl": "Mobiliteit", "en": "Mobility"},
    "environment": {"nl": "Milieu en klimaat", "en": "Environment and climate"},
    "housing": {"nl": "Wonen", "en": "Housing"},
    "economy": {"nl": "Economie en werk", "en": "Economy and jobs"},
    "social": {"nl": "Sociaal domein", "en": "Social affairs and care"},
    "governance": {"nl": "Bestuur en participatie", "en": "Governance and participation"},
    "culture": {"nl": "Cultuur", "en": "Culture"},
    "education": {"nl": "Onderwijs", "en": "Education"},
    "health": {"nl": "Gezondheid", "en": "Health"},
    "safety": {"nl": "Veiligheid", "en": "Safety"},
    "digital": {"nl": "Digitale dienstverlening", "en": "Digital services"},
}

POLICY_PRACTICE = ContentType(
    name="policy_practice",
    sector="municipality",
    label={"nl": "Beleidspraktijk", "en": "Policy practice"},
    description={
        "nl": "Hoe een gemeente een beleidsvraag aanpakte, met bewijs dat het werkt en "
              "wat een andere stad nodig heeft om het over te nemen.",
        "en": "How a city tackled a policy question, with evidence that it works and "
              "what another city needs to take it up.",
    },
    fields=[
        Field(
            "policy_domain",
            "choice",
            label={"nl": "Beleidsterrein", "en": "Policy domain"},
            help={
                "nl": "Het beleidsterrein waar de praktijk vooral onder valt.",
                "en": "The policy domain the practice mainly belongs to.",
            },
            choices=POLICY_DOMAINS,
            facet=True,
        ),
        Field(
            "evidence",
            "markdown",
            label={"nl": "Bewijs van resultaat", "en": "Evidence of results"},
            help={
                "nl": "Cijfers, evaluaties of onderzoek die laten zien dat het werkt.",
                "en": "Figures, evaluations or research showing that it works.",
            },
            translatable=True,
            searchable=True,
        ),
        Field(
            "transferability",
            "markdown",
            label={"nl": "Overdraagbaarheid", "en": "Transferability"},
            help={
                "nl": "Wat een andere stad moet weten of regelen om dit over te nemen.",
                "en": "What another city must know or arrange to take this up.",
            },
            translatable=True,
            searchable=True,
        ),
    ],
)
