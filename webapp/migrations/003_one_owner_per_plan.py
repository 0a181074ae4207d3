"""003: one plan owner per plan (issue 8, item 3), as a partial unique index on
``participant(plan_id) WHERE role = 'owner'`` (SQLite and PostgreSQL alike).

A plan that already has two owner rows (the defect this fixes) keeps one: the active one, else
the earliest. What named the others (an activity, a meeting's minute-taker, a meeting
invitation) is moved to the one kept, then the others are deleted. The people stay.
"""

import peewee as pw
from peewee_migrate import Migrator

INDEX = "participant_one_owner_per_plan"


def _merge_duplicate_owners(database):
    participant = pw.Table("participant", ("id", "plan_id", "role", "status")).bind(database)
    activity = pw.Table("activity", ("id", "responsible_id")).bind(database)
    meeting = pw.Table("meeting", ("id", "minute_taker_id")).bind(database)
    invite = pw.Table("meeting_invite", ("id", "meeting_id", "participant_id")).bind(database)
    rank = pw.Case(participant.status, [("active", 0), ("invited", 1)], 2)
    owners = (
        participant.select(participant.id, participant.plan_id)
        .where(participant.role == "owner")
        .order_by(participant.plan_id, rank, participant.id)
        .tuples()
    )
    kept = {}
    for participant_id, plan_id in list(owners):
        if plan_id not in kept:
            kept[plan_id] = participant_id
            continue
        keep = kept[plan_id]
        activity.update(responsible_id=keep).where(
            activity.responsible_id == participant_id).execute()
        meeting.update(minute_taker_id=keep).where(
            meeting.minute_taker_id == participant_id).execute()
        already = invite.select(invite.meeting_id).where(invite.participant_id == keep)
        invite.delete().where(
            (invite.participant_id == participant_id) & invite.meeting_id.in_(already)).execute()
        invite.update(participant_id=keep).where(invite.participant_id == participant_id).execute()
        participant.delete().where(participant.id == participant_id).execute()


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.run(_merge_duplicate_owners, database)
    migrator.sql(
        f'CREATE UNIQUE INDEX "{INDEX}" ON "participant" ("plan_id") WHERE ("role" = \'owner\')'
    )


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.sql(f'DROP INDEX "{INDEX}"')
