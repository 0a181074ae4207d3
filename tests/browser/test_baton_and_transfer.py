"""SPEC §3.6 in real browsers (issue 10 items 5 and 6), nn and nb, axe-core on every page: the
stafetthaldar hands the baton to a service provider of the plan; a log moves from a
kindergarten to a school, proposed from the plan's checklist and accepted by the school's
leader from their start page, who appoints a teacher as stafetthaldar."""

import re

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser.conftest import assert_no_axe_violations
from tests.browser.helpers import link, log_out, login_employee, switch_language
from tests.conftest import tr
from tests.factories import PASSWORD
from webapp.models import Membership, Participant, Plan, ServiceGroup, Transfer, Unit


def _submit(page):
    page.locator("main form[method=post] button[type=submit]").first.click()
    page.wait_for_load_state()


def _holders(plan):
    return [p.person_id for p in Participant.select().where(
        (Participant.plan == plan) & (Participant.role == Participant.STAFETTHALDAR))]


@pytest.mark.parametrize("language", ["nn", "nb"])
def test_the_stafetthaldar_hands_the_baton_on(page, world, language):
    plan = world.plan("valid_consent", provider=world.provider)
    login_employee(page, world.coordinator.email, PASSWORD)
    switch_language(page, language)
    page.goto(f"/plans/{plan.id}")
    link(page, "Hand the baton on").click()
    expect(page).to_have_url(re.compile(rf"/plans/{plan.id}/participants/hand-over$"))
    assert_no_axe_violations(page)
    _submit(page)  # nothing chosen: the errors, on the same form
    expect(page.locator(".error-summary")).to_contain_text(
        tr("Choose who takes over.", language, html=False))
    assert_no_axe_violations(page)
    page.locator(f"input[name=new_holder][value='{world.provider.id}']").check()
    page.locator(f"input[name=wish][value='person:{world.provider.id}']").check()
    page.locator("#note").fill("Avtalt på møtet")
    page.locator("input[name=access][value=end]").check()
    _submit(page)
    expect(page.locator("main")).to_contain_text(
        tr("The baton is handed on. The new stafetthaldar has been told.", language, html=False))
    assert_no_axe_violations(page)
    assert _holders(plan) == [world.provider.id]
    log_out(page)
    login_employee(page, world.provider.email, PASSWORD)
    switch_language(page, language)
    page.goto(f"/plans/{plan.id}/participants")
    expect(page.locator("main")).to_contain_text(
        tr("The family wished for this person", language, html=False))
    assert_no_axe_violations(page)


@pytest.mark.parametrize("language", ["nn", "nb"])
def test_a_log_moves_from_the_kindergarten_to_the_school(page, world, language):
    group = ServiceGroup.create(municipality=world.town, name="Skulane", kind="school")
    school = Unit.create(group=group, municipality=world.town, name="Testvik skule")
    leader = factories.employee("Siri Skuleleiar", "siri@test.example", world.town, school,
                                Membership.UNIT_ADMIN)
    teacher = factories.employee("Tor Lærar", "tor@test.example", world.town, school,
                                 Membership.EMPLOYEE)
    plan = world.plan("valid_consent", owner_name="Ada Nordmann")

    login_employee(page, world.coordinator.email, PASSWORD)
    switch_language(page, language)
    page.goto(f"/plans/{plan.id}")
    link(page, "Transfer the log to a new unit").click()
    expect(page).to_have_url(re.compile(rf"/plans/{plan.id}/transfer$"))
    assert_no_axe_violations(page)
    page.locator("#to_unit").select_option(value=str(school.id))
    page.locator("input[name=access][value=end]").check()
    _submit(page)
    expect(page.locator("main")).to_contain_text(
        tr("Waiting for the receiving leader", language, html=False))
    assert_no_axe_violations(page)
    log_out(page)

    login_employee(page, leader.email, PASSWORD)
    switch_language(page, language)
    expect(page.locator("main")).to_contain_text(
        tr("Transfers waiting for your answer", language, html=False))
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Ada Nordmann").click()
    expect(page).to_have_url(re.compile(r"/transfers/\d+$"))
    assert_no_axe_violations(page)
    page.locator("input[name=decision][value=accept]").check()
    _submit(page)  # no stafetthaldar chosen
    expect(page.locator(".error-summary")).to_contain_text(
        tr("Choose who becomes stafetthaldar.", language, html=False))
    assert_no_axe_violations(page)
    page.locator("input[name=decision][value=accept]").check()
    page.locator("#new_holder").select_option(value=str(teacher.id))
    _submit(page)
    expect(page.locator("main")).to_contain_text(
        tr("The log is now in your unit, with its new stafetthaldar.", language, html=False))
    expect(page.locator("main")).to_contain_text(
        tr("Plans in the units you lead", language, html=False))
    assert_no_axe_violations(page)
    assert Plan.get_by_id(plan.id).unit_id == school.id
    assert Transfer.get().status == Transfer.ACCEPTED
    assert _holders(plan) == [teacher.id]
    log_out(page)

    login_employee(page, teacher.email, PASSWORD)
    switch_language(page, language)
    page.goto(f"/plans/{plan.id}/transfer")
    expect(page.locator("main")).to_contain_text(
        tr("The log is now in %(unit)s.", language, html=False, unit="Testvik skule"))
    assert_no_axe_violations(page)
