"""The meeting-room display paired with a short code (SPEC §1, issue 10 item 11): the
stafetthaldar makes a code in the minutes editor, the room's browser writes it on the public
pairing page, and the paired screen shows that one meeting's minutes and goals, read-only and
live, and opens no other page, until the stafetthaldar ends it or the day is over. Every read
through it is audited in the stafetthaldar's name."""

import re
from datetime import timedelta

from tests.conftest import start_minutes, tr
from tests.querycount import queries_for
from webapp import guards
from webapp.minutes import templates_text
from webapp.models import (
    AuditEntry,
    DisplayPairing,
    Goal,
    Message,
    Person,
    oslo_today,
    utcnow,
)

CODE = re.compile(r'class="pair-code"[^>]*><strong>([A-Z0-9 ]+)</strong>')


def _meeting_with_minutes(world, login_as, text="Vi er samde om lesinga."):
    plan = world.plan("valid_consent")
    editor = login_as(world.coordinator)
    minutes = start_minutes(editor, plan)
    editor.post(f"/plans/{plan.id}/minutes/{minutes.id}/save",
                data={"body": text, "version": "1"})
    Goal.create(plan=plan, title="Ada les 15 minutt kvar dag", created_by=world.coordinator)
    return plan, editor, minutes


def _make_code(editor, plan, minutes):
    """"Pair a display" in the editor, without JavaScript: back to the editor, which shows it."""
    url = f"/plans/{plan.id}/meetings/{minutes.meeting_id}/display/pairing"
    back = f"/plans/{plan.id}/minutes/{minutes.id}/edit"
    response = editor.post(url, data={"back": back})
    assert response.status_code == 302 and response.headers["Location"] == back
    return CODE.search(editor.get(back).text).group(1)


def _paired_room(app, code):
    room = app.test_client()
    assert room.get("/display").status_code == 200
    response = room.post("/display", data={"code": code.lower()})  # case does not matter
    assert response.status_code == 302 and response.headers["Location"] == "/display/screen"
    return room


def _shows_nothing(room):
    page = room.get("/display/screen")
    poll = room.get("/display/screen/content", headers={"HX-Request": "true"})
    return (page.status_code == 302 and page.headers["Location"] == "/display"
            and poll.headers.get("HX-Redirect") == "/display" and poll.text == "")


def test_the_paired_display_shows_the_meeting_and_the_code_is_single_use(app, world, login_as):
    plan, editor, minutes = _meeting_with_minutes(world, login_as)
    code = _make_code(editor, plan, minutes)
    assert re.fullmatch(r"[A-HJKMNP-Z2-9]{4} [A-HJKMNP-Z2-9]{4}", code)
    row = DisplayPairing.get()
    assert code.replace(" ", "") not in (row.code_hash, row.token_hash)  # stored hashed
    room = _paired_room(app, code)
    screen = room.get("/display/screen")
    assert screen.status_code == 200
    assert "Vi er samde om lesinga." in screen.text and "Ada les 15 minutt" in screen.text
    assert plan.owner_national_id not in screen.text and "<a " not in screen.text
    assert 'data-hx-get="/display/screen/content"' in screen.text or \
        'hx-get="/display/screen/content"' in screen.text
    # Not a login: the room's browser is no person, so "my plans" asks it to log in.
    assert "/login" in room.get("/").headers["Location"]
    # The code is used: another browser gets the same answer as for a wrong code.
    again = app.test_client().post("/display", data={"code": code})
    assert again.status_code == 422
    assert tr("The code is wrong or no longer valid. Ask the stafetthaldar for a new code.") \
        in again.text
    # The editor no longer shows the code, and says a display shows the meeting.
    page = editor.get(f"/plans/{plan.id}/minutes/{minutes.id}/edit").text
    assert CODE.search(page) is None
    assert "1 skjerm viser dette møtet no." in page  # nynorsk, singular


def test_the_paired_display_opens_no_other_page(app, world, login_as):
    """Every route of the app, GET, with the display session only: the login, 403 or 404 for
    all but the display's own pages; the public pages show none of the meeting."""
    plan, editor, minutes = _meeting_with_minutes(world, login_as)
    room = _paired_room(app, _make_code(editor, plan, minutes))
    message = Message.get_by_id(minutes.id)
    values = {"plan_id": plan.id, "meeting_id": minutes.meeting_id, "message_id": message.id,
              "goal_id": Goal.get().id, "person_id": plan.guardians[0].id}
    secrets_of_the_meeting = ("Vi er samde om lesinga.", "Ada les 15 minutt", plan.owner_name)
    wrong, opened = [], set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or "GET" not in rule.methods:
            continue
        url = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values.get(m.group(1), 1)), rule.rule)
        response = room.get(url)
        action = app.view_functions[rule.endpoint].policy_action
        if rule.endpoint.startswith("display.") and action == guards.policy.DISPLAY:
            opened.add(rule.endpoint)
            if response.status_code != 200:
                wrong.append(f"{rule.endpoint} -> {response.status_code}")
            continue
        refused = response.status_code in (403, 404) or (
            response.status_code == 302 and "/login" in response.headers["Location"])
        public = action in (guards.policy.PUBLIC, guards.policy.DEVELOPMENT)
        if public:
            if response.status_code >= 500 or any(s.encode() in response.get_data()
                                                  for s in secrets_of_the_meeting):
                wrong.append(f"{rule.endpoint} (public) -> {response.status_code}")
        elif not refused:
            wrong.append(f"{rule.endpoint} -> {response.status_code}")
    assert wrong == []
    assert opened == {"display.screen", "display.content"}
    # The plan page in particular, and the logged-in display of the same meeting.
    assert "/login" in room.get(f"/plans/{plan.id}").headers["Location"]
    assert "/login" in room.get(
        f"/plans/{plan.id}/meetings/{minutes.meeting_id}/display").headers["Location"]


def test_ending_the_pairing_empties_the_display(app, world, login_as):
    plan, editor, minutes = _meeting_with_minutes(world, login_as)
    room = _paired_room(app, _make_code(editor, plan, minutes))
    assert not _shows_nothing(room)
    end = f"/plans/{plan.id}/meetings/{minutes.meeting_id}/display/pairing/end"
    answer = editor.post(end, data={"back": f"/plans/{plan.id}/minutes/{minutes.id}/edit"},
                         headers={"HX-Request": "true"})
    assert answer.status_code == 200 and 'id="projector"' in answer.text
    assert tr("Pair a display") in answer.text and tr("End the display") not in answer.text
    assert _shows_nothing(room)
    assert "Vi er samde" not in room.get("/display/screen", follow_redirects=True).text


def test_the_display_shows_nothing_after_the_meeting_day(app, world, login_as):
    plan, editor, minutes = _meeting_with_minutes(world, login_as)
    room = _paired_room(app, _make_code(editor, plan, minutes))
    DisplayPairing.update(day=oslo_today() - timedelta(days=1)).execute()
    assert _shows_nothing(room)
    # Nor does it come back on the day itself: the token was dropped from the session.
    DisplayPairing.update(day=oslo_today()).execute()
    assert _shows_nothing(room)


def test_the_display_ends_when_the_one_who_paired_it_no_longer_manages_the_plan(
        app, world, login_as):
    plan, editor, minutes = _meeting_with_minutes(world, login_as)
    room = _paired_room(app, _make_code(editor, plan, minutes))
    Person.update(active=False).where(Person.id == world.coordinator.id).execute()
    assert _shows_nothing(room)


def test_an_expired_or_replaced_code_does_not_pair(app, world, login_as):
    plan, editor, minutes = _meeting_with_minutes(world, login_as)
    first = _make_code(editor, plan, minutes)
    second = _make_code(editor, plan, minutes)  # "New code": the first stops working
    room = app.test_client()
    assert room.post("/display", data={"code": first}).status_code == 422
    DisplayPairing.update(code_expires_at=utcnow() - timedelta(seconds=1)).where(
        DisplayPairing.ended_at.is_null()).execute()
    assert room.post("/display", data={"code": second}).status_code == 422
    assert room.get("/display/screen").status_code == 302
    assert DisplayPairing.select().where(DisplayPairing.paired_at.is_null(False)).count() == 0


def test_pairing_logs_out_whoever_was_logged_in_on_the_rooms_browser(app, world, login_as):
    plan, editor, minutes = _meeting_with_minutes(world, login_as)
    code = _make_code(editor, plan, minutes)
    room = app.test_client()
    assert room.post("/login", data={"email": world.leader.email,
                                     "password": "correct horse battery staple"}
                     ).status_code == 302
    assert room.get("/").status_code == 200
    assert room.post("/display", data={"code": code}).status_code == 302
    assert "/login" in room.get("/").headers["Location"]
    assert room.get("/display/screen").status_code == 200


def test_the_pairing_page_is_rate_limited(app, world, config):
    config(LOGIN_RATE_LIMIT="3 per minute")
    room = app.test_client()
    statuses = [room.post("/display", data={"code": "ABCD EFGH"}).status_code
                for _ in range(4)]
    assert statuses == [422, 422, 422, 429]


def test_reads_through_the_display_are_audited_in_the_stafetthaldars_name(app, world, login_as):
    plan, editor, minutes = _meeting_with_minutes(world, login_as)
    room = _paired_room(app, _make_code(editor, plan, minutes))
    pairing = DisplayPairing.get()
    before = AuditEntry.select().count()
    first = room.get("/display/screen/content", headers={"HX-Request": "true"})
    entry = AuditEntry.select().order_by(AuditEntry.id.desc()).first()
    assert AuditEntry.select().count() == before + 1
    assert (entry.actor_id, entry.plan_id, entry.action, entry.section) == (
        world.coordinator.id, plan.id, "read", f"display.content pairing={pairing.id}")
    seen = re.search(r'name="seen" value="([0-9a-f]+)"', first.text).group(1)
    unchanged = room.get(f"/display/screen/content?seen={seen}", headers={"HX-Request": "true"})
    assert unchanged.text == "" and unchanged.headers["HX-Reswap"] == "none"
    assert AuditEntry.select().count() == before + 1  # an unchanged poll is not a read
    room.get("/display/screen")
    assert AuditEntry.select().order_by(AuditEntry.id.desc()).first().section == \
        f"display.screen pairing={pairing.id}"


def test_the_display_follows_the_minutes_and_blanks(app, world, login_as):
    plan, editor, minutes = _meeting_with_minutes(world, login_as)
    room = _paired_room(app, _make_code(editor, plan, minutes))
    editor.post(f"/plans/{plan.id}/minutes/{minutes.id}/save",
                data={"body": "Nytt avsnitt.", "version": "2"})
    assert "Nytt avsnitt." in room.get("/display/screen/content").text
    editor.post(f"/plans/{plan.id}/meetings/{minutes.meeting_id}/display/blank",
                data={"blank": "1"})
    blank = room.get("/display/screen/content").text
    assert "Nytt avsnitt." not in blank and tr("The screen is blank") in blank


def test_the_display_leaves_the_templates_prompts_out(app, world, login_as):
    plan = world.plan("valid_consent")
    editor = login_as(world.coordinator)
    minutes = start_minutes(editor, plan, kind="evaluation")
    body = Message.get_by_id(minutes.id).body
    # The writer answers one prompt in place and keeps one of the outcome's choices.
    body = body.replace("Kva er utfordringa? Skriv det de er samde om. Bruk korte setningar.",
                        "Ada les lite heime.")
    body = body.replace("Vel eitt:\na) Måla er nådde. Arbeidet blir avslutta.\n", "")
    editor.post(f"/plans/{plan.id}/minutes/{minutes.id}/save",
                data={"body": body, "version": "1"})
    room = _paired_room(app, _make_code(editor, plan, minutes))
    shown = room.get("/display/screen").text
    assert "Ada les lite heime." in shown
    assert "<h3>Barnet sitt eige syn</h3>" in shown  # headings stay, as headings
    assert "b) Tiltaka har hatt effekt. Vi held fram på same nivå." in shown  # the writer's
    for prompt in ("Kva seier barnet sjølv?", "Kva vil de oppnå?", "Heime: kva, kven, når",
                   "Les opp hovudpunkta"):
        assert prompt not in shown


def test_projected_leaves_out_untouched_prompts_only():
    body = templates_text.body("evaluation", 2, "nb", present=[("Kari", "guardian")],
                               date="1. mars")
    lines = dict((text, kind) for kind, text in templates_text.projected(body))
    assert lines["Dato: 1. mars"] == "line" and lines["- Kari (foresatt)"] == "line"
    assert lines["Hovedmål"] == "heading"
    assert not any(text.startswith(("Hva", "Velg ett", "a)", "- Hjemme", "- Hver"))
                   for text, kind in lines.items() if kind == "line")
    kept = templates_text.projected("Utfallet av evalueringen\na) Målene er nådd. Arbeidet "
                                    "avsluttes.\n- Hjemme: hva, hvem, når: lesing hver kveld")
    assert [text for _kind, text in kept] == [
        "Utfallet av evalueringen", "a) Målene er nådd. Arbeidet avsluttes.",
        "- Hjemme: hva, hvem, når: lesing hver kveld"]


def test_the_editor_answers_htmx_with_the_projector_section(world, login_as):
    plan, editor, minutes = _meeting_with_minutes(world, login_as)
    url = f"/plans/{plan.id}/meetings/{minutes.meeting_id}/display/pairing"
    answer = editor.post(url, data={"back": f"/plans/{plan.id}/minutes/{minutes.id}/edit"},
                         headers={"HX-Request": "true"})
    assert answer.status_code == 200 and answer.text.lstrip().startswith('<section id="projector"')
    assert CODE.search(answer.text) and tr("New code") in answer.text
    assert tr("End the display") in answer.text


def test_the_paired_display_runs_as_many_queries_whatever_the_minutes(app, world, login_as):
    plan, editor, minutes = _meeting_with_minutes(world, login_as)
    room = _paired_room(app, _make_code(editor, plan, minutes))
    counts = [queries_for(room, url) for url in ("/display/screen", "/display/screen/content")]
    for i in range(50):
        goal = Goal.create(plan=plan, title=f"Mål {i}", created_by=world.coordinator)
        Message.create(plan=plan, kind=Message.MINUTES, meeting=minutes.meeting_id,
                       author=world.coordinator, subject=f"Referat {i}", body="Tekst.")
        del goal
    assert [queries_for(room, url) for url in ("/display/screen", "/display/screen/content")] \
        == counts


def test_the_projector_section_polls_while_a_code_waits_and_is_not_an_audited_read(
        app, world, login_as):
    plan, editor, minutes = _meeting_with_minutes(world, login_as)
    url = f"/plans/{plan.id}/meetings/{minutes.meeting_id}/display/projector"
    code = _make_code(editor, plan, minutes)
    before = AuditEntry.select().count()
    waiting = editor.get(url, headers={"HX-Request": "true"})
    assert code in waiting.text and 'hx-trigger="every 3s"' in waiting.text
    _paired_room(app, code)
    paired = editor.get(url, headers={"HX-Request": "true"})
    assert code not in paired.text and "every 3s" not in paired.text
    assert "1 skjerm viser dette møtet no." in paired.text
    assert AuditEntry.select().count() == before
    assert editor.get(url).headers["Location"] == f"/plans/{plan.id}/meetings/{minutes.meeting_id}"
