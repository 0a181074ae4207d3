"""Meetings, calendar and .ics (SPEC §3.2.4, §3.8), minutes with autosave and conflicts
(§3.2.2), and the meeting-room display (issue 4)."""

import re
from datetime import date, datetime, timedelta

from tests.conftest import NEXT_YEAR, plan_meeting, sign_in, start_minutes, tr
from tests.querycount import queries_for
from webapp.models import (
    Goal,
    Meeting,
    MeetingInvite,
    Message,
    MessageRecipient,
    OutboxMessage,
    Participant,
    Plan,
    TimelineEvent,
    utcnow,
)


def _participants(plan):
    return {p.person_id: p for p in Participant.select().where(Participant.plan == plan)}


def test_an_evaluation_meeting_is_planned_invited_and_notified(world, login_as):
    plan = world.plan("valid_consent", provider=world.provider)
    client = login_as(world.coordinator)
    assert client.get(f"/plans/{plan.id}/meetings/new").status_code == 200
    response = plan_meeting(client, plan)
    assert response.status_code == 302, response.text
    meeting = Meeting.get()
    assert meeting.kind == "evaluation" and MeetingInvite.select().count() == 4
    assert meeting.starts_at == datetime(NEXT_YEAR, 3, 10, 13, 0)  # 14:00 in Oslo, UTC+1
    assert Plan.get_by_id(plan.id).next_evaluation == date(NEXT_YEAR, 3, 10)
    invitation = Message.get(Message.meeting == meeting)
    assert MessageRecipient.select().where(MessageRecipient.message == invitation).count() == 4
    bodies = [m.body for m in OutboxMessage.select()]
    assert len(bodies) == 3  # the guardians and the provider; not the stafetthaldar herself
    for body in bodies:
        assert "Møterom" not in body and plan.owner_name not in body
    assert TimelineEvent.select().where(TimelineEvent.kind == "meeting_planned").count() == 1
    page = client.get(f"/plans/{plan.id}/calendar")
    assert tr("Evaluation meeting") in page.text and "Møterom 2" in page.text


def test_meetings_are_refused_before_consent_and_for_a_guardian(app, world, login_as):
    draft = world.plan("consent_sent")
    client = login_as(world.coordinator)
    assert plan_meeting(client, draft).status_code == 409
    plan = world.plan("valid_consent", owner_name="Anna")
    guardian = app.test_client()
    sign_in(guardian, plan.guardians[0])
    assert plan_meeting(guardian, plan).status_code == 403
    assert Meeting.select().count() == 0 and Message.select().count() == 0


def test_bad_meeting_input_is_explained_and_kept(world, login_as):
    plan = world.plan("valid_consent")
    other = world.plan("valid_consent", owner_name="Anna")
    client = login_as(world.coordinator)
    past = plan_meeting(client, plan, day="2020-01-01")
    assert past.status_code == 422 and tr("The meeting must be in the future.") in past.text
    bad = plan_meeting(client, plan, day="31.02.2027", starts="25:99", place="Rom <3>")
    assert bad.status_code == 422
    assert 'value="31.02.2027"' in bad.text and 'value="25:99"' in bad.text
    assert "Rom &lt;3&gt;" in bad.text
    stranger = _participants(other)[other.guardians[0].id].id
    outsider = plan_meeting(client, plan, invited=[stranger], minute_taker=stranger)
    assert outsider.status_code == 422
    holder = _participants(plan)[world.coordinator.id].id
    guardian = _participants(plan)[plan.guardians[0].id].id
    not_invited = plan_meeting(client, plan, invited=[guardian], minute_taker=holder)
    assert tr("The minute-taker must be one of those invited.") in not_invited.text
    assert Meeting.select().count() == 0


def test_a_meeting_after_midnight_sets_the_norwegian_evaluation_date(world, login_as):
    plan = world.plan("valid_consent")
    client = login_as(world.coordinator)
    assert plan_meeting(client, plan, starts="00:30").status_code == 302
    assert Meeting.get().starts_at == datetime(NEXT_YEAR, 3, 9, 23, 30)  # UTC, the day before
    assert Plan.get_by_id(plan.id).next_evaluation == date(NEXT_YEAR, 3, 10)


def test_the_first_day_of_year_one_is_in_the_past_not_a_server_error(world, login_as):
    plan = world.plan("valid_consent")
    client = login_as(world.coordinator)
    response = plan_meeting(client, plan, day="0001-01-01", starts="00:30")
    assert response.status_code == 422
    assert tr("The meeting must be in the future.") in response.text
    assert 'value="0001-01-01"' in response.text and Meeting.select().count() == 0


def test_a_start_up_meeting_on_level_two_is_on_level_two(world, login_as):
    plan = world.plan("valid_consent")
    assert plan.bti_level == 1
    client = login_as(world.coordinator)
    plan_meeting(client, plan, kind="startup_level2")
    meeting = Meeting.get()
    assert meeting.bti_level == 2
    page = client.get(f"/plans/{plan.id}/meetings/{meeting.id}").text
    heading = re.search(r"<h1>(.*?)</h1>", page, re.S).group(1)
    assert heading.endswith(tr("BTI level %(level)s", level=2))
    plan_meeting(client, plan, kind="evaluation")
    assert Meeting.select().order_by(Meeting.id.desc()).first().bti_level == 1

def test_the_calendar_file_has_no_personal_data(world, login_as):
    plan = world.plan("valid_consent", owner_name="Nora Nordmann")
    client = login_as(world.coordinator)
    plan_meeting(client, plan, place="Heime hos Nordmann, Storgata 1")
    meeting = Meeting.get()
    response = client.get(f"/plans/{plan.id}/meetings/{meeting.id}/calendar-file")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    text = response.data.decode()
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    assert "SUMMARY:Stafettlogg\r\n" in text
    assert "DTSTART:" + f"{NEXT_YEAR}0310T130000Z" in text
    unfolded = text.replace("\r\n ", "")
    people = [p.person for p in Participant.select().where(Participant.plan == plan)]
    for secret in [plan.owner_name, "Nordmann", plan.owner_national_id, "Storgata",
                   *(p.name for p in people), *(p.email for p in people if p.email)]:
        assert secret not in unfolded, secret


def test_my_meetings_lists_only_plans_with_content_access(world, login_as, app):
    plan = world.plan("valid_consent")
    client = login_as(world.coordinator)
    plan_meeting(client, plan)
    assert tr("Evaluation meeting") in client.get("/meetings").text
    leader = app.test_client()
    leader.post("/login", data={"email": world.leader.email,
                                "password": "correct horse battery staple"})
    assert tr("You have no upcoming meetings.") in leader.get("/meetings").text


def test_calendar_and_my_meetings_queries_do_not_grow(world, login_as):
    plan = world.plan("valid_consent")
    client = login_as(world.coordinator)
    holder = _participants(plan)[world.coordinator.id]

    def add(n):
        for i in range(n):
            m = Meeting.create(plan=plan, kind="startup",
                               starts_at=utcnow() + timedelta(days=i + 1))
            MeetingInvite.create(meeting=m, participant=holder)

    add(1)
    counts = [queries_for(client, f"/plans/{plan.id}/calendar"), queries_for(client, "/meetings")]
    add(29)
    for i in range(5):
        other = world.plan("valid_consent", owner_name=f"Barn {i}")
        m = Meeting.create(plan=other, kind="startup", starts_at=utcnow() + timedelta(days=3))
        MeetingInvite.create(meeting=m, participant=_participants(other)[world.coordinator.id])
    assert [queries_for(client, f"/plans/{plan.id}/calendar"),
            queries_for(client, "/meetings")] == counts


# --- Minutes ------------------------------------------------------------------------------------


def test_minutes_from_the_template_in_nynorsk_and_bokmal(world, login_as):
    plan = world.plan("valid_consent")
    client = login_as(world.coordinator)
    minutes = start_minutes(client, plan)
    assert minutes.subject == "Referat frå oppstartsmøte – BTI-nivå 1"
    assert "Barnet sitt eige syn" in minutes.body
    assert MessageRecipient.select().where(MessageRecipient.message == minutes).count() == 3
    client.post("/language", data={"language": "nb"})
    client.post(f"/plans/{plan.id}/minutes/new", data={"meeting": 0, "kind": "evaluation"})
    bokmal = Message.select().where(Message.kind == Message.MINUTES).order_by(
        Message.id.desc()).first()
    assert bokmal.subject == "Referat fra evalueringsmøte – BTI-nivå 1"
    assert "Barnets eget syn" in bokmal.body
    assert TimelineEvent.select().where(TimelineEvent.kind == "minutes_written").count() == 2


def test_autosave_and_a_conflict_keeps_both_texts(app, world, login_as):
    plan = world.plan("valid_consent")
    client = login_as(world.coordinator)
    minutes = start_minutes(client, plan)
    save = f"/plans/{plan.id}/minutes/{minutes.id}/save"
    first = client.post(save, data={"body": "Avsnitt ein.", "version": "1"},
                        headers={"HX-Request": "true"})
    assert first.status_code == 200 and 'name="version" value="2"' in first.text
    assert Message.get_by_id(minutes.id).body == "Avsnitt ein."
    # A second editor who started from version 1 does not overwrite.
    stale = client.post(save, data={"body": "Min versjon.", "version": "1"},
                        headers={"HX-Request": "true"})
    assert stale.status_code == 409 and "Avsnitt ein." in stale.text
    assert Message.get_by_id(minutes.id).body == "Avsnitt ein."
    page = client.post(f"/plans/{plan.id}/minutes/{minutes.id}/edit",
                       data={"body": "Min versjon.", "version": "1"})
    assert page.status_code == 409
    assert "Min versjon." in page.text and "Avsnitt ein." in page.text
    taken = client.post(f"/plans/{plan.id}/minutes/{minutes.id}/edit",
                        data={"body": "Min versjon.", "version": "1", "take_over": "2"})
    assert taken.status_code == 302
    assert Message.get_by_id(minutes.id).body == "Min versjon."


def test_minutes_are_refused_before_consent_and_for_a_guardian(app, world, login_as):
    draft = world.plan("consent_sent")
    client = login_as(world.coordinator)
    assert client.post(f"/plans/{draft.id}/minutes/new",
                       data={"meeting": 0, "kind": "startup"}).status_code == 409
    plan = world.plan("valid_consent", owner_name="Anna")
    minutes = start_minutes(client, plan)
    guardian = app.test_client()
    sign_in(guardian, plan.guardians[0])
    assert guardian.get(f"/plans/{plan.id}/minutes/{minutes.id}").status_code == 200
    assert guardian.post(f"/plans/{plan.id}/minutes/{minutes.id}/save",
                         data={"body": "x", "version": "1"}).status_code == 403
    assert guardian.post(f"/plans/{plan.id}/minutes/new",
                         data={"meeting": 0, "kind": "startup"}).status_code == 403
    assert Message.get_by_id(minutes.id).version == 1


def test_the_minute_taker_may_write_the_minutes(app, world, login_as):
    plan = world.plan("valid_consent", provider=world.provider)
    client = login_as(world.coordinator)
    provider = _participants(plan)[world.provider.id]
    plan_meeting(client, plan, minute_taker=provider.id)
    meeting = Meeting.get()
    taker = app.test_client()
    taker.post("/login", data={"email": world.provider.email,
                               "password": "correct horse battery staple"})
    response = taker.post(f"/plans/{plan.id}/minutes/new",
                          data={"meeting": meeting.id, "kind": "startup"})
    assert response.status_code == 302
    assert Message.get(Message.kind == Message.MINUTES).meeting_id == meeting.id


def test_the_display_shows_the_minutes_and_blanks(app, world, login_as):
    plan = world.plan("valid_consent")
    client = login_as(world.coordinator)
    minutes = start_minutes(client, plan)
    Goal.create(plan=plan, title="Ada les 15 minutt kvar dag", created_by=world.coordinator)
    client.post(f"/plans/{plan.id}/minutes/{minutes.id}/save",
                data={"body": "Vi er samde om lesinga.", "version": "1"})
    meeting_id = minutes.meeting_id
    url = f"/plans/{plan.id}/meetings/{meeting_id}/display"
    page = client.get(url)
    assert "Vi er samde om lesinga." in page.text and "Ada les 15 minutt" in page.text
    assert plan.owner_national_id not in page.text
    assert 'hx-trigger="every 2s"' in page.text and "plan-nav" not in page.text
    assert "<h1>" in page.text and "&lt;h1&gt;" not in page.text  # markup, not escaped text
    assert client.post(url + "/blank", data={}).status_code == 302
    content = client.get(url + "/content")
    assert "Vi er samde om lesinga." not in content.text
    assert tr("The screen is blank") in content.text
    client.post(url + "/blank", data={})
    assert "Vi er samde om lesinga." in client.get(url + "/content").text

    guardian = app.test_client()
    sign_in(guardian, plan.guardians[0])
    assert guardian.post(url + "/blank", data={}).status_code == 403
    other = world.plan("valid_consent", owner_name="Anna")
    stranger = app.test_client()
    sign_in(stranger, other.guardians[0])
    assert stranger.get(url + "/content").status_code == 404
    assert app.test_client().get(url).status_code == 302  # to the login page


def test_minutes_and_display_queries_do_not_grow_with_minutes(world, login_as):
    plan = world.plan("valid_consent")
    client = login_as(world.coordinator)
    minutes = start_minutes(client, plan)
    meeting = minutes.meeting_id
    urls = [f"/plans/{plan.id}/minutes/{minutes.id}/edit",
            f"/plans/{plan.id}/minutes/{minutes.id}",
            f"/plans/{plan.id}/meetings/{meeting}/display/content",
            f"/plans/{plan.id}"]
    counts = [queries_for(client, url) for url in urls]
    for i in range(199):
        Message.create(plan=plan, kind=Message.MINUTES, meeting=meeting,
                       author=world.coordinator, subject=f"Referat {i}", body="Tekst.")
    assert [queries_for(client, url) for url in urls] == counts


def test_an_unchanged_display_poll_is_not_an_audited_read(world, login_as):
    from webapp.models import AuditEntry

    plan = world.plan("valid_consent")
    client = login_as(world.coordinator)
    minutes = start_minutes(client, plan)
    url = f"/plans/{plan.id}/meetings/{minutes.meeting_id}/display/content"
    first = client.get(url)
    seen = re.search(r'name="seen" value="([0-9a-f]+)"', first.text).group(1)
    before = AuditEntry.select().count()
    unchanged = client.get(url + f"?seen={seen}")
    assert unchanged.text == "" and unchanged.headers["HX-Reswap"] == "none"
    assert AuditEntry.select().count() == before
    client.post(f"/plans/{plan.id}/minutes/{minutes.id}/save",
                data={"body": "Nytt avsnitt.", "version": "1"})
    before = AuditEntry.select().count()
    changed = client.get(url + f"?seen={seen}")
    assert "Nytt avsnitt." in changed.text
    entry = AuditEntry.select().order_by(AuditEntry.id.desc()).first()
    assert AuditEntry.select().count() == before + 1
    assert (entry.section, entry.actor_id) == ("minutes.display_content", world.coordinator.id)


def test_a_double_click_on_blank_screen_keeps_it_blank(world, login_as):
    plan = world.plan("valid_consent")
    client = login_as(world.coordinator)
    minutes = start_minutes(client, plan)
    url = f"/plans/{plan.id}/meetings/{minutes.meeting_id}/display/blank"
    for _ in range(2):  # both clicks were sent from the page showing "not blank"
        client.post(url, data={"blank": "1"}, headers={"HX-Request": "true"})
    assert Meeting.get_by_id(minutes.meeting_id).display_blank
    button = client.post(url, data={"blank": "0"}, headers={"HX-Request": "true"})
    assert not Meeting.get_by_id(minutes.meeting_id).display_blank
    assert 'name="blank" value="1"' in button.text
