"""The leader's pages in a real browser (issue 11 items 4-6), nn and nb, axe-core on every page:
the leader opens the overview from the start page, filters it, opens the review worklist,
finds a log whose stafetthaldar was deactivated as "needs a new stafetthaldar", appoints a new
one, and the family's notification arrives (through the real SMTP server) without personal
data."""

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_no_axe_violations
from tests.browser.helpers import link, login_employee, switch_language
from tests.conftest import tr
from tests.factories import PASSWORD
from webapp.models import Participant, Person, Plan


@pytest.mark.parametrize("language", ["nn", "nb"])
def test_the_leader_appoints_a_new_stafetthaldar_for_a_leavers_log(page, world, smtp_server,
                                                                  language):
    plan = world.plan("valid_consent", owner_name="Ada Nordmann", provider=world.provider)
    other = world.plan("valid_consent", owner_name="Bo Berg", holder=world.employee)
    Plan.update(next_evaluation=date.today() - timedelta(days=4)).where(
        Plan.id == other.id).execute()
    # The stafetthaldar of Ada's log has left: the administration deactivated them.
    Person.update(active=False).where(Person.id == world.coordinator.id).execute()

    login_employee(page, world.leader.email, PASSWORD)
    switch_language(page, language)
    assert_no_axe_violations(page)
    link(page, "All plans in your units").click()
    expect(page).to_have_url(re.compile(r"/leader/plans$"))
    expect(page.locator("main")).to_contain_text("Ada Nordmann")
    assert_no_axe_violations(page)

    page.locator("#overdue").select_option("yes")
    page.locator("main form.filters button[type=submit]").click()
    page.wait_for_load_state()
    expect(page).to_have_url(re.compile(r"overdue=yes"))
    expect(page.locator("main table")).to_contain_text("Bo Berg")
    expect(page.locator("main table")).not_to_contain_text("Ada Nordmann")
    assert_no_axe_violations(page)
    link(page, "Plan owner").click()  # sort by the plan owner: a plain link
    expect(page).to_have_url(re.compile(r"sort=owner"))
    expect(page).to_have_url(re.compile(r"overdue=yes"))
    assert_no_axe_violations(page)

    link(page, "Review of the stafettloggar").click()
    expect(page).to_have_url(re.compile(r"/leader/review$"))
    needs = page.locator("h2#needs-holder + p + .table-wrap")
    expect(needs).to_contain_text("Ada Nordmann")
    expect(needs).to_contain_text(tr("Needs a new stafetthaldar", language, html=False))
    assert_no_axe_violations(page)

    needs.locator("tr", has_text="Ada Nordmann").get_by_role(
        "link", name=tr("Needs a new stafetthaldar", language, html=False), exact=False).click()
    expect(page).to_have_url(re.compile(rf"/leader/plans/{plan.id}/appoint$"))
    assert_no_axe_violations(page)
    page.locator("main form button[type=submit]").click()  # nothing chosen
    expect(page.locator(".error-summary")).to_contain_text(
        tr("Choose who becomes stafetthaldar.", language, html=False))
    assert_no_axe_violations(page)
    page.locator("#new_holder").select_option(value=str(world.provider.id))
    page.locator("input[name=wish][value=no_wish]").check()
    page.locator("main form button[type=submit]").click()
    expect(page.locator("main")).to_contain_text(tr(
        "The new stafetthaldar is appointed. They and the family have been told.", language,
        html=False))
    expect(page.locator("h2#needs-holder + p + p")).to_be_visible()  # "None." now
    assert_no_axe_violations(page)

    holder = Participant.get((Participant.plan == plan)
                             & (Participant.role == Participant.STAFETTHALDAR))
    assert holder.person_id == world.provider.id
    for guardian in plan.guardians:
        [message] = smtp_server.to(guardian.email)
        body = message.get_content()
        assert "stafetthaldar" in body
        for personal in ("Ada", "Nordmann", world.provider.name, world.coordinator.name,
                         world.leader.name, "Eple", "PPT", guardian.name):
            assert personal not in body and personal not in message["Subject"]
    assert len(smtp_server.to(world.provider.email)) == 1  # the new holder is told


@pytest.mark.parametrize("language", ["nn", "nb"])
def test_every_section_of_the_review_is_axe_clean(new_context, world, language):
    """The worklist with every list filled (quiet, passive, archived, overdue, an idle
    employee, a review done), the overview on a phone, and the appointing page when nobody can
    be appointed (no valid consent naming a service)."""
    from webapp.models import UnitReview, utcnow

    quiet = world.plan("valid_consent", owner_name="Stille Logg")
    Plan.update(created_at=utcnow() - timedelta(weeks=9),
                next_evaluation=date.today() - timedelta(days=2)).where(
        Plan.id == quiet.id).execute()
    world.plan("withdrawn", owner_name="Passiv Logg")
    archived = world.plan("valid_consent", owner_name="Arkivert Logg")
    Plan.update(status=Plan.ARCHIVED, archived_at=utcnow()).where(
        Plan.id == archived.id).execute()
    draft = world.plan("created", owner_name="Utkast Logg", holder=world.employee)
    Person.update(active=False).where(Person.id == world.employee.id).execute()
    long_ago = utcnow() - timedelta(days=200)
    Person.update(last_login_at=long_ago, created_at=long_ago).where(
        Person.id == world.coordinator.id).execute()
    UnitReview.create(unit=world.unit, by=world.leader, at=utcnow() - timedelta(days=400))

    page = new_context(viewport={"width": 1280, "height": 900}).new_page()
    login_employee(page, world.leader.email, PASSWORD)
    switch_language(page, language)
    for url in ("/leader/review", f"/leader/review?unit={world.unit.id}",
                "/leader/plans?status=archived", f"/leader/plans/{draft.id}/appoint"):
        response = page.goto(url)
        assert response.status == 200, url
        assert_no_axe_violations(page)
    phone = new_context(viewport={"width": 360, "height": 740}, is_mobile=True).new_page()
    login_employee(phone, world.leader.email, PASSWORD)
    switch_language(phone, language)
    phone.goto("/leader/plans?sort=holder&dir=desc")
    assert_no_axe_violations(phone)
