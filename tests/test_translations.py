"""Every user-facing string is translated into nynorsk and bokmål, and nothing is fuzzy."""

import os
from pathlib import Path

import pytest
from babel.messages.checkers import python_format
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ("nn", "nb")
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None}
METHODS = [("webapp/**.py", "python"), ("templates/**.html", "jinja2")]


def _catalogue(language):
    with open(ROOT / "translations" / language / "LC_MESSAGES" / "messages.po", "rb") as f:
        return read_po(f, locale=language)


def _not_hidden(dirpath):
    """Babel's default skips every directory starting with _ (templates/_macros); only skip dot
    directories and caches, as `make translations` does with --ignore-dirs."""
    name = os.path.basename(dirpath)
    return not (name.startswith(".") or name == "__pycache__")


def _source_ids():
    ids = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map=METHODS, keywords=KEYWORDS,
        options_map={"templates/**.html": {"extensions": "jinja2.ext.do"}},
        directory_filter=_not_hidden,
    ):
        ids.add(message[0] if isinstance(message, tuple) else message)
    return ids


@pytest.fixture(scope="module")
def source_ids():
    return _source_ids()


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_complete_and_not_fuzzy(language):
    catalogue = _catalogue(language)
    missing = [m.id for m in catalogue if m.id and not (all(m.string) if isinstance(
        m.string, tuple) else m.string)]
    fuzzy = [m.id for m in catalogue if m.id and m.fuzzy]
    assert not missing, f"{language}: {len(missing)} untranslated, e.g. {missing[:5]}"
    assert not fuzzy, f"{language}: {len(fuzzy)} fuzzy, e.g. {fuzzy[:5]}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_source_string_is_in_the_catalogue(language, source_ids):
    catalogue = _catalogue(language)
    known = {m.id if isinstance(m.id, str) else m.id[0] for m in catalogue if m.id}
    absent = sorted(source_ids - known)
    assert not absent, (
        f"{language}: {len(absent)} strings not in the catalogue (run `make translations` and "
        f"translate them), e.g. {absent[:5]}"
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_placeholders_match(language):
    catalogue = _catalogue(language)
    problems = []
    for message in catalogue:
        if not message.id or not message.string:
            continue
        try:
            python_format(catalogue, message)
        except Exception as error:  # babel raises TranslationError
            problems.append(f"{message.id!r}: {error}")
    assert not problems, "\n".join(problems[:10])


def test_nynorsk_uses_the_routines_words():
    catalogue = _catalogue("nn")
    assert catalogue.get("Guardian").string == "Føresett"
    assert catalogue.get("Stafetthaldar").string == "Stafetthaldar"


def test_pages_render_in_both_languages(client):
    for language in LANGUAGES:
        client.post("/language", data={"language": language})
        page = client.get("/login").text
        assert f'lang="{language}"' in page
        assert "Log in" not in page.split("<main", 1)[1], f"English text on the {language} page"


def test_compiled_catalogues_exist():
    for language in LANGUAGES:
        assert os.path.exists(ROOT / "translations" / language / "LC_MESSAGES" / "messages.mo"), (
            "run `make translations` (make test compiles them)"
        )


def test_templates_translate_into_the_language_of_the_moment(app):
    """The templates' translations are looked up once per request and locale
    (webapp.extensions._request_translations), and a ``force_locale`` block inside the
    request — a notification in its recipient's language — still gets its own language."""
    from flask import render_template_string
    from flask_babel import force_locale

    nn = _catalogue("nn")["Responsible"].string
    nb = _catalogue("nb")["Responsible"].string
    assert nn != nb
    # Each in its own app context, as each request is served (the test's own is pushed).
    with app.app_context(), app.test_request_context("/", headers={"Accept-Language": "nn"}):
        assert render_template_string('{{ _("Responsible") }}') == nn
        with force_locale("nb"):
            assert render_template_string('{{ _("Responsible") }}') == nb
        assert render_template_string('{{ _("Responsible") }}') == nn
    with app.app_context(), app.test_request_context("/", headers={"Accept-Language": "nb"}):
        assert render_template_string('{{ _("Responsible") }}') == nb
