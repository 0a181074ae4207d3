"""Minute templates per meeting kind and BTI level, in nynorsk and bokmål (SPEC §3.2.2, §3.3.1,
§3.5; routine 000 steps 2.2, 3.1 and 5.2).

Like the consent text, minutes are written in the plan's language, so the templates are written
out here in both written standards rather than passed through the UI catalogues. The text is
rendered once into the minutes when they are made, in the writer's current language, and is then
the writer's own text. Every template has the BTI level in its title and the sections the routine
asks for: who was present, a shared understanding of the challenge, the main goal, the child's own
view, the agreements (activities with who does what and when), and the next meeting; evaluation
minutes also say what has worked and the outcome.
"""

LANGUAGES = ("nn", "nb")
STARTUP = "startup"
EVALUATION = "evaluation"
STARTUP_LEVEL2 = "startup_level2"
STARTUP_LEVEL3 = "startup_level3"
KINDS = (STARTUP, EVALUATION, STARTUP_LEVEL2, STARTUP_LEVEL3)

# The level a start-up meeting on level 2 or 3 is held on, whatever the plan's level says.
KIND_LEVEL = {STARTUP_LEVEL2: 2, STARTUP_LEVEL3: 3}

_MEETING = {
    "nn": {STARTUP: "oppstartsmøte", EVALUATION: "evalueringsmøte",
           STARTUP_LEVEL2: "oppstartsmøte", STARTUP_LEVEL3: "oppstartsmøte"},
    "nb": {STARTUP: "oppstartsmøte", EVALUATION: "evalueringsmøte",
           STARTUP_LEVEL2: "oppstartsmøte", STARTUP_LEVEL3: "oppstartsmøte"},
}

_TITLE = {"nn": "Referat frå {meeting} – BTI-nivå {level}",
          "nb": "Referat fra {meeting} – BTI-nivå {level}"}

ROLE = {
    "nn": {"owner": "hovudperson", "stafetthaldar": "stafetthaldar", "guardian": "føresett",
           "service_provider": "tenesteytar"},
    "nb": {"owner": "hovedperson", "stafetthaldar": "stafetthaldar", "guardian": "foresatt",
           "service_provider": "tjenesteyter"},
}

# Section headings. The child's own view is a section of its own in every template (routine
# 000: "Her dokumenterer ein også barnets synspunkt").
_HEADINGS = {
    "nn": {
        "meeting": "Møte",
        "present": "Til stades",
        "status": "Status for nye deltakarar",
        "challenge": "Utfordringa – felles forståing",
        "goal": "Hovudmål",
        "worked": "Kva har verka",
        "child": "Barnet sitt eige syn",
        "outcome": "Utfall av evalueringa",
        "agreements": "Avtalar og tiltak",
        "next": "Neste møte",
        "summary": "Oppsummering i fellesskap",
    },
    "nb": {
        "meeting": "Møte",
        "present": "Til stede",
        "status": "Status for nye deltakere",
        "challenge": "Utfordringen – felles forståelse",
        "goal": "Hovedmål",
        "worked": "Hva har virket",
        "child": "Barnets eget syn",
        "outcome": "Utfallet av evalueringen",
        "agreements": "Avtaler og tiltak",
        "next": "Neste møte",
        "summary": "Oppsummering i fellesskap",
    },
}

# What to write under each heading: short prompts the writer replaces.
_PROMPTS = {
    "nn": {
        "meeting": "Dato: {date}",
        "place": "Stad: {place}",
        "status": "Kva er gjort til no? Sjå tidlegare referat og mål i stafettloggen.",
        "challenge": "Kva er utfordringa? Skriv det de er samde om. Bruk korte setningar.",
        "goal": "Kva vil de oppnå? Kort, konkret og målbart, med dato.",
        "worked": "Kva tiltak har verka, og kva har ikkje verka?",
        "child": "Kva seier barnet sjølv? Tilpass til situasjon, alder og modning.",
        "outcome": (
            "Vel eitt:\n"
            "a) Måla er nådde. Arbeidet blir avslutta.\n"
            "b) Tiltaka har hatt effekt. Vi held fram på same nivå.\n"
            "c) Tiltaka har ikkje hatt ønskt effekt. Vi treng hjelp frå andre tenester."
        ),
        "home": "Heime: kva, kven, når",
        "school": "Barnehage/skule: kva, kven, når",
        "service": "Kvar teneste: kva, kven, når",
        "next": "Evalueringsmøte: dato og stad.",
        "summary": "Les opp hovudpunkta og avtalane saman før møtet sluttar.",
    },
    "nb": {
        "meeting": "Dato: {date}",
        "place": "Sted: {place}",
        "status": "Hva er gjort til nå? Se tidligere referater og mål i stafettloggen.",
        "challenge": "Hva er utfordringen? Skriv det dere er enige om. Bruk korte setninger.",
        "goal": "Hva vil dere oppnå? Kort, konkret og målbart, med dato.",
        "worked": "Hvilke tiltak har virket, og hva har ikke virket?",
        "child": "Hva sier barnet selv? Tilpass til situasjon, alder og modenhet.",
        "outcome": (
            "Velg ett:\n"
            "a) Målene er nådd. Arbeidet avsluttes.\n"
            "b) Tiltakene har hatt effekt. Vi fortsetter på samme nivå.\n"
            "c) Tiltakene har ikke hatt ønsket effekt. Vi trenger hjelp fra andre tjenester."
        ),
        "home": "Hjemme: hva, hvem, når",
        "school": "Barnehage/skole: hva, hvem, når",
        "service": "Hver tjeneste: hva, hvem, når",
        "next": "Evalueringsmøte: dato og sted.",
        "summary": "Les opp hovedpunktene og avtalene sammen før møtet slutter.",
    },
}

# The sections of each kind of minutes, in order.
_SECTIONS = {
    STARTUP: ("meeting", "present", "challenge", "goal", "child", "agreements", "next",
              "summary"),
    EVALUATION: ("meeting", "present", "challenge", "goal", "worked", "child", "outcome",
                 "agreements", "next", "summary"),
    STARTUP_LEVEL2: ("meeting", "present", "status", "challenge", "goal", "child",
                     "agreements", "next", "summary"),
    STARTUP_LEVEL3: ("meeting", "present", "status", "challenge", "goal", "child",
                     "agreements", "next", "summary"),
}


def language_of(locale):
    """The template language for a UI locale: nynorsk unless bokmål."""
    return "nb" if str(locale or "").startswith("nb") else "nn"


def level_of(kind, level):
    return KIND_LEVEL.get(kind, level or 1)


def title(kind, level, language):
    """``Referat frå oppstartsmøte – BTI-nivå 1``: the BTI level is always in the title."""
    language = language_of(language)
    return _TITLE[language].format(meeting=_MEETING[language][kind], level=level_of(kind, level))


def body(kind, level, language, present=(), date="", place="", next_meeting=""):
    """The minutes template as text: a heading per section and a prompt under it.

    ``present`` is a list of ``(name, role)`` of the plan's active participants; ``date`` and
    ``place`` describe the meeting; ``next_meeting`` the evaluation date if one is set.
    """
    language = language_of(language)
    level = level_of(kind, level)
    headings, prompts = _HEADINGS[language], _PROMPTS[language]
    parts = []
    for section in _SECTIONS[kind]:
        if section == "meeting":
            text = prompts["meeting"].format(date=date)
            if place:
                text += "\n" + prompts["place"].format(place=place)
        elif section == "present":
            roles = ROLE[language]
            text = "\n".join(f"- {name} ({roles.get(role, role)})" for name, role in present)
        elif section == "agreements":
            lines = [prompts["home"], prompts["school"]]
            if level >= 2:
                lines.append(prompts["service"])
            text = "\n".join(f"- {line}" for line in lines)
        elif section == "next" and next_meeting:
            text = prompts["next"].split(":")[0] + f": {next_meeting}."
        else:
            text = prompts[section]
        parts.append(f"{headings[section]}\n{text}".rstrip())
    return "\n\n".join(parts) + "\n"


# --- What the meeting-room display projects (issue 10, item 11) -------------------------------
#
# The template's prompts are guidance for the writer, not minutes. A prompt is known text
# (``_PROMPTS``), so a line that is still exactly a prompt is one the writer has not replaced,
# and the display leaves it out; once the writer edits it or writes after it on the same line
# (``- Heime: kva, kven, når: lesekvart kvar kveld``) it is their text and is shown. A prompt of
# several lines (the outcome's three choices) is left out only as the untouched whole, so the
# one choice the writer keeps is shown. Prompts that are filled in when the minutes are made
# (``Dato: {date}``) are the meeting's facts, not guidance. Headings are shown as headings.

def _guidance():
    single, blocks = set(), []
    for language in LANGUAGES:
        for key, prompt in _PROMPTS[language].items():
            if "{" in prompt:
                continue
            lines = prompt.split("\n")
            if len(lines) > 1:
                blocks.append(lines)
            elif key in ("home", "school", "service"):
                single.add(f"- {prompt}")
            else:
                single.add(prompt)
    headings = {h for language in LANGUAGES for h in _HEADINGS[language].values()}
    return frozenset(single), tuple(blocks), frozenset(headings)


GUIDANCE_LINES, GUIDANCE_BLOCKS, HEADINGS = _guidance()


def projected(text):
    """The minutes as the display shows them: ``[("heading" | "line", text), ...]`` without
    the template's guidance (see above)."""
    lines = [line.strip() for line in (text or "").split("\n")]
    hidden = set()
    for block in GUIDANCE_BLOCKS:
        for start in range(len(lines) - len(block) + 1):
            if lines[start:start + len(block)] == block:
                hidden.update(range(start, start + len(block)))
    return [
        ("heading" if line in HEADINGS else "line", line)
        for number, line in enumerate(lines)
        if line and number not in hidden and line not in GUIDANCE_LINES
    ]
