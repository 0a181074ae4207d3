"""The guardians' view on a phone (issue 3, SPEC §3.1, §3.7): log in with a code, read the plan,
its participants and the consent, and withdraw the consent in two taps — with JavaScript on
(axe-core checks each page) and with JavaScript off (every form is a plain POST)."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, assert_fits_the_phone, assert_no_axe_violations
from tests.browser.helpers import link, log_in_with_a_code
from webapp.models import Plan, TimelineEvent


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_guardian_reads_the_plan_and_withdraws_consent_on_a_phone(
    new_context, world, smtp_server, javascript
):
    plan = world.plan("valid_consent", provider=world.provider)
    guardian = plan.guardians[0]
    phone = new_context(**PHONE, java_script_enabled=javascript).new_page()

    def check():
        assert_fits_the_phone(phone)
        if javascript:
            assert_no_axe_violations(phone)

    phone.goto("/login")
    link(phone, "Guardian or youth? Log in with a code").click()
    check()
    log_in_with_a_code(phone, smtp_server, guardian.email)
    check()

    phone.get_by_role("link", name=plan.owner_name).first.click()
    expect(phone.locator("h1")).to_contain_text(plan.owner_name)
    check()
    link(phone, "Participants").first.click()
    expect(phone.locator("main table")).to_contain_text(world.provider.name)
    check()
    link(phone, "Consent to the plan").first.click()
    check()

    # Two taps: "Withdraw consent", then "Withdraw consent now". No reason is asked.
    link(phone, "Withdraw consent").click()
    check()
    phone.locator("main form[method=post] button[type=submit]").click()
    expect(phone).to_have_url(re.compile(rf"/plans/{plan.id}/consent$"))
    check()
    assert Plan.get_by_id(plan.id).status == Plan.PASSIVE
    assert TimelineEvent.select().where(
        (TimelineEvent.plan == plan) & (TimelineEvent.kind == "consent_withdrawn")
    ).count() == 1
    # The family keeps access to the plan's page.
    phone.goto(f"/plans/{plan.id}")
    expect(phone.locator("h1")).to_contain_text(plan.owner_name)
