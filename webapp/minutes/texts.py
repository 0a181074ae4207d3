"""Minute templates per meeting type and BTI level, in nynorsk and bokmål (SPEC §3.2.2, §3.3.1,
§3.5). They are the log's content, written in the language of the person who starts them, so
they are kept here as texts, not in the translation catalogues. The BTI level is in the title;
every template records the child's own view."""

TITLES = {
    "nn": {
        "startup": "Referat frå oppstartsmøte – BTI-nivå {level}",
        "evaluation": "Referat frå evalueringsmøte – BTI-nivå {level}",
        "startup_level2": "Referat frå oppstartsmøte på BTI-nivå 2",
        "startup_level3": "Referat frå oppstartsmøte på BTI-nivå 3",
    },
    "nb": {
        "startup": "Referat fra oppstartsmøte – BTI-nivå {level}",
        "evaluation": "Referat fra evalueringsmøte – BTI-nivå {level}",
        "startup_level2": "Referat fra oppstartsmøte på BTI-nivå 2",
        "startup_level3": "Referat fra oppstartsmøte på BTI-nivå 3",
    },
}

SECTIONS = {
    "nn": {
        "present": "Til stades",
        "status": "Status for nye deltakarar: kva er gjort så langt",
        "challenge": "Felles forståing av utfordringa",
        "worked": "Kva har fungert, og kva har ikkje fungert",
        "goal": "Hovudmål",
        "child": "Barnet sitt eige syn (tilpassa situasjon, alder og modning)",
        "agreements": "Avtalar og tiltak: heime, i barnehage eller skule, i tenestene",
        "outcome": "Utfall: a) måla er nådde, b) vidare på same nivå, c) andre tenester trengst",
        "next": "Neste møte (dato for evaluering)",
        "summary": "Oppsummert i fellesskap før møtet slutta",
    },
    "nb": {
        "present": "Til stede",
        "status": "Status for nye deltakere: hva er gjort så langt",
        "challenge": "Felles forståelse av utfordringen",
        "worked": "Hva har fungert, og hva har ikke fungert",
        "goal": "Hovedmål",
        "child": "Barnets eget syn (tilpasset situasjon, alder og modenhet)",
        "agreements": "Avtaler og tiltak: hjemme, i barnehage eller skole, i tjenestene",
        "outcome": "Utfall: a) målene er nådd, b) videre på samme nivå, c) andre tjenester trengs",
        "next": "Neste møte (dato for evaluering)",
        "summary": "Oppsummert i fellesskap før møtet sluttet",
    },
}

ORDER = {
    "startup": ("present", "challenge", "goal", "child", "agreements", "next", "summary"),
    "evaluation": ("present", "worked", "goal", "child", "outcome", "agreements", "next",
                   "summary"),
    "startup_level2": ("present", "status", "challenge", "goal", "child", "agreements", "next",
                       "summary"),
    "startup_level3": ("present", "status", "challenge", "goal", "child", "agreements", "next",
                       "summary"),
}


def template(kind, level, language):
    """``(title, body)`` of the minutes template for a meeting ``kind`` on BTI ``level``."""
    language = language if language in TITLES else "nn"
    title = TITLES[language][kind].format(level=level)
    body = "\n\n".join(f"{SECTIONS[language][name]}:\n" for name in ORDER[kind])
    return title, body
