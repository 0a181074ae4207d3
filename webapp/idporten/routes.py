"""ID-porten (SPEC §2, §3.1.5; issue 12): log in, come back, sign a consent with a fresh
authentication, and the stafetthaldar's page to register a family member's identity number.
The protocol lives in ``webapp.idporten.service``; the session in ``webapp.sessions``."""

import logging

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from webapp import guards, identity, policy
from webapp.audit import add_event
from webapp.auth.providers import log_in
from webapp.consent import service as consent_service
from webapp.extensions import limiter
from webapp.fields import ConfirmForm
from webapp.idporten import service
from webapp.idporten.forms import IdentityNumberForm
from webapp.idporten.service import Refusal
from webapp.models import Participant, Person, Signature
from webapp.safe_urls import safe_next
from webapp.sessions import refresh_authentication

bp = Blueprint("idporten", __name__)
log = logging.getLogger(__name__)

# Why a login or step-up was not accepted, in words for the person (nn/nb in the catalogues).
REASONS = {
    "level": _l("ID-porten confirmed your login at a lower security level than the municipality "
                "requires. Log in again and choose a login at a high level, for example BankID."),
    "nonce": _l("The answer from ID-porten did not belong to this login, so it was not "
                "accepted. Nothing was saved. Start the login again."),
    "signature": _l("The answer from ID-porten could not be verified: its electronic signature "
                    "does not match. Nothing was saved. Start the login again."),
    "token": _l("The answer from ID-porten was not valid for this service, or it had expired. "
                "Nothing was saved. Start the login again."),
    "unknown": _l("ID-porten confirmed who you are, but your identity number is not registered "
                  "in any stafettlogg. Ask the stafetthaldar to register it, then log in again."),
    "code": _l("This login has already been used or has expired, so it was not accepted. "
               "Start the login again."),
    "state": _l("The answer from ID-porten did not match a login started in this browser. "
                "Perhaps it was started in another window, or it took too long. Start the "
                "login again."),
    "cancelled": _l("You cancelled the login at ID-porten. Nothing was saved."),
    "provider_error": _l("ID-porten answered with an error. Nothing was saved. Try again in a "
                         "little while."),
    "unavailable": _l("ID-porten is not answering right now. Try again in a little while."),
    "other_person": _l("You logged in at ID-porten as someone other than the person asked to "
                       "sign. Nothing was signed."),
    "session_ended": _l("Your session in Stafettlogg ended while you were at ID-porten. Log in "
                        "again, then sign."),
}
STATUS = {"cancelled": 200, "unavailable": 503, "provider_error": 502, "level": 403,
          "unknown": 403, "other_person": 403}


@bp.app_context_processor
def _idporten():
    return {"idporten_on": service.configured(),
            "code_login_on": service.code_login_allowed()}


def _refused(kind, flow=None):
    log.info("ID-porten refused: %s", kind)
    flow = flow or {}
    sign_page = None
    if flow.get("purpose") == "sign" and current_user.is_authenticated:
        sign_page = url_for("consent.sign", plan_id=flow["plan_id"],
                            consent_id=flow["consent_id"])
    return render_template(
        "idporten/refused.html", reason=REASONS[kind], kind=kind, sign_page=sign_page,
        signing=flow.get("purpose") == "sign",
    ), STATUS.get(kind, 400)


def _login_limit():
    return current_app.config["LOGIN_RATE_LIMIT"]


@bp.route("/login/idporten")
@limiter.limit(_login_limit)
@guards.public
def start():
    """Log in with ID-porten (guardians and youth); anyone may open it. Without ID-porten
    configured it leads to the code login."""
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    if not service.configured():
        return redirect(url_for("auth.code_login_start", next=request.args.get("next")))
    try:
        return service.begin("login", next=safe_next(request.args.get("next")))
    except Refusal as refusal:
        return _refused(refusal.kind)


@bp.route("/login/idporten/callback")
@limiter.limit(_login_limit)
@guards.public
def callback():
    """Where ID-porten sends the person back (the redirect URI); anyone may open it. Every
    answer that is not a valid login at the required level ends on the refusal page."""
    if not service.configured():
        return redirect(url_for("auth.code_login_start"))
    flow = dict(service.pending_flow() or {})
    try:
        flow, claims, id_token = service.complete()
    except Refusal as refusal:
        return _refused(refusal.kind, flow)
    authentication = service.authentication_of(claims, id_token)
    if flow.get("purpose") == "sign":
        if not current_user.is_authenticated:
            return _refused("session_ended", flow)
        if current_user.pid_hash is None:
            return _refused("unknown", flow)
        if current_user.pid_hash != service.pid_hash(claims["pid"]):
            return _refused("other_person", flow)
        refresh_authentication(current_user, method="idporten", **authentication)
        flash(_("You have confirmed who you are with ID-porten. You can sign now."))
        return redirect(url_for("consent.sign", plan_id=flow["plan_id"],
                                consent_id=flow["consent_id"]) + "#sign-with-idporten")
    person = service.person_for(claims)
    if person is None:
        return _refused("unknown", flow)
    log_in(person, "idporten", **authentication)
    return redirect(safe_next(flow.get("next")) or url_for("main.home"))


@bp.route("/plans/<int:plan_id>/consent/<int:consent_id>/sign/idporten", methods=["POST"])
@guards.requires_plan(policy.CONSENT_DECIDE)
def sign(plan, consent_id):
    """Sign with ID-porten: with an ID-porten authentication at the required level at most
    ``IDPORTEN_SIGN_MAX_AGE_MINUTES`` old the signature is recorded with its acr, amr and time;
    otherwise a new login at ID-porten first, back to the signing page. Only a signer this
    consent asks (anyone else gets 404)."""
    signature = guards.load_own_signature(plan, consent_id)
    if not service.configured():
        abort(404)
    page = url_for("consent.sign", plan_id=plan.id, consent_id=consent_id)
    if not ConfirmForm().validate_on_submit():
        return redirect(page)
    authentication = service.fresh_authentication(current_user)
    if authentication is None:
        try:
            return service.begin("sign", step_up=True, plan_id=plan.id, consent_id=consent_id)
        except Refusal as refusal:
            return _refused(refusal.kind, {"purpose": "sign", "plan_id": plan.id,
                                           "consent_id": consent_id})
    if consent_service.decide(plan, signature, Signature.SIGNED, "idporten", current_user.id,
                              authentication=authentication):
        flash(_("Thank you. Your signature is recorded."))
    return redirect(url_for("consent.index", plan_id=plan.id))


@bp.route("/plans/<int:plan_id>/participants/<int:participant_id>/identity-number",
          methods=["GET", "POST"])
@guards.requires_plan(policy.PLAN_MANAGE)
def identity_number(plan, participant_id):
    """Register a guardian's or the youth's identity number, so that ID-porten can recognise
    them (docs/access-model.md). Only a keyed hash is stored. The stafetthaldar only."""
    participant = guards.plan_child_or_404(
        Participant, plan, participant_id,
        Participant.role.in_((Participant.GUARDIAN, Participant.OWNER)),
    )
    person = Person.get_by_id(participant.person_id)
    form = IdentityNumberForm()
    if form.validate_on_submit():
        try:
            number, _birth = identity.parse(
                form.national_id.data, current_app.config["ALLOW_SYNTHETIC_IDS"]
            )
        except identity.InvalidIdentityNumber as error:
            form.national_id.errors.append(str(error.message))
        else:
            digest = service.pid_hash(number)
            taken = Person.select().where((Person.pid_hash == digest)
                                          & (Person.id != person.id)).exists()
            if taken:
                form.national_id.errors.append(
                    _("This identity number is registered for another person.")
                )
            else:
                Person.update(pid_hash=digest).where(Person.id == person.id).execute()
                # On the timeline and in the audit trail, with whose number as a code (the
                # role), never the number (the view's one transaction holds both).
                add_event(plan, "identity_number_registered", current_user.id,
                          detail=participant.role)
                flash(_("The identity number is registered. %(name)s can log in with "
                        "ID-porten.", name=person.name))
                return redirect(url_for("participants.index", plan_id=plan.id))
    return render_template(
        "idporten/identity_number.html", plan=plan, person=person, form=form,
    ), 422 if form.errors else 200
