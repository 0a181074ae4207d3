"""007: exactly one stafetthaldar per plan, the baton's hand-overs and the transfers of a log to
a new unit (issue 10, items 5 and 6; SPEC §3.6).

- a partial unique index on ``participant(plan_id) WHERE role = 'stafetthaldar'``, like 003's
  one owner per plan. A plan that has two stafetthaldar rows already keeps the earliest active
  one; the others become service providers of their unit (their access then follows the
  consent, as every service's) — or, where the person is a service provider of the plan
  already, what names the extra row is moved to that one and the extra row goes;
- ``transfer``, with at most one waiting per plan (a partial unique index);
- ``handover``: who handed the baton to whom, and the family's wish as a choice.
"""

import peewee as pw
from peewee_migrate import Migrator

INDEX = "participant_one_stafetthaldar"
WAITING_INDEX = "transfer_one_waiting_per_plan"


def _one_stafetthaldar_per_plan(database):
    participant = pw.Table("participant", ("id", "plan_id", "person_id", "role", "status")).bind(
        database)
    activity = pw.Table("activity", ("id", "responsible_id")).bind(database)
    meeting = pw.Table("meeting", ("id", "minute_taker_id")).bind(database)
    invite = pw.Table("meeting_invite", ("id", "meeting_id", "participant_id")).bind(database)
    rank = pw.Case(participant.status, [("active", 0), ("invited", 1)], 2)
    holders = (
        participant.select(participant.id, participant.plan_id, participant.person_id)
        .where(participant.role == "stafetthaldar")
        .order_by(participant.plan_id, rank, participant.id)
        .tuples()
    )
    kept = set()
    for participant_id, plan_id, person_id in list(holders):
        if plan_id not in kept:
            kept.add(plan_id)
            continue
        provider = (
            participant.select(participant.id)
            .where((participant.plan_id == plan_id) & (participant.person_id == person_id)
                   & (participant.role == "service_provider"))
            .scalar()
        )
        if provider is None:
            participant.update(role="service_provider").where(
                participant.id == participant_id).execute()
            continue
        activity.update(responsible_id=provider).where(
            activity.responsible_id == participant_id).execute()
        meeting.update(minute_taker_id=provider).where(
            meeting.minute_taker_id == participant_id).execute()
        already = invite.select(invite.meeting_id).where(invite.participant_id == provider)
        invite.delete().where(
            (invite.participant_id == participant_id) & invite.meeting_id.in_(already)).execute()
        invite.update(participant_id=provider).where(
            invite.participant_id == participant_id).execute()
        participant.delete().where(participant.id == participant_id).execute()


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.run(_one_stafetthaldar_per_plan, database)
    migrator.sql(
        f'CREATE UNIQUE INDEX "{INDEX}" ON "participant" ("plan_id") '
        "WHERE (\"role\" = 'stafetthaldar')"
    )

    @migrator.create_model
    class Transfer(pw.Model):
        id = pw.AutoField()
        plan = pw.ForeignKeyField(
            column_name="plan_id", field="id", model=migrator.orm["plan"], on_delete="CASCADE"
        )
        from_unit = pw.ForeignKeyField(column_name="from_unit_id", field="id",
                                       model=migrator.orm["unit"], backref="+")
        to_unit = pw.ForeignKeyField(column_name="to_unit_id", field="id",
                                     model=migrator.orm["unit"], backref="+")
        status = pw.CharField(max_length=10, default="waiting")
        old_holder_keeps_access = pw.BooleanField(default=False)
        proposed_by = pw.ForeignKeyField(column_name="proposed_by_id", field="id",
                                         model=migrator.orm["person"], backref="+")
        proposed_at = pw.DateTimeField()
        answered_by = pw.ForeignKeyField(column_name="answered_by_id", field="id",
                                         model=migrator.orm["person"], null=True, backref="+")
        answered_at = pw.DateTimeField(null=True)
        decline_reason = pw.CharField(max_length=20, null=True)
        new_holder = pw.ForeignKeyField(column_name="new_holder_id", field="id",
                                        model=migrator.orm["person"], null=True, backref="+")

        class Meta:
            table_name = "transfer"

    migrator.sql(
        f'CREATE UNIQUE INDEX "{WAITING_INDEX}" ON "transfer" ("plan_id") '
        "WHERE (\"status\" = 'waiting')"
    )

    @migrator.create_model
    class Handover(pw.Model):
        id = pw.AutoField()
        plan = pw.ForeignKeyField(
            column_name="plan_id", field="id", model=migrator.orm["plan"], on_delete="CASCADE"
        )
        from_person = pw.ForeignKeyField(column_name="from_person_id", field="id",
                                         model=migrator.orm["person"], null=True, backref="+")
        to_person = pw.ForeignKeyField(column_name="to_person_id", field="id",
                                       model=migrator.orm["person"], backref="+")
        wish = pw.CharField(max_length=12, default="not_asked")
        wished_for = pw.ForeignKeyField(column_name="wished_for_id", field="id",
                                        model=migrator.orm["person"], null=True, backref="+")
        note = pw.CharField(max_length=200, default="")
        old_holder_keeps_access = pw.BooleanField(default=False)
        by = pw.ForeignKeyField(column_name="by_id", field="id", model=migrator.orm["person"],
                                backref="+")
        at = pw.DateTimeField()
        transfer = pw.ForeignKeyField(column_name="transfer_id", field="id",
                                      model=migrator.orm["transfer"], null=True,
                                      on_delete="SET NULL")

        class Meta:
            table_name = "handover"


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_model("handover")
    migrator.remove_model("transfer")
    migrator.sql(f'DROP INDEX "{INDEX}"')
