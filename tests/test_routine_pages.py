"""The routine as the pages show it (issue 8, items 4, 5 and 7): the BTI level a start-up
meeting puts the plan on, when the evaluation step is done, the routine step on the minutes
pages, and the routine's own reasons where something cannot be done."""

import re
from datetime import date, timedelta

from tests.conftest import plan_meeting, sign_in, start_minutes, tr
from tests.querycount import queries_for
from webapp import routine
from webapp.models import Meeting, Message, Plan, TimelineEvent, utcnow


def _h1(html):
    return re.sub(r"\s+", " ", re.search(r"<h1>(.*?)</h1>", html, re.S).group(1)).strip()


def _save(client, plan, minutes, text="Vi er samde."):
    return client.post(f"/plans/{plan.id}/minutes/{minutes.id}/edit",
                       data={"body": text, "version": minutes.version})


def _held(meeting, days_ago=1):
    Meeting.update(starts_at=utcnow() - timedelta(days=days_ago)).where(
        Meeting.id == meeting.id).execute()
    return Meeting.get_by_id(meeting.id)


def _step_heading(step):
    return tr("Routine step %(number)s: %(title)s", number=step.number,
              title=tr(step.title._args[0], html=False))


# --- Item 4: the BTI level -------------------------------------------------------------------


def test_a_start_up_meeting_names_its_level_once(world, login_as):
    plan = world.plan("valid_consent")
    client = login_as(world.coordinator)
    plan_meeting(client, plan, kind="startup_level3")
    meeting = Meeting.get()
    page = client.get(f"/plans/{plan.id}/meetings/{meeting.id}").text
    assert _h1(page) == tr("Start-up meeting, BTI level 3")
    assert _h1(page).count(tr("BTI level %(level)s", level=3)) == 1
    plan_meeting(client, plan, kind="evaluation")
    evaluation = Meeting.select().order_by(Meeting.id.desc()).first()
    page = client.get(f"/plans/{plan.id}/meetings/{evaluation.id}").text
    assert _h1(page) == (tr("Evaluation meeting") + " – " + tr("BTI level %(level)s", level=1))


def test_the_minutes_of_a_held_start_up_meeting_put_the_plan_on_the_level_its_services_give(
        world, login_as):
    # webapp/levels.py: the level is the number of services taking part (own unit + PPT = 2),
    # whatever level the start-up meeting's template was for.
    plan = world.plan("valid_consent", provider=world.provider)
    client = login_as(world.coordinator)
    plan_meeting(client, plan, kind="startup_level3")
    meeting = Meeting.get()
    minutes = start_minutes(client, plan, meeting)
    # Minutes written ahead of the meeting do not change the level.
    assert _save(client, plan, minutes).status_code == 302
    assert Plan.get_by_id(plan.id).bti_level == 1

    _held(meeting)
    minutes = Message.get_by_id(minutes.id)
    assert _save(client, plan, minutes, "Vi møttest.").status_code == 302
    assert Plan.get_by_id(plan.id).bti_level == 2
    events = list(TimelineEvent.select().where((TimelineEvent.plan == plan)
                                               & (TimelineEvent.kind == "level_changed")))
    assert [(e.detail, e.actor_id) for e in events] == [("level_2", world.coordinator.id)]
    page = client.get(f"/plans/{plan.id}").text
    assert re.search(r"<dt>%s</dt><dd>2</dd>" % re.escape(tr("BTI level")), page)
    timeline = client.get(f"/plans/{plan.id}/timeline").text
    assert tr("The BTI level was changed") in timeline
    assert tr("BTI level %(level)s", level=2) in timeline

    # Saving again (the autosave) changes nothing more.
    minutes = Message.get_by_id(minutes.id)
    client.post(f"/plans/{plan.id}/minutes/{minutes.id}/save",
                data={"body": "Vi møttest i dag.", "version": minutes.version})
    assert TimelineEvent.select().where(TimelineEvent.kind == "level_changed").count() == 1


def test_minutes_of_a_start_up_meeting_held_now_use_its_template_and_the_services_level(
        world, login_as):
    plan = world.plan("valid_consent")
    client = login_as(world.coordinator)
    response = client.post(f"/plans/{plan.id}/minutes/new",
                           data={"meeting": 0, "kind": "startup_level2"})
    assert response.status_code == 302
    minutes = Message.get(Message.kind == Message.MINUTES)
    assert Meeting.get().bti_level == 2
    assert _save(client, plan, minutes).status_code == 302
    # No other service takes part yet: the plan stays on level 1 (webapp/levels.py).
    assert Plan.get_by_id(plan.id).bti_level == 1


# --- Item 5: step 3.1, and the step on the minutes pages -------------------------------------


def test_evaluation_minutes_started_ahead_of_the_meeting_do_not_finish_step_3_1(
        world, login_as):
    plan = world.plan("valid_consent")
    client = login_as(world.coordinator)
    day = date.today() + timedelta(days=60)
    assert plan_meeting(client, plan, day=day.isoformat()).status_code == 302
    meeting = Meeting.get()
    start_minutes(client, plan, meeting)

    def state():
        page = client.get(f"/plans/{plan.id}").text
        step = routine.STEPS_BY_ID["evaluation-minutes"]
        item = re.search(r'<li class="task task--(\w+)">\s*<span class="task__title">'
                         + re.escape(step.number), page)
        return item.group(1)

    assert state() != "done"
    _held(meeting)
    assert state() == "done"


def test_the_minutes_pages_show_the_step_of_the_meetings_kind(world, login_as):
    plan = world.plan("valid_consent")
    client = login_as(world.coordinator)
    plan_meeting(client, plan, kind="evaluation")
    evaluation = Meeting.get()
    plan_meeting(client, plan, kind="startup_level2")
    startup = Meeting.select().order_by(Meeting.id.desc()).first()
    for meeting, step_id in ((evaluation, "evaluation-minutes"), (startup, "startup-meeting")):
        step = routine.STEPS_BY_ID[step_id]
        new = client.get(f"/plans/{plan.id}/minutes/new?meeting={meeting.id}").text
        assert _step_heading(step) in new, step_id
        minutes = start_minutes(client, plan, meeting)
        edit = client.get(f"/plans/{plan.id}/minutes/{minutes.id}/edit").text
        assert _step_heading(step) in edit, step_id
        assert _step_heading(routine.STEPS_BY_ID["minutes"]) not in edit
    plain = client.get(f"/plans/{plan.id}/minutes/new").text
    assert _step_heading(routine.STEPS_BY_ID["minutes"]) in plain


# --- Item 7: the routine's reasons -----------------------------------------------------------

PASSIVE = ("The log is passive because the consent was withdrawn or the work has ended: nothing "
           "new can be written in it. It is opened again when a new consent is signed.")


def test_after_a_withdrawal_new_message_gives_the_routines_reason(app, world):
    plan = world.plan("withdrawn")
    guardian = app.test_client()
    sign_in(guardian, plan.guardians[0])
    for method in ("GET", "POST"):
        response = guardian.open(f"/plans/{plan.id}/messages/new", method=method,
                                 data={"to": "all", "subject": "Hei", "body": "Hei"})
        assert response.status_code == 409, method
        assert tr(PASSIVE) in response.text
        assert tr("Your role does not give access to this. If you think it should, ask the "
                  "stafetthaldar or your leader.") not in response.text
    assert Message.select().count() == 0


def test_new_goal_before_consent_gives_the_reason_before_anything_is_typed(world, login_as):
    plan = world.plan("consent_sent")
    client = login_as(world.coordinator)
    response = client.get(f"/plans/{plan.id}/goals/new")
    assert response.status_code == 409
    assert 'name="title"' not in response.text
    assert tr("Consent must be signed by everyone who is asked to sign before you can fill in "
              "the plan. The checklist shows who has not signed yet.") in response.text
    withdrawn = world.plan("withdrawn", owner_name="Anna")
    response = client.get(f"/plans/{withdrawn.id}/goals/new")
    assert response.status_code == 409 and tr(PASSIVE) in response.text


def test_a_closed_plan_shows_no_next_step_in_filling_in(world, login_as):
    plan = world.plan("valid_consent")
    Plan.update(status=Plan.CLOSED).where(Plan.id == plan.id).execute()
    client = login_as(world.coordinator)
    page = client.get(f"/plans/{plan.id}").text
    heading = re.search(r'<h2 id="next-step">(.*?)</h2>', page, re.S).group(1)
    overview = routine.STEPS_BY_ID["overview"]
    assert overview.number not in heading
    archive = routine.STEPS_BY_ID["archive"]
    assert tr(archive.title._args[0]) in heading
    assert tr("The log is closed: nothing new can be written in it.") in page


def test_the_plan_page_costs_the_same_with_many_meetings(world, login_as):
    small = world.plan("valid_consent")
    large = world.plan("valid_consent", owner_name="Anna")
    client = login_as(world.coordinator)
    for _ in range(3):
        plan_meeting(client, large)
    start_minutes(client, large, Meeting.get(Meeting.plan == large))
    assert (queries_for(client, f"/plans/{small.id}")
            == queries_for(client, f"/plans/{large.id}"))
