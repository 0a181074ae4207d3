"""axe-core on every page of a filled-in plan that the flow tests do not walk through, in nn and
nb, also with the error summary showing (issue 4: "axe-core clean on every new page")."""

import pytest

from tests.browser.conftest import assert_no_axe_violations
from tests.browser.helpers import login_employee, switch_language
from tests.factories import PASSWORD
from webapp.models import (
    Activity,
    Goal,
    Meeting,
    MeetingInvite,
    Message,
    MessageRecipient,
    Participant,
    utcnow,
)


def _fill(world):
    plan = world.plan("valid_consent", provider=world.provider)
    people = list(Participant.select().where(Participant.plan == plan))
    holder = next(p for p in people if p.role == "stafetthaldar")
    goal = Goal.create(plan=plan, title="Ada les 15 minutt kvar dag", created_by=world.coordinator)
    activity = Activity.create(goal=goal, title="Lesekvart", responsible=holder)
    meeting = Meeting.create(plan=plan, kind="evaluation", starts_at=utcnow(),
                             place="Møterom 2", minute_taker=holder)
    for p in people:
        MeetingInvite.create(meeting=meeting, participant=p)
    message = Message.create(plan=plan, author=world.coordinator, subject="Bøker",
                             body="Nye bøker på fredag.")
    MessageRecipient.create(message=message, person=world.coordinator)
    return plan, goal, activity, meeting, message


@pytest.mark.parametrize("language", ["nn", "nb"])
def test_every_plan_page_is_axe_clean(new_context, world, language):
    plan, goal, activity, meeting, message = _fill(world)
    page = new_context(viewport={"width": 1280, "height": 900}).new_page()
    login_employee(page, world.coordinator.email, PASSWORD)
    switch_language(page, language)
    base = f"/plans/{plan.id}"
    pages = [
        base, f"{base}/overview", f"{base}/calendar", f"{base}/meetings/{meeting.id}",
        "/meetings", f"{base}/messages", f"{base}/messages/{message.id}", f"{base}/timeline",
        f"{base}/participants", f"{base}/participants/new",
        f"{base}/participants/new?role=service_provider", f"{base}/goals/{goal.id}/edit",
        f"{base}/goals/{goal.id}/activities/{activity.id}/edit", f"{base}/consent",
        f"{base}/evaluation", f"{base}/status",
        f"{base}/participants/new?role=service_provider&q=PPT",
        "/plans/new", "/plans/new/info-letter",
        f"{base}/lysglimt", f"{base}/lysglimt/new", f"{base}/checklist",
    ]
    for url in pages:
        response = page.goto(url)
        assert response.status == 200, url
        assert_no_axe_violations(page)
    # Forms sent empty: the error summary and the fields' messages must be accessible too.
    for url in (f"{base}/meetings/new", f"{base}/messages/new", f"{base}/goals/new",
                f"{base}/lysglimt/new",
                f"{base}/goals/{goal.id}/activities/new", f"{base}/overview/edit"):
        page.goto(url)
        assert_no_axe_violations(page)
        for field in page.locator("main form[method=post] input[type=text], "
                                  "main form[method=post] textarea").all():
            field.fill("")
        page.locator("main form[method=post] button[type=submit]").last.click()
        page.wait_for_load_state()
        assert page.locator(".error-summary").count() == 1, url
        assert_no_axe_violations(page)
