"""The template "Consent to create a stafettlogg" in nynorsk and bokmål (SPEC §3.1.5).

The consent text is a legal document the family signs, so it is written out here in both written
standards rather than passed through the UI catalogues: the stafetthaldar picks the language,
the text is rendered once into the draft, may be edited, and is sealed as it stands when sent.
It adjusts to who signs: the guardians ("we ... our child"), one guardian ("I ... my child"),
the youth from the consent age ("I ... me"), or the pregnant person.
"""

GUARDIANS = "guardians"  # two or more sign together (with or without the youth)
GUARDIAN = "guardian"  # one guardian signs alone
YOUTH = "youth"  # the plan owner signs for themself
PREGNANT = "pregnant"  # the pregnant person is the plan owner and signs

LANGUAGES = ("nn", "nb")

_WORDS = {
    "nn": {
        GUARDIANS: {"I": "Vi", "i": "vi", "for": "barnet vårt, {owner}", "whom": "{owner}"},
        GUARDIAN: {"I": "Eg", "i": "eg", "for": "barnet mitt, {owner}", "whom": "{owner}"},
        YOUTH: {"I": "Eg", "i": "eg", "for": "meg", "whom": "meg"},
        PREGNANT: {"I": "Eg", "i": "eg", "for": "meg i svangerskapet", "whom": "meg"},
    },
    "nb": {
        GUARDIANS: {"I": "Vi", "i": "vi", "for": "barnet vårt, {owner}", "whom": "{owner}"},
        GUARDIAN: {"I": "Jeg", "i": "jeg", "for": "barnet mitt, {owner}", "whom": "{owner}"},
        YOUTH: {"I": "Jeg", "i": "jeg", "for": "meg", "whom": "meg"},
        PREGNANT: {"I": "Jeg", "i": "jeg", "for": "meg i svangerskapet", "whom": "meg"},
    },
}

_TEMPLATE = {
    "nn": """Samtykke til å opprette stafettlogg

{I} samtykkjer til at det blir oppretta ein stafettlogg for {for}.

Ein stafettlogg er ein digital plan. Der skriv {i} og dei som hjelper {whom}, ned kva som er \
utfordringa, kva mål vi har, kva tiltak vi gjer, og kven som har ansvar for tiltaka. \
Stafettloggen følgjer modellen Betre tverrfagleg innsats (BTI).

Stafetthaldar er {holder}. Stafetthaldaren held orden på planen og kallar inn til møte.

{services_intro}
{services}

Dette betyr samtykket:
- Berre dei som er nemnde her, kan lese stafettloggen.
- {I} kan lese alt i stafettloggen og sjå kven som har lese han.
- Skal fleire tenester vere med, må {i} samtykkje på nytt.
- {I} kan trekkje samtykket tilbake når som helst, utan å seie kvifor. Då blir stafettloggen \
passiv med ein gong, og tenestene mistar tilgangen.
- Stafettloggen er unnateken offentlegheit (offentleglova § 13). Når arbeidet er ferdig, blir \
han arkivert og deretter sletta.

Underskrive av: {signers}""",
    "nb": """Samtykke til å opprette stafettlogg

{I} samtykker til at det blir opprettet en stafettlogg for {for}.

En stafettlogg er en digital plan. Der skriver {i} og de som hjelper {whom}, ned hva som er \
utfordringen, hvilke mål vi har, hvilke tiltak vi gjør, og hvem som har ansvar for tiltakene. \
Stafettloggen følger modellen Bedre tverrfaglig innsats (BTI).

Stafettholder er {holder}. Stafettholderen holder orden på planen og kaller inn til møter.

{services_intro}
{services}

Dette betyr samtykket:
- Bare de som er nevnt her, kan lese stafettloggen.
- {I} kan lese alt i stafettloggen og se hvem som har lest den.
- Skal flere tjenester være med, må {i} samtykke på nytt.
- {I} kan trekke samtykket tilbake når som helst, uten å si hvorfor. Da blir stafettloggen \
passiv med en gang, og tjenestene mister tilgangen.
- Stafettloggen er unntatt offentlighet (offentleglova § 13). Når arbeidet er ferdig, blir \
den arkivert og deretter slettet.

Underskrevet av: {signers}""",
}

_SERVICES_INTRO = {
    "nn": ("{I} samtykkjer til at desse tenestene er med i stafettloggen og kan lese han:",
           "Førebels er ingen andre tenester med. {I} må samtykkje på nytt før ei teneste kan "
           "bli med."),
    "nb": ("{I} samtykker til at disse tjenestene er med i stafettloggen og kan lese den:",
           "Foreløpig er ingen andre tjenester med. {I} må samtykke på nytt før en tjeneste kan "
           "bli med."),
}

_AND = {"nn": "og", "nb": "og"}


def signer_kind(plan, signers_are_owner, signer_count):
    """Who signs: the pregnant person, the youth, one guardian, or several together."""
    if signers_are_owner and signer_count == 1:
        return PREGNANT if plan.owner_is_pregnant else YOUTH
    return GUARDIANS if signer_count > 1 else GUARDIAN


def _join(names, language):
    names = list(names)
    if len(names) < 2:
        return "".join(names)
    return ", ".join(names[:-1]) + f" {_AND[language]} " + names[-1]


def render(language, kind, owner, holder, signers, services):
    """The consent text. ``services`` are ``(name, note)`` pairs; ``signers`` are names."""
    language = language if language in LANGUAGES else "nn"
    words = {key: value.format(owner=owner) for key, value in _WORDS[language][kind].items()}
    with_services, without = _SERVICES_INTRO[language]
    lines = [f"- {name}" + (f" ({note})" if note else "") for name, note in services]
    return _TEMPLATE[language].format(
        holder=holder,
        services_intro=(with_services if lines else without).format(**words),
        services="\n".join(lines),
        signers=_join(signers, language),
        **words,
    ).replace("\n\n\n", "\n\n")


def paragraphs(text):
    """The text as paragraphs of lines, for display (blank lines separate paragraphs)."""
    blocks = [block.strip("\n") for block in text.replace("\r\n", "\n").split("\n\n")]
    return [block.split("\n") for block in blocks if block.strip()]
