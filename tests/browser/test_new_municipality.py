"""Issue 11 end to end, as a new municipality: the setup command prints a link; the
administrator sets a password, creates a service group and a unit and invites the unit's
leader; the leader accepts by the link read from the real test SMTP server and invites an
employee, who accepts and creates a stafettlogg; the leader deactivates the employee, whose
open browser is refused on its next request. axe-core checks every page of the administration
and the account in nynorsk and in bokmål."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import assert_no_axe_violations
from tests.browser.helpers import link, switch_language
from tests.conftest import tr
from webapp.models import Person, Plan

PASSWORD = "a long password for a new municipality"  # noqa: S105
LINK = re.compile(r"https?://\S+/account/set-password/[\w.\-]+")


def both_languages(page):
    """axe-core on this page in nynorsk and in bokmål; the page is left in nynorsk."""
    assert_no_axe_violations(page)
    switch_language(page, "nb")
    assert_no_axe_violations(page)
    switch_language(page, "nn")


def mailed_link(inbox, address):
    messages = inbox.to(address)
    assert messages, f"no e-mail to {address}"
    return LINK.search(messages[-1].get_content()).group(0)


def submit(page):
    page.locator("main form[method=post] button[type=submit]").last.click()
    page.wait_for_load_state()


def accept(page, url, name=None):
    """Open the mailed or printed link, confirm the name, choose the password."""
    page.goto(url)
    both_languages(page)
    if name:
        expect(page.locator("#name")).to_have_value(name)
    page.locator("#password").fill("short")
    page.locator("#repeat").fill("short")
    submit(page)
    expect(page.locator("#password-error")).to_be_visible()
    assert_no_axe_violations(page)
    page.locator("#password").fill(PASSWORD)
    page.locator("#repeat").fill(PASSWORD)
    submit(page)
    expect(page).to_have_url(re.compile(r"/$"))


def test_a_new_municipality_sets_itself_up(app, new_context, live_server, smtp_server, config):
    config(PUBLIC_URL=live_server)
    result = app.test_cli_runner().invoke(args=[
        "create-municipality", "--name", "Nyvik kommune", "--number", "9001",
        "--admin-name", "Nina Nyvik", "--admin-email", "nina@nyvik.example"])
    assert result.exit_code == 0, result.output
    setup_link = LINK.search(result.output).group(0)

    # The administrator: password, a service group, a unit, the unit's leader.
    admin = new_context(viewport={"width": 1280, "height": 900}).new_page()
    accept(admin, setup_link, "Nina Nyvik")
    link(admin, "Administration").click()
    both_languages(admin)
    link(admin, "Change the settings").click()
    both_languages(admin)
    admin.locator("input[name=youth_consent_age][value='16']").check()
    submit(admin)
    link(admin, "Create a service group").first.click()
    both_languages(admin)
    submit(admin)  # nothing written: the error summary, on the same form
    expect(admin.locator(".error-summary")).to_be_focused()
    assert_no_axe_violations(admin)
    admin.locator("#name").fill("Barnehagane")
    admin.locator("#kind").select_option("kindergarten")
    submit(admin)
    expect(admin.locator("h1")).to_have_text("Barnehagane")
    both_languages(admin)
    link(admin, "Appoint a group administrator").click()
    both_languages(admin)
    link(admin, "Back", exact=False).click()
    link(admin, "Create a unit").click()
    both_languages(admin)
    admin.locator("#name").fill("Eple barnehage")
    submit(admin)
    expect(admin.locator("h1")).to_have_text("Eple barnehage")
    both_languages(admin)
    link(admin, "Add an employee").click()
    both_languages(admin)
    admin.locator("#name").fill("Lena Leiar")
    admin.locator("#email").fill("lena@nyvik.example")
    admin.locator("input[name=role][value=unit_admin]").check()
    submit(admin)
    expect(admin.locator("main table")).to_contain_text("Lena Leiar")

    # The leader accepts by the e-mailed link and invites an employee (a coordinator).
    leader = new_context(viewport={"width": 1280, "height": 900}).new_page()
    accept(leader, mailed_link(smtp_server, "lena@nyvik.example"), "Lena Leiar")
    link(leader, "Administration").click()
    link(leader, "Eple barnehage").click()
    both_languages(leader)
    link(leader, "Add an employee").click()
    expect(leader.locator("input[name=role][value=unit_admin]")).to_have_count(0)
    leader.locator("#name").fill("Emil Tilsett")
    leader.locator("#email").fill("emil@nyvik.example")
    leader.locator("input[name=role][value=coordinator]").check()
    submit(leader)
    expect(leader.locator("main table")).to_contain_text("Emil Tilsett")

    # The employee accepts and creates a stafettlogg with the wizard.
    employee = new_context(viewport={"width": 1280, "height": 900}).new_page()
    accept(employee, mailed_link(smtp_server, "emil@nyvik.example"), "Emil Tilsett")
    link(employee, "Change password").click()
    both_languages(employee)
    employee.goto("/")
    link(employee, "Create a new stafettlogg").click()
    link(employee, "Start now").click()
    employee.locator("#informed").check()
    submit(employee)
    from datetime import date

    from webapp.identity import make_synthetic

    employee.locator("#national_id").fill(make_synthetic(date(2020, 3, 14)))
    employee.locator("#name").fill("Nora Nyvik")
    submit(employee)
    expect(employee).to_have_url(re.compile(r"/plans/new/owner-login$"))
    submit(employee)
    expect(employee).to_have_url(re.compile(r"/plans/new/check$"))
    submit(employee)
    expect(employee).to_have_url(re.compile(r"/plans/\d+$"))
    plan = Plan.get(Plan.owner_name == "Nora Nyvik")
    emil = Person.get(Person.email == "emil@nyvik.example")
    assert plan.unit.name == "Eple barnehage" and plan.municipality.number == "9001"

    # The leader deactivates the employee; the employee's open browser is refused at once.
    leader.reload()
    leader.get_by_role("link", name=re.compile(
        re.escape(tr("Deactivate", "nn", html=False)) + ".*Emil Tilsett")).click()
    both_languages(leader)
    submit(leader)
    expect(leader.locator("main table")).to_contain_text(tr("Deactivated", html=False))
    assert not Person.get_by_id(emil.id).active
    employee.goto(f"/plans/{plan.id}")
    expect(employee).to_have_url(re.compile(r"/login"))

    # The account's public pages: a used link, and a forgotten password.
    anonymous = new_context(viewport={"width": 1280, "height": 900}).new_page()
    anonymous.goto(setup_link)
    expect(anonymous.locator("h1")).to_have_text(tr("The link is no longer valid", html=False))
    both_languages(anonymous)
    link(anonymous, "Ask for a new link").click()
    both_languages(anonymous)
    anonymous.locator("#email").fill("nina@nyvik.example")
    submit(anonymous)
    expect(anonymous.locator("h1")).to_have_text(tr("Check your e-mail", html=False))
    assert_no_axe_violations(anonymous)
    switch_language(anonymous, "nb")  # in bokmål: ask once more
    anonymous.goto("/account/forgot-password")
    anonymous.locator("#email").fill("nina@nyvik.example")
    submit(anonymous)
    expect(anonymous.locator("h1")).to_have_text(tr("Check your e-mail", "nb", html=False))
    assert_no_axe_violations(anonymous)
    anonymous.goto(mailed_link(smtp_server, "nina@nyvik.example"))
    assert_no_axe_violations(anonymous)
    expect(anonymous.locator("#name")).to_have_count(0)
