"""The family's own plan page on a phone (issue 12 items 6 and 7): a guardian sees the
stafetthaldar's lysglimt first, adds one of their own, sees a message that is new since the
last visit, and the consent waiting for their signature; axe-core finds nothing in nynorsk and
bokmål. With JavaScript off the page works the same (it loads no script)."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, assert_fits_the_phone, assert_no_axe_violations
from tests.browser.helpers import link, log_in_with_a_code, login_employee, switch_language
from tests.conftest import tr
from tests.factories import PASSWORD
from webapp.consent import service as consent_service
from webapp.models import Consent, Lysglimt, PlanVisit, Signature, utcnow


def _consent_update_waiting_for(plan, guardian, holder):
    """Version 2 of the consent, out for signing, waiting for ``guardian``."""
    update = Consent.create(plan=plan, version=2, text="Samtykke, versjon 2: PPT er med.",
                            created_by=holder, status=Consent.SENT, sent_at=utcnow())
    Signature.create(consent=update, person=guardian)
    update.seal = consent_service.seal_for(
        update, consent_service.signatures_of([update])[update.id], [])
    update.save()
    return update


def _two_hours_pass(plan):
    """The guardian's visit ended a while ago (no waiting in tests)."""
    for visit in PlanVisit.select().where(PlanVisit.plan == plan):
        visit.last_seen_at -= timedelta(hours=2)
        visit.save()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_guardian_on_a_phone_sees_lysglimt_first_adds_one_and_sees_what_is_new(
    new_context, world, smtp_server, javascript
):
    plan = world.plan("valid_consent")
    guardian = plan.guardians[0]
    _consent_update_waiting_for(plan, guardian, world.coordinator)

    # The stafetthaldar writes a lysglimt on their own computer.
    desk = new_context().new_page()
    login_employee(desk, world.coordinator.email, PASSWORD)
    desk.goto(f"/plans/{plan.id}/lysglimt")
    desk.locator("#text").fill("Ada las høgt for heile gruppa i dag.")
    desk.locator("main form.lysglimt-form button[type=submit]").click()
    expect(desk.locator("main .lysglimt").first).to_contain_text("Ada las høgt")

    phone = new_context(**PHONE, java_script_enabled=javascript).new_page()

    def check(language="nn"):
        assert_fits_the_phone(phone)
        if javascript:
            switch_language(phone, language)
            assert_no_axe_violations(phone)

    phone.goto("/login")
    link(phone, "Guardian or youth? Log in with a code").click()
    log_in_with_a_code(phone, smtp_server, guardian.email)
    phone.get_by_role("link", name=plan.owner_name).first.click()
    expect(phone).to_have_url(re.compile(rf"/plans/{plan.id}$"))

    # Lysglimt are the page's first content, under the call to sign; the stafetthaldar's first.
    first_section = phone.locator("main .plan-main section:not(.notice)").first
    expect(first_section).to_have_id("lysglimt")
    expect(first_section.locator(".lysglimt").first).to_contain_text("Ada las høgt")
    # The consent waiting for the signature is a clear call to action.
    expect(phone.get_by_role("heading", name=tr(
        "A consent is waiting for your signature", html=False))).to_be_visible()
    expect(link(phone, "Read and sign the consent")).to_be_visible()
    assert phone.locator("script").count() == 0
    if javascript:  # what the browser fetched for the page: the HTML, the stylesheet, the icon
        fetched = phone.evaluate("""() => [performance.getEntriesByType('navigation')[0],
            ...performance.getEntriesByType('resource')].map(e => e.encodedBodySize)""")
        assert len(fetched) >= 2 and sum(fetched) < 50_000, fetched
    check("nn")
    check("nb")
    switch_language(phone, "nn")

    # The guardian adds a lysglimt of their own: back on the plan page, theirs first.
    phone.locator("#text").fill("Ho valde bok sjølv på biblioteket.")
    phone.locator("#lysglimt form button[type=submit]").click()
    expect(phone).to_have_url(re.compile(rf"/plans/{plan.id}#lysglimt$"))
    expect(phone.locator("#lysglimt .lysglimt").first).to_contain_text("Ho valde bok sjølv")
    expect(phone.locator("#lysglimt .lysglimt").nth(1)).to_contain_text("Ada las høgt")
    assert Lysglimt.select().where(Lysglimt.author == guardian).count() == 1

    # Bad input is answered on the same form (the length limit: tests/test_lysglimt.py).
    phone.locator("#text").fill("   ")
    phone.locator("#lysglimt form button[type=submit]").click()
    expect(phone.locator(".error-summary")).to_contain_text(
        tr("Write what went well.", html=False))
    expect(phone.locator("#text")).to_have_attribute("aria-invalid", "true")
    if javascript:
        assert_no_axe_violations(phone)
    assert Lysglimt.select().count() == 2

    # Later the stafetthaldar writes; on the next visit it is new.
    _two_hours_pass(plan)
    desk.goto(f"/plans/{plan.id}/messages/new")
    desk.locator("#subject").fill("Bøker til lesekvarten")
    desk.locator("#body").fill("To nye bøker kjem heim på fredag.")
    desk.locator("main form button[type=submit]").click()
    expect(desk).to_have_url(re.compile(rf"/plans/{plan.id}/messages$"))

    phone.goto(f"/plans/{plan.id}")
    new = phone.locator("section[aria-labelledby=new-title]")
    expect(new).to_contain_text("Bøker til lesekvarten")
    check("nb")
    new.get_by_role("link", name="Bøker til lesekvarten").click()
    expect(phone.locator("h1")).to_contain_text("Bøker til lesekvarten")

    # The call to action leads to the signing page.
    phone.goto(f"/plans/{plan.id}")
    link(phone, "Read and sign the consent").click()
    expect(phone).to_have_url(re.compile(rf"/plans/{plan.id}/consent/\d+/sign$"))
