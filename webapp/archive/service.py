"""Closing, reopening, archiving and deleting a plan (SPEC §3.7). Every write here, each in
one transaction whose conditional UPDATE lets only one of two concurrent requests through.

Deletion blanks the plan row instead of removing it: the row keeps only what statistics need
(municipality, unit, the dates, the BTI level, the closing reason) with the status
``deleted``, and every child row (participants, consents, signatures, goals, activities,
meetings, messages, timeline) is removed. The plan's audit chain stays whole either way: it
names the plan and the people by plain number (``AuditEntry.plan_id``, migration 014), so even
removing the row would change no hash. Family members who have no role left anywhere (and are
not employees) are anonymised the same way: their row keeps its id, nothing else.
"""

import hashlib
import os
import secrets
from datetime import date

from flask import current_app

from webapp.archive import pdf
from webapp.audit import add_event
from webapp.db import immediate, is_sqlite
from webapp.models import (
    AuthSession,
    Consent,
    Goal,
    LevelStay,
    Lysglimt,
    Meeting,
    Message,
    NotificationThrottle,
    OneTimeCode,
    OutboxMessage,
    Participant,
    Person,
    Plan,
    PlanArchive,
    PlanVisit,
    Signature,
    TimelineEvent,
    WizardDraft,
    oslo_today,
    utcnow,
)

# The identity columns of a deleted plan are NOT NULL; these values hold no personal data.
DELETED_NAME = ""
DELETED_BIRTH_DATE = date(1900, 1, 1)


def _lock(plan):
    if not is_sqlite():
        Plan.select(Plan.id).where(Plan.id == plan.id).for_update().execute()


def close_plan(plan, actor, reason):
    """Close the log with ``reason`` (one of ``Plan.CLOSE_REASONS``); False if it was closed
    or archived meanwhile."""
    now = utcnow()
    with immediate():
        changed = (
            Plan.update(status=Plan.CLOSED, closed_reason=reason, closed_at=now, updated_at=now)
            .where((Plan.id == plan.id)
                   & Plan.status.in_((Plan.DRAFT, Plan.ACTIVE, Plan.PASSIVE)))
            .execute()
        )
        if changed:
            add_event(plan, "plan_closed", actor, reason)
    return bool(changed)


def reopen_plan(plan, actor):
    """Open a passive or closed log again (the routine has checked the consent holds)."""
    now = utcnow()
    with immediate():
        changed = (
            Plan.update(status=Plan.ACTIVE, closed_reason=None, closed_at=None, updated_at=now)
            .where((Plan.id == plan.id) & Plan.status.in_((Plan.PASSIVE, Plan.CLOSED)))
            .execute()
        )
        if changed:
            add_event(plan, "plan_reopened", actor, "")
    return bool(changed)


def archive_dir():
    path = current_app.config.get("ARCHIVE_DIR") or os.path.join(
        current_app.instance_path, "archive")
    os.makedirs(path, mode=0o700, exist_ok=True)
    return path


def archive_path(archive):
    return os.path.join(archive_dir(), archive.file_name)


def latest_archive(plan):
    return (
        PlanArchive.select()
        .where((PlanArchive.plan == plan) & PlanArchive.file_deleted_at.is_null())
        .order_by(PlanArchive.created_at.desc(), PlanArchive.id.desc())
        .first()
    )


def archive_plan(plan, actor):
    """Render the archive PDF, store it with its SHA-256, and mark the plan archived. The PDF
    is rendered outside the transaction (it takes a while); ``None`` if the plan was archived
    or reopened meanwhile (the stored file is then removed again)."""
    data = pdf.render_pdf(plan, oslo_today())
    name = secrets.token_hex(16) + ".pdf"
    path = os.path.join(archive_dir(), name)
    with open(path, "xb") as out:
        out.write(data)
    now = utcnow()
    with immediate():
        changed = (
            Plan.update(status=Plan.ARCHIVED, archived_at=now, updated_at=now)
            .where((Plan.id == plan.id) & Plan.status.in_((Plan.PASSIVE, Plan.CLOSED)))
            .execute()
        )
        if changed:
            archive = PlanArchive.create(
                plan=plan, file_name=name, sha256=hashlib.sha256(data).hexdigest(),
                size=len(data), created_at=now, created_by=actor,
            )
            add_event(plan, "plan_archived", actor, "")
    if not changed:
        os.remove(path)
        return None
    return archive


def _scan_files(plan):
    return [
        name for (name,) in Signature.select(Signature.paper_file)
        .join(Consent)
        .where((Consent.plan == plan) & Signature.paper_file.is_null(False))
        .tuples()
    ]


def delete_plan(plan, actor):
    """Remove every personal detail and all content of an archived plan (SPEC §3.7); keep the
    blanked row for statistics. False if the plan is not archived (or already deleted)."""
    from webapp.consent import scans  # the scans' folder; deletion removes them too

    now = utcnow()
    with immediate():
        _lock(plan)
        changed = (
            Plan.update(
                status=Plan.DELETED, deleted_at=now, updated_at=now,
                owner_name=DELETED_NAME, owner_national_id="",
                owner_birth_date=DELETED_BIRTH_DATE, owner_is_pregnant=False,
                overview="", next_evaluation=None,
            )
            .where((Plan.id == plan.id) & (Plan.status == Plan.ARCHIVED))
            .execute()
        )
        if not changed:
            return False
        scan_files = _scan_files(plan)
        archive_files = [a.file_name for a in PlanArchive.select().where(
            (PlanArchive.plan == plan) & PlanArchive.file_deleted_at.is_null())]
        family = [
            pid for (pid,) in Participant.select(Participant.person)
            .join(Person, on=(Participant.person == Person.id))
            .where((Participant.plan == plan) & (Person.is_employee == False))  # noqa: E712
            .tuples()
        ]
        # Children first where a foreign key has no cascade (a signature names a person).
        consents = Consent.select(Consent.id).where(Consent.plan == plan)
        Signature.delete().where(Signature.consent.in_(consents)).execute()
        Consent.delete().where(Consent.plan == plan).execute()
        Message.delete().where(Message.plan == plan).execute()
        Meeting.delete().where(Meeting.plan == plan).execute()
        Goal.delete().where(Goal.plan == plan).execute()
        Lysglimt.delete().where(Lysglimt.plan == plan).execute()
        PlanVisit.delete().where(PlanVisit.plan == plan).execute()
        NotificationThrottle.delete().where(NotificationThrottle.plan == plan).execute()
        TimelineEvent.delete().where(TimelineEvent.plan == plan).execute()
        LevelStay.delete().where(LevelStay.plan == plan).execute()
        Participant.delete().where(Participant.plan == plan).execute()
        PlanArchive.update(file_deleted_at=now, file_name="").where(
            PlanArchive.plan == plan).execute()
        _anonymise_family(family)
        # The deletion itself, with no personal data: who deleted (an employee) and when.
        add_event(plan, "plan_deleted", actor, "")
    for name in archive_files:
        _remove(os.path.join(archive_dir(), name))
    for name in scan_files:
        _remove(os.path.join(scans.uploads_dir(), os.path.basename(name)))
    return True


def _anonymise_family(person_ids):
    """Family members with no role left in any plan: the row stays (the audit trail names its id),
    with no name, no address and no way to log in."""
    if not person_ids:
        return
    still = Participant.select(Participant.person).where(Participant.person.in_(person_ids))
    alone = [pid for pid in person_ids
             if pid not in {row.person_id for row in still}]
    if not alone:
        return
    addresses = [
        address for row in Person.select(Person.email, Person.mobile).where(
            Person.id.in_(alone)).tuples()
        for address in row if address
    ]
    if addresses:  # notifications still waiting hold their address
        OutboxMessage.delete().where(
            OutboxMessage.recipient.in_(addresses) & OutboxMessage.sent_at.is_null()).execute()
    Person.update(
        name="", email=None, mobile=None, password_hash=None, active=False,
        deactivated_at=utcnow(), language=None,
    ).where(Person.id.in_(alone) & (Person.is_employee == False)).execute()  # noqa: E712
    AuthSession.delete().where(AuthSession.person.in_(alone)).execute()
    OneTimeCode.delete().where(OneTimeCode.person.in_(alone)).execute()
    WizardDraft.delete().where(WizardDraft.person.in_(alone)).execute()


def _remove(path):
    try:
        os.remove(path)
    except FileNotFoundError:
        pass
