"""The guardians' view on a phone (issue 3, SPEC §3.1, §3.7): log in with a code, read the plan,
its participants and the consent, and withdraw the consent in two taps — with JavaScript on
(axe-core checks each page) and with JavaScript off (every form is a plain POST)."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, assert_no_axe_violations
from webapp.models import Plan, TimelineEvent
from webapp.outbox import send_due


def _fits_the_phone(phone):
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["viewport"]["width"]


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_guardian_reads_the_plan_and_withdraws_consent_on_a_phone(
    new_context, world, smtp_server, javascript
):
    plan = world.plan("valid_consent", provider=world.provider)
    guardian = plan.guardians[0]
    phone = new_context(**PHONE, java_script_enabled=javascript).new_page()

    def check():
        _fits_the_phone(phone)
        if javascript:
            assert_no_axe_violations(phone)

    phone.goto("/login")
    phone.locator("main a[href='/login/code']").click()
    check()
    phone.locator("#address").fill(guardian.email)
    phone.locator("main form button[type=submit]").click()
    send_due()
    phone.locator("#code").fill(smtp_server.wait_for_code(guardian.email))
    phone.locator("main form button[type=submit]").click()
    expect(phone).to_have_url(re.compile(r"/$"))
    check()

    phone.locator(f"main a[href='/plans/{plan.id}']").first.click()
    expect(phone.locator("h1")).to_contain_text(plan.owner_name)
    check()
    phone.locator(f"a[href='/plans/{plan.id}/participants']").first.click()
    expect(phone.locator("main table")).to_contain_text(world.provider.name)
    check()
    phone.locator(f"a[href='/plans/{plan.id}/consent']").first.click()
    check()

    # Two taps: "Withdraw consent", then "Withdraw consent now". No reason is asked.
    phone.locator(f"main a[href='/plans/{plan.id}/consent/withdraw']").click()
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
