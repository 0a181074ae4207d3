"""ID-porten in the browser (issue 12), through the real local OpenID provider
(tests/oidc_provider.py): a guardian on a phone logs in, signs a consent (at once with a fresh
login, and after a new login at ID-porten when the login is older), and logs out at ID-porten
too; refused logins show a clear page in nn and nb. axe-core checks every page of ours."""

import re

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser.conftest import PHONE, assert_fits_the_phone, assert_no_axe_violations
from tests.browser.helpers import link, login_employee, switch_language
from tests.conftest import tr
from tests.oidc_provider import HIGH, SUBSTANTIAL, USERS
from webapp.consent import service as consent_service
from webapp.idporten import routes as idporten_routes
from webapp.idporten import service
from webapp.models import AuthSession, Consent, Signature, utcnow


def _register(person, user="guardian"):
    person.pid_hash = service.pid_hash(USERS[user]["pid"])
    person.save()
    return person


def _sent_plan(world):
    plan = world.plan("consent_sent", guardians=1)
    consent = plan.consents.get()
    consent.seal = consent_service.seal_for(
        consent, consent_service.signatures_of([consent])[consent.id], [])
    consent.save()
    return plan, consent


def _at_the_provider(page, user="guardian", acr=HIGH):
    """What the person does at the (local) ID-porten: choose who and at which level."""
    page.locator(f"input[name=user][value={user}]").check()
    page.locator(f"input[name=acr][value={acr}]").check()
    page.locator("form[action$='/login'] button[type=submit]").click()


def _log_in(page, base, user="guardian", acr=HIGH, language="nn"):
    page.goto(f"{base}/login")
    switch_language(page, language)
    assert_no_axe_violations(page)
    link(page, "Guardian or youth? Log in with ID-porten").click()
    _at_the_provider(page, user, acr)


def test_a_guardian_logs_in_on_a_phone_signs_and_logs_out(new_context, world, idporten):
    plan, consent = _sent_plan(world)
    guardian = _register(plan.guardians[0])
    phone = new_context(**PHONE).new_page()
    _log_in(phone, idporten.base)
    expect(phone).to_have_url(f"{idporten.base}/")
    phone.goto(f"{idporten.base}/plans/{plan.id}/consent/{consent.id}/sign")
    assert_fits_the_phone(phone)
    assert_no_axe_violations(phone)
    expect(phone.locator("#sign-with-code")).to_have_count(0)
    phone.get_by_role("button", name=tr("I consent – sign with ID-porten", html=False)).click()
    expect(phone).to_have_url(re.compile(rf"/plans/{plan.id}/consent$"))
    signature = Signature.get(Signature.person == guardian)
    assert (signature.method, signature.acr) == ("idporten", HIGH)
    assert Consent.get_by_id(consent.id).status == Consent.VALID
    assert_no_axe_violations(phone)

    # Logging out ends the session at ID-porten as well, and comes back to the login page.
    phone.locator("header form[action$='/logout'] button").click()
    expect(phone).to_have_url(re.compile(rf"^{re.escape(idporten.issuer)}/session/end"))
    phone.locator("button[name=logout]").click()
    expect(phone).to_have_url(re.compile(rf"^{re.escape(idporten.base)}/login(\?state=[\w-]+)?$"))
    assert AuthSession.select().count() == 0


@pytest.mark.parametrize("language", ["nn", "nb"])
def test_an_older_login_logs_in_again_before_signing(new_context, world, idporten, language):
    plan, consent = _sent_plan(world)
    guardian = _register(plan.guardians[0])
    phone = new_context(**PHONE).new_page()
    _log_in(phone, idporten.base, language=language)
    expect(phone).to_have_url(f"{idporten.base}/")
    AuthSession.update(auth_time=utcnow().replace(year=utcnow().year - 1)).execute()
    phone.goto(f"{idporten.base}/plans/{plan.id}/consent/{consent.id}/sign")
    button = tr("I consent – sign with ID-porten", language, html=False)
    phone.get_by_role("button", name=button).click()
    # At ID-porten again (prompt=login), then back on the signing page.
    _at_the_provider(phone)
    expect(phone).to_have_url(re.compile(rf"/consent/{consent.id}/sign#sign-with-idporten$"))
    expect(phone.locator("main")).to_contain_text(
        tr("You have confirmed who you are with ID-porten. You can sign now.", language,
           html=False))
    assert_fits_the_phone(phone)
    assert_no_axe_violations(phone)
    assert Signature.get(Signature.person == guardian).decision == Signature.PENDING
    phone.get_by_role("button", name=button).click()
    expect(phone).to_have_url(re.compile(rf"/plans/{plan.id}/consent$"))
    assert Signature.get(Signature.person == guardian).method == "idporten"


@pytest.mark.parametrize("language", ["nn", "nb"])
@pytest.mark.parametrize("kind, user, acr", [
    ("level", "guardian", SUBSTANTIAL),
    ("unknown", "stranger", HIGH),
])
def test_refused_logins_are_explained(new_context, world, idporten, language, kind, user, acr):
    _register(world.plan("valid_consent").guardians[0])
    phone = new_context(**PHONE).new_page()
    _log_in(phone, idporten.base, user=user, acr=acr, language=language)
    expect(phone.locator("h1")).to_have_text(tr("The login was not accepted", language,
                                                html=False))
    expect(phone.locator("[role=alert]")).to_have_text(
        tr(idporten_routes.REASONS[kind]._args[0], language, html=False))
    assert_fits_the_phone(phone)
    assert_no_axe_violations(phone)
    assert AuthSession.select().count() == 0


@pytest.mark.parametrize("change, kind", [("nonce", "nonce"), ("signature", "signature")])
def test_a_wrong_nonce_and_a_tampered_id_token_are_refused(new_context, world, idporten,
                                                           change, kind):
    _register(world.plan("valid_consent").guardians[0])
    phone = new_context(**PHONE).new_page()
    idporten.change_next_id_token(change)
    _log_in(phone, idporten.base, language="nb")
    expect(phone.locator("[role=alert]")).to_have_text(
        tr(idporten_routes.REASONS[kind]._args[0], "nb", html=False))
    assert_no_axe_violations(phone)
    assert AuthSession.select().count() == 0


def test_the_stafetthaldar_registers_an_identity_number(new_context, world, idporten):
    plan = world.plan("valid_consent")
    page = new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.goto(f"{idporten.base}/login")
    login_employee(page, world.coordinator.email, factories.PASSWORD)
    page.goto(f"{idporten.base}/plans/{plan.id}/participants")
    page.get_by_role("link", name=re.compile(tr("Identity number for ID-porten", html=False)
                                             + f".*{plan.guardians[0].name}")).click()
    assert_no_axe_violations(page)
    page.locator("#national_id").fill("12345678901")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".error-summary")).to_be_visible()
    assert_no_axe_violations(page)
    page.locator("#national_id").fill(USERS["guardian"]["pid"])
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/plans/{plan.id}/participants$"))
    assert plan.guardians[0].__class__.get_by_id(plan.guardians[0].id).pid_hash
