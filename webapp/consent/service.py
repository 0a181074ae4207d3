"""Consent: drafting, sealing, sending, signing, paper consent and withdrawal (SPEC §3.1.5, §3.7).

Every write happens here, inside one transaction, so the views stay thin. A consent version is
sealed when sent: the seal is a SHA-256 over a canonical JSON of what the family is asked to sign
(SPEC §4, "Consent is versioned and sealed"), and each signature is sealed over the consent's seal.
"""

import hashlib
import json

from flask import abort
from wtforms import SelectChoice

from webapp import codes
from webapp.audit import add_event, record_write
from webapp.consent import texts
from webapp.db import immediate, is_sqlite
from webapp.facts import age_on
from webapp.levels import sync_level
from webapp.models import (
    Consent,
    ConsentService,
    Participant,
    Person,
    Plan,
    Signature,
    Unit,
    pending_signature,
    utcnow,
)
from webapp.notify import notify

SERVICE_ROWS = 5


# --- Reading ---------------------------------------------------------------------------------


class Versions:
    """All versions of a plan's consent (one query), and the ones that matter now."""

    def __init__(self, plan):
        self.all = list(
            Consent.select().where(Consent.plan == plan).order_by(Consent.version.desc())
        )
        self.draft = next((c for c in self.all if c.status == Consent.DRAFT), None)
        # The version the family has last been asked about: the newest one sent.
        self.current = next((c for c in self.all if c.status != Consent.DRAFT), None)
        # The version that holds now (an update waiting for signatures does not replace it).
        self.valid = next((c for c in self.all if c.status == Consent.VALID), None)
        self.earlier = [c for c in self.all if c not in (self.draft, self.current)]

    @property
    def next_number(self):
        return (self.all[0].version + 1) if self.all else 1


def signatures_of(consents):
    """``{consent_id: [Signature with .person]}`` for ``consents``, in one query."""
    ids = [c.id for c in consents if c is not None]
    result = {i: [] for i in ids}
    if ids:
        rows = (
            Signature.select(Signature, Person)
            .join(Person, on=(Signature.person == Person.id))
            .where(Signature.consent.in_(ids))
            .order_by(Person.name, Person.id)
        )
        for row in rows:
            result[row.consent_id].append(row)
    return result


def services_of(consents):
    """``{consent_id: [ConsentService with .unit]}`` for ``consents``, in one query."""
    ids = [c.id for c in consents if c is not None]
    result = {i: [] for i in ids}
    if ids:
        rows = (
            ConsentService.select(ConsentService, Unit)
            .join(Unit, on=(ConsentService.unit == Unit.id))
            .where(ConsentService.consent.in_(ids))
            .order_by(Unit.name, ConsentService.id)
        )
        for row in rows:
            result[row.consent_id].append(row)
    return result


def service_changes(new_services, valid_services):
    """What a new version adds and removes compared with the valid one (by unit)."""
    new = {s.unit_id: s for s in new_services}
    old = {s.unit_id: s for s in valid_services}
    added = [s for unit_id, s in new.items() if unit_id not in old]
    removed = [s for unit_id, s in old.items() if unit_id not in new]
    return added, removed


def signer_candidates(plan):
    """The active guardians and plan owner who may be asked to sign, with their role."""
    return list(
        Participant.select(Participant, Person)
        .join(Person)
        .where(
            (Participant.plan == plan)
            & (Participant.status == Participant.ACTIVE)
            & (Participant.role.in_((Participant.GUARDIAN, Participant.OWNER)))
        )
        .order_by(Person.name, Person.id)
    )


def default_signers(plan, candidates):
    """SPEC §3.1.5: both guardians where they share parental responsibility, and the plan owner
    from the consent age (or a pregnant plan owner)."""
    consent_age = plan.municipality.youth_consent_age
    chosen = []
    for participant in candidates:
        if participant.role == Participant.GUARDIAN and participant.shares_parental_responsibility:
            chosen.append(participant.person_id)
        elif participant.role == Participant.OWNER and (
            plan.owner_is_pregnant or age_on(plan.owner_birth_date) >= consent_age
        ):
            chosen.append(participant.person_id)
    return chosen


def shared_responsibility(candidates):
    """Guardians with shared parental responsibility: leaving one out needs a confirmation."""
    return [
        p.person_id for p in candidates
        if p.role == Participant.GUARDIAN and p.shares_parental_responsibility
    ]


def unit_choices(plan):
    """The municipality's units, and the units of other municipalities that serve it
    (inter-municipal PPT or child welfare, ``UnitServes``), grouped by service group, for the
    services list."""
    from webapp.models import ServiceGroup, UnitServes

    serving = UnitServes.select(UnitServes.unit).where(
        UnitServes.municipality == plan.municipality_id)
    rows = (
        Unit.select(Unit.id, Unit.name, ServiceGroup.name.alias("group_name"))
        .join(ServiceGroup)
        .where((Unit.municipality == plan.municipality_id) | Unit.id.in_(serving))
        .order_by(ServiceGroup.name, Unit.name)
        .tuples()
    )
    return [SelectChoice(unit_id, name, optgroup=group) for unit_id, name, group in rows]


def holder_name(plan):
    row = (
        Person.select(Person.name, Unit.name.alias("unit_name"))
        .join(Participant, on=(Participant.person == Person.id))
        .join(Unit, on=(Participant.unit == Unit.id))
        .where((Participant.plan == plan) & (Participant.role == Participant.STAFETTHALDAR))
        .tuples()
        .first()
    )
    return f"{row[0]} ({row[1]})" if row else ""


def _lock(plan):
    """Serialise consent writes per plan: on SQLite the IMMEDIATE transaction already does;
    on PostgreSQL lock the plan's row, so two last signatures cannot both miss each other."""
    if not is_sqlite():
        Plan.select(Plan.id).where(Plan.id == plan.id).for_update().execute()


# --- Drafting --------------------------------------------------------------------------------


def save_draft(plan, actor, language, signer_ids, services):
    """Create or update the draft of the next version; the text is written anew from the
    template. ``services`` are ``(unit_id, note)`` pairs."""
    candidates = {p.person_id: p for p in signer_candidates(plan)}
    signer_ids = [i for i in signer_ids if i in candidates]
    units = {choice.value: choice.label for choice in unit_choices(plan)}
    services = [(u, note.strip()) for u, note in dict(services).items() if u in units]
    with immediate():
        _lock(plan)
        versions = Versions(plan)
        draft = versions.draft
        if draft is None:
            draft = Consent.create(plan=plan, version=versions.next_number, language=language,
                                   text="", created_by=actor, status=Consent.DRAFT)
            add_event(plan, "consent_created", actor, f"v{draft.version}")
        Signature.delete().where(Signature.consent == draft).execute()
        ConsentService.delete().where(ConsentService.consent == draft).execute()
        for person_id in signer_ids:
            Signature.create(consent=draft, person=person_id)
        for unit_id, note in services:
            ConsentService.create(consent=draft, unit=unit_id, note=note[:200])
        signers = [candidates[i] for i in signer_ids]
        kind = texts.signer_kind(
            plan, all(p.role == Participant.OWNER for p in signers), len(signers)
        )
        draft.language = language
        draft.text = texts.render(
            language, kind, plan.owner_name, holder_name(plan),
            [p.person.name for p in signers],
            [(units[u], note) for u, note in services],
        )
        draft.save()
    return draft


def save_text(draft, text, actor=None):
    with immediate():
        changed = Consent.update(text=text).where(
            (Consent.id == draft.id) & (Consent.status == Consent.DRAFT)
        ).execute()
        if changed:
            record_write(draft.plan_id, actor, f"consent {draft.id}")


# --- Sealing and sending ---------------------------------------------------------------------


def seal_for(consent, signatures, services):
    """SHA-256 over a canonical JSON of what the signers are asked to agree to."""
    canonical = {
        "plan": consent.plan_id,
        "version": consent.version,
        "language": consent.language,
        "text": consent.text,
        "signers": sorted([s.person_id, s.person.name] for s in signatures),
        "services": sorted(
            [s.unit_id or 0, s.service_kind or "", s.note] for s in services
        ),
    }
    blob = json.dumps(canonical, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def signature_seal(consent_seal, person_id, decided_at, scan_digest="", authentication=None):
    """SHA-256 over the consent's seal, the signer, the time, the paper scan's digest and, for
    a signature with ID-porten, the authentication's acr, amr and time (webapp/idporten)."""
    parts = f"{consent_seal}{person_id}{decided_at.isoformat()}{scan_digest}"
    if authentication:
        parts += "|idporten|{acr}|{amr}|{at}".format(
            acr=authentication["acr"], amr=authentication["amr"],
            at=authentication["authenticated_at"].isoformat(),
        )
    return hashlib.sha256(parts.encode("utf-8")).hexdigest()


def send(plan, draft, actor):
    """Seal the draft, ask every signer, and stop any older version still waiting."""
    with immediate():
        _lock(plan)
        draft = Consent.get_by_id(draft.id)
        if draft.status != Consent.DRAFT:
            return False
        signatures = signatures_of([draft])[draft.id]
        services = services_of([draft])[draft.id]
        if not signatures:
            return False
        (
            Consent.update(status=Consent.SUPERSEDED)
            .where((Consent.plan == plan) & (Consent.status == Consent.SENT))
            .execute()
        )
        draft.seal = seal_for(draft, signatures, services)
        draft.status = Consent.SENT
        draft.sent_at = utcnow()
        draft.save()
        for signature in signatures:
            notify(signature.person, "consent_to_sign")
        add_event(plan, "consent_sent", actor, f"v{draft.version}")
    return True


# --- Deciding --------------------------------------------------------------------------------


def pending_signature_or_404(plan, consent_id, person_id):
    """A pending signature on a sent consent of ``plan`` (for paper consent), or 404."""
    row = pending_signature(plan, consent_id, person_id)
    if row is None:
        abort(404)
    return row


def decide(plan, signature, decision, method, actor, decided_at=None, scan=None,
           authentication=None):
    """Record one signer's answer; a refusal refuses the version, the last signature makes
    it valid. Returns False when the signature had already been answered. ``authentication``
    (``acr``, ``amr``, ``authenticated_at``): an ID-porten signature's, recorded and sealed."""
    decided_at = decided_at or utcnow()
    scan_name, scan_digest = scan or (None, "")
    with immediate():
        _lock(plan)
        consent = Consent.get_by_id(signature.consent_id)
        if consent.status != Consent.SENT:
            return False
        won = (
            Signature.update(
                decision=decision, method=method, decided_at=decided_at,
                recorded_by=actor if method == "paper" else None, paper_file=scan_name,
                seal=signature_seal(consent.seal, signature.person_id, decided_at, scan_digest,
                                    authentication),
                **_authentication_fields(authentication),
            )
            .where((Signature.id == signature.id) & (Signature.decision == Signature.PENDING))
            .execute()
        )
        if not won:
            return False
        if method == "paper":
            add_event(plan, "paper_consent_recorded", actor, decision)
        if decision == Signature.REFUSED:
            Consent.update(status=Consent.REFUSED).where(Consent.id == consent.id).execute()
            add_event(plan, "consent_refused", signature.person_id, method)
            _tell_stafetthaldar(plan)
            return True
        add_event(plan, "consent_signed", signature.person_id, method)
        waiting = (
            Signature.select()
            .where((Signature.consent == consent) & (Signature.decision != Signature.SIGNED))
            .exists()
        )
        if not waiting:
            _make_valid(plan, consent)
    return True


def _authentication_fields(authentication):
    if not authentication:
        return {}
    return {"acr": authentication["acr"], "amr": authentication["amr"],
            "authenticated_at": authentication["authenticated_at"]}


def _make_valid(plan, consent):
    now = utcnow()
    (
        Consent.update(status=Consent.SUPERSEDED)
        .where((Consent.plan == plan) & (Consent.status == Consent.VALID))
        .execute()
    )
    Consent.update(status=Consent.VALID, valid_at=now).where(Consent.id == consent.id).execute()
    (
        Plan.update(status=Plan.ACTIVE, closed_reason=None, closed_at=None, updated_at=now)
        .where((Plan.id == plan.id) & (Plan.status.in_((Plan.DRAFT, Plan.PASSIVE))))
        .execute()
    )
    add_event(plan, "consent_valid", None, f"v{consent.version}")
    # The services the new version names (or no longer names) set the level (webapp.levels).
    sync_level(plan, None)
    _tell_stafetthaldar(plan)


def _tell_stafetthaldar(plan):
    people = (
        Person.select()
        .join(Participant, on=(Participant.person == Person.id))
        .where(
            (Participant.plan == plan)
            & (Participant.role == Participant.STAFETTHALDAR)
            & (Participant.status == Participant.ACTIVE)
        )
    )
    for person in people:
        notify(person, "new_item", plan)


def send_sign_code(person):
    return codes.issue(person, codes.SIGN)


def sign_with_code(plan, signature, person, code):
    """Sign digitally: the one-time code proves it is the signer. False for a wrong code."""
    if not codes.verify(person, codes.SIGN, code):
        return False
    return decide(plan, signature, Signature.SIGNED, "one_time_code", person)


def withdraw(plan, person):
    """SPEC §3.7: withdraw at once, no reason asked. The log becomes passive; versions still
    waiting for signatures are withdrawn with it. False when nothing valid was left."""
    now = utcnow()
    with immediate():
        _lock(plan)
        changed = (
            Consent.update(status=Consent.WITHDRAWN, withdrawn_at=now, withdrawn_by=person)
            .where(
                (Consent.plan == plan) & (Consent.status.in_((Consent.VALID, Consent.SENT)))
            )
            .execute()
        )
        if not changed:
            return False
        (
            Plan.update(status=Plan.PASSIVE, closed_reason=Plan.CONSENT_WITHDRAWN,
                        closed_at=now, updated_at=now)
            .where((Plan.id == plan.id) & (Plan.status.in_((Plan.DRAFT, Plan.ACTIVE))))
            .execute()
        )
        add_event(plan, "consent_withdrawn", person, "")
        _tell_stafetthaldar(plan)
    return True
