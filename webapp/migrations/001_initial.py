"""Peewee migrations -- 001_initial.py.

Some examples (model - class or model name)::

    > Model = migrator.orm['table_name']            # Return model in current state by name
    > Model = migrator.ModelClass                   # Return model in current state by name

    > migrator.sql(sql)                             # Run custom SQL
    > migrator.run(func, *args, **kwargs)           # Run python function with the given args
    > migrator.create_model(Model)                  # Create a model (could be used as decorator)
    > migrator.remove_model(model, cascade=True)    # Remove a model
    > migrator.add_fields(model, **fields)          # Add fields (allow_not_null=True skips default)
    > migrator.change_fields(model, **fields)       # Change fields
    > migrator.remove_fields(model, *field_names, cascade=True)
    > migrator.rename_field(model, old_field_name, new_field_name)
    > migrator.rename_table(model, new_table_name)
    > migrator.add_index(model, *col_names, unique=False)
    > migrator.add_not_null(model, *field_names)
    > migrator.add_default(model, field_name, default)
    > migrator.add_constraint(model, name, sql)
    > migrator.drop_index(model, *col_names)
    > migrator.drop_not_null(model, *field_names)
    > migrator.drop_constraints(model, *constraints)

"""

from contextlib import suppress

import peewee as pw
from peewee_migrate import Migrator


with suppress(ImportError):
    import playhouse.postgres_ext as pw_pext


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    """Write your migrations here."""
    
    @migrator.create_model
    class Municipality(pw.Model):
        id = pw.AutoField()
        name = pw.CharField(max_length=100)
        number = pw.CharField(max_length=4, unique=True)
        establishment = pw.CharField(default='direct', max_length=20)
        youth_consent_age = pw.IntegerField(default=15)

        class Meta:
            table_name = "municipality"

    @migrator.create_model
    class ServiceGroup(pw.Model):
        id = pw.AutoField()
        municipality = pw.ForeignKeyField(column_name='municipality_id', field='id', model=migrator.orm['municipality'], on_delete='CASCADE')
        name = pw.CharField(max_length=100)
        kind = pw.CharField(max_length=20)

        class Meta:
            table_name = "service_group"

    @migrator.create_model
    class Unit(pw.Model):
        id = pw.AutoField()
        group = pw.ForeignKeyField(column_name='group_id', field='id', model=migrator.orm['service_group'], on_delete='CASCADE')
        municipality = pw.ForeignKeyField(column_name='municipality_id', field='id', model=migrator.orm['municipality'], on_delete='CASCADE')
        name = pw.CharField(max_length=100)

        class Meta:
            table_name = "unit"

    @migrator.create_model
    class Person(pw.Model):
        id = pw.AutoField()
        name = pw.CharField(max_length=200)
        email = pw.CharField(index=True, max_length=254, null=True)
        mobile = pw.CharField(index=True, max_length=20, null=True)
        password_hash = pw.CharField(max_length=200, null=True)
        is_employee = pw.BooleanField(default=False)
        municipality = pw.ForeignKeyField(column_name='municipality_id', field='id', model=migrator.orm['municipality'], null=True)
        language = pw.CharField(max_length=5, null=True)
        active = pw.BooleanField(default=True)
        deactivated_at = pw.DateTimeField(null=True)
        created_at = pw.DateTimeField()

        class Meta:
            table_name = "person"

    @migrator.create_model
    class Plan(pw.Model):
        id = pw.AutoField()
        municipality = pw.ForeignKeyField(column_name='municipality_id', field='id', model=migrator.orm['municipality'])
        unit = pw.ForeignKeyField(column_name='unit_id', field='id', model=migrator.orm['unit'])
        owner_name = pw.CharField(max_length=200)
        owner_national_id = pw.CharField(index=True, max_length=11)
        owner_birth_date = pw.DateField()
        owner_is_pregnant = pw.BooleanField(default=False)
        owner_logs_in = pw.BooleanField(default=False)
        family_informed_at = pw.DateTimeField(null=True)
        status = pw.CharField(default='draft', index=True, max_length=10)
        bti_level = pw.SmallIntegerField(default=1)
        overview = pw.TextField(default='')
        overview_version = pw.IntegerField(default=0)
        next_evaluation = pw.DateField(index=True, null=True)
        created_by = pw.ForeignKeyField(column_name='created_by_id', field='id', model=migrator.orm['person'])
        created_at = pw.DateTimeField()
        updated_at = pw.DateTimeField()
        archived_at = pw.DateTimeField(null=True)

        class Meta:
            table_name = "plan"

    @migrator.create_model
    class Goal(pw.Model):
        id = pw.AutoField()
        plan = pw.ForeignKeyField(column_name='plan_id', field='id', model=migrator.orm['plan'], on_delete='CASCADE')
        title = pw.CharField(max_length=200)
        deadline = pw.DateField(null=True)
        description = pw.TextField(default='')
        position = pw.IntegerField(default=0)
        reached = pw.BooleanField(default=False)
        created_by = pw.ForeignKeyField(column_name='created_by_id', field='id', model=migrator.orm['person'])
        created_at = pw.DateTimeField()
        version = pw.IntegerField(default=1)

        class Meta:
            table_name = "goal"

    @migrator.create_model
    class Participant(pw.Model):
        id = pw.AutoField()
        plan = pw.ForeignKeyField(column_name='plan_id', field='id', model=migrator.orm['plan'], on_delete='CASCADE')
        person = pw.ForeignKeyField(column_name='person_id', field='id', model=migrator.orm['person'], on_delete='CASCADE')
        role = pw.CharField(max_length=20)
        unit = pw.ForeignKeyField(column_name='unit_id', field='id', model=migrator.orm['unit'], null=True)
        status = pw.CharField(default='invited', max_length=10)
        shares_parental_responsibility = pw.BooleanField(default=True)
        access_until = pw.DateField(null=True)
        invited_at = pw.DateTimeField()
        activated_at = pw.DateTimeField(null=True)

        class Meta:
            table_name = "participant"
            indexes = [(('plan', 'person', 'role'), True)]

    @migrator.create_model
    class Activity(pw.Model):
        id = pw.AutoField()
        goal = pw.ForeignKeyField(column_name='goal_id', field='id', model=migrator.orm['goal'], on_delete='CASCADE')
        title = pw.CharField(max_length=200)
        when = pw.CharField(default='', max_length=200)
        responsible = pw.ForeignKeyField(column_name='responsible_id', field='id', model=migrator.orm['participant'], null=True)
        place = pw.CharField(default='home', max_length=20)
        description = pw.TextField(default='')
        created_at = pw.DateTimeField()
        version = pw.IntegerField(default=1)

        class Meta:
            table_name = "activity"

    @migrator.create_model
    class AuditEntry(pw.Model):
        id = pw.AutoField()
        at = pw.DateTimeField(index=True)
        actor = pw.ForeignKeyField(column_name='actor_id', field='id', model=migrator.orm['person'], null=True, on_delete='SET NULL')
        plan = pw.ForeignKeyField(column_name='plan_id', field='id', model=migrator.orm['plan'], null=True, on_delete='SET NULL')
        action = pw.CharField(max_length=20)
        section = pw.CharField(max_length=40)
        prev_hash = pw.CharField(max_length=64)
        hash = pw.CharField(max_length=64)

        class Meta:
            table_name = "audit_entry"

    @migrator.create_model
    class AuthSession(pw.Model):
        id = pw.AutoField()
        token = pw.CharField(max_length=64, unique=True)
        person = pw.ForeignKeyField(column_name='person_id', field='id', model=migrator.orm['person'], on_delete='CASCADE')
        created_at = pw.DateTimeField()
        last_seen_at = pw.DateTimeField()
        method = pw.CharField(default='password', max_length=20)

        class Meta:
            table_name = "auth_session"

    @migrator.create_model
    class Consent(pw.Model):
        id = pw.AutoField()
        plan = pw.ForeignKeyField(column_name='plan_id', field='id', model=migrator.orm['plan'], on_delete='CASCADE')
        version = pw.IntegerField(default=1)
        language = pw.CharField(default='nn', max_length=5)
        text = pw.TextField()
        status = pw.CharField(default='draft', max_length=10)
        seal = pw.CharField(max_length=64, null=True)
        created_by = pw.ForeignKeyField(column_name='created_by_id', field='id', model=migrator.orm['person'])
        created_at = pw.DateTimeField()
        sent_at = pw.DateTimeField(null=True)
        valid_at = pw.DateTimeField(null=True)
        withdrawn_at = pw.DateTimeField(null=True)
        withdrawn_by = pw.ForeignKeyField(column_name='withdrawn_by_id', field='id', model=migrator.orm['person'], null=True)

        class Meta:
            table_name = "consent"
            indexes = [(('plan', 'version'), True)]

    @migrator.create_model
    class ConsentService(pw.Model):
        id = pw.AutoField()
        consent = pw.ForeignKeyField(column_name='consent_id', field='id', model=migrator.orm['consent'], on_delete='CASCADE')
        unit = pw.ForeignKeyField(column_name='unit_id', field='id', model=migrator.orm['unit'], null=True)
        service_kind = pw.CharField(max_length=20, null=True)
        note = pw.CharField(default='', max_length=200)

        class Meta:
            table_name = "consent_service"

    @migrator.create_model
    class Meeting(pw.Model):
        id = pw.AutoField()
        plan = pw.ForeignKeyField(column_name='plan_id', field='id', model=migrator.orm['plan'], on_delete='CASCADE')
        kind = pw.CharField(max_length=20)
        bti_level = pw.SmallIntegerField(default=1)
        starts_at = pw.DateTimeField()
        place = pw.CharField(default='', max_length=200)
        minute_taker = pw.ForeignKeyField(column_name='minute_taker_id', field='id', model=migrator.orm['participant'], null=True)
        outcome = pw.CharField(max_length=20, null=True)
        display_blank = pw.BooleanField(default=False)
        created_at = pw.DateTimeField()

        class Meta:
            table_name = "meeting"

    @migrator.create_model
    class MeetingInvite(pw.Model):
        id = pw.AutoField()
        meeting = pw.ForeignKeyField(column_name='meeting_id', field='id', model=migrator.orm['meeting'], on_delete='CASCADE')
        participant = pw.ForeignKeyField(column_name='participant_id', field='id', model=migrator.orm['participant'], on_delete='CASCADE')

        class Meta:
            table_name = "meeting_invite"

    @migrator.create_model
    class Membership(pw.Model):
        id = pw.AutoField()
        person = pw.ForeignKeyField(column_name='person_id', field='id', model=migrator.orm['person'], on_delete='CASCADE')
        unit = pw.ForeignKeyField(column_name='unit_id', field='id', model=migrator.orm['unit'], null=True, on_delete='CASCADE')
        group = pw.ForeignKeyField(column_name='group_id', field='id', model=migrator.orm['service_group'], null=True, on_delete='CASCADE')
        role = pw.CharField(max_length=20)

        class Meta:
            table_name = "membership"
            indexes = [(('person', 'unit', 'group', 'role'), True)]

    @migrator.create_model
    class Message(pw.Model):
        id = pw.AutoField()
        plan = pw.ForeignKeyField(column_name='plan_id', field='id', model=migrator.orm['plan'], on_delete='CASCADE')
        kind = pw.CharField(default='message', max_length=10)
        meeting = pw.ForeignKeyField(column_name='meeting_id', field='id', model=migrator.orm['meeting'], null=True)
        author = pw.ForeignKeyField(column_name='author_id', field='id', model=migrator.orm['person'])
        subject = pw.CharField(max_length=200)
        body = pw.TextField(default='')
        version = pw.IntegerField(default=1)
        created_at = pw.DateTimeField()
        updated_at = pw.DateTimeField()

        class Meta:
            table_name = "message"

    @migrator.create_model
    class MessageRecipient(pw.Model):
        id = pw.AutoField()
        message = pw.ForeignKeyField(column_name='message_id', field='id', model=migrator.orm['message'], on_delete='CASCADE')
        person = pw.ForeignKeyField(column_name='person_id', field='id', model=migrator.orm['person'], on_delete='CASCADE')
        read_at = pw.DateTimeField(null=True)

        class Meta:
            table_name = "message_recipient"

    @migrator.create_model
    class OneTimeCode(pw.Model):
        id = pw.AutoField()
        person = pw.ForeignKeyField(column_name='person_id', field='id', model=migrator.orm['person'], on_delete='CASCADE')
        purpose = pw.CharField(max_length=20)
        code_hash = pw.CharField(max_length=64)
        created_at = pw.DateTimeField()
        expires_at = pw.DateTimeField()
        used_at = pw.DateTimeField(null=True)
        attempts = pw.IntegerField(default=0)

        class Meta:
            table_name = "one_time_code"

    @migrator.create_model
    class OutboxMessage(pw.Model):
        id = pw.AutoField()
        channel = pw.CharField(max_length=10)
        recipient = pw.CharField(max_length=254)
        subject = pw.CharField(default='', max_length=200)
        body = pw.TextField()
        created_at = pw.DateTimeField()
        attempts = pw.IntegerField(default=0)
        next_attempt_at = pw.DateTimeField(index=True)
        sent_at = pw.DateTimeField(index=True, null=True)
        last_error = pw.CharField(max_length=500, null=True)

        class Meta:
            table_name = "outbox_message"

    @migrator.create_model
    class Signature(pw.Model):
        id = pw.AutoField()
        consent = pw.ForeignKeyField(column_name='consent_id', field='id', model=migrator.orm['consent'], on_delete='CASCADE')
        person = pw.ForeignKeyField(column_name='person_id', field='id', model=migrator.orm['person'])
        decision = pw.CharField(default='pending', max_length=10)
        method = pw.CharField(max_length=20, null=True)
        decided_at = pw.DateTimeField(null=True)
        recorded_by = pw.ForeignKeyField(column_name='recorded_by_id', field='id', model=migrator.orm['person'], null=True)
        paper_file = pw.CharField(max_length=200, null=True)
        seal = pw.CharField(max_length=64, null=True)

        class Meta:
            table_name = "signature"
            indexes = [(('consent', 'person'), True)]

    @migrator.create_model
    class TimelineEvent(pw.Model):
        id = pw.AutoField()
        plan = pw.ForeignKeyField(column_name='plan_id', field='id', model=migrator.orm['plan'], on_delete='CASCADE')
        at = pw.DateTimeField(index=True)
        actor = pw.ForeignKeyField(column_name='actor_id', field='id', model=migrator.orm['person'], null=True)
        kind = pw.CharField(max_length=40)
        detail = pw.CharField(default='', max_length=200)

        class Meta:
            table_name = "timeline_event"


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    """Write your rollback migrations here."""
    
    migrator.remove_model('timeline_event')

    migrator.remove_model('signature')

    migrator.remove_model('outbox_message')

    migrator.remove_model('one_time_code')

    migrator.remove_model('message_recipient')

    migrator.remove_model('message')

    migrator.remove_model('membership')

    migrator.remove_model('meeting_invite')

    migrator.remove_model('meeting')

    migrator.remove_model('consent_service')

    migrator.remove_model('consent')

    migrator.remove_model('auth_session')

    migrator.remove_model('audit_entry')

    migrator.remove_model('activity')

    migrator.remove_model('participant')

    migrator.remove_model('goal')

    migrator.remove_model('plan')

    migrator.remove_model('person')

    migrator.remove_model('unit')

    migrator.remove_model('service_group')

    migrator.remove_model('municipality')
