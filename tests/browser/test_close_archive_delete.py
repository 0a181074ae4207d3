"""SPEC §3.7 in a real browser (issue 10 items 7-9): the stafetthaldar of a passive log (the
goals were reached) closes it with the reason "goals reached", archives it, downloads the
archive PDF and deletes the plan, following the plan's checklist and the closing page. axe-core
on every page, nn and nb."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_no_axe_violations
from tests.browser.helpers import link, login_employee, switch_language
from tests.conftest import tr
from tests.factories import PASSWORD
from webapp.models import Participant, Plan, PlanArchive


def _submit(page):
    page.locator("main form[method=post] button[type=submit]").first.click()
    page.wait_for_load_state()


@pytest.mark.parametrize("language", ["nn", "nb"])
def test_a_passive_log_is_closed_archived_and_deleted(page, world, language):
    plan = world.plan("valid_consent")
    Plan.update(status=Plan.PASSIVE, closed_reason=Plan.GOALS_REACHED).where(
        Plan.id == plan.id).execute()

    login_employee(page, world.coordinator.email, PASSWORD)
    switch_language(page, language)
    page.goto(f"/plans/{plan.id}")
    assert_no_axe_violations(page)

    # The checklist leads to closing (step 7).
    link(page, "Close the log").click()
    expect(page).to_have_url(re.compile(rf"/plans/{plan.id}/close$"))
    assert_no_axe_violations(page)
    _submit(page)  # no reason chosen: the form again, with the error summary
    expect(page.locator(".error-summary")).to_be_visible()
    assert_no_axe_violations(page)
    page.locator("input[name=reason][value=goals_reached]").check()
    _submit(page)
    expect(page).to_have_url(re.compile(rf"/plans/{plan.id}/closing$"))
    expect(page.locator("#plan-status")).to_have_text(tr("Closed", language, html=False))
    expect(page.locator("#closed-reason")).to_contain_text(
        tr("The goals are reached", language, html=False))
    assert_no_axe_violations(page)

    link(page, "Archive the plan").click()
    expect(page).to_have_url(re.compile(rf"/plans/{plan.id}/archive$"))
    assert_no_axe_violations(page)
    _submit(page)
    expect(page).to_have_url(re.compile(rf"/plans/{plan.id}/closing$"))
    expect(page.locator("#plan-status")).to_have_text(tr("Archived", language, html=False))
    assert_no_axe_violations(page)
    archive = PlanArchive.get(PlanArchive.plan == plan.id)
    expect(page.locator("#archive-sha256")).to_have_text(archive.sha256)

    with page.expect_download() as download:
        link(page, "Download the archive PDF").click()
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"

    link(page, "Delete the plan").click()
    expect(page).to_have_url(re.compile(rf"/plans/{plan.id}/delete$"))
    assert_no_axe_violations(page)
    page.locator("#confirm").check()
    _submit(page)
    expect(page.locator("main")).to_contain_text(tr("The plan is deleted.", language,
                                                    html=False))
    assert_no_axe_violations(page)
    deleted = Plan.get_by_id(plan.id)
    assert (deleted.status, deleted.owner_name) == (Plan.DELETED, "")
    assert not Participant.select().where(Participant.plan == plan.id).exists()
    page.goto(f"/plans/{plan.id}")
    assert_no_axe_violations(page)
    expect(page.locator("h1")).to_have_text(re.compile(".+"))
