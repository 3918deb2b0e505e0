"""Generic English word lists: speech and cognition cues, pronouns, honorifics, role nouns.

Nothing here is specific to any article: these are closed-class words and common reporting verbs.
"""

from __future__ import annotations

#: Lemmas of verbs that introduce reported speech or thought.
SPEECH_VERBS: frozenset[str] = frozenset(
    """
    say tell warn insist add announce argue state claim stress note explain believe think
    describe call accuse deny confirm report suggest acknowledge admit allege assert assure
    caution comment complain concede conclude contend declare emphasise emphasize estimate
    hint indicate maintain mention predict promise reiterate remark reply respond reveal
    signal tweet write urge vow pledge ask answer observe recall repeat threaten testify
    feel fear boast charge clarify disclose inform joke lament proclaim propose recommend
    recount retort speculate swear underline underscore brand label dub point concur
    counter dispute reason question wonder affirm view regard demand speak stipulate
    specify
    """.split()
)

#: Verbs whose reported content is "object + predicate" ("described the plan as a failure",
#: "called the vote a farce", "accused the board of lying").
OBJECT_PREDICATE_VERBS: frozenset[str] = frozenset(
    {"describe", "call", "accuse", "brand", "label", "dub", "view", "regard"}
)

#: Verbs whose direct object is the addressee, not the content ("warned residents to leave").
ADDRESSEE_VERBS: frozenset[str] = frozenset(
    {"warn", "tell", "urge", "ask", "advise", "remind", "assure", "inform", "caution"}
)

#: Cues whose content can be a prepositional object ("warned of delays", "called for calm").
PREPOSITION_CUES: dict[str, frozenset[str]] = {
    "warn": frozenset({"of", "about", "against"}),
    "caution": frozenset({"against"}),
    "call": frozenset({"for"}),
    "speak": frozenset({"of", "about"}),
}

#: Cues whose content can be a plain noun phrase ("announced the closure of the plant").
NOUN_OBJECT_VERBS: frozenset[str] = frozenset(
    {"announce", "propose", "demand", "recommend", "predict"}
)

#: Verbs that are cues only with a particle ("point out").
PARTICLE_REQUIRED: dict[str, str] = {"point": "out"}

#: Dependency labels of a verb's reported clause.
CLAUSE_DEPS: frozenset[str] = frozenset({"ccomp"})

MALE_PRONOUNS: frozenset[str] = frozenset({"he", "him", "his", "himself"})
FEMALE_PRONOUNS: frozenset[str] = frozenset({"she", "her", "hers", "herself"})
GROUP_PRONOUNS: frozenset[str] = frozenset({"it", "its", "they", "them", "their"})
#: Relative pronouns that stand for the noun a relative clause modifies.
RELATIVE_PRONOUNS: frozenset[str] = frozenset({"who", "which", "that", "whom"})

#: Honorifics and titles stripped from names when comparing them; value = gender they imply.
HONORIFICS: dict[str, str | None] = {
    "mr": "m",
    "mister": "m",
    "sir": "m",
    "lord": "m",
    "mrs": "f",
    "ms": "f",
    "miss": "f",
    "madam": "f",
    "lady": "f",
    "dame": "f",
    "dr": None,
    "prof": None,
    "professor": None,
    "president": None,
    "minister": None,
    "prime": None,
    "senator": None,
    "sen": None,
    "rep": None,
    "gov": None,
    "governor": None,
    "gen": None,
    "general": None,
    "judge": None,
    "mayor": None,
    "chancellor": None,
    "king": "m",
    "queen": "f",
    "prince": "m",
    "princess": "f",
    "pope": "m",
    "rev": None,
    "father": "m",
    "sister": "f",
}

#: Honorifics that precede a name but are not part of it ("Mrs [Jane Doe]").
NAME_PREFIXES: frozenset[str] = frozenset(
    {"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "dame", "rev", "mr.", "mrs.", "ms.",
     "dr.", "prof.", "rev."}
)  # fmt: skip

#: Head nouns of descriptions that may stand for a named person ("the minister said").
ROLE_NOUNS: frozenset[str] = frozenset(
    """
    leader president minister premier chancellor spokesman spokeswoman spokesperson official
    secretary director ambassador envoy diplomat senator mayor governor chief head chairman
    chairwoman chair ceo executive manager prosecutor judge lawyer attorney officer commander
    general king queen prince princess monarch ruler politician lawmaker legislator
    representative councillor councilor candidate founder boss coach captain analyst expert
    economist researcher scientist professor doctor author writer activist campaigner
    negotiator mediator adviser advisor aide deputy counterpart host guest owner president-elect
    """.split()
)

#: Determiners that make a description definite (and so a candidate for resolution).
DEFINITE_DETERMINERS: frozenset[str] = frozenset({"the", "this", "that"})

#: Entity labels that can be the source of a quote.
SOURCE_LABELS: frozenset[str] = frozenset({"PERSON", "ORG", "GPE", "NORP"})
