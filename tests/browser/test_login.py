"""Logging in through the real form in a real browser, in nynorsk and bokmål, with axe-core
checking every page on the way; and the same login with JavaScript turned off."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_no_axe_violations
from tests.browser.helpers import log_out, login_employee, switch_language
from tests.factories import PASSWORD

# The browser's own language is the other one, so the header's switch is what decides.
START_LOCALE = {"nn": "nb-NO", "nb": "nn-NO"}


@pytest.mark.parametrize("language", ["nn", "nb"])
def test_employee_logs_in_in_the_chosen_language(new_context, live_server, world, language):
    page = new_context(locale=START_LOCALE[language]).new_page()
    page.goto("/login")
    other = "nb" if language == "nn" else "nn"
    expect(page.locator("html")).to_have_attribute("lang", other)

    switch_language(page, language)
    expect(page).to_have_url(re.compile(r"/login$"))
    assert_no_axe_violations(page)

    page.locator("main form button[type=submit]").click()  # empty form
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()  # read first; its links lead to the fields
    expect(summary.locator("a[href='#email']")).to_be_visible()
    expect(summary.locator("a[href='#password']")).to_be_visible()
    expect(page.locator("#email")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#email")).to_have_attribute("aria-describedby", "email-error")
    expect(page.locator("html")).to_have_attribute("lang", language)
    assert_no_axe_violations(page)

    login_employee(page, world.employee.email, PASSWORD)
    expect(page).to_have_url(f"{live_server}/")
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.locator(".who")).to_have_text(world.employee.name)
    assert_no_axe_violations(page)


@pytest.mark.parametrize("language", ["nn", "nb"])
def test_home_page_with_plans_has_no_axe_violations(page, world, language):
    """A leader who is also stafetthaldar sees both tables: their own plans and the unit's."""
    world.plan(holder=world.leader, owner_name="Ada Eksempel")
    world.plan(owner_name="Bo Eksempel")
    page.goto("/login")
    switch_language(page, language)
    login_employee(page, world.leader.email, PASSWORD)
    expect(page.locator("table.plans")).to_have_count(2)
    expect(page.get_by_role("link", name="Bo Eksempel")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", language)
    assert_no_axe_violations(page)


def test_login_works_without_javascript(no_js_page, live_server, world):
    page = no_js_page
    page.goto("/login")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".error-summary")).to_be_focused()

    switch_language(page, "nb")
    login_employee(page, world.employee.email, PASSWORD)
    expect(page).to_have_url(f"{live_server}/")
    expect(page.locator(".who")).to_have_text(world.employee.name)
    expect(page.locator("html")).to_have_attribute("lang", "nb")


def test_wrong_password_keeps_the_person_out(page, live_server, world):
    page.goto("/login")
    login_employee(page, world.employee.email, "not the password")
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page.locator("#email")).to_have_value(world.employee.email)
    expect(page.locator(".who")).to_have_count(0)
    assert_no_axe_violations(page)


def test_login_and_home_fit_a_phone(phone, live_server, world):
    world.plan(holder=world.employee, owner_name="Ein Svært Langt Namn Som Må Bryte Pent")
    phone.goto("/login")
    assert _horizontal_overflow(phone) == 0
    assert_no_axe_violations(phone)
    login_employee(phone, world.employee.email, PASSWORD)
    expect(phone).to_have_url(f"{live_server}/")
    assert _horizontal_overflow(phone) == 0
    assert_no_axe_violations(phone)


def test_two_people_in_their_own_browser_contexts(new_context, live_server, world):
    eli = new_context().new_page()
    kari = new_context().new_page()
    eli.goto("/login")
    login_employee(eli, world.employee.email, PASSWORD)
    expect(eli.locator(".who")).to_have_text(world.employee.name)
    kari.goto("/")
    expect(kari).to_have_url(re.compile(r"/login\?next="))
    login_employee(kari, world.coordinator.email, PASSWORD)
    expect(kari.locator(".who")).to_have_text(world.coordinator.name)
    eli.reload()
    expect(eli.locator(".who")).to_have_text(world.employee.name)

    log_out(eli)
    eli.goto("/")
    expect(eli).to_have_url(re.compile(r"/login\?next="))
    kari.reload()
    expect(kari.locator(".who")).to_have_text(world.coordinator.name)


def test_keyboard_user_skips_to_the_login_form(page):
    page.goto("/login")
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    expect(skip).to_be_focused()
    assert skip.bounding_box()["x"] >= 0  # shown on screen while focused
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.locator("#email")).to_be_focused()


def _horizontal_overflow(page):
    """How many CSS pixels the page is wider than the screen (0 when nothing scrolls sideways)."""
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def test_no_console_errors_and_an_icon_on_the_login_page(page):
    """Before issue 8 item 14 every page logged a 404 for /favicon.ico."""
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    failed = []
    page.on("response", lambda response: response.status >= 400 and failed.append(response.url))
    page.goto("/login")
    page.wait_for_load_state("networkidle")
    assert errors == [] and failed == []
    assert page.request.get(page.locator("link[rel=icon]").get_attribute("href")).ok
    assert page.request.get("/favicon.ico").ok
