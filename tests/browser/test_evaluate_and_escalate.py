"""SPEC §3.3-§3.5 in real browsers (issue 10 items 1-4): an evaluation meeting is held, its
minutes written and its outcome recorded — b) to a new evaluation date; c) through a consent
update naming PPT signed by both guardians on their phones, a PPT employee found by search,
invited and logging in (the plan goes to BTI level 2), and a start-up meeting on level 2 from its
status page and template. axe-core on every page, nn and nb."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, assert_no_axe_violations
from tests.browser.helpers import code_sent_after, link, login_employee, switch_language
from tests.conftest import NEXT_YEAR, tr
from tests.factories import PASSWORD
from webapp.models import Consent, Meeting, Participant, Plan, oslo_today, utcnow


def _desktop(new_context):
    return new_context(viewport={"width": 1280, "height": 900}).new_page()


def _submit(page, form="main form[method=post]"):
    page.locator(f"{form} button[type=submit]").first.click()
    page.wait_for_load_state()


def plan_a_meeting(page, plan, kind):
    page.goto(f"/plans/{plan.id}/meetings/new")
    assert_no_axe_violations(page)
    page.locator(f"input[name=kind][value={kind}]").check()
    page.locator("#day").fill(f"{NEXT_YEAR}-03-10")
    page.locator("#starts").fill("14:00")
    _submit(page)
    expect(page).to_have_url(re.compile(rf"/plans/{plan.id}/meetings/\d+$"))
    assert_no_axe_violations(page)
    return Meeting.select().order_by(Meeting.id.desc()).first()


def held(meeting):
    """The meeting took place yesterday (the browser cannot wait for next year)."""
    Meeting.update(starts_at=utcnow() - timedelta(days=1)).where(
        Meeting.id == meeting.id).execute()


def write_minutes(page, text):
    """From a meeting's page: start its minutes from the template and save ``text`` in them."""
    link(page, "Write minutes").click()
    assert_no_axe_violations(page)
    _submit(page)
    expect(page).to_have_url(re.compile(r"/minutes/\d+/edit$"))
    body = page.locator("#body")
    body.press("Control+End")
    body.press_sequentially("\n\n" + text, delay=5)  # saved as it is typed (htmx)
    expect(page.locator("#save-status")).not_to_be_empty(timeout=5_000)
    expect(page.locator("#save-status .notice--blocked")).to_have_count(0)
    assert_no_axe_violations(page)


def hold_the_evaluation(page, plan):
    meeting = plan_a_meeting(page, plan, "evaluation")
    held(meeting)
    page.reload()
    write_minutes(page, "Ada les kvar dag no.")
    page.goto(f"/plans/{plan.id}/meetings/{meeting.id}")
    link(page, "Evaluation and outcome").click()
    expect(page).to_have_url(re.compile(rf"/plans/{plan.id}/evaluation$"))
    expect(page.locator("main")).to_contain_text("Ada les 10 minutt")  # the goal
    assert_no_axe_violations(page)
    return meeting


def record(page, outcome, new_date=None):
    page.locator(f"input[name=outcome][value={outcome}]").check()
    if new_date:
        page.locator("#new_evaluation").fill(new_date.isoformat())
    _submit(page, "main form[action$='/evaluation/outcome']")


def _stafetthaldar(new_context, world, language):
    from webapp.models import Activity, Goal

    plan = world.plan("valid_consent", owner_name="Ada Nordmann")
    holder = Participant.get((Participant.plan == plan) & (Participant.role == "stafetthaldar"))
    goal = Goal.create(plan=plan, title="Ada les 10 minutt", created_by=world.coordinator)
    Activity.create(goal=goal, title="Lesekvart heime", responsible=holder, place="home")
    page = _desktop(new_context)
    login_employee(page, world.coordinator.email, PASSWORD)
    switch_language(page, language)
    return plan, page


@pytest.mark.parametrize("language", ["nn", "nb"])
def test_outcome_b_sets_a_new_evaluation_date(new_context, world, language):
    plan, page = _stafetthaldar(new_context, world, language)
    hold_the_evaluation(page, plan)
    # The date is required for b: the form says so and keeps the choice.
    record(page, "continue")
    expect(page.locator(".error-summary")).to_contain_text(
        tr("Write the date of the new evaluation meeting.", language, html=False))
    assert_no_axe_violations(page)
    new_date = oslo_today() + timedelta(days=90)
    record(page, "continue", new_date)
    expect(page.locator("main")).to_contain_text(
        tr("The outcome of the evaluation is recorded.", language, html=False))
    assert_no_axe_violations(page)
    assert Plan.get_by_id(plan.id).next_evaluation == new_date
    page.goto(f"/plans/{plan.id}/timeline")
    expect(page.locator("main")).to_contain_text(
        tr("b) continue on the same level", language, html=False))
    assert_no_axe_violations(page)


def guardian_signs_with_a_code(phone, smtp_server, plan, email, language):
    phone.goto("/login")
    switch_language(phone, language)
    link(phone, "Guardian or youth? Log in with a code").click()
    phone.locator("#address").fill(email)
    phone.locator("#code").fill(code_sent_after(
        smtp_server, email, phone.locator("main form button[type=submit]").click))
    phone.locator("main form button[type=submit]").click()
    expect(phone).to_have_url(re.compile(r"/$"))
    link(phone, "Sign consent").first.click()
    assert_no_axe_violations(phone)
    expect(phone.locator("main")).to_contain_text("PPT Testvik")  # what the update adds
    phone.locator("#code").fill(code_sent_after(
        smtp_server, email, phone.locator("main form[action$='/sign/code'] button").click))
    phone.locator("main form[action$='/sign'] button[type=submit]").click()
    expect(phone).to_have_url(re.compile(rf"/plans/{plan.id}/consent$"))
    assert_no_axe_violations(phone)


@pytest.mark.parametrize("language", ["nn", "nb"])
def test_outcome_c_consent_update_ppt_invited_and_a_level_2_start_up(
        new_context, world, smtp_server, language):
    plan, page = _stafetthaldar(new_context, world, language)
    hold_the_evaluation(page, plan)
    record(page, "other_services")
    assert_no_axe_violations(page)

    # Before the update, PPT cannot be invited: the consent names no service.
    page.goto(f"/plans/{plan.id}/participants/new?role=service_provider")
    expect(page.locator("main")).to_contain_text(tr(
        "The consent must be updated to name the service before new participants can be "
        "invited. Update the consent and have it signed again.", language, html=False))
    assert_no_axe_violations(page)

    # The consent update naming PPT, from the evaluation page's next steps.
    page.goto(f"/plans/{plan.id}/evaluation")
    link(page, "Update the consent to name the new services").click()
    assert_no_axe_violations(page)
    page.locator("#services-0-unit").select_option(value=str(world.ppt.id))
    _submit(page)
    expect(page).to_have_url(re.compile(r"/consent/text$"))
    assert_no_axe_violations(page)
    _submit(page)
    expect(page).to_have_url(re.compile(r"/consent/check$"))
    assert_no_axe_violations(page)
    page.locator(f"main form[action='/plans/{plan.id}/consent/send'] button").click()
    expect(page).to_have_url(re.compile(rf"/plans/{plan.id}/consent$"))
    assert_no_axe_violations(page)

    for guardian in plan.guardians:
        phone = new_context(**PHONE).new_page()
        guardian_signs_with_a_code(phone, smtp_server, plan, guardian.email, language)
    update = Consent.select().where(Consent.plan == plan).order_by(Consent.version.desc()).get()
    assert update.version == 2 and update.status == Consent.VALID

    # Now PPT's employee is found by the unit's name and invited.
    page.goto(f"/plans/{plan.id}/evaluation")
    link(page, "Invite the services").click()
    page.locator("#q").fill("PPT")
    page.locator("main form[role=search] button").click()
    expect(page).to_have_url(re.compile(r"q=PPT"))
    assert_no_axe_violations(page)
    option = page.locator("#provider option", has_text="Pål PPT")
    page.locator("#provider").select_option(value=option.get_attribute("value"))
    _submit(page, "main form[method=post]")
    expect(page).to_have_url(re.compile(rf"/plans/{plan.id}/participants$"))
    assert_no_axe_violations(page)

    # The PPT employee logs in: the plan is on BTI level 2 (two services take part).
    ppt = _desktop(new_context)
    login_employee(ppt, world.provider.email, PASSWORD)
    switch_language(ppt, language)
    ppt.get_by_role("link", name="Ada Nordmann").click()
    expect(ppt.locator(".plan-nav__level")).to_have_text(
        tr("BTI level %(level)s", language, html=False, level=2))
    assert_no_axe_violations(ppt)
    assert Plan.get_by_id(plan.id).bti_level == 2

    # The start-up meeting on level 2: the status page, then minutes from the level's template.
    meeting = plan_a_meeting(page, plan, "startup_level2")
    held(meeting)
    link(page, "Status for the start-up meeting").click()
    expect(page.locator("main")).to_contain_text("Lesekvart heime")
    assert_no_axe_violations(page)
    link(page, "Write the minutes from the level's template").click()
    assert_no_axe_violations(page)
    _submit(page)
    expect(page).to_have_url(re.compile(r"/minutes/\d+/edit$"))
    expect(page.locator("#body")).to_contain_text("2")
    assert_no_axe_violations(page)

    # The newcomer reads the status: the earlier minutes and the activities by place.
    ppt.goto(f"/plans/{plan.id}/status")
    expect(ppt.locator("main")).to_contain_text("Lesekvart heime")
    expect(ppt.locator("main")).to_contain_text(
        tr("In the kindergarten or school", language, html=False))
    assert_no_axe_violations(ppt)
    page.goto(f"/plans/{plan.id}")
    expect(page.locator(".plan-nav__level")).to_contain_text("2")
    assert_no_axe_violations(page)
