"""SPEC §3.1 end to end in real browsers (issue 3): a stafetthaldar runs the wizard and invites
two guardians; each guardian, on a phone in their own browser context, logs in with the code
read from the real local SMTP server and signs; the plan becomes fillable. axe-core checks every
page on the way, in nynorsk and in bokmål."""

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, assert_fits_the_phone, assert_no_axe_violations
from tests.browser.helpers import (
    code_sent_after,
    link,
    log_in_with_a_code,
    login_employee,
    switch_language,
)
from tests.factories import PASSWORD
from webapp.identity import make_synthetic
from webapp.models import Consent, Participant, Plan

GUARDIANS = (("Gunn Føresett", "gunn@foresett.example"), ("Geir Føresett", "geir@foresett.example"))


def _continue(page):
    page.locator("main form[method=post] button[type=submit]").last.click()
    page.wait_for_load_state()


def stafetthaldar_creates_the_plan(page, language, world):
    login_employee(page, world.coordinator.email, PASSWORD)
    switch_language(page, language)
    link(page, "Create a new stafettlogg").click()
    assert_no_axe_violations(page)
    link(page, "Start now").click()
    assert_no_axe_violations(page)

    _continue(page)  # nothing ticked: the error summary names the field, nothing is lost
    expect(page.locator(".error-summary")).to_be_focused()
    assert_no_axe_violations(page)
    page.locator("#informed").check()
    _continue(page)

    expect(page).to_have_url(re.compile(r"/plans/new/plan-owner$"))
    page.locator("#national_id").fill("12345678901")
    page.locator("#name").fill("Nora Nordmann")
    _continue(page)
    expect(page.locator("#national_id-error")).to_be_visible()
    expect(page.locator("#name")).to_have_value("Nora Nordmann")  # kept
    assert_no_axe_violations(page)
    page.locator("#national_id").fill(make_synthetic(date(2020, 3, 14)))
    _continue(page)

    expect(page).to_have_url(re.compile(r"/plans/new/owner-login$"))
    assert_no_axe_violations(page)
    _continue(page)  # a six-year-old does not log in: the routine answered already

    expect(page).to_have_url(re.compile(r"/plans/new/check$"))
    expect(page.locator("main")).to_contain_text("Nora Nordmann")
    assert_no_axe_violations(page)
    _continue(page)

    expect(page).to_have_url(re.compile(r"/plans/\d+$"))
    assert_no_axe_violations(page)
    return Plan.get(Plan.owner_name == "Nora Nordmann")


def stafetthaldar_invites(page, plan, name, email):
    page.goto(f"/plans/{plan.id}/participants/new")
    page.locator("input[name=role][value=guardian]").check()
    page.locator("main form button[type=submit]").click()
    assert_no_axe_violations(page)
    page.locator("#name").fill(name)
    page.locator("#email").fill(email)
    page.locator("input[name=shares][value=yes]").check()
    page.locator("main form[method=post] button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/plans/{plan.id}/participants$"))
    expect(page.locator("main table")).to_contain_text(name)
    assert_no_axe_violations(page)


def guardian_logs_in_with_a_code(phone, smtp_server, email, language):
    phone.goto("/login")
    switch_language(phone, language)
    link(phone, "Guardian or youth? Log in with a code").click()
    assert_no_axe_violations(phone)
    log_in_with_a_code(phone, smtp_server, email, on_code_page=assert_no_axe_violations)
    assert_no_axe_violations(phone)


def stafetthaldar_sends_the_consent(page, plan):
    page.goto(f"/plans/{plan.id}/consent")
    assert_no_axe_violations(page)
    link(page, "Create the consent").click()
    assert_no_axe_violations(page)
    _continue(page)  # both guardians share parental responsibility: both are chosen
    expect(page).to_have_url(re.compile(r"/consent/text$"))
    assert_no_axe_violations(page)
    _continue(page)  # the template's text, as written for the guardians
    expect(page).to_have_url(re.compile(r"/consent/check$"))
    assert_no_axe_violations(page)
    page.locator(f"main form[action='/plans/{plan.id}/consent/send'] button").click()
    expect(page).to_have_url(re.compile(rf"/plans/{plan.id}/consent$"))
    assert_no_axe_violations(page)


def guardian_signs(phone, smtp_server, plan, email):
    phone.goto("/")
    link(phone, "Sign consent").first.click()
    assert_no_axe_violations(phone)
    code = code_sent_after(
        smtp_server, email, phone.locator("main form[action$='/sign/code'] button").click)
    phone.locator("#code").fill(code)
    phone.locator("main form[action$='/sign'] button[type=submit]").click()
    expect(phone).to_have_url(re.compile(rf"/plans/{plan.id}/consent$"))
    assert_no_axe_violations(phone)
    # Nothing is wider than the phone.
    assert_fits_the_phone(phone)


@pytest.mark.parametrize("language", ["nn", "nb"])
def test_create_invite_log_in_with_code_and_sign(new_context, world, smtp_server, language):
    page = new_context(viewport={"width": 1280, "height": 900}).new_page()
    plan = stafetthaldar_creates_the_plan(page, language, world)
    for name, email in GUARDIANS:
        stafetthaldar_invites(page, plan, name, email)

    phones = {}
    for _name, email in GUARDIANS:
        phones[email] = new_context(**PHONE).new_page()
        guardian_logs_in_with_a_code(phones[email], smtp_server, email, language)
    assert Participant.select().where(
        (Participant.plan == plan) & (Participant.role == Participant.GUARDIAN)
        & (Participant.status == Participant.ACTIVE)
    ).count() == 2

    stafetthaldar_sends_the_consent(page, plan)
    for _name, email in GUARDIANS:
        guardian_signs(phones[email], smtp_server, plan, email)

    assert Consent.get(Consent.plan == plan).status == Consent.VALID
    assert Plan.get_by_id(plan.id).status == Plan.ACTIVE
    page.goto(f"/plans/{plan.id}")
    # The checklist's next step is the plan overview: the plan can be filled in.
    expect(page.locator(".task--done")).to_have_count(8)
    expect(page.locator(".task--next")).to_have_count(1)
    assert_no_axe_violations(page)
