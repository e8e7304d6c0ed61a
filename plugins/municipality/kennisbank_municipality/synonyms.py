"""The municipal policy vocabulary in Dutch and English, for cross-lingual search.

Dutch local government has terms of art that a general dictionary translates
word by word, badly (``jongerenwerk`` is youth work, not "younger work";
``wateroverlast`` is pluvial flooding; ``statushouder`` a refugee with a
residence permit). Each set below holds the Dutch term(s) and the English
ones used for the same thing by the VNG's international office, Eurocities
and EU programmes (URBACT, Interreg); search applies them to every query
through the ``register_synonyms`` hook. Editors extend the list on the
synonyms admin page for what this instance needs.
"""

from __future__ import annotations

POLICY_TERMS: list[dict[str, list[str]]] = [
    {"nl": ["jongerenwerk", "jeugdwerk"], "en": ["youth work"]},
    {"nl": ["jeugdzorg"], "en": ["youth care"]},
    {"nl": ["wateroverlast"], "en": ["pluvial flooding", "flooding", "waterlogging"]},
    {"nl": ["hittestress"], "en": ["heat stress"]},
    {"nl": ["klimaatadaptatie"], "en": ["climate adaptation"]},
    {"nl": ["groene daken"], "en": ["green roofs"]},
    {"nl": ["schuldhulpverlening", "schuldhulp"], "en": ["debt assistance", "debt counselling"]},
    {"nl": ["vroegsignalering"], "en": ["early warning", "early detection"]},
    {"nl": ["armoedebeleid"], "en": ["anti-poverty policy"]},
    {"nl": ["buurthuis", "wijkcentrum"], "en": ["community centre", "neighbourhood centre"]},
    {"nl": ["buurtbemiddeling"], "en": ["neighbourhood mediation", "community mediation"]},
    {"nl": ["fietsstraat"], "en": ["bicycle street", "cycle street"]},
    {"nl": ["snelfietsroute", "fietssnelweg"], "en": ["cycle highway", "cycle superhighway"]},
    {"nl": ["fietsenstalling"], "en": ["bicycle parking", "bike parking"]},
    {"nl": ["deelmobiliteit"], "en": ["shared mobility"]},
    {"nl": ["autoluw"], "en": ["low-traffic", "car-free"]},
    {"nl": ["warmtenet"], "en": ["heat network", "district heating"]},
    {"nl": ["aardgasvrij"], "en": ["gas-free", "natural gas free"]},
    {"nl": ["energiecoöperatie"], "en": ["energy cooperative", "energy community"]},
    {"nl": ["woningcorporatie"], "en": ["housing association"]},
    {"nl": ["sociale huurwoning", "sociale huur"], "en": ["social housing"]},
    {"nl": ["flexwonen", "flexwoning"], "en": ["temporary housing", "flexible housing"]},
    {"nl": ["dakloosheid", "dak- en thuisloosheid"], "en": ["homelessness"]},
    {"nl": ["mantelzorg"], "en": ["informal care"]},
    {"nl": ["eenzaamheid"], "en": ["loneliness", "social isolation"]},
    {"nl": ["burgerbegroting"], "en": ["participatory budgeting", "citizens' budget"]},
    {"nl": ["burgerparticipatie", "inspraak"], "en": ["citizen participation"]},
    {"nl": ["statushouder", "statushouders"], "en": ["refugees with a residence permit"]},
    {"nl": ["inburgering"], "en": ["civic integration"]},
    {"nl": ["laaggeletterdheid"], "en": ["low literacy"]},
    {"nl": ["leegstand"], "en": ["vacancy", "vacant buildings"]},
    {"nl": ["binnenstad"], "en": ["city centre", "town centre", "inner city"]},
    {"nl": ["stadslandbouw"], "en": ["urban farming", "urban agriculture"]},
    {"nl": ["circulaire economie"], "en": ["circular economy"]},
]
