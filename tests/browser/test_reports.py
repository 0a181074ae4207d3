"""The reports in the browser (issue 11 item 8): a unit leader, a group administrator and the
municipality's administrator each open their report from the start page, choose a year with
the plain GET form and find the CSV link; every page axe-core clean in nn and nb, also with the
year form's error; every chart has its text alternative and its table."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_no_axe_violations
from tests.browser.helpers import link, log_out, login_employee, switch_language
from tests.conftest import tr
from tests.factories import PASSWORD, employee
from tests.test_reports import LAST_YEAR, plan
from webapp.models import Membership


def _check_report(page, language):
    """The report page as a reader meets it: each chart an image with a name, next to its
    table; the year chosen with the form (a GET, the address shows it); axe-core clean."""
    charts = page.locator("svg[role=img]")
    expect(charts).to_have_count(page.locator("main table").count())
    for index in range(charts.count()):
        labelled = charts.nth(index).get_attribute("aria-labelledby").split()
        for element_id in labelled:
            assert page.locator(f"[id='{element_id}']").text_content().strip()
    assert_no_axe_violations(page)
    page.get_by_label(tr("Year", language, html=False)).select_option(str(LAST_YEAR))
    page.get_by_role("button", name=tr("Show", language, html=False)).click()
    expect(page).to_have_url(re.compile(rf"\?year={LAST_YEAR}$"))
    expect(page.get_by_role("heading", level=2, name=tr(
        "New and closed in %(year)s", language, html=False, year=LAST_YEAR))).to_be_visible()
    csv_link = link(page, "Download the figures as CSV")
    assert re.search(rf"/csv\?year={LAST_YEAR}$", csv_link.get_attribute("href"))
    with page.expect_download() as download:
        csv_link.click()
    assert download.value.suggested_filename.endswith(f"-{LAST_YEAR}.csv")
    assert_no_axe_violations(page)


@pytest.mark.parametrize("language", ["nn", "nb"])
def test_each_report_level_opens_and_is_accessible(new_context, world, language):
    for _ in range(6):
        plan(world)
    for _ in range(2):
        plan(world, unit=world.other_unit, level=2)
    chief = employee("Mona Kommune", "mona@test.example", world.town)
    Membership.create(person=chief, role=Membership.MUNICIPALITY_ADMIN)
    page = new_context(viewport={"width": 1280, "height": 900}).new_page()

    # The unit leader: from the start page to the unit's own report.
    login_employee(page, world.leader.email, PASSWORD)
    switch_language(page, language)
    link(page, "Reports for the units you oversee").click()
    assert_no_axe_violations(page)
    link(page, "Eple barnehage").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Eple barnehage")
    _check_report(page, language)
    log_out(page)

    # The group administrator: the group's report, Pære's 2 plans shown as "< 5".
    login_employee(page, world.group_admin.email, PASSWORD)
    switch_language(page, language)
    link(page, "Reports for the units you oversee").click()
    link(page, "Barnehagane").click()
    row = page.get_by_role("row", name=re.compile("Pære barnehage"))
    expect(row.get_by_role("cell").first).to_have_text("< 5")
    _check_report(page, language)
    # A year that is not offered: the form's error, in the error summary, axe-clean too.
    page.goto(page.url.split("?")[0] + "?year=abc")
    expect(page.locator(".error-summary")).to_be_visible()
    assert_no_axe_violations(page)
    log_out(page)

    # The municipality's administrator: counts only, no unit names.
    login_employee(page, chief.email, PASSWORD)
    switch_language(page, language)
    link(page, "Reports for the units you oversee").click()
    link(page, "Testvik kommune").click()
    expect(page.locator("main")).not_to_contain_text("Eple")
    expect(page.locator("main")).not_to_contain_text("Pære")
    _check_report(page, language)
