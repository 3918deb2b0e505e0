"""Small, generic English word lists used by the regex extractor.

Nothing here comes from a particular corpus: the lists are general English (titles, speech verbs,
calendar and number words) plus country names and demonyms derived from ISO 3166 (``pycountry``).
Every list is a ``frozenset`` of exact, case-sensitive strings unless its name says otherwise.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

import pycountry


def alternation(words: frozenset[str] | set[str], space: str = r"\ ") -> str:
    """A regular expression matching any of ``words`` (longest first), factored as a trie.

    ``{"said", "says", "stated"}`` gives ``s(?:a(?:id|ys)|tated)``: the engine then tests one
    character per branch instead of trying every word in turn, which keeps big word lists fast.
    A space inside a phrase ("at least") becomes ``space`` (a pattern: ``\\s``, ``[ \\t]+``).
    """
    trie: dict[str, dict] = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict[str, dict]) -> str:
        branches = [
            (space if ch == " " else re.escape(ch)) + build(child)
            for ch, child in sorted(node.items())
            if ch
        ]
        if not branches:
            return ""
        if len(branches) == 1 and "" not in node:
            return branches[0]
        group = "(?:" + "|".join(branches) + ")"
        return group + "?" if "" in node else group

    return build(trie) if words else "(?!)"


_REPEATED: list[tuple[frozenset[str], tuple[str, ...]]] = []


def words(text: str, sep: str | None = None) -> frozenset[str]:
    """The words of ``text`` (split at white space, or at ``sep`` with each piece stripped).

    A word given twice is recorded: :func:`duplicates` reports it and a test fails on it.
    """
    items = [w.strip() for w in text.split(sep)] if sep else text.split()
    items = [w for w in items if w]
    out = frozenset(items)
    if len(out) < len(items):
        twice = sorted(w for w, n in Counter(items).items() if n > 1)
        _REPEATED.append((out, tuple(twice)))
    return out


def duplicates() -> dict[str, tuple[str, ...]]:
    """Word lists of this module that were given a word twice: list name -> the words."""
    names = {id(v): n for n, v in globals().items() if isinstance(v, frozenset)}
    return {names.get(id(listed), "<unnamed>"): twice for listed, twice in _REPEATED}


def lists() -> dict[str, frozenset[str]]:
    """Every public word list of this module, by name."""
    return {
        n: v
        for n, v in globals().items()
        if n.isupper() and not n.startswith("_") and isinstance(v, frozenset)
    }


# --- people -----------------------------------------------------------------------------------

#: Honorifics and titles written before a name ("Mr Smith", "President Jane Doe"). Outside PERSON.
TITLES: frozenset[str] = words(
    """Mr Mr. Mrs Mrs. Ms Ms. Miss Mx Dr Dr. Prof Prof. Professor Sir Dame Lord Lady Madam
    President Vice Prime Minister Secretary Chancellor King Queen Prince Princess Pope Emperor
    Sheikh Sheik Emir Sultan Crown Senator Sen. Rep. Representative Congressman Congresswoman
    Governor Gov. Mayor Councillor Councilor General Gen. Colonel Col. Major Maj. Captain Capt.
    Lieutenant Lt. Sergeant Sgt. Admiral Adm. Commander Marshal Brigadier Corporal Private
    Judge Justice Ambassador Envoy Chairman Chairwoman Chair Director Spokesman Spokeswoman
    Spokesperson Rev. Reverend Father Bishop Archbishop Cardinal Rabbi Imam Ayatollah Premier
    Commissioner Inspector Superintendent Constable Detective Officer Agent Minister-President
    Secretary-General Attorney Speaker Leader Coach Manager CEO MP MEP"""
)

#: Capitalised words that belong to a title when a title follows ("Foreign Minister").
TITLE_MODIFIERS: frozenset[str] = words(
    """Deputy Vice Prime Chief Foreign Defence Defense Interior Home Finance Economy Economic
    Trade Health Education Energy Justice Environment Culture Transport Labour Agriculture
    Acting Former Ex Then Senior Junior Assistant Attorney Lord Supreme Grand Crown First
    Executive Managing General Secretary Opposition Party Army Police Foreign-Affairs"""
)

#: Lower-case role nouns that, right before a capitalised name, mark it as a person
#: ("opposition leader Jane Doe", "defence minister John Roe").
ROLE_NOUNS: frozenset[str] = words(
    """leader minister president spokesman spokeswoman spokesperson chief head official
    secretary ambassador envoy diplomat general commander officer director chairman chairwoman
    chair ceo founder executive adviser advisor aide analyst expert professor researcher
    economist lawyer attorney judge prosecutor senator governor mayor lawmaker legislator
    politician candidate activist journalist correspondent reporter editor author writer
    colleague counterpart rival opponent premier chancellor king queen prince monarch cleric
    pilot soldier captain colonel coach manager player striker singer actor actress"""
)

#: Plural nouns that can be the subject of a speech verb without a name ("officials said").
GROUP_NOUNS: frozenset[str] = words(
    """officials police sources experts analysts witnesses residents critics investigators
    prosecutors diplomats observers authorities lawmakers officers aides activists doctors
    scientists researchers economists leaders ministers protesters campaigners organisers
    organizers organizations organisations spokesmen rebels militants insurgents
    reports"""
)

#: Plural endings of nouns for kinds of people ("meteorologists", "physicians").
_GROUP_SUFFIXES = ("ists", "icians")


def is_group_noun(word: str) -> bool:
    """Whether ``word`` names a kind of people in the plural ("Officials", "Geologists")."""
    w = word.lower()
    return w in GROUP_NOUNS or (len(w) > 6 and w.endswith(_GROUP_SUFFIXES))


#: Pronouns that refer to one person (resolved to the most recent person mention).
PERSON_PRONOUNS: frozenset[str] = words("he she")

# --- speech -----------------------------------------------------------------------------------

_SPEECH_LEMMAS = words("""say tell warn insist add announce argue state claim stress note explain
believe think suggest acknowledge admit assert confirm declare deny emphasise emphasize
estimate predict promise recall remark reply report reveal write describe accuse vow pledge
complain concede observe answer respond comment caution allege maintain contend reiterate
underline underscore hint indicate signal conclude mention assure inform reckon urge
threaten boast joke lament recount testify tweet post stipulate repeat demand propose
recommend speculate wonder affirm proclaim disclose advise fear ask shout yell scream whisper
exclaim chant mutter murmur plead quip retort interject concur""")

_IRREGULAR_FORMS = {
    "say": ("said", "says", "say", "saying"),
    "ask": ("asked", "asks"),
    "tell": ("told", "tells", "tell", "telling"),
    "think": ("thought", "thinks", "think"),
    "write": ("wrote", "writes", "written"),
}


def _verb_forms(lemma: str) -> tuple[str, ...]:
    """Past and present forms of a regular verb ("warn" -> "warned", "warns")."""
    if lemma in _IRREGULAR_FORMS:
        return _IRREGULAR_FORMS[lemma]
    if lemma.endswith("e"):
        past = lemma + "d"
    elif lemma.endswith("y") and lemma[-2] not in "aeiou":
        past = lemma[:-1] + "ied"
    else:
        past = lemma + "ed"
    if lemma.endswith(("s", "sh", "ch", "x", "z")):
        third = lemma + "es"
    elif lemma.endswith("y") and lemma[-2] not in "aeiou":
        third = lemma[:-1] + "ies"
    else:
        third = lemma + "s"
    return (past, third)


_DOUBLED = {"admit": "admitted", "signal": "signalled"}

#: Speech and cognition verbs, in the forms used to report speech ("said", "says", "warned").
SPEECH_VERBS: frozenset[str] = frozenset(
    form
    for lemma in _SPEECH_LEMMAS
    for form in (
        (*_verb_forms(lemma), _DOUBLED[lemma]) if lemma in _DOUBLED else _verb_forms(lemma)
    )
    if not form.endswith("ing") and form != "written"
)

#: Verbs that report speech only around a quoted fragment ("called it a ‘disgrace’").
MIXED_ONLY_VERBS: frozenset[str] = words(
    "called calls dubbed dubs labelled labeled labels branded brands termed terms"
)
#: Reporting phrases made of a verb and a preposition (the clause follows the preposition).
PHRASAL_CUES: frozenset[str] = words(
    "called for|calls for|appealed for|appeals for|quoted as saying", sep="|"
)

#: Participles that add a reported clause to the subject of the sentence
#: ("..., saying that ...", "..., adding the plan would fail").
PARTICIPLE_CUES: frozenset[str] = words(
    """saying adding stating arguing insisting warning claiming noting explaining stressing
    telling suggesting declaring accusing describing calling asserting emphasising
    emphasizing predicting promising vowing"""
)

#: Verbs whose object is the addressee, skipped before the reported clause ("told reporters").
ADDRESSEE_VERBS: frozenset[str] = words(
    """told tells tell warned warns assured assures informed informs reminded reminds urged urges
    asked asks"""
)

#: Adverbs and auxiliaries allowed between a speaker and the cue ("Smith also said").
CUE_ADVERBS: frozenset[str] = words(
    """also later previously then further again earlier recently has had have would will
    reportedly repeatedly publicly privately simply once already often frequently
    never separately additionally meanwhile however subsequently"""
)

#: Auxiliaries of a passive or perfect cue ("was quoted as saying", "has been told").
CUE_AUXILIARIES: frozenset[str] = words("was|were|is|are|has been", sep="|")
#: Coordinating conjunctions that add a second cue to a subject ("said ... and added that").
COORDINATORS: frozenset[str] = words("and but")

# --- the words around a reported clause -------------------------------------------------------

#: Prepositions that open an adjunct of time or place ("said on Friday", "said in a statement").
ADJUNCT_PREPOSITIONS: frozenset[str] = words("on in at during after before")
#: Deictic words that open an adjunct of time ("said last week", "said this morning").
TIME_DEICTICS: frozenset[str] = words("last this")
#: Adverbs of time that open an adjunct ("said yesterday", "said earlier").
TIME_ADVERBS: frozenset[str] = words("yesterday today earlier later late early")
#: Every word that opens an adjunct of time or place after a cue.
ADJUNCT_WORDS: frozenset[str] = ADJUNCT_PREPOSITIONS | TIME_DEICTICS | TIME_ADVERBS
#: Adverbs of the act of saying, between a cue and its "that" ("said publicly that").
REPORTING_ADVERBS: frozenset[str] = words(
    "publicly repeatedly again also then separately recently previously"
)
#: Words that open what follows a postposed attribution and is not said ("..., she said on
#: Friday", "..., he said publicly", "..., he said, adding ..."), besides the adjunct words.
AFTER_ATTRIBUTION: frozenset[str] = REPORTING_ADVERBS | words(
    """while when as to from with without tonight afterwards adding according standing
    speaking citing referring"""
)
#: Words before a weekday or a month between a subject and its cue ("X on Tuesday denied").
CALENDAR_MODIFIERS: frozenset[str] = words("on last this early late in")
#: Days named by a word between a subject and its cue ("X yesterday denied").
DAY_WORDS: frozenset[str] = words("yesterday today")
#: Counts and plural calendar units of "for months that", "for two years that".
SPAN_COUNTS: frozenset[str] = words("several|many|some|a few|two|three", sep="|")
PLURAL_DATE_UNITS: frozenset[str] = words("days weeks months years decades")
#: Prepositions a reported clause does not start with ("writes about ...", "spoke to ...").
CUE_PREPOSITIONS: frozenset[str] = words(
    "about with for to from by against into of over toward towards up out off"
)
#: Prepositions and particles that end the noun phrase of an addressee ("told the press that").
ADDRESSEE_ENDS: frozenset[str] = words(
    "about against at by for from in into of on over to toward towards with that not"
)
#: Conjunctions after ", X said," that start something else than the rest of the quote.
CONJUNCTIONS_AFTER_ATTRIBUTION: frozenset[str] = words(
    "as while after before because but and although though when adding with"
)
#: Words that open a reported clause without belonging to what was said ("that", "though").
CLAUSE_OPENERS: frozenset[str] = words("that though although while whereas")
#: Connective adverbs set off by commas, at the start of a clause or between a subject and its
#: cue. (One list for both contexts was measured: it changed five PolNeAR quotes, not all for
#: the better, so each context adds its own words.)
_CONNECTIVE_ADVERBS: frozenset[str] = words(
    "however meanwhile instead nevertheless nonetheless also"
)
#: Sentence adverbs with a comma at the start of a clause ("However, ..."), not said.
SENTENCE_ADVERBS: frozenset[str] = frozenset(
    w.capitalize()
    for w in _CONNECTIVE_ADVERBS | words("still now moreover furthermore indeed yet then")
)
#: Conjunctions left at the end of a reported clause ("..., and"), cut off.
TRAILING_CONJUNCTIONS: frozenset[str] = words(
    "and but although though while whereas as because so or"
)

# --- subjects and descriptions ----------------------------------------------------------------

#: Articles and possessive determiners of a description ("the minister", "her lawyer").
DETERMINERS: frozenset[str] = words("the a an his her its their")
#: Subject pronouns of a cue ("she said"); "I" and a "who" after a comma are added in patterns.
SUBJECT_PRONOUNS: frozenset[str] = words("he she they it we")
#: Relative pronouns between a noun and its clause ("the company that owns the mill said").
RELATIVE_PRONOUNS: frozenset[str] = words("that which who")
#: Words that open an apposition between a subject and its cue ("Jane Doe, the mayor, said",
#: "X, who had doubts, said"), besides determiners, role nouns and participles.
APPOSITION_WORDS: frozenset[str] = _CONNECTIVE_ADVERBS | words(
    "who whose which former deputy senior acting though too"
)
#: Words that end a description: it has no verb, clause or conjunction ("the minister who").
NOT_IN_DESCRIPTIONS: frozenset[str] = words(
    """that which who whom with and but or to in on by from is was were are be has had have
    will would can could as than into after before about also not"""
)
#: Prepositions a description does not end with ("a spokesman for ...").
DESCRIPTION_PREPOSITIONS: frozenset[str] = words("of for at")
#: Prepositions that tie a group to an organisation ("analysts at Grell Bank").
GROUP_LINKS: frozenset[str] = words("at from with")
#: Prepositions that tie a document to its author ("a statement from the ministry").
AUTHOR_LINKS: frozenset[str] = words("from by of")
#: Documents whose author is the source of what they say ("according to a statement").
DOCUMENT_NOUNS: frozenset[str] = words(
    """statement report communique communiqué release filing letter memo document post tweet
    transcript study survey poll"""
)
#: Head nouns of organisations besides the organisation keywords ("the company said").
ORGANISATION_NOUNS: frozenset[str] = words(
    "government military statement report company firm group ministry"
)
#: Abbreviated titles written with a full stop ("Mr.", "Gen.").
ABBREVIATED_TITLES: frozenset[str] = words(
    "Mr Mrs Ms Dr Gen Col Lt Sgt Capt Gov Sen Rep Prof Rev St"
)
#: Other abbreviations with a full stop that does not end a sentence ("Inc.", "U.S.").
ABBREVIATIONS: frozenset[str] = words("Jr Sr Inc Corp Ltd Co No vs U.S U.K U.N E.U")

# --- calendar and numbers ---------------------------------------------------------------------

MONTH_NAMES: frozenset[str] = words(
    "January February March April May June July August September October November December"
)
MONTH_ABBREVIATIONS: frozenset[str] = words("Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec")
MONTHS: frozenset[str] = MONTH_NAMES | MONTH_ABBREVIATIONS
WEEKDAYS: frozenset[str] = words("Monday Tuesday Wednesday Thursday Friday Saturday Sunday")
#: Words that make a DATE on their own (lower case).
DATE_WORDS: frozenset[str] = words("yesterday today tomorrow tonight weekend")
#: Calendar units (lower case) for "last week", "three years ago".
DATE_UNITS: frozenset[str] = words(
    "day days week weeks month months year years decade decades century centuries"
)
TIME_UNITS: frozenset[str] = words("second seconds minute minutes hour hours")
#: Parts of the day (lower case) for "Friday evening", "this morning".
DAY_PARTS: frozenset[str] = words("morning afternoon evening night midday noon midnight")
#: Words before a part of the day, besides weekdays ("this morning", "late evening").
DAY_PART_MODIFIERS: frozenset[str] = words("this that last yesterday tomorrow early late")
#: Seasons, for "last summer", "this autumn".
SEASONS: frozenset[str] = words("summer winter spring autumn fall")
#: Early and late ends of a period ("early November", "later this week").
EARLY_LATE: frozenset[str] = words("early late earlier later")
#: Words before a weekday that belong to the date ("last Friday", "next Monday"); "on" is
#: matched and then cut off the DATE.
WEEKDAY_MODIFIERS: frozenset[str] = words("last next this on")
#: Words that place a calendar unit relative to now ("last week", "the following day").
RELATIVE_DATE_WORDS: frozenset[str] = words(
    "last next this past coming previous same recent following"
)
#: The relative words that take "the" within a DATE ("the next day", "the same week").
DEFINITE_RELATIVE_DATE_WORDS: frozenset[str] = words("next following previous same")
#: Relative words before a counted span ("the past two years", "the next few days").
SPAN_DATE_WORDS: frozenset[str] = words("past last next coming previous")
#: Words after a counted span that place it in time ("three days ago", "a week later").
DATE_OFFSETS: frozenset[str] = words("ago earlier later")
#: Words that the DATE patterns find but that are too ambiguous to be a DATE on their own
#: ("May" is also a verb and a name).
AMBIGUOUS_DATE_WORDS: frozenset[str] = words("weekend May")
#: Words before "one" that make it a pronoun, not a count ("the one", "which one").
ONE_PRONOUN_BEFORE: frozenset[str] = words("the this that no any every each which last")
#: Words after "one" that make it a pronoun ("one another", "the one who").
ONE_PRONOUN_AFTER: frozenset[str] = words(
    "another|who|that|which|of us|of them|of the most", sep="|"
)

NUMBER_WORDS: frozenset[str] = words(
    """one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen
    sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety
    hundred thousand million billion trillion dozen dozens hundreds thousands millions billions"""
)
ORDINAL_WORDS: frozenset[str] = words(
    """first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth
    thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth twentieth
    thirtieth fortieth fiftieth hundredth thousandth"""
)
#: Approximations that belong to a number's span ("at least seven", "more than 200").
APPROXIMATORS: frozenset[str] = words(
    """at least|at most|more than|less than|fewer than|up to|about|around|nearly|almost|some
    |roughly|approximately|over""",
    sep="|",
)
#: Scale words and abbreviations after a number ("4.5 million", "$3bn", "20k").
NUMBER_SCALES: frozenset[str] = words("million billion trillion bn mn m k")
#: Counts without a number ("several days", "few hours").
VAGUE_COUNTS: frozenset[str] = words("several few")
#: Currency symbols, and the country prefixes written before some of them ("US$", "HK$").
CURRENCY_SYMBOLS: frozenset[str] = words("$ € £ ¥ ₹")
CURRENCY_PREFIXES: frozenset[str] = words("US USD A C NZ HK S")
#: Endings of ordinal numbers in digits ("21st", "3rd").
ORDINAL_SUFFIXES: frozenset[str] = words("st nd rd th")
CURRENCY_WORDS: frozenset[str] = words(
    """dollar dollars euro euros pound pounds sterling yen yuan renminbi rouble roubles ruble
    rubles rupee rupees franc francs peso pesos lira liras real reais won rand krona kronor
    krone kroner shekel shekels dinar dinars dirham dirhams riyal riyals naira cent cents
    pence zloty zlotys forint forints koruna lei leu hryvnia hryvnias baht ringgit rupiah dong
    lari tenge som bitcoin bitcoins"""
)
#: Units that turn a number into a QUANTITY (lower case).
QUANTITY_UNITS: frozenset[str] = words(
    """km kilometre kilometres kilometer kilometers mile miles metre metres meter meters m cm mm
    foot feet ft inch inches yard yards kg kilogram kilograms kilo kilos gram grams g tonne
    tonnes ton tons pound-weight lb lbs ounce ounces litre litres liter liters gallon gallons
    barrel barrels acre acres hectare hectares mph kph knots degrees"""
)

# --- organisations ----------------------------------------------------------------------------

#: Capitalised words that make a name an organisation ("Defence Ministry", "Acme Inc").
ORG_KEYWORDS: frozenset[str] = words(
    """Ministry Ministries Agency Agencies Party Council University College School Academy
    Institute Institution Inc Inc. Corp Corp. Corporation Co Co. Ltd Ltd. LLC PLC plc GmbH AG
    SA Company Companies Group Holdings Bank Fund Foundation Trust Association Federation
    Union League Alliance Coalition Organisation Organization Organisations Organizations
    Committee Commission Authority Authorities Office Department Bureau Service Services
    Army Navy Forces Force Guard Guards Police Parliament Assembly Congress Senate
    Court Tribunal Cabinet Government Administration Embassy Consulate Front Movement
    Brigade Brigades Battalion Regiment Command Network News Times Post Press Journal Herald
    Telegraph Tribune Gazette Radio Television TV Broadcasting Airlines Airways Motors
    Systems Technologies Industries Labs Club Society Church Center Centre Board
    Nations Reserve Exchange Hospital Museum Foods Capital Securities Investments
    Insurance Pharmaceuticals Pharma Brands Media Telecom Communications Entertainment Studios
    Resources Petroleum Logistics Software Electronics Chemicals Financial Bancorp"""
)

#: Upper-case words that are not organisation acronyms.
NON_ACRONYMS: frozenset[str] = words(
    """I A OK AM PM TV ID PS II III IV VI VII VIII IX XI XII AD BC CEO UPDATE UPDATED BREAKING
    WATCH VIDEO PHOTO PHOTOS READ MORE LIVE NEW EXCLUSIVE THE AND OF IN ON TO FOR BY AT GMT UTC
    EST EDT PST PDT BST CET CEST"""
)

# --- places and nationalities -----------------------------------------------------------------

#: Conventional short names and abbreviations of countries that ISO 3166 spells otherwise.
_COUNTRY_ALIASES = """Russia Britain Great Britain America England Scotland Wales Northern Ireland
Holland Burma Ivory Coast Czech Republic Macedonia Swaziland Cape Verde East Timor Vatican
Palestine Brunei Congo Kosovo Tibet Gaza West Bank Taiwan Korea
Turkey Micronesia""".split("\n")  # common English names that ISO 3166 renamed (Türkiye)

_ABBREVIATED_COUNTRIES = words("US U.S. U.S USA U.S.A. UK U.K. UAE U.A.E. DRC PRC ROK DPRK")


def _country_names() -> frozenset[str]:
    names: set[str] = set()
    for country in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            value = getattr(country, attr, None)
            if value and "," not in value and "(" not in value:
                names.add(value.removeprefix("the "))
    for line in _COUNTRY_ALIASES:
        names.update(_split_aliases(line))
    return frozenset(names)


def _split_aliases(line: str) -> list[str]:
    """Split a line of space-separated names, keeping the known two-word names together."""
    words = line.split()
    out: list[str] = []
    i = 0
    while i < len(words):
        pair = " ".join(words[i : i + 2])
        if pair in _TWO_WORD_ALIASES:
            out.append(pair)
            i += 2
        else:
            out.append(words[i])
            i += 1
    return out


_TWO_WORD_ALIASES = words(
    "Great Britain|Northern Ireland|Ivory Coast|Czech Republic|Cape Verde|East Timor|West Bank",
    sep="|",
)

#: Country names (ISO 3166 names, common and official names, conventional short names).
COUNTRIES: frozenset[str] = _country_names()
#: Abbreviated country names ("U.S.", "UK"): GPE, not ORG acronyms.
COUNTRY_ABBREVIATIONS: frozenset[str] = _ABBREVIATED_COUNTRIES

#: Demonyms that no suffix rule derives from a country name.
_IRREGULAR_DEMONYMS = words("""American British English Scottish Welsh Irish French Spanish
Portuguese Dutch Flemish Swiss German Danish Swedish Norwegian Finnish Icelandic Polish
Czech Slovak Greek Cypriot Maltese Turkish Kurdish Arab Emirati Saudi Iranian Persian
Afghan Chinese Japanese Taiwanese Vietnamese Burmese Thai Lao Laotian Filipino Malay
Lebanese Sudanese Senegalese Togolese Congolese Gabonese Beninese Malian Nigerien Chadian
Ivorian Ghanaian Somali Egyptian Brazilian Peruvian Ecuadorian Argentine Argentinian Chilean
Jordanian Haitian Belarusian Ukrainian Canadian Kazakh Uzbek Tajik Kyrgyz Turkmen
Bosnian Montenegrin Azerbaijani Azeri Israeli Iraqi Kuwaiti Qatari Omani Yemeni Bahraini
Nepali Nepalese Bangladeshi Pakistani Palestinian Uruguayan Paraguayan Panamanian
Singaporean Kiwi Luxembourgish Monegasque Bahamian Barbadian Guyanese Surinamese
Mauritian Malagasy Cameroonian Djiboutian Zimbabwean Mozambican Basotho Motswana Swazi
Western Eastern European African Asian Latin Hispanic Nordic Scandinavian Balkan Baltic
Caucasian Soviet Muslim Muslims Christian Christians Jewish Jews Jew Catholic Catholics
Protestant Protestants Orthodox Sunni Sunnis Shia Shiite Shiites Alawite Alawites Hindu
Hindus Sikh Sikhs Buddhist Buddhists Islamist Islamists Moslem Moslems Jihadist Jihadists
Kurds Arabs
Democrat Democrats Republican Republicans Conservative Conservatives Socialist Socialists
Communist Communists Liberal Liberals Labour Tory Tories""")


def _demonym(name: str) -> str | None:
    """A regular English demonym of a country name ("Kenya" -> "Kenyan", "South Korea" ->
    "South Korean"); irregular ones are listed in ``_IRREGULAR_DEMONYMS``."""
    head, _, last = name.rpartition(" ")
    if not last.isalpha():
        return None
    if last.endswith("stan"):
        form = last + "i"
    elif last.endswith("ium"):
        form = last[:-3] + "ian"
    elif last.endswith("a"):
        form = last + "n"
    elif last.endswith("o"):
        form = last[:-1] + "an"
    elif last.endswith("y"):
        form = last[:-1] + "ian"
    elif last.endswith("e"):
        form = last[:-1] + "ean"
    else:
        return None
    return f"{head} {form}" if head else form


def _demonyms() -> frozenset[str]:
    derived = {d for n in COUNTRIES if (d := _demonym(n))}
    base = derived | set(_IRREGULAR_DEMONYMS)
    # plural nouns of nationality ("Kenyans", "Germans"): NORP as well
    plurals = {d + "s" for d in base if d.endswith(("an", "i")) and not d.endswith("ese")}
    return frozenset(base | plurals)


#: Nationality, religious and political group adjectives and nouns (NORP).
DEMONYMS: frozenset[str] = _demonyms()

#: Capitals and other large cities of the world (GPE).
CITIES: frozenset[str] = words(
    """Abu Dhabi|Abuja|Accra|Addis Ababa|Algiers|Amman|Amsterdam|Ankara|Antananarivo
    |Asmara|Astana|Asuncion|Athens|Baghdad|Baku|Bamako|Bangkok|Bangui|Beijing|Beirut|Belgrade
    |Berlin|Bern|Bishkek|Bogota|Brasilia|Bratislava|Brazzaville|Brussels|Bucharest|Budapest
    |Buenos Aires|Cairo|Canberra|Caracas|Chisinau|Colombo|Conakry|Copenhagen|Dakar|Damascus
    |Dhaka|Dili|Djibouti|Doha|Dublin|Dushanbe|Freetown|Gaborone|Georgetown|Guatemala City
    |Hanoi|Harare|Havana|Helsinki|Islamabad|Jakarta|Jerusalem|Juba|Kabul|Kampala|Kathmandu
    |Khartoum|Kigali|Kingston|Kinshasa|Kuala Lumpur|Kuwait City|Kyiv|Kiev|La Paz|Libreville
    |Lilongwe|Lima|Lisbon|Ljubljana|Lome|London|Luanda|Lusaka|Luxembourg|Madrid|Managua|Manama
    |Manila|Maputo|Maseru|Mexico City|Minsk|Mogadishu|Monrovia|Montevideo|Moscow|Muscat
    |Nairobi|Nassau|Naypyidaw|New Delhi|Niamey|Nicosia|Nouakchott|Oslo|Ottawa|Ouagadougou
    |Panama City|Paramaribo|Paris|Phnom Penh|Podgorica|Port-au-Prince|Prague|Pretoria
    |Pristina|Pyongyang|Quito|Rabat|Reykjavik|Riga|Riyadh|Rome|Sanaa|San Jose|San Salvador
    |Santiago|Santo Domingo|Sarajevo|Seoul|Singapore|Skopje|Sofia|Stockholm|Suva|Taipei
    |Tallinn|Tashkent|Tbilisi|Tegucigalpa|Tehran|Tirana|Tokyo|Tripoli|Tunis|Ulaanbaatar
    |Vaduz|Valletta|Vienna|Vientiane|Vilnius|Warsaw|Washington|Wellington|Windhoek|Yamoussoukro
    |Yaounde|Yerevan|Zagreb|New York|Los Angeles|Chicago|Houston|San Francisco|Boston|Miami
    |Seattle|Atlanta|Dallas|Philadelphia|Detroit|Toronto|Montreal|Vancouver|Sydney|Melbourne
    |Mumbai|Delhi|Kolkata|Chennai|Bangalore|Karachi|Lahore|Shanghai|Hong Kong|Shenzhen
    |Guangzhou|Osaka|Istanbul|Dubai|Lagos|Johannesburg|Cape Town|Sao Paulo|Rio de Janeiro
    |Marseille|Lyon|Munich|Hamburg|Frankfurt|Milan|Naples|Barcelona|Geneva|Zurich|Manchester
    |Birmingham|Glasgow|Edinburgh|Belfast|Cardiff|Liverpool|St Petersburg|Aleppo|Mosul|Basra
    |Kandahar|Gaza City|Tel Aviv|Alexandria|Casablanca|Marrakesh|Benghazi|Odesa|Odessa
    |Kharkiv|Strasbourg|The Hague|Rotterdam|Antwerp|Krakow|Gdansk""",
    sep="|",
)

#: Last words of multi-word names of facilities, natural places and administrative areas.
FAC_KEYWORDS: frozenset[str] = words(
    """Airport Airbase Base Station Bridge Tower Towers Hall Stadium Arena Palace Square Street
    Road Avenue Boulevard Highway Motorway Tunnel Dam Port Harbour Harbor Building Plaza
    Cathedral Mosque Temple Synagogue Prison Camp Hotel Mall Terminal Canal"""
)
LOC_KEYWORDS: frozenset[str] = words(
    """River Lake Mountains Mountain Mount Sea Ocean Bay Gulf Valley Desert Island Islands
    Peninsula Coast Strait Straits Plateau Forest Basin Delta Heights"""
)
GPE_KEYWORDS: frozenset[str] = words("City County Province Governorate Oblast")
#: Capitalised words that do not occur in people's names (guessing a PERSON skips them).
NOT_IN_PERSON_NAMES: frozenset[str] = words(
    """State States Republic Kingdom Empire Union United National International Islamic
    Democratic People Popular Federal Central Northern Southern Eastern Western North South
    East West New Great Royal Free Liberation Revolutionary Day Week Year Act Law Bill Treaty
    Agreement Accord Summit Conference Games Cup League Championship Olympics War Crisis
    Affairs Security Defence Defense Foreign Interior Home World Open Series Star Stars
    Red Blue Green White Black Gold Golden Silver Real Air Energy Oil Gas Power Bank Group Club
    Team City Town County Park Street Road Market Markets Index Exchange Trade Research Capital
    Holdings Partners Services Systems Solutions Media Sports Motor Motors Airlines Jones
    Stock Stocks Bond Bonds Grand Prix Tour Race Championships Festival Awards"""
)


def _ascii(name: str) -> str:
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()


#: States and provinces of a few countries whose English names are common in the news (GPE).
STATES: frozenset[str] = frozenset(
    _ascii(sub.name)
    for code in ("US", "CA", "AU", "IN")
    for sub in pycountry.subdivisions.get(country_code=code) or ()
    if "," not in sub.name and sub.name not in {"Victoria", "Georgia"}
)

#: Major news agencies and outlets, often the source of a quote (ORG).
NEWS_ORGS: frozenset[str] = words(
    """Reuters|AFP|Agence France-Presse|Associated Press|AP|Bloomberg|BBC|CNN|Al Jazeera|Xinhua
    |Interfax|TASS|RIA Novosti|Kyodo|Yonhap|dpa|ANSA|EFE|Sky News|Fox News|NBC|CBS|ABC|NPR|PBS
    |MSNBC|CNBC|The New York Times|New York Times|The Washington Post|Washington Post|The Guardian
    |The Times|Financial Times|Wall Street Journal|The Economist|Le Monde|Der Spiegel|Politico
    |Axios|Twitter|Facebook|YouTube|Instagram|TikTok""",
    sep="|",
)

#: Geographical region names (LOC).
REGIONS: frozenset[str] = words(
    """Europe Asia Africa Antarctica Oceania Arctic Atlantic Pacific Mediterranean Caribbean
    Balkans Caucasus Sahara Sahel Scandinavia Siberia Himalayas Alps Andes Amazon"""
)
#: Two-word region names (LOC).
REGION_PHRASES: frozenset[str] = words(
    """Middle East|Far East|Near East|North Africa|West Africa|East Africa|Southern Africa
    |Central Asia|South Asia|Southeast Asia|East Asia|Latin America|South America
    |North America|Central America|Eastern Europe|Western Europe|Central Europe|Black Sea
    |Red Sea|Baltic Sea|North Sea|Persian Gulf|Gulf of Mexico|Indian Ocean|Atlantic Ocean
    |Pacific Ocean|Arctic Ocean|Horn of Africa|Sub-Saharan Africa|Caspian Sea
    |South China Sea""",
    sep="|",
)

# --- capitalised words that are not names -----------------------------------------------------

#: Words that are capitalised at the start of a sentence or a headline but are not names.
NON_NAME_WORDS: frozenset[str] = words(
    """The A An This That These Those There Here It Its He She They We You I His Her Their Our
    My Your Who What When Where Why How Which Whose Whom If But And Or Nor So Yet For Of In On
    At By To From With Without Within Into Onto Over Under After Before Since Until During
    While Although Though Because As About Above Below Across Against Along Among Around
    Behind Beside Besides Between Beyond Despite Inside Outside Through Throughout Toward
    Towards Upon Via Per Not No Yes All Any Each Every Some Many Much More Most Few Several
    Both Either Neither Other Another Such Only Also Even Just Still Then Now Later Earlier
    Meanwhile However Moreover Furthermore Therefore Thus Hence Instead Otherwise Indeed
    Separately Similarly Likewise Nevertheless Nonetheless Overall Finally First Second Third
    Last Next Previously Recently Currently Today Yesterday Tomorrow Tonight Once Twice Again
    According Asked Speaking Writing Talking Addressing Responding Reporting Following
    Published Updated Share Advertisement Related Read Watch Click Sign Subscribe Follow Photo
    Image Video Source Sources Note Editor Editors Comments Comment Top Home News
    Breaking Live Update Dear Please Thank Thanks Let Do Does Did Is
    Are Was Were Be Been Being Have Has Had Will Would Shall Should Can Could May Might Must
    One Two Three Four Five Six Seven Eight Nine Ten Hundreds Thousands Millions Dozens
    Officials Experts Analysts People Police Government Authorities Critics Supporters
    Residents Witnesses Observers Others"""
)

#: Lower-case second parts of hyphenated adjectives that are cut off a name ("Acme-backed").
HYPHEN_SUFFIXES: frozenset[str] = words(
    """led backed based born made owned run controlled held linked allied funded sponsored
    style era type friendly bound speaking inspired brokered registered flagged designed built
    supported dominated affiliated related leaning aligned occupied bred educated trained
    armed like wide only centric"""
)

#: Prepositions that tie a name to what stands before it ("analysts at Acme", "the mayor of
#: Springfield", "Jane Doe of Ohio"): the name is not the subject of a verb that follows.
LINK_PREPOSITIONS: frozenset[str] = words("of in from at for with by")
#: Words that link two names rather than modify the second ("Jane Doe of Ohio", "Acme and
#: Grell", "talks on Friday"): a name after them is not a name of the same subject.
NAME_LINKS: frozenset[str] = LINK_PREPOSITIONS | words("and to on")

#: Lower-case words allowed inside a capitalised name ("Ministry of Defence", "Bank of England").
NAME_CONNECTORS: frozenset[str] = words(
    "of for and the de du des la le van von der den al bin ibn da di dos del"
)
#: Connectors that bind the words around them into one name ("Ministry of Water and Power").
BINDING_CONNECTORS: frozenset[str] = words("of for")
#: Connectors between two names ("Chile and Peru"), unless a binding connector came first.
SEPARATING_CONNECTORS: frozenset[str] = words("and the")
#: Lower-case particles joined to a name by a hyphen ("al-Hamid", "van-Dijk").
NAME_PARTICLES: frozenset[str] = words("al el bin ibn abu ben de van von")
#: Plural verbs after a capitalised word: a plural noun, not a person ("Unions have warned").
PLURAL_VERBS: frozenset[str] = words("have are were")
#: Prepositions after which an unknown name is a place ("flooding in Eastbury").
LOCATIVE_PREPOSITIONS: frozenset[str] = words("in near outside")
#: Nouns of settlements and areas before "of" and a place ("the town of Eastbury").
SETTLEMENT_NOUNS: frozenset[str] = words(
    "town city village port province region district suburb capital"
)
#: Nouns of financial holdings whose "in" takes a company, not a place ("shares in Acme").
HOLDING_NOUNS: frozenset[str] = words("shares stake stakes interest investment")
