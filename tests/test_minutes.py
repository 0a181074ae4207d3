"""Minutes (SPEC §3.2.2, §3.3.1, §3.8): the template text in nynorsk and bokmål for every meeting
kind, prefilled with who takes part; saving never loses text and never reports a conflict with
one's own text. The routes' basics (autosave, conflict, display, blank, query counts) are in
tests/test_meetings.py."""

import re
from datetime import date

import pytest

from tests.conftest import start_minutes, tr
from webapp.minutes import templates_text
from webapp.models import Message, MessageRecipient, Plan


@pytest.mark.parametrize("language", templates_text.LANGUAGES)
@pytest.mark.parametrize("kind", templates_text.KINDS)
def test_every_template_has_the_level_in_the_title_and_the_childs_view(kind, language):
    title = templates_text.title(kind, 1, language)
    body = templates_text.body(kind, 1, language, present=[("Kari", "guardian")])
    level = {"startup_level2": 2, "startup_level3": 3}.get(kind, 1)
    assert title.endswith(f"BTI-nivå {level}")
    assert ("Barnet sitt eige syn" if language == "nn" else "Barnets eget syn") in body
    assert ("Hovudmål" if language == "nn" else "Hovedmål") in body
    assert ("- Kari (føresett)" if language == "nn" else "- Kari (foresatt)") in body
    assert "Neste møte" in body and "Oppsummering i fellesskap" in body
    if kind == "evaluation":
        assert ("Kva har verka" if language == "nn" else "Hva har virket") in body
    if level >= 2:
        assert ("Kvar teneste" if language == "nn" else "Hver tjeneste") in body


def test_minutes_are_prefilled_in_the_writers_language(world, login_as):
    plan = world.plan("valid_consent")
    Plan.update(next_evaluation=date(2031, 3, 10)).where(Plan.id == plan.id).execute()
    client = login_as(world.coordinator)
    nynorsk = start_minutes(client, plan)
    assert nynorsk.subject == "Referat frå oppstartsmøte – BTI-nivå 1"
    assert "Til stades\n- Kari Koordinator (stafetthaldar)" in nynorsk.body
    assert f"- {plan.guardians[0].name} (føresett)" in nynorsk.body
    assert "Barnet sitt eige syn" in nynorsk.body and "10. mars 2031" in nynorsk.body
    client.post("/language", data={"language": "nb"})
    bokmal = start_minutes(client, plan, kind="startup_level2")
    assert bokmal.subject == "Referat fra oppstartsmøte – BTI-nivå 2"
    assert "Til stede" in bokmal.body and "Barnets eget syn" in bokmal.body
    assert "(foresatt)" in bokmal.body and "Hver tjeneste" in bokmal.body
    # The writer has read their own minutes; the others have something new waiting.
    unread = {r.person_id: r.read_at for r in MessageRecipient.select().where(
        MessageRecipient.message == bokmal)}
    assert unread[world.coordinator.id] is not None
    assert all(unread[g.id] is None for g in plan.guardians)


def test_save_and_the_autosave_crossing_is_not_a_conflict(world, login_as):
    plan = world.plan("valid_consent")
    client = login_as(world.coordinator)
    minutes = start_minutes(client, plan)
    url = f"/plans/{plan.id}/minutes/{minutes.id}"
    # Leaving the box autosaves (version 1 -> 2) while "Save" posts the same text from version 1.
    assert client.post(url + "/save", data={"body": "Avsnitt ein.", "version": "1"},
                       headers={"HX-Request": "true"}).status_code == 200
    response = client.post(url + "/edit", data={"body": "Avsnitt ein.", "version": "1"})
    assert response.status_code == 302
    # A second autosave of the same text from the old version says saved, with the new version.
    again = client.post(url + "/save", data={"body": "Avsnitt ein.", "version": "1"},
                        headers={"HX-Request": "true"})
    assert again.status_code == 200 and 'name="version" value="2"' in again.text
    assert Message.get_by_id(minutes.id).version == 2


def test_a_conflict_keeps_both_texts_and_continues_from_either(app, world, login_as):
    plan = world.plan("valid_consent")
    client = login_as(world.coordinator)
    minutes = start_minutes(client, plan)
    url = f"/plans/{plan.id}/minutes/{minutes.id}"
    client.post(url + "/save", data={"body": "Deira tekst.", "version": "1"})

    stale = client.post(url + "/save", data={"body": "Min tekst.", "version": "1"},
                        headers={"HX-Request": "true"})
    assert stale.status_code == 409 and "Deira tekst." in stale.text
    assert 'name="use_saved"' in stale.text and 'name="take_over" value="2"' in stale.text
    # The version is not moved on: the next autosave cannot overwrite their text.
    assert 'id="version"' not in stale.text and "hx-swap-oob" not in stale.text

    page = client.post(url + "/edit", data={"body": "Min tekst.", "version": "1"})
    assert page.status_code == 409
    assert "Min tekst." in page.text and "Deira tekst." in page.text
    assert 'name="use_saved"' in page.text
    assert Message.get_by_id(minutes.id).body == "Deira tekst."

    # Continue from the saved text: theirs in the box, mine still on the page.
    chosen = client.post(url + "/edit", data={"body": "Min tekst.", "version": "1",
                                              "use_saved": "1"})
    assert chosen.status_code == 200
    box = chosen.text.split('<textarea', 1)[1].split("</textarea>", 1)[0]
    assert "Deira tekst." in box and "Min tekst." not in box
    assert tr("Your text, not saved") in chosen.text and "Min tekst." in chosen.text
    assert '<input id="version" name="version" type="hidden" value="2">' in chosen.text
    assert Message.get_by_id(minutes.id).body == "Deira tekst."


def test_the_display_content_has_no_identity_number(world, login_as):
    plan = world.plan("valid_consent")
    client = login_as(world.coordinator)
    minutes = start_minutes(client, plan)
    url = f"/plans/{plan.id}/meetings/{minutes.meeting_id}/display"
    for page in (client.get(url), client.get(url + "/content")):
        assert page.status_code == 200
        assert plan.owner_national_id not in page.text
        assert "@test.example" not in page.text  # no participant's contact details


def test_an_unchanged_display_is_not_swapped_and_a_change_is(world, login_as):
    plan = world.plan("valid_consent")
    client = login_as(world.coordinator)
    minutes = start_minutes(client, plan)
    url = f"/plans/{plan.id}/meetings/{minutes.meeting_id}/display"
    page = client.get(url)
    assert 'hx-include="#display-seen"' in page.text
    assert '<noscript><meta http-equiv="refresh" content="3"></noscript>' in page.text
    seen = re.search(r'id="display-seen" name="seen" value="([0-9a-f]+)"', page.text).group(1)

    unchanged = client.get(url + "/content", query_string={"seen": seen},
                           headers={"HX-Request": "true"})
    assert unchanged.status_code == 200 and unchanged.text == ""
    assert unchanged.headers["HX-Reswap"] == "none"

    client.post(f"/plans/{plan.id}/minutes/{minutes.id}/save",
                data={"body": "Nytt avsnitt.", "version": "1"}, headers={"HX-Request": "true"})
    changed = client.get(url + "/content", query_string={"seen": seen},
                         headers={"HX-Request": "true"})
    assert "Nytt avsnitt." in changed.text and "HX-Reswap" not in changed.headers
    assert f'value="{seen}"' not in changed.text
