"""The organisation (SPEC §2): municipalities, service groups, units, people and their roles.

A ``Person`` is anyone who can log in: an employee (password, memberships in units) or a member
of a family (guardian/føresett, or the youth from 15), who logs in with a one-time code.
"""

import peewee

from webapp.models.base import BaseModel, utcnow

# Service kinds, used for groups and named in consents (SPEC §3.1.5: consent names a service).
SERVICE_KINDS = (
    "kindergarten",
    "school",
    "health_station",
    "ppt",
    "child_welfare",
    "family_team",
    "other",
)

# SPEC §3.1.0: how a log is started differs between the two seed routines.
ESTABLISH_DIRECT = "direct"  # routine 000: the employee creates the log
ESTABLISH_LEADER = "leader_appoints"  # routine 004: the leader appoints the stafetthaldar


class Municipality(BaseModel):
    """A municipality (kommune); every organisation record belongs to one."""

    name = peewee.CharField(max_length=100)
    number = peewee.CharField(max_length=4, unique=True)  # kommunenummer
    establishment = peewee.CharField(max_length=20, default=ESTABLISH_DIRECT)
    youth_consent_age = peewee.IntegerField(default=15)  # routine.CONSENT_AGE, or 16


class ServiceGroup(BaseModel):
    """All units of one kind in a municipality: all kindergartens, all schools, ..."""

    municipality = peewee.ForeignKeyField(Municipality, backref="groups", on_delete="CASCADE")
    name = peewee.CharField(max_length=100)
    kind = peewee.CharField(max_length=20)


class Unit(BaseModel):
    """One kindergarten, one school, the health station, ..."""

    group = peewee.ForeignKeyField(ServiceGroup, backref="units", on_delete="CASCADE")
    municipality = peewee.ForeignKeyField(Municipality, backref="units", on_delete="CASCADE")
    name = peewee.CharField(max_length=100)

    @property
    def kind(self):
        return self.group.kind


class Person(BaseModel):
    """Anyone who logs in: an employee, a guardian, or a youth who is a plan owner."""

    name = peewee.CharField(max_length=200)
    email = peewee.CharField(max_length=254, null=True, index=True)
    mobile = peewee.CharField(max_length=20, null=True, index=True)
    password_hash = peewee.CharField(max_length=200, null=True)
    is_employee = peewee.BooleanField(default=False)
    municipality = peewee.ForeignKeyField(Municipality, null=True, backref="people")
    language = peewee.CharField(max_length=5, null=True)
    # The latest login (``sessions.start_session``): the leader's review lists employees who
    # have not logged in for months (migration 011).
    last_login_at = peewee.DateTimeField(null=True)
    active = peewee.BooleanField(default=True)
    deactivated_at = peewee.DateTimeField(null=True)
    created_at = peewee.DateTimeField(default=utcnow)
    # An employee invited by e-mail who has not yet set a password (webapp/admin): when the
    # latest invitation went out; cleared when they accept it.
    invited_at = peewee.DateTimeField(null=True)
    # ID-porten (webapp/idporten): a keyed hash of the national identity number the stafetthaldar
    # registered, matched against the ``pid`` of a login; never the number itself.
    pid_hash = peewee.CharField(max_length=64, null=True, unique=True)

    # Set per request from the AuthSession; Flask-Login stores this token, not the person's id,
    # so that a session can be revoked on the server (TECH.md, sessions).
    session_token = None

    # Flask-Login's user protocol.
    is_authenticated = True
    is_anonymous = False

    @property
    def is_active(self):
        return self.active

    def get_id(self):
        return self.session_token


class Membership(BaseModel):
    """An employee's role in a unit, or a group administrator's role in a service group."""

    # The municipality's administrator (kommuneadministrator): a membership with neither unit
    # nor group, for the municipality of the person (``Person.municipality``).
    MUNICIPALITY_ADMIN = "municipality_admin"
    GROUP_ADMIN = "group_admin"  # gruppeadministrator
    UNIT_ADMIN = "unit_admin"  # einingsadministrator / leiar
    COORDINATOR = "coordinator"  # koordinator: may create plans
    EMPLOYEE = "employee"
    ROLES = (MUNICIPALITY_ADMIN, GROUP_ADMIN, UNIT_ADMIN, COORDINATOR, EMPLOYEE)

    person = peewee.ForeignKeyField(Person, backref="memberships", on_delete="CASCADE")
    unit = peewee.ForeignKeyField(Unit, null=True, backref="memberships", on_delete="CASCADE")
    group = peewee.ForeignKeyField(
        ServiceGroup, null=True, backref="memberships", on_delete="CASCADE"
    )
    role = peewee.CharField(max_length=20)

    class Meta:
        indexes = ((("person", "unit", "group", "role"), True),)


class UnitServes(BaseModel):
    """A unit of one municipality that serves another (inter-municipal PPT or child welfare,
    SPEC §2): set by the serving unit's municipality administrator. A plan in the served
    municipality may then name the unit in its consent and invite its employees."""

    unit = peewee.ForeignKeyField(Unit, backref="serves", on_delete="CASCADE")
    municipality = peewee.ForeignKeyField(Municipality, backref="served_by", on_delete="CASCADE")

    class Meta:
        indexes = ((("unit", "municipality"), True),)
