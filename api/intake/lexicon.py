"""The extractor's word lists: reporting verbs, function words, honorifics, nouns for people, and countries.

General English and general knowledge only: nothing here names a person, a party or an article.
"""


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# Reporting verbs: lemma -> every form that reports speech. Forms that are mostly nouns ("claims", "notes",
# "states", "calls", "hopes") are left out, and "announce" counts only before "that" (an announcement of a
# package is a reported action, not reported speech).
_REGULAR = _words(
    "add insist claim argue explain suggest confirm deny reveal acknowledge admit concede stress "
    "emphasise emphasize warn urge reply respond answer continue vow pledge promise predict complain "
    "maintain assert accuse brand describe reject dismiss blame criticise criticize label declare "
    "reiterate recall boast concede congratulate reference mention highlight caution counter agree "
    "disagree praise hail condemn lament question demand propose recommend tweet hope ask"
)
_IRREGULAR = {
    "say": ("say", "says", "said", "saying"),
    "tell": ("tell", "tells", "told", "telling"),
    "write": ("write", "writes", "wrote", "written", "writing"),
    "speak": ("spoke", "speaks", "speaking"),
    "state": ("stated",),
    "announce": ("announced", "announces", "announcing"),
    "call": ("called", "calling"),
}
_NOUN_LIKE_S = frozenset(
    _words(
        "claims states notes calls hopes pledges promises vows brands labels demands questions answers "
        "replies stresses counters references mentions highlights responses"
    )
)


def _forms(lemma: str) -> set[str]:
    if lemma.endswith("e"):
        past, ing = lemma + "d", lemma[:-1] + "ing"
    elif lemma.endswith("y") and lemma[-2] not in "aeiou":
        past, ing = lemma[:-1] + "ied", lemma + "ing"
    elif lemma in {"admit", "label", "counter", "question", "answer"}:
        doubled = {"admit": "admitt", "label": "labell"}.get(lemma, lemma)
        past, ing = doubled + "ed", doubled + "ing"
    else:
        past, ing = lemma + "ed", lemma + "ing"
    third = lemma[:-1] + "ies" if lemma.endswith("y") and lemma[-2] not in "aeiou" else lemma + "s"
    if lemma.endswith(("s", "sh", "ch", "x", "z")):
        third = lemma + "es"
    forms = {lemma, past, ing, third}
    if lemma == "label":
        forms |= {"labeled", "labeling"}
    return {form for form in forms if form not in _NOUN_LIKE_S}


CUE_FORMS: dict[str, str] = {}
"""Each form of a reporting verb (lower case) -> its lemma."""
NOUN_LIKE_FOLLOWERS = {
    "claims": ("claim", {"that"}),
    "states": ("state", {"that"}),
    "notes": ("note", {"that"}),
    "hopes": ("hope", {"to", "that"}),
    "pledges": ("pledge", {"to", "that"}),
    "promises": ("promise", {"to", "that"}),
    "vows": ("vow", {"to", "that"}),
    "calls": ("call", {"for", "on"}),
    "warns": ("warn", {"that", "of"}),
}
"""Forms that are mostly plural nouns ("asylum claims"): reporting verbs only before these words."""
for _lemma in _REGULAR:
    for _form in _forms(_lemma):
        CUE_FORMS[_form] = _lemma
for _lemma, _list in _IRREGULAR.items():
    for _form in _list:
        if _form not in _NOUN_LIKE_S:
            CUE_FORMS[_form] = _lemma

PHRASAL_CUES: dict[tuple[str, ...], str] = {
    ("ruled", "out"): "rule out",
    ("rules", "out"): "rule out",
    ("ruling", "out"): "rule out",
    ("rule", "out"): "rule out",
    ("made", "clear"): "make clear",
    ("made", "it", "clear"): "make clear",
    ("makes", "clear"): "make clear",
    ("making", "clear"): "make clear",
    ("spoke", "of"): "speak of",
    ("spoke", "about"): "speak of",
    ("speaks", "of"): "speak of",
    ("pointed", "out"): "point out",
    ("points", "out"): "point out",
    ("pointing", "out"): "point out",
    ("according", "to"): "according to",
    ("went", "on"): "go on",
    ("goes", "on"): "go on",
}
"""Reporting constructions of several words (lower case) -> a name for them."""

SPEAK_ONLY_WITH_COMPLEMENT = frozenset({"speak"})
"""``speak`` reports speech only as "spoke of/about"; "speaking to broadcasters" introduces nothing."""
THAT_ONLY = frozenset({"announce", "agree", "disagree", "recall", "answer"})
"""Lemmas that report speech only before a that-clause or a quotation."""
WEAK = frozenset({"hope", "congratulate", "praise", "hail", "condemn", "lament", "mention", "reference", "highlight"})
"""Lemmas that report a stance or a topic more than words; a speaker found through them is less certain."""
COMPLEMENT_FREE = frozenset({"continue", "go on"})
"""Lemmas that only carry a quotation ("The senior Tory continued: '…'"), never a paraphrase."""

BE_FORMS = frozenset(["is", "are", "was", "were", "be", "been", "being", "am", "'s"])
MODALS = frozenset(["will", "would", "could", "may", "might", "should", "must", "shall", "can", "cannot", "to"])
TRY_VERBS = frozenset(
    _words("tried try tries trying sought seek seeks attempted attempt attempts went appeared seemed")
)
"""Verbs after which "to" + a reporting verb still reports speech ("tried to suggest")."""

OBJECT_PREPOSITIONS = frozenset(
    _words(
        "of from with to for in on at about against over into onto towards toward between among under than "
        "alongside beside behind like via per"
    )
)
"""A name right after one of these is not the subject of what follows (but "after the PM used" is: "after",
"before", "since" and "while" also start clauses, so they are not here)."""
DOCUMENT_NOUNS = frozenset(
    _words(
        "statement statements letter report post tweet transcript release announcement message email "
        "spokesman spokeswoman spokesperson office"
    )
)
"""Nouns that carry someone's words: "a statement from the UK government said" names the government."""
POSTPOSED_FOLLOWERS = frozenset(
    _words(
        "on in at during after before following according while as when last yesterday today tonight earlier "
        "later this on, jokingly"
    )
)
"""What follows the verb of a postposed attribution ("…, Rama said on Thursday"), rather than a reported clause."""

STOPWORDS = frozenset(
    _words(
        "a an the and or but nor so yet if then than that this these those there here where when while which "
        "who whom whose what why how to of in on at by for from with without into onto over under about above "
        "below between among through during before after since until up down out off again further once also "
        "too very just only even still already not no yes is are was were be been being am have has had "
        "having do does did doing will would shall should can could may might must i me my mine we us our "
        "ours you your yours he him his she her hers it its they them their theirs itself himself herself "
        "themselves ourselves myself yourself own same such other another any some each every all both either "
        "neither few more most less least much many as it's he's she's they're we're i'm that's there's don't "
        "doesn't didn't won't wouldn't can't couldn't shouldn't isn't aren't wasn't weren't hasn't haven't "
        "hadn't mr mrs ms miss dr sir dame lord lady"
    )
)

HONORIFICS = frozenset(
    ["mr", "mrs", "ms", "miss", "mx", "dr", "sir", "dame", "lord", "lady", "baroness", "professor", "prof"]
)
FIRST_NAME_HONORIFICS = frozenset({"sir", "dame"})
"""British knights and dames are called by first name: "Sir Keir"."""

PRONOUNS = {"he": "person", "she": "person", "they": "group", "it": "organisation"}

PERSON_NOUNS = frozenset(
    _words(
        "source sources insider insiders official officials aide aides ally allies adviser advisers advisor "
        "advisors figure figures minister ministers mp mps spokesman spokeswoman spokesperson spokespeople "
        "diplomat diplomats expert experts analyst analysts critic critics campaigner campaigners lawyer "
        "lawyers police officer officers leader leaders member members colleague colleagues friend friends "
        "staff people person man woman men women tory tories senator senators governor chancellor secretary "
        "president premier commissioner negotiator negotiators representative representatives activist "
        "activists residents resident voters voter economist economists researchers researcher scientist "
        "scientists officials reporter reporters journalist journalists interviewer presenter charity charities "
        "group groups organisation organisations organization organizations union unions council councils "
        "authority authorities campaigners opponent opponents supporter supporters backbencher backbenchers "
        "peer peers lawmaker lawmakers legislator legislators observer observers commentator commentators "
        "academic academics judge judges doctor doctors teacher teachers nurse nurses farmer farmers "
        "protester protesters family families parent parents refugee refugees migrant migrants"
    )
)
"""Heads of noun phrases that can be someone speaking ("Whitehall sources", "Experts", "a senior Tory")."""
TITLE_WORDS = frozenset(
    _words(
        "prime minister secretary home foreign shadow chancellor president vice deputy leader mayor governor "
        "senator chief executive director general minister junior state attorney justice health education "
        "defence defense interior finance economy trade transport environment culture party labour "
        "conservative tory liberal democrat green reform mp mep lord baroness commissioner ambassador spokesman "
        "spokeswoman spokesperson head chair chairman chairwoman professor dr mr mrs ms miss sir dame"
    )
)
"""Words of a title before a name ("Home Secretary Yvette Cooper", "Conservative leader Kemi Badenoch")."""
ANONYMOUS_HEADS = frozenset(
    _words(
        "source sources insider insiders official officials aide aides ally allies adviser advisers figure "
        "figures diplomat diplomats"
    )
)
SPOKESPERSON_HEADS = frozenset(["spokesman", "spokeswoman", "spokesperson", "spokespeople"])
JOURNALIST_NOUNS = frozenset(["reporter", "reporters", "journalist", "journalists", "interviewer", "presenter", "host"])

TITLE_ABBREVIATIONS = {"pm": ("prime", "minister"), "fm": ("foreign", "minister")}
DETERMINERS = frozenset(["the", "a", "an", "one", "two", "three", "some", "several", "senior", "top"])

# Countries by demonym and name (ISO 3166-1 alpha-2; Kosovo XK). Lower case; multi-word names as tuples.
COUNTRIES: dict[str, str] = {}
for _code, _names in {
    "GB": "british britain uk u.k. united-kingdom great-britain english",
    "AL": "albanian albania",
    "IT": "italian italy",
    "FR": "french france",
    "DE": "german germany",
    "ES": "spanish spain",
    "PT": "portuguese portugal",
    "IE": "irish ireland",
    "US": "american us u.s. united-states america",
    "CA": "canadian canada",
    "AU": "australian australia",
    "NZ": "new-zealand",
    "RW": "rwandan rwanda",
    "GR": "greek greece",
    "NL": "dutch netherlands",
    "BE": "belgian belgium",
    "LU": "luxembourg",
    "PL": "polish poland",
    "UA": "ukrainian ukraine",
    "RU": "russian russia",
    "BY": "belarusian belarus",
    "CN": "chinese china",
    "JP": "japanese japan",
    "KR": "korean",
    "IN": "indian india",
    "PK": "pakistani pakistan",
    "AF": "afghan afghanistan",
    "IR": "iranian iran",
    "IQ": "iraqi iraq",
    "SY": "syrian syria",
    "TR": "turkish turkey türkiye",
    "IL": "israeli israel",
    "EG": "egyptian egypt",
    "NG": "nigerian nigeria",
    "ZA": "south-african south-africa",
    "KE": "kenyan kenya",
    "BR": "brazilian brazil",
    "MX": "mexican mexico",
    "AR": "argentine argentinian argentina",
    "RS": "serbian serbia",
    "XK": "kosovan kosovar kosovo",
    "BA": "bosnian bosnia",
    "ME": "montenegrin montenegro",
    "MK": "north-macedonian north-macedonia macedonian",
    "HR": "croatian croatia",
    "SI": "slovenian slovenia",
    "HU": "hungarian hungary",
    "AT": "austrian austria",
    "CH": "swiss switzerland",
    "SE": "swedish sweden",
    "NO": "norwegian norway",
    "DK": "danish denmark",
    "FI": "finnish finland",
    "IS": "icelandic iceland",
    "CZ": "czech czechia",
    "SK": "slovak slovakia",
    "RO": "romanian romania",
    "BG": "bulgarian bulgaria",
    "MT": "maltese malta",
    "CY": "cypriot cyprus",
    "EE": "estonian estonia",
    "LV": "latvian latvia",
    "LT": "lithuanian lithuania",
    "MD": "moldovan moldova",
    "GE": "georgian",
    "AM": "armenian armenia",
    "AZ": "azerbaijani azerbaijan",
    "SA": "saudi",
    "AE": "emirati",
    "QA": "qatari qatar",
    "LB": "lebanese lebanon",
    "JO": "jordanian jordan",
    "TN": "tunisian tunisia",
    "MA": "moroccan morocco",
    "DZ": "algerian algeria",
    "LY": "libyan libya",
    "ER": "eritrean eritrea",
    "SD": "sudanese sudan",
    "ET": "ethiopian ethiopia",
    "SO": "somali somalia",
    "VN": "vietnamese vietnam",
    "BD": "bangladeshi bangladesh",
    "LK": "sri-lankan sri-lanka",
}.items():
    for _name in _names.split():
        COUNTRIES[_name.replace("-", " ")] = _code
