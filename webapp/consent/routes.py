"""Consent to the plan (SPEC §3.1.5, §3.4, §3.7): create and send, sign, record paper consent,
withdraw. Writes live in ``webapp.consent.service``; who may do what in ``webapp.policy``."""

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge
from wtforms import SelectChoice

from webapp import guards, policy, routine
from webapp.consent import scans, service, texts
from webapp.consent.forms import CodeForm, PaperForm, SignersForm, TextForm
from webapp.extensions import limiter
from webapp.facts import facts_for
from webapp.fields import ConfirmForm
from webapp.guards import enforces
from webapp.idporten.service import code_login_allowed
from webapp.labels import role_label
from webapp.models import Consent, Signature

bp = Blueprint("consent", __name__, url_prefix="/plans/<int:plan_id>/consent")

STATUS = {
    Consent.DRAFT: _l("Draft, not sent"),
    Consent.SENT: _l("Waiting for signatures"),
    Consent.VALID: _l("Valid"),
    Consent.REFUSED: _l("Refused"),
    Consent.WITHDRAWN: _l("Withdrawn"),
    Consent.SUPERSEDED: _l("Replaced by a newer version"),
}
LANGUAGE = {"nn": "Nynorsk", "nb": "Bokmål"}


@bp.context_processor
def _labels():
    return {"consent_status": STATUS, "consent_language": LANGUAGE}


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(error):
    return render_template("consent/too_large.html"), 413


def _shown(*consents):
    """Signatures and services of the versions a page shows (two queries in all)."""
    consents = [c for c in consents if c is not None]
    return service.signatures_of(consents), service.services_of(consents)


@bp.route("")
@guards.requires_plan(policy.PLAN_READ)
def index(plan):
    """The consent: the current version, who signed and how, the services it names, its seal,
    what an update adds, and earlier versions. Anyone who may read the plan; the stafetthaldar
    sees the actions, a signer sees "Read and sign", the family "Withdraw consent"."""
    versions = service.Versions(plan)
    may_manage = policy.can(current_user, policy.PLAN_MANAGE, plan)
    signatures, services = _shown(versions.current, versions.valid)
    current = versions.current
    added = removed = ()
    if current is not None and versions.valid is not None and current != versions.valid:
        added, removed = service.service_changes(services[current.id], services[versions.valid.id])
    own = None
    if current is not None and current.status == Consent.SENT:
        own = next(
            (s for s in signatures[current.id]
             if s.person_id == current_user.id and s.decision == Signature.PENDING),
            None,
        )
    facts = facts_for(plan) if may_manage else None
    return render_template(
        "consent/index.html",
        plan=plan,
        versions=versions,
        current=current,
        signatures=signatures,
        services=services,
        added=added,
        removed=removed,
        own_signature=own,
        may_manage=may_manage,
        may_decide=policy.can(current_user, policy.CONSENT_DECIDE, plan),
        send_blocked=routine.blocker("send_consent", facts) if facts else None,
        paragraphs=texts.paragraphs,
    )


@bp.route("/versions/<int:consent_id>")
@guards.requires_plan(policy.PLAN_READ)
def show_version(plan, consent_id):
    """One earlier (or the current) version with its text, signers and seal; for anyone who may
    read the plan. Drafts are not shown here."""
    consent = (
        Consent.select()
        .where((Consent.plan == plan) & (Consent.id == consent_id)
               & (Consent.status != Consent.DRAFT))
        .first()
    )
    if consent is None:
        abort(404)
    signatures, services = _shown(consent)
    return render_template(
        "consent/version.html", plan=plan, consent=consent,
        signatures=signatures[consent.id], services=services[consent.id],
        paragraphs=texts.paragraphs,
    )


# --- The stafetthaldar: create, edit, check, send -------------------------------------------


@bp.route("/new", methods=["GET", "POST"])
@guards.requires_plan(policy.PLAN_MANAGE)
@enforces("send_consent")
def edit_signers(plan):
    """Step 1 of a new version: who signs, which services it names, and its language. The
    stafetthaldar only. Both guardians with shared parental responsibility are chosen
    beforehand; leaving one out needs a confirmation."""
    versions = service.Versions(plan)
    candidates = service.signer_candidates(plan)
    draft_signatures, draft_services = _shown(versions.draft)
    basis = versions.draft or versions.current
    form = SignersForm()
    form.signers.choices = [
        SelectChoice(p.person_id, f"{p.person.name} ({role_label(p.role)})") for p in candidates
    ]
    form.shared_responsibility = service.shared_responsibility(candidates)
    form.set_units(service.unit_choices(plan))
    if request.method == "GET":
        form.language.data = basis.language if basis else _default_language()
        if versions.draft is not None:
            form.signers.data = [s.person_id for s in draft_signatures[versions.draft.id]]
            rows = draft_services[versions.draft.id]
        else:
            form.signers.data = service.default_signers(plan, candidates)
            rows = service.services_of([basis])[basis.id] if basis else []
        for row, chosen in zip(form.services, rows, strict=False):
            row.unit.data, row.note.data = chosen.unit_id, chosen.note
    if form.validate_on_submit():
        service.save_draft(plan, current_user.id, form.language.data, form.signers.data,
                           form.chosen_services())
        return redirect(url_for("consent.edit_text", plan_id=plan.id))
    return render_template(
        "consent/signers.html", plan=plan, form=form, candidates=candidates, draft=versions.draft,
    ), 422 if form.errors else 200


def _default_language():
    return current_user.language if current_user.language in texts.LANGUAGES else "nn"


def _draft_or_back(plan):
    draft = service.Versions(plan).draft
    if draft is None:
        return None, redirect(url_for("consent.edit_signers", plan_id=plan.id))
    return draft, None


@bp.route("/text", methods=["GET", "POST"])
@guards.requires_plan(policy.PLAN_MANAGE)
@enforces("send_consent")
def edit_text(plan):
    """Step 2: the text from the template, adjusted to who signs, editable before sending.
    The stafetthaldar only."""
    draft, back = _draft_or_back(plan)
    if back:
        return back
    form = TextForm(data={"text": draft.text})
    if form.validate_on_submit():
        service.save_text(draft, form.text.data, current_user.id)
        return redirect(url_for("consent.check", plan_id=plan.id))
    return render_template("consent/text.html", plan=plan, form=form, draft=draft), (
        422 if form.errors else 200
    )


@bp.route("/check")
@guards.requires_plan(policy.PLAN_MANAGE)
def check(plan):
    """Step 3: check everything before the consent is sealed and sent. The stafetthaldar only."""
    versions = service.Versions(plan)
    draft = versions.draft
    if draft is None:
        return redirect(url_for("consent.edit_signers", plan_id=plan.id))
    signatures, services = _shown(draft, versions.valid)
    added, removed = service.service_changes(
        services[draft.id], services[versions.valid.id] if versions.valid else []
    )
    return render_template(
        "consent/check.html", plan=plan, draft=draft, valid=versions.valid,
        signatures=signatures[draft.id], services=services[draft.id], added=added,
        removed=removed, form=ConfirmForm(), paragraphs=texts.paragraphs,
    )


@bp.route("/send", methods=["POST"])
@guards.requires_plan(policy.PLAN_MANAGE)
@enforces("send_consent")
def send(plan):
    """Seal the draft and send it to every signer. The stafetthaldar only; the routine's
    preconditions (consenters added and active) are checked again here."""
    draft, back = _draft_or_back(plan)
    if back:
        return back
    if ConfirmForm().validate_on_submit() and service.send(plan, draft, current_user.id):
        flash(_("The consent is sent for signing. Each signer gets a message."))
    return redirect(url_for("consent.index", plan_id=plan.id))


# --- The family: sign, refuse, withdraw ------------------------------------------------------


def _sign_page(plan, signature, code_form, status=200):
    consent = signature.consent
    versions = service.Versions(plan)
    signatures, services = _shown(consent, versions.valid)
    added = removed = ()
    if versions.valid is not None and versions.valid.id != consent.id:
        added, removed = service.service_changes(services[consent.id],
                                                 services[versions.valid.id])
    return render_template(
        "consent/sign.html", plan=plan, consent=consent, signature=signature,
        signatures=signatures[consent.id], services=services[consent.id], added=added,
        removed=removed, form=code_form, confirm=ConfirmForm(), paragraphs=texts.paragraphs,
    ), status


@bp.route("/<int:consent_id>/sign", methods=["GET", "POST"])
@guards.requires_plan(policy.CONSENT_DECIDE)
def sign(plan, consent_id):
    """Read the exact text and its seal, then sign with a one-time code. Only a guardian or
    youth this consent asks to sign (anyone else gets 404)."""
    signature = guards.load_own_signature(plan, consent_id)
    form = CodeForm()
    if request.method == "POST" and not code_login_allowed():
        abort(404)  # with ID-porten configured, signing is with ID-porten (webapp/idporten)
    if form.validate_on_submit():
        if service.sign_with_code(plan, signature, current_user, form.code.data):
            flash(_("Thank you. Your signature is recorded."))
            return redirect(url_for("consent.index", plan_id=plan.id))
        form.code.errors.append(
            _("The code is wrong or no longer valid. Check the code, or ask for a new one.")
        )
    return _sign_page(plan, signature, form, 422 if form.errors else 200)


@bp.route("/<int:consent_id>/sign/code", methods=["POST"])
@limiter.limit("5 per 10 minutes", methods=["POST"])
@guards.requires_plan(policy.CONSENT_DECIDE)
def send_code(plan, consent_id):
    """Send a one-time code for signing to the signer's e-mail and mobile. Only a signer this
    consent asks."""
    guards.load_own_signature(plan, consent_id)
    if not code_login_allowed():
        abort(404)  # with ID-porten configured, signing is with ID-porten (webapp/idporten)
    if ConfirmForm().validate_on_submit():
        service.send_sign_code(current_user)
        flash(_("We have sent you a code. It is valid for 10 minutes."))
    page = url_for("consent.sign", plan_id=plan.id, consent_id=consent_id)
    return redirect(page + "#sign-with-code")


@bp.route("/<int:consent_id>/refuse", methods=["POST"])
@guards.requires_plan(policy.CONSENT_DECIDE)
def refuse(plan, consent_id):
    """"I do not consent": record a refusal. Only a signer this consent asks."""
    signature = guards.load_own_signature(plan, consent_id)
    if ConfirmForm().validate_on_submit():
        service.decide(plan, signature, Signature.REFUSED, "online", current_user.id)
        flash(_("Your answer is recorded: you do not consent."))
    return redirect(url_for("consent.index", plan_id=plan.id))


@bp.route("/withdraw", methods=["GET", "POST"])
@guards.requires_plan(policy.CONSENT_DECIDE)
@enforces("withdraw_consent")
def withdraw(plan):
    """Withdraw consent (SPEC §3.7): a page saying what happens, then one button. The guardians
    or the youth; no reason is asked."""
    valid = service.Versions(plan).valid
    if valid is None:
        abort(404)
    form = ConfirmForm()
    if form.validate_on_submit():
        service.withdraw(plan, current_user.id)
        flash(_("Consent is withdrawn. The log is passive now, and the services no longer "
                "have access."))
        return redirect(url_for("consent.index", plan_id=plan.id))
    return render_template("consent/withdraw.html", plan=plan, consent=valid, form=form)


# --- Paper consent ---------------------------------------------------------------------------


@bp.route("/<int:consent_id>/signers/<int:person_id>/paper", methods=["GET", "POST"])
@guards.requires_plan(policy.PLAN_MANAGE)
def record_paper(plan, consent_id, person_id):
    """Record a consent signed or refused on paper, with the scanned form (SPEC §3.1.5). The
    stafetthaldar only, for a signer who has not answered yet."""
    signature = service.pending_signature_or_404(plan, consent_id, person_id)
    form = PaperForm()
    form.sent_on = signature.consent.sent_at.date() if signature.consent.sent_at else None
    if form.validate_on_submit():
        scan = None
        if form.scan.data and form.scan.data.filename:
            scan = scans.store_scan(form.scan.data)
        service.decide(plan, signature, form.decision.data, "paper", current_user.id,
                       decided_at=scans.paper_datetime(form.decided_on.data), scan=scan)
        flash(_("The paper consent is recorded."))
        return redirect(url_for("consent.index", plan_id=plan.id))
    return render_template("consent/paper.html", plan=plan, signature=signature, form=form), (
        422 if form.errors else 200
    )


@bp.route("/signatures/<int:signature_id>/scan")
@guards.requires_plan(policy.PLAN_READ)
def paper_scan(plan, signature_id):
    """The scanned paper form of one signature, for anyone who may read the plan. Served from
    the instance folder, never from ``static/``."""
    signature = (
        Signature.select(Signature.paper_file)
        .join(Consent)
        .where((Signature.id == signature_id) & (Consent.plan == plan)
               & Signature.paper_file.is_null(False))
        .first()
    )
    if signature is None:
        abort(404)
    response = send_file(
        scans.scan_path(signature.paper_file),
        mimetype=scans.scan_mimetype(signature.paper_file),
        download_name=f"consent-{signature_id}{signature.paper_file[-4:]}",
    )
    response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response
