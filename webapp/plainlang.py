"""Plain-language help while writing (SPEC §3.8, routine 004: short sentences, plain words,
dates and milestones): sentence length and the LIX readability index, and hints for goals.

Advice only, never a block. LIX (Björnsson) = words per sentence + the percentage of long words
(more than six letters). Pure functions: no database, no request.
"""

import re
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

_SENTENCE_END = re.compile(r"[.!?:;]+|\n\s*\n")
_WORD = re.compile(r"[^\W\d_]+(?:[-'][^\W\d_]+)*", re.UNICODE)
LONG_WORD = 6  # letters; a longer word counts as long in LIX
LONG_SENTENCE = 20  # words

LEVELS = (
    (25, _l("very easy")),
    (35, _l("easy")),
    (45, _l("medium")),
    (55, _l("hard")),
)
VERY_HARD = _l("very hard")


@dataclass(frozen=True)
class Readability:
    sentences: int = 0
    words: int = 0
    long_words: int = 0
    average_sentence_length: float = 0.0
    longest_sentence: int = 0
    lix: int = 0
    level: object = ""
    advice: list = field(default_factory=list)


def readability(text):
    """Sentence length and LIX of ``text`` with plain-language tips."""
    sentences = [s for s in _SENTENCE_END.split(text or "") if _WORD.search(s)]
    lengths = [len(_WORD.findall(s)) for s in sentences]
    words = sum(lengths)
    if not words:
        return Readability(level=LEVELS[0][1])
    long_words = sum(1 for w in _WORD.findall(text) if len(w) > LONG_WORD)
    average = words / len(sentences)
    lix = round(average + 100 * long_words / words)
    level = next((label for limit, label in LEVELS if lix < limit), VERY_HARD)
    advice = []
    too_long = sum(1 for n in lengths if n > LONG_SENTENCE)
    if too_long:
        advice.append(_l("Sentences with more than %(limit)s words: %(count)s. Split them.",
                         count=too_long, limit=LONG_SENTENCE))
    if lix >= 45:
        advice.append(_l("The text is hard to read. Use shorter sentences and everyday words."))
    return Readability(len(sentences), words, long_words, round(average, 1), max(lengths), lix,
                       level, advice)


# Words that make a goal measurable: how often, how much, how long (nynorsk and bokmål). Not
# "ein"/"en"/"eitt"/"ett": they are the article far more often than the number.
_MEASURE = re.compile(
    r"\d|\b(to|tre|fire|fem|seks|sju|åtte|ni|ti|elleve|tolv|femten|tjue|tjuge|"
    r"halv\w*|kvar|kvart|kvarannan|annakvar|annankvar|hver|hvert|annenhver|"
    r"dagleg|daglig|gong|gonger|gang|ganger|veke|veka|veker|uke|uka|uker|minutt|minutter|"
    r"timar|timer|time|minst|maks|alle|aldri|sjølv|selv|utan|uten)\b",
    re.IGNORECASE,
)


def goal_hints(title, deadline):
    """Hints for a goal: measurable (how often, how much) and with a date. Advice only."""
    hints = []
    if title and not _MEASURE.search(title):
        hints.append(_l("Can the goal be measured? Say how often or how much, for example "
                        "“reads 15 minutes every day”."))
    if not deadline:
        hints.append(_l("The goal has no date. The deadline is the date of the evaluation "
                        "meeting."))
    return hints


# As-you-type figures with htmx for a textarea (``render_kw`` of a WTForms field): the posted
# form goes to ``main.plain_language`` and the answer replaces ``#plainlang``.
AS_YOU_TYPE = {
    "hx-post": "/plain-language",
    "hx-trigger": "keyup changed delay:800ms",
    "hx-target": "#plainlang",
    "hx-swap": "outerHTML",
    "rows": 8,
}
