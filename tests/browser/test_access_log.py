"""Who has read the log, on the guardian's phone (SPEC §4, issue 12 item 4): the stafetthaldar
and a PPT employee read the log in their browsers; the guardian logs in with a code, finds "Who
has read the log" in the plan's menu and sees both reads, newest first — axe-clean, fitting the
phone, in nn and nb, and with JavaScript off."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, assert_fits_the_phone, assert_no_axe_violations
from tests.browser.helpers import link, log_in_with_a_code, login_employee, switch_language
from tests.conftest import tr
from tests.factories import PASSWORD


@pytest.mark.parametrize("language,javascript", [("nn", True), ("nb", True), ("nn", False)],
                         ids=["nn", "nb", "nn-no-js"])
def test_the_guardian_sees_who_has_read_the_log_on_a_phone(
        new_context, world, smtp_server, language, javascript):
    plan = world.plan("valid_consent", provider=world.provider)
    guardian = plan.guardians[0]
    for person, page_name in ((world.coordinator, "overview"), (world.provider, "goals")):
        desk = new_context(viewport={"width": 1280, "height": 900}).new_page()
        login_employee(desk, person.email, PASSWORD)
        assert desk.goto(f"/plans/{plan.id}/{page_name}").status == 200

    phone = new_context(**PHONE, java_script_enabled=javascript).new_page()
    phone.goto("/login")
    switch_language(phone, language)
    link(phone, "Guardian or youth? Log in with a code").click()
    log_in_with_a_code(phone, smtp_server, guardian.email)
    phone.get_by_role("link", name=plan.owner_name).first.click()
    link(phone, "Who has read the log").first.click()
    expect(phone.locator("h1")).to_have_text(tr("Who has read the log", language, html=False))

    reads = phone.locator("ol.access-log > li")
    expect(reads).to_have_count(3)
    # Newest first: the guardian's own visit to the family's plan page (a content read) ...
    expect(reads.nth(0)).to_contain_text(tr("You", language, html=False))
    expect(reads.nth(0)).to_contain_text(tr("The plan's front page", language, html=False))
    expect(reads.nth(1)).to_contain_text(world.provider.name)
    expect(reads.nth(1)).to_contain_text("PPT Testvik")
    expect(reads.nth(1)).to_contain_text(tr("Goals and activities", language, html=False))
    expect(reads.nth(2)).to_contain_text(world.coordinator.name)
    expect(reads.nth(2)).to_contain_text(tr("Stafetthaldar", language, html=False))
    expect(reads.nth(2)).to_contain_text(tr("Plan overview", language, html=False))
    assert_fits_the_phone(phone)
    if javascript:
        assert_no_axe_violations(phone)
