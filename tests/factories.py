"""Build people, units and plans in a given routine state in one call."""

from datetime import date

from webapp.identity import make_synthetic
from webapp.models import (
    Consent,
    ConsentService,
    Membership,
    Municipality,
    Participant,
    Person,
    Plan,
    ServiceGroup,
    Signature,
    Unit,
    utcnow,
)
from webapp.passwords import hash_password

PASSWORD = "correct horse battery staple"  # noqa: S105
_HASH = None


def _password_hash():
    global _HASH
    if _HASH is None:
        _HASH = hash_password(PASSWORD)
    return _HASH


def employee(name, email, municipality, unit=None, role=None, group=None):
    person = Person.create(
        name=name, email=email, password_hash=_password_hash(), is_employee=True,
        municipality=municipality,
    )
    if role == Membership.GROUP_ADMIN:
        Membership.create(person=person, group=group, role=role)
    elif role:
        Membership.create(person=person, unit=unit, role=role)
    return person


def family_member(name, email=None, mobile=None):
    return Person.create(name=name, email=email, mobile=mobile)


class World:
    """Two municipalities; in the first, a kindergarten group with two units and staff."""

    def __init__(self):
        self.town = Municipality.create(name="Testvik kommune", number="9998")
        self.group = ServiceGroup.create(municipality=self.town, name="Barnehagane",
                                         kind="kindergarten")
        self.unit = Unit.create(group=self.group, municipality=self.town, name="Eple barnehage")
        self.other_unit = Unit.create(group=self.group, municipality=self.town,
                                      name="Pære barnehage")
        ppt_group = ServiceGroup.create(municipality=self.town, name="PPT", kind="ppt")
        self.ppt = Unit.create(group=ppt_group, municipality=self.town, name="PPT Testvik")
        self.foreign_town = Municipality.create(name="Andrevik kommune", number="9997")
        foreign_group = ServiceGroup.create(municipality=self.foreign_town, name="Skular",
                                            kind="school")
        self.foreign_unit = Unit.create(group=foreign_group, municipality=self.foreign_town,
                                        name="Andrevik skule")
        M = Membership
        self.group_admin = employee("Gro Gruppe", "gro@test.example", self.town,
                                    role=M.GROUP_ADMIN, group=self.group)
        self.leader = employee("Leif Leiar", "leif@test.example", self.town, self.unit,
                               M.UNIT_ADMIN)
        self.other_leader = employee("Olga Leiar", "olga@test.example", self.town,
                                     self.other_unit, M.UNIT_ADMIN)
        self.coordinator = employee("Kari Koordinator", "kari@test.example", self.town,
                                    self.unit, M.COORDINATOR)
        self.other_coordinator = employee("Kjell Koordinator", "kjell@test.example", self.town,
                                          self.other_unit, M.COORDINATOR)
        self.employee = employee("Eli Tilsett", "eli@test.example", self.town, self.unit,
                                 M.EMPLOYEE)
        self.provider = employee("Pål PPT", "pal@test.example", self.town, self.ppt,
                                 M.EMPLOYEE)
        self.foreign_coordinator = employee("Frida Framand", "frida@test.example",
                                            self.foreign_town, self.foreign_unit, M.COORDINATOR)

    def plan(self, state="valid_consent", holder=None, unit=None, owner_name="Test Barn",
             birth=date(2019, 6, 1), guardians=2, provider=None):
        """A plan in ``state``: ``created`` | ``consenters_active`` | ``consent_sent`` |
        ``valid_consent`` | ``withdrawn``. Its guardians are in ``plan.guardians``."""
        holder = holder or self.coordinator
        unit = unit or self.unit
        plan = Plan.create(
            municipality=unit.municipality, unit=unit, owner_name=owner_name,
            owner_national_id=make_synthetic(birth), owner_birth_date=birth,
            created_by=holder, family_informed_at=utcnow(),
            status=Plan.ACTIVE if state == "valid_consent" else
            Plan.PASSIVE if state == "withdrawn" else Plan.DRAFT,
        )
        Participant.create(plan=plan, person=holder, role=Participant.STAFETTHALDAR,
                           unit=unit, status=Participant.ACTIVE, activated_at=utcnow())
        plan.guardians = []
        for number in range(guardians):
            person = family_member(f"Føresett {plan.id}-{number}",
                                   email=f"foresett{plan.id}-{number}@test.example")
            plan.guardians.append(person)
            Participant.create(
                plan=plan, person=person, role=Participant.GUARDIAN,
                status=Participant.INVITED if state == "created" else Participant.ACTIVE,
            )
        if state in ("created", "consenters_active"):
            return plan
        consent = Consent.create(
            plan=plan, text="Samtykke til å opprette stafettlogg.", created_by=holder,
            status={"consent_sent": Consent.SENT, "withdrawn": Consent.WITHDRAWN}.get(
                state, Consent.VALID),
            sent_at=utcnow(),
        )
        for person in plan.guardians:
            signed = state != "consent_sent"
            Signature.create(consent=consent, person=person,
                             decision=Signature.SIGNED if signed else Signature.PENDING,
                             decided_at=utcnow() if signed else None)
        if provider is not None:
            ConsentService.create(consent=consent, unit=self.ppt)
            Participant.create(plan=plan, person=provider, role=Participant.SERVICE_PROVIDER,
                               unit=self.ppt, status=Participant.ACTIVE)
        return plan
