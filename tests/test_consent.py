"""Consent (SPEC §3.1.5, §3.4, §3.7, §4): create and send, sign with a code, refuse, paper
consent, withdrawal, versions and the seal, and the routine's enforcement before valid consent."""

import io
import logging
import re
from datetime import date

import pytest
from flask.testing import FlaskClient

from tests import factories
from tests.conftest import sign_in, tr
from webapp import codes, routine
from webapp.consent import service, texts
from webapp.facts import facts_for
from webapp.guards import enforces
from webapp.models import (
    Consent,
    ConsentService,
    Goal,
    OutboxMessage,
    Participant,
    Plan,
    Signature,
    TimelineEvent,
)

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


# --- Helpers ---------------------------------------------------------------------------------


class FreshClient(FlaskClient):
    """A test client whose every request gets its own ``g``: the test's own app context
    (conftest) would otherwise be shared by all requests, and with it Flask-Login's cached user,
    so a second client in the same test would act as the first one's person."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


def new_client(app):
    return FreshClient(app, app.response_class, use_cookies=True)


def employee_client(app, person):
    client = new_client(app)
    response = client.post("/login", data={"email": person.email,
                                           "password": factories.PASSWORD})
    assert response.status_code == 302
    return client


def send_consent(plan, holder, services=(), language="nn", signers=None):
    """Draft and send a consent through the service layer; returns the sent version."""
    signers = signers if signers is not None else [g.id for g in plan.guardians]
    draft = service.save_draft(plan, holder.id, language, signers, services)
    assert service.send(plan, draft, holder.id)
    return Consent.get_by_id(draft.id)


def sign_all(plan, consent):
    for signature in Signature.select().where(Signature.consent == consent):
        service.decide(plan, signature, Signature.SIGNED, "one_time_code", signature.person_id)


def code_from_outbox(person):
    message = (
        OutboxMessage.select()
        .where(OutboxMessage.recipient == person.email)
        .order_by(OutboxMessage.id.desc())
        .first()
    )
    return re.search(r"\b(\d{6})\b", message.body).group(1)


def events(plan):
    return [
        (e.kind, e.detail)
        for e in TimelineEvent.select().where(TimelineEvent.plan == plan).order_by(TimelineEvent.id)
    ]


def url(plan, rest=""):
    return f"/plans/{plan.id}/consent{rest}"


# --- Create and send -------------------------------------------------------------------------


def test_stafetthaldar_creates_checks_and_sends_consent(client, world, login_as):
    plan = world.plan("consenters_active")
    login_as(world.coordinator)
    page = client.get(url(plan))
    assert page.status_code == 200
    assert "/consent/new" in page.text

    form = client.get(url(plan, "/new"))
    # Both guardians share parental responsibility: chosen beforehand.
    for guardian in plan.guardians:
        assert re.search(rf'<input[^>]*checked[^>]*value="{guardian.id}"|'
                         rf'<input[^>]*value="{guardian.id}"[^>]*checked', form.text)

    response = client.post(url(plan, "/new"), data={
        "language": "nn",
        "signers": [g.id for g in plan.guardians],
        "services-0-unit": str(world.ppt.id),
        "services-0-note": "spesialpedagog",
    })
    assert response.status_code == 302
    draft = Consent.get(Consent.plan == plan)
    assert draft.status == Consent.DRAFT
    assert "Vi samtykkjer til at det blir oppretta ein stafettlogg for barnet vårt" in draft.text
    assert "PPT Testvik (spesialpedagog)" in draft.text

    edited = draft.text + "\n\nTillegg frå møtet."
    assert client.post(url(plan, "/text"), data={"text": edited}).status_code == 302
    check = client.get(url(plan, "/check"))
    assert "Tillegg frå møtet." in check.text and "PPT Testvik" in check.text

    assert client.post(url(plan, "/send")).status_code == 302
    sent = Consent.get_by_id(draft.id)
    assert sent.status == Consent.SENT and sent.text == edited
    assert re.fullmatch(r"[0-9a-f]{64}", sent.seal)
    signatures = list(Signature.select().where(Signature.consent == sent))
    assert sorted(s.person_id for s in signatures) == sorted(g.id for g in plan.guardians)
    assert all(s.decision == Signature.PENDING for s in signatures)
    assert sent.seal == service.seal_for(
        sent, service.signatures_of([sent])[sent.id], service.services_of([sent])[sent.id]
    )
    recipients = {m.recipient for m in OutboxMessage.select()}
    assert recipients == {g.email for g in plan.guardians}
    assert [k for k, _ in events(plan)] == ["consent_created", "consent_sent"]
    # The consent page shows the version, its signers and the seal (in groups of eight).
    page = client.get(url(plan))
    assert plan.guardians[0].name in page.text and sent.seal[:8] in page.text


def test_leaving_out_a_guardian_with_shared_responsibility_needs_confirmation(
        client, world, login_as):
    plan = world.plan("consenters_active")
    login_as(world.coordinator)
    data = {"language": "nb", "signers": [plan.guardians[0].id]}
    response = client.post(url(plan, "/new"), data=data)
    assert response.status_code == 422
    assert tr("Both guardians sign where they share parental responsibility. Choose them both, "
              "or confirm that one of them shall not sign.") in response.text
    assert Consent.select().count() == 0
    response = client.post(url(plan, "/new"), data={**data, "confirm_omission": "y"})
    assert response.status_code == 302
    draft = Consent.get(Consent.plan == plan)
    assert draft.language == "nb"
    assert draft.text.splitlines()[2].startswith("Jeg samtykker til at det blir opprettet")


def test_consent_cannot_be_sent_before_the_consenters_have_logged_in(client, world, login_as):
    plan = world.plan("created")
    login_as(world.coordinator)
    response = client.post(url(plan, "/new"), data={
        "language": "nn", "signers": [g.id for g in plan.guardians]})
    assert response.status_code == 409
    assert Consent.select().count() == 0


@pytest.mark.parametrize("language", texts.LANGUAGES)
def test_template_adjusts_to_who_signs(language):
    youth = texts.render(language, texts.YOUTH, "Ola", "Kari (Eple)", ["Ola"], [])
    pregnant = texts.render(language, texts.PREGNANT, "Siv", "Kari (Eple)", ["Siv"], [])
    guardians = texts.render(language, texts.GUARDIANS, "Per", "Kari (Eple)", ["A", "B"],
                             [("PPT", "spesialpedagog")])
    first = {"nn": "Eg samtykkjer", "nb": "Jeg samtykker"}[language]
    assert first in youth and "for meg." in youth
    assert "svangerskapet" in pregnant
    assert "barnet vårt, Per" in guardians and "- PPT (spesialpedagog)" in guardians
    assert "A og B" in guardians and "\n\n\n" not in youth


# --- Signing ---------------------------------------------------------------------------------


def test_guardians_sign_with_codes_and_the_consent_becomes_valid(app, world):
    plan = world.plan("consenters_active")
    consent = send_consent(plan, world.coordinator)
    first, second = plan.guardians
    guardian = sign_in(new_client(app), first)

    home = guardian.get("/")
    assert f"/consent/{consent.id}/sign" in home.text  # "Sign consent" on the home page
    page = guardian.get(url(plan, f"/{consent.id}/sign"))
    assert page.status_code == 200
    # The phone view: plain POST forms that work without JavaScript, no wide tables.
    assert page.text.count('<form method="post"') >= 3 and "<table" not in page.text
    assert "hx-" not in page.text.split("<main", 1)[1]
    assert "Samtykke til å opprette stafettlogg" in page.text
    assert consent.seal[8:16] in page.text

    assert guardian.post(url(plan, f"/{consent.id}/sign/code")).status_code == 302
    code = code_from_outbox(first)
    wrong = "000000" if code != "000000" else "111111"
    response = guardian.post(url(plan, f"/{consent.id}/sign"), data={"code": wrong})
    assert response.status_code == 422
    assert tr("The code is wrong or no longer valid. Check the code, or ask for a new one.") in (
        response.text)
    assert Signature.get(person=first).decision == Signature.PENDING

    response = guardian.post(url(plan, f"/{consent.id}/sign"), data={"code": code})
    assert response.status_code == 302
    signature = Signature.get(person=first)
    assert signature.decision == Signature.SIGNED and signature.method == "one_time_code"
    assert signature.seal == service.signature_seal(consent.seal, first.id,
                                                    signature.decided_at)
    assert Consent.get_by_id(consent.id).status == Consent.SENT
    assert f"/consent/{consent.id}/sign" not in guardian.get("/").text

    other = sign_in(new_client(app), second)
    code = codes.issue(second, codes.SIGN)
    assert other.post(url(plan, f"/{consent.id}/sign"), data={"code": code}).status_code == 302
    consent = Consent.get_by_id(consent.id)
    assert consent.status == Consent.VALID and consent.valid_at is not None
    assert Plan.get_by_id(plan.id).status == Plan.ACTIVE
    kinds = [k for k, _ in events(plan)]
    assert kinds[-3:] == ["consent_signed", "consent_signed", "consent_valid"]
    assert ("consent_signed", "one_time_code") in events(plan)
    page = other.get(url(plan))
    assert tr("signed digitally with a one-time code") in page.text
    assert "/consent/withdraw" in page.text


def test_refusal_is_recorded_and_the_plan_stays_closed(app, world):
    plan = world.plan("consenters_active")
    consent = send_consent(plan, world.coordinator)
    guardian = sign_in(new_client(app), plan.guardians[0])
    assert guardian.post(url(plan, f"/{consent.id}/refuse")).status_code == 302
    assert Signature.get(person=plan.guardians[0]).decision == Signature.REFUSED
    assert Consent.get_by_id(consent.id).status == Consent.REFUSED
    assert Plan.get_by_id(plan.id).status == Plan.DRAFT
    assert ("consent_refused", "online") in events(plan)
    assert tr("did not consent") in guardian.get(url(plan)).text
    # The other guardian can no longer sign a refused version.
    other = sign_in(new_client(app), plan.guardians[1])
    assert other.get(url(plan, f"/{consent.id}/sign")).status_code == 404


def test_someone_not_asked_to_sign_is_refused_and_nothing_changes(app, world):
    plan = world.plan("consenters_active")
    consent = send_consent(plan, world.coordinator, signers=[plan.guardians[0].id])
    outsider = plan.guardians[1]  # a guardian of the plan, but not asked
    client = sign_in(new_client(app), outsider)
    code = codes.issue(outsider, codes.SIGN)
    assert client.get(url(plan, f"/{consent.id}/sign")).status_code == 404
    assert client.post(url(plan, f"/{consent.id}/sign"), data={"code": code}).status_code == 404
    assert client.post(url(plan, f"/{consent.id}/refuse")).status_code == 404
    stranger = sign_in(new_client(app), factories.family_member("Framand", "x@test.example"))
    assert stranger.post(url(plan, f"/{consent.id}/refuse")).status_code == 404
    holder = employee_client(app, world.coordinator)
    assert holder.post(url(plan, f"/{consent.id}/refuse")).status_code == 403
    assert Signature.get(consent=consent).decision == Signature.PENDING
    assert Consent.get_by_id(consent.id).status == Consent.SENT


def test_a_code_works_once_and_a_signature_is_given_once(app, world):
    plan = world.plan("consenters_active")
    first = send_consent(plan, world.coordinator)
    guardian_a, guardian_b = plan.guardians
    client = sign_in(new_client(app), guardian_a)
    code = codes.issue(guardian_a, codes.SIGN)
    assert client.post(url(plan, f"/{first.id}/sign"), data={"code": code}).status_code == 302
    # A second signature by the same person on the same version is refused.
    again = codes.issue(guardian_a, codes.SIGN)
    assert client.post(url(plan, f"/{first.id}/sign"), data={"code": again}).status_code == 404
    decided_at = Signature.get(person=guardian_a).decided_at
    service.decide(plan, Signature.get(person=guardian_b), Signature.SIGNED, "one_time_code",
                   guardian_b.id)
    # The code already used does not sign the next version.
    second = send_consent(plan, world.coordinator, services=[(world.ppt.id, "")])
    response = client.post(url(plan, f"/{second.id}/sign"), data={"code": code})
    assert response.status_code == 422
    assert Signature.get(consent=second, person=guardian_a).decision == Signature.PENDING
    assert Signature.get(consent=first, person=guardian_a).decided_at == decided_at


# --- Paper consent ---------------------------------------------------------------------------


def test_paper_consent_with_a_scan(app, world, monkeypatch, tmp_path):
    monkeypatch.setattr(app, "instance_path", str(tmp_path))
    plan = world.plan("consenters_active")
    consent = send_consent(plan, world.coordinator)
    first, second = plan.guardians
    holder = employee_client(app, world.coordinator)
    page = holder.get(url(plan))
    paper_url = url(plan, f"/{consent.id}/signers/{first.id}/paper")
    assert paper_url in page.text

    fake = {"decision": "signed", "decided_on": date.today().isoformat(),
            "scan": (io.BytesIO(b"<script>alert(1)</script>"), "scan.png")}
    response = holder.post(paper_url, data=fake, content_type="multipart/form-data")
    assert response.status_code == 422
    assert tr("The file must be a PDF, JPEG or PNG.", html=False) in response.text
    missing = holder.post(paper_url, data={"decision": "signed",
                                           "decided_on": date.today().isoformat()})
    assert missing.status_code == 422
    assert tr("Upload the scanned form that was signed.", html=False) in missing.text

    good = {"decision": "signed", "decided_on": date.today().isoformat(),
            "scan": (io.BytesIO(PNG), "skjema.png")}
    response = holder.post(paper_url, data=good, content_type="multipart/form-data")
    assert response.status_code == 302
    signature = Signature.get(person=first)
    assert signature.method == "paper" and signature.recorded_by_id == world.coordinator.id
    assert signature.decision == Signature.SIGNED
    assert re.fullmatch(r"[0-9a-f]{32}\.png", signature.paper_file)
    assert (tmp_path / "uploads" / signature.paper_file).read_bytes() == PNG
    assert ("paper_consent_recorded", "signed") in events(plan)

    scan = holder.get(url(plan, f"/signatures/{signature.id}/scan"))
    assert scan.status_code == 200 and scan.mimetype == "image/png" and scan.data == PNG
    assert "sandbox" in scan.headers["Content-Security-Policy"]
    assert holder.post(paper_url, data={"decision": "refused",
                                        "decided_on": "2020-01-01"}).status_code == 404

    refused = holder.post(url(plan, f"/{consent.id}/signers/{second.id}/paper"),
                          data={"decision": "refused", "decided_on": date.today().isoformat()})
    assert refused.status_code == 302
    assert Consent.get_by_id(consent.id).status == Consent.REFUSED
    page = holder.get(url(plan)).text
    assert tr("signed on paper") in page and tr("did not consent (on paper)") in page
    # A guardian may not record paper consent, and a stranger may not see the scan.
    guardian = sign_in(new_client(app), first)
    assert guardian.get(url(plan, f"/signatures/{signature.id}/scan")).status_code == 200
    stranger = employee_client(app, world.other_coordinator)
    assert stranger.get(url(plan, f"/signatures/{signature.id}/scan")).status_code == 404


def test_a_scan_that_is_too_large_is_refused_with_a_message(app, world, monkeypatch, tmp_path):
    monkeypatch.setattr(app, "instance_path", str(tmp_path))
    plan = world.plan("consenters_active")
    consent = send_consent(plan, world.coordinator)
    holder = employee_client(app, world.coordinator)
    paper_url = url(plan, f"/{consent.id}/signers/{plan.guardians[0].id}/paper")
    for size, status, message in ((9, 422, tr("The file is too large: at most 8 MB.", html=False)),
                                  (11, 413, tr("The file is too large"))):
        data = {"decision": "signed", "decided_on": date.today().isoformat(),
                "scan": (io.BytesIO(PNG + b"\0" * size * 1024 * 1024), "big.png")}
        response = holder.post(paper_url, data=data, content_type="multipart/form-data")
        assert response.status_code == status and message in response.text
    assert Signature.get(person=plan.guardians[0]).decision == Signature.PENDING
    assert not (tmp_path / "uploads").exists() or not any((tmp_path / "uploads").iterdir())


# --- Withdrawal ------------------------------------------------------------------------------


def test_withdrawal_takes_two_taps_and_cuts_a_service_providers_access(app, world):
    plan = world.plan("valid_consent", provider=world.provider)
    provider = employee_client(app, world.provider)
    assert provider.get(url(plan)).status_code == 200
    guardian = sign_in(new_client(app), plan.guardians[0])
    page = guardian.get(url(plan))
    assert url(plan, "/withdraw") in page.text
    confirm = guardian.get(url(plan, "/withdraw"))
    assert tr("The log becomes passive at once.") in confirm.text
    assert "<textarea" not in confirm.text  # no reason asked
    assert guardian.post(url(plan, "/withdraw")).status_code == 302

    consent = Consent.get(Consent.plan == plan)
    assert consent.status == Consent.WITHDRAWN
    assert consent.withdrawn_by_id == plan.guardians[0].id and consent.withdrawn_at
    assert Plan.get_by_id(plan.id).status == Plan.PASSIVE
    assert ("consent_withdrawn", "") in events(plan)
    assert OutboxMessage.select().where(
        OutboxMessage.recipient == world.coordinator.email).exists()
    # At once: the service provider's next request finds nothing (no consent names the
    # service now, so not even the plan's metadata); the family keeps access.
    assert provider.get(url(plan)).status_code == 404
    assert provider.get(f"/plans/{plan.id}").status_code == 404
    assert guardian.get(url(plan)).status_code == 200
    assert employee_client(app, world.coordinator).get(url(plan)).status_code == 200
    # Nothing valid is left to withdraw: the routine says so before the button is offered.
    again = guardian.get(url(plan, "/withdraw"))
    assert again.status_code == 409
    assert tr("There is no valid consent to withdraw.") in again.text


# --- Versions and the seal -------------------------------------------------------------------


def test_seal_changes_when_the_text_or_the_signers_change(world):
    plan = world.plan("consenters_active")
    draft = service.save_draft(plan, world.coordinator.id, "nn",
                               [g.id for g in plan.guardians], [])

    def seal():
        consent = Consent.get_by_id(draft.id)
        return service.seal_for(consent, service.signatures_of([consent])[consent.id],
                                service.services_of([consent])[consent.id])

    before = seal()
    assert seal() == before
    service.save_text(draft, Consent.get_by_id(draft.id).text + " ")
    after_text = seal()
    assert after_text != before
    service.save_draft(plan, world.coordinator.id, "nn", [plan.guardians[0].id], [])
    assert seal() not in (before, after_text)


def test_update_names_ppt_shows_what_it_adds_and_the_old_version_holds(app, world):
    plan = world.plan("consenters_active")
    first = send_consent(plan, world.coordinator)
    sign_all(plan, first)
    assert facts_for(Plan.get_by_id(plan.id)).consent_names_services is False

    holder = employee_client(app, world.coordinator)
    holder.post(url(plan, "/new"), data={
        "language": "nn", "signers": [g.id for g in plan.guardians],
        "services-0-unit": str(world.ppt.id), "services-0-note": "spesialpedagog"})
    draft = Consent.get((Consent.plan == plan) & (Consent.status == Consent.DRAFT))
    assert draft.version == 2
    check = holder.get(url(plan, "/check")).text
    assert tr("What the new version changes") in check and "PPT Testvik" in check
    # While version 2 is drafted and sent, version 1 still holds: content may be written.
    assert routine.allowed("write_goal", facts_for(Plan.get_by_id(plan.id)))
    assert holder.post(url(plan, "/send")).status_code == 302
    assert routine.allowed("write_goal", facts_for(Plan.get_by_id(plan.id)))
    page = holder.get(url(plan)).text
    assert tr("Version %(valid)s still holds until everyone has signed version %(new)s.",
              valid=1, new=2) in page and "PPT Testvik" in page
    assert f"/consent/versions/{first.id}" in page

    guardian = sign_in(new_client(app), plan.guardians[0])
    sign_page = guardian.get(url(plan, f"/{draft.id}/sign")).text
    assert tr("New services:") in sign_page and "PPT Testvik" in sign_page

    sign_all(plan, Consent.get_by_id(draft.id))
    assert Consent.get_by_id(first.id).status == Consent.SUPERSEDED
    assert Consent.get_by_id(draft.id).status == Consent.VALID
    assert facts_for(Plan.get_by_id(plan.id)).consent_names_services is True
    assert ConsentService.get(consent=draft.id).note == "spesialpedagog"
    assert guardian.get(url(plan, f"/versions/{first.id}")).status_code == 200


class _Counter(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.count = 0

    def emit(self, record):
        self.count += 1


def _queries(client, path):
    counter = _Counter()
    logger = logging.getLogger("peewee")
    level = logger.level
    logger.setLevel(logging.DEBUG)
    logger.addHandler(counter)
    try:
        assert client.get(path).status_code == 200
    finally:
        logger.removeHandler(counter)
        logger.setLevel(level)
    return counter.count


def test_consent_page_queries_do_not_grow_with_versions_or_signers(app, world):
    small = world.plan("consenters_active", guardians=1)
    sign_all(small, send_consent(small, world.coordinator))
    large = world.plan("consenters_active", guardians=4)
    for _ in range(4):
        sign_all(large, send_consent(large, world.coordinator,
                                     services=[(world.ppt.id, "a"), (world.unit.id, "b")]))
    send_consent(large, world.coordinator)
    holder = employee_client(app, world.coordinator)
    assert _queries(holder, url(small)) == _queries(holder, url(large))


# --- The routine's enforcement before valid consent (issue item 7) --------------------------


def _enforced_action(view):
    """The routine action of an ``enforces`` wrapper inside ``view``'s decorators, if any."""
    while view is not None:
        if view.__code__.co_qualname.startswith("enforces."):
            cells = dict(zip(view.__code__.co_freevars, view.__closure__ or (), strict=False))
            return cells["action"].cell_contents
        view = getattr(view, "__wrapped__", None)
    return None


def test_content_writes_before_valid_consent_are_refused(app, client, world, login_as):
    """Every POST route under a plan whose routine step needs valid consent refuses a write
    while the consent is only sent (the routes other areas register are found in the URL map)."""
    plan = world.plan("consent_sent")
    login_as(world.coordinator)
    checked = []
    for rule in app.url_map.iter_rules():
        if "POST" not in rule.methods or not rule.rule.startswith("/plans/<int:plan_id>/"):
            continue
        action = _enforced_action(app.view_functions[rule.endpoint])
        step = routine.STEPS_BY_ID[routine.ACTIONS[action]] if action else None
        needs_consent = {routine.CONSENT_VALID, routine.CONSENT_TO_WITHDRAW}
        if step is None or not needs_consent & set(step.requires):
            continue
        path = rule.rule.replace("<int:plan_id>", str(plan.id))
        path = re.sub(r"<(?:\w+:)?\w+>", "999999", path)
        before = Goal.select().count(), TimelineEvent.select().count()
        response = client.post(path, data={"title": "x", "text": "x", "body": "x"})
        assert response.status_code in (403, 409), rule.endpoint
        assert (Goal.select().count(), TimelineEvent.select().count()) == before
        checked.append(rule.endpoint)
    # The walk finds the routes: withdrawing needs a valid consent too.
    assert "consent.withdraw" in checked


def test_the_enforcement_engine_refuses_a_write_before_valid_consent(app, world):
    plan = world.plan("consent_sent")
    written = []

    @enforces("write_goal")
    def write(plan):
        written.append(plan.id)
        return "ok"

    with app.test_request_context(method="POST"):
        html, status = write(plan)
    assert status == 409 and written == []
    assert tr("Consent must be signed by everyone who is asked to sign before you can fill in the "
              "plan. The checklist shows who has not signed yet.") in html
    Plan.update(status=Plan.ACTIVE).where(Plan.id == plan.id).execute()
    sign_all(plan, Consent.get(Consent.plan == plan))
    with app.test_request_context(method="POST"):
        assert write(Plan.get_by_id(plan.id)) == "ok"
    assert written == [plan.id]


def test_signers_must_be_active_family_participants(world):
    plan = world.plan("consenters_active")
    Participant.update(status=Participant.ENDED).where(
        Participant.person == plan.guardians[1]).execute()
    candidates = service.signer_candidates(plan)
    assert [p.person_id for p in candidates] == [plan.guardians[0].id]
