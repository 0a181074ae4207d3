"""The fictional demo municipality loaded by ``flask demo-data`` (and ``make run``).

Every name is made up, every e-mail address is under the reserved ``.example`` domain, and every
identity number is a synthetic test number (month + 80), which only an installation that allows
synthetic numbers accepts. Loading is idempotent: a second run changes nothing.
"""

import hashlib
from datetime import date, datetime, time, timedelta

from webapp.audit import add_event
from webapp.db import database
from webapp.identity import make_synthetic
from webapp.levels import start_stay
from webapp.models import (
    Activity,
    Consent,
    ConsentService,
    Goal,
    Lysglimt,
    Meeting,
    MeetingInvite,
    Membership,
    Message,
    MessageRecipient,
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

DEMO_PASSWORD = "stafett-demo-2026"  # noqa: S105 - fictional demo accounts only
DOMAIN = "fjellvik.example"

GROUPS = (
    ("kindergarten", "Barnehagane", ("Solsida barnehage", "Tusenfryd barnehage")),
    ("school", "Skulane", ("Nordbygda skule", "Fjellvik ungdomsskule")),
    ("health_station", "Helsestasjon og skulehelseteneste", ("Helsestasjonen i Fjellvik",)),
    ("ppt", "PPT", ("PPT Fjellvik og Vikøy",)),
    ("child_welfare", "Barnevern", ("Barnevernstenesta",)),
    ("family_team", "Barne- og familieteam", ("Familieteamet",)),
)

# (e-mail local part, name, [(role, unit name or group name)])
EMPLOYEES = (
    ("gruppeadmin", "Gunn Gruppestad", [("group_admin", "Barnehagane")]),
    ("leiar.solsida", "Liv Leiarsen", [("unit_admin", "Solsida barnehage")]),
    ("rektor.nordbygda", "Roar Rektorsen", [("unit_admin", "Nordbygda skule")]),
    ("pedagog.solsida", "Pia Pedagogsen", [("coordinator", "Solsida barnehage")]),
    ("larar.nordbygda", "Lars Lærarsen", [("coordinator", "Nordbygda skule")]),
    ("helsesjukepleiar", "Hanne Helsestad", [("coordinator", "Helsestasjonen i Fjellvik")]),
    ("ppt.radgjevar", "Per Pedersen-Rådgjevar", [("employee", "PPT Fjellvik og Vikøy")]),
    ("kommuneadmin", "Kristin Kommunestad", [("municipality_admin", None)]),
)

# A second municipality that shares Fjellvik's PPT (inter-municipal, ``UnitServes``): its own
# administrator, a school with a leader and a teacher, and one plan where the PPT adviser of
# Fjellvik takes part.
SECOND = ("Vikøy kommune", "9995", "vikoy.example")
SECOND_EMPLOYEES = (
    ("kommuneadmin", "Viktor Vikøyseth", "municipality_admin"),
    ("rektor", "Randi Rektorvik", "unit_admin"),
    ("larar", "Linn Lærarvik", "coordinator"),
)
SECOND_PLAN = ("Aksel Holmvik", date(2015, 3, 12), "Vikøy skule", "larar",
               ("Guri Holmvik",), Plan.ACTIVE, 2, Consent.VALID)

# (child name, birth date, unit, stafetthaldar, guardians, status, level, consent state)
PLANS = (
    ("Ola Solsida", date(2021, 5, 14), "Solsida barnehage", "pedagog.solsida",
     ("Kari Solsida", "Knut Solsida"), Plan.DRAFT, 1, None),
    ("Emma Fjordheim", date(2020, 9, 2), "Solsida barnehage", "pedagog.solsida",
     ("Marte Fjordheim",), Plan.DRAFT, 1, Consent.SENT),
    ("Noah Bakkeli", date(2016, 1, 23), "Nordbygda skule", "larar.nordbygda",
     ("Sigrid Bakkeli", "Tor Bakkeli"), Plan.ACTIVE, 1, Consent.VALID),
    ("Sara Lien", date(2015, 11, 8), "Nordbygda skule", "larar.nordbygda",
     ("Eva Lien",), Plan.ACTIVE, 2, Consent.VALID),
    ("Jonas Myrvang", date(2017, 4, 30), "Nordbygda skule", "larar.nordbygda",
     ("Ida Myrvang",), Plan.PASSIVE, 1, Consent.WITHDRAWN),
    ("Maja Haugen", date(2019, 2, 11), "Tusenfryd barnehage", "helsesjukepleiar",
     ("Nina Haugen",), Plan.CLOSED, 1, Consent.VALID),
    ("Liam Strand", date(2014, 7, 19), "Nordbygda skule", "larar.nordbygda",
     ("Ove Strand",), Plan.CLOSED, 1, Consent.VALID),  # archived by ``_later``
    ("Ella Vik", date(2016, 10, 3), "Nordbygda skule", "larar.nordbygda",
     ("Randi Vik",), Plan.ACTIVE, 1, Consent.VALID),  # evaluated, outcome b
    ("Theo Brekke", date(2020, 1, 27), "Solsida barnehage", "pedagog.solsida",
     ("Hilde Brekke",), Plan.ACTIVE, 1, Consent.VALID),  # a transfer to the school waits
)


def _email(local):
    return f"{local}@{DOMAIN}"


def load_demo():
    """Create the demo municipality unless it exists; return the demo logins."""
    logins = [
        ("Group administrator (kindergartens)", _email("gruppeadmin")),
        ("Unit leader, Solsida barnehage", _email("leiar.solsida")),
        ("Unit leader, Nordbygda skule", _email("rektor.nordbygda")),
        ("Stafetthaldar, Solsida barnehage", _email("pedagog.solsida")),
        ("Stafetthaldar, Nordbygda skule", _email("larar.nordbygda")),
        ("Coordinator, health station", _email("helsesjukepleiar")),
        ("Employee, PPT", _email("ppt.radgjevar")),
        ("Guardian (logs in with a one-time code, see /dev/outbox)", _email("sigrid.bakkeli")),
        ("Municipality administrator, Fjellvik", _email("kommuneadmin")),
        ("Municipality administrator, Vikøy", f"kommuneadmin@{SECOND[2]}"),
        ("Unit leader, Vikøy skule", f"rektor@{SECOND[2]}"),
        ("Stafetthaldar, Vikøy skule (with Fjellvik's PPT)", f"larar@{SECOND[2]}"),
    ]
    with database.atomic():
        if not Municipality.select().where(Municipality.number == "9999").exists():
            _create()
        if not Municipality.select().where(Municipality.number == SECOND[1]).exists():
            _create_second()
    return logins


def _create():
    town = Municipality.create(name="Fjellvik kommune", number="9999")
    units, groups = {}, {}
    for kind, group_name, unit_names in GROUPS:
        group = ServiceGroup.create(municipality=town, name=group_name, kind=kind)
        groups[group_name] = group
        for unit_name in unit_names:
            units[unit_name] = Unit.create(group=group, municipality=town, name=unit_name)
    password = hash_password(DEMO_PASSWORD)
    staff = {}
    for local, name, roles in EMPLOYEES:
        person = Person.create(
            name=name, email=_email(local), password_hash=password, is_employee=True,
            municipality=town,
        )
        staff[local] = person
        for role, place in roles:
            if role == Membership.MUNICIPALITY_ADMIN:
                Membership.create(person=person, role=role)
            elif role == Membership.GROUP_ADMIN:
                Membership.create(person=person, group=groups[place], role=role)
            else:
                Membership.create(person=person, unit=units[place], role=role)
    for index, row in enumerate(PLANS):
        _plan(town, units, staff, index, *row)
    _later({plan.owner_name: plan for plan in Plan.select().where(Plan.municipality == town)},
           units, staff)


def _create_second():
    """Vikøy: shares Fjellvik's PPT (set by Fjellvik's administrator as the unit serving
    Vikøy), and has one plan at level 2 where Fjellvik's PPT adviser takes part."""
    from webapp.models import UnitServes

    name, number, domain = SECOND
    town = Municipality.create(name=name, number=number)
    group = ServiceGroup.create(municipality=town, name="Skulane", kind="school")
    school = Unit.create(group=group, municipality=town, name="Vikøy skule")
    ppt = Unit.get(Unit.name == "PPT Fjellvik og Vikøy")
    UnitServes.create(unit=ppt, municipality=town)
    password = hash_password(DEMO_PASSWORD)
    staff = {"ppt.radgjevar": Person.get(Person.email == _email("ppt.radgjevar"))}
    for local, person_name, role in SECOND_EMPLOYEES:
        person = Person.create(name=person_name, email=f"{local}@{domain}",
                               password_hash=password, is_employee=True, municipality=town)
        staff[local] = person
        Membership.create(person=person, unit=None if role == "municipality_admin" else school,
                          role=role)
    _plan(town, {"Vikøy skule": school, "PPT Fjellvik og Vikøy": ppt}, staff, len(PLANS),
          *SECOND_PLAN)


def _later(plans, units, staff):
    """What happened later in some logs (SPEC §3.3-§3.7), through the same services the pages
    use: why the passive and closed logs stopped, an evaluation with outcome b and a new date,
    a transfer from the kindergarten waiting for the school's leader, and a real archive PDF."""
    from webapp.archive.service import archive_plan
    from webapp.meetings.service import CONTINUE, record_outcome
    from webapp.transfers.service import propose

    for name, reason in (("Jonas Myrvang", "consent_withdrawn"),
                         ("Maja Haugen", "no_longer_needed"), ("Liam Strand", "goals_reached")):
        Plan.update(closed_reason=reason, closed_at=utcnow()).where(
            Plan.id == plans[name].id).execute()
    teacher = staff["larar.nordbygda"]
    ella = plans["Ella Vik"]
    evaluation = Meeting.get((Meeting.plan == ella) & (Meeting.kind == "evaluation"))
    held = datetime.combine(date.today() - timedelta(days=2), time(14, 0))
    Meeting.update(starts_at=held).where(Meeting.id == evaluation.id).execute()
    minutes = Message.create(
        plan=ella, kind=Message.MINUTES, meeting=evaluation, author=teacher,
        subject="Referat frå evalueringsmøte – BTI-nivå 1",
        body=("Ella les no ti minutt dei fleste dagar. Lesekvarten heime held fram.\n\n"
              "Ella sitt syn: Det er kjekkare å lese når eg får velje boka sjølv.\n\n"
              "Vi held fram på same nivå og evaluerer på nytt om seks veker."),
    )
    for participant in Participant.select().where(Participant.plan == ella):
        MessageRecipient.create(message=minutes, person=participant.person_id,
                                read_at=utcnow() if participant.person_id == teacher.id else None)
    add_event(ella, "minutes_written", teacher, "evaluation")
    record_outcome(ella, Meeting.get_by_id(evaluation.id), CONTINUE, teacher.id,
                   new_evaluation=date.today() + timedelta(days=42))
    propose(plans["Theo Brekke"], units["Nordbygda skule"].id, False, staff["pedagog.solsida"].id)
    archive_plan(plans["Liam Strand"], teacher.id)
    _reads(plans, staff)


def _reads(plans, staff):
    """Reads of two logs' content, for the family's "Who has read the log" (SPEC §4): Noah's
    (the demo guardian Sigrid Bakkeli's) by the stafetthaldar, and Sara's by PPT as well."""
    from webapp.audit import record_access

    teacher, ppt = staff["larar.nordbygda"], staff["ppt.radgjevar"]
    for person, plan, section in (
        (teacher, plans["Noah Bakkeli"], "overview.show"),
        (teacher, plans["Noah Bakkeli"], "goals.index"),
        (teacher, plans["Sara Lien"], "overview.show"),
        (ppt, plans["Sara Lien"], "goals.index"),
        (ppt, plans["Sara Lien"], "minutes.show"),
    ):
        record_access(person, plan, section)


def _plan(town, units, staff, index, child, born, unit_name, holder, guardians, status, level,
          consent_state):
    holder = staff[holder]
    today = date.today()
    plan = Plan.create(
        municipality=town, unit=units[unit_name], owner_name=child,
        owner_national_id=make_synthetic(born), owner_birth_date=born, status=status,
        bti_level=level, created_by=holder, family_informed_at=utcnow(),
        next_evaluation=(today + timedelta(days=10 + 7 * index)) if status == Plan.ACTIVE
        else None,
        archived_at=utcnow() if status == Plan.ARCHIVED else None,
    )
    Participant.create(
        plan=plan, person=holder, role=Participant.STAFETTHALDAR,
        unit=units[unit_name], status=Participant.ACTIVE, activated_at=utcnow(),
    )
    add_event(plan, "plan_created", holder)
    start_stay(plan.id, level, plan.created_at)  # a demo plan has been on its level all along
    family = []
    for number, name in enumerate(guardians):
        local = name.lower().replace(" ", ".")
        mobile = "+474%07d" % (index * 10 + number)
        person = Person.create(name=name, email=_email(local), mobile=mobile)
        family.append(person)
        Participant.create(
            plan=plan, person=person, role=Participant.GUARDIAN, status=Participant.ACTIVE,
            activated_at=utcnow(),
        )
        add_event(plan, "participant_added", holder, "guardian")
    if consent_state is None:
        return
    text = f"Samtykke til å opprette stafettlogg for {child}."
    consent = Consent.create(
        plan=plan, text=text, created_by=holder, sent_at=utcnow(),
        status=consent_state,
        seal=hashlib.sha256((text + "|" + ",".join(p.name for p in family)).encode()).hexdigest(),
        valid_at=utcnow() if consent_state in (Consent.VALID, Consent.WITHDRAWN) else None,
        withdrawn_at=utcnow() if consent_state == Consent.WITHDRAWN else None,
        withdrawn_by=family[0] if consent_state == Consent.WITHDRAWN else None,
    )
    add_event(plan, "consent_sent", holder)
    signed = consent_state != Consent.SENT
    for person in family:
        Signature.create(
            consent=consent, person=person,
            decision=Signature.SIGNED if signed else Signature.PENDING,
            method="one_time_code" if signed else None,
            decided_at=utcnow() if signed else None,
        )
    if signed:
        add_event(plan, "consent_valid", family[0])
    if consent_state == Consent.WITHDRAWN:
        add_event(plan, "consent_withdrawn", family[0])
    if status == Plan.ACTIVE:
        _content(plan, holder, family, child, level)
    if level >= 2:
        ConsentService.create(consent=consent, unit=units["PPT Fjellvik og Vikøy"], note="PPT")
        Participant.create(
            plan=plan, person=staff["ppt.radgjevar"], role=Participant.SERVICE_PROVIDER,
            unit=units["PPT Fjellvik og Vikøy"], status=Participant.ACTIVE, activated_at=utcnow(),
        )


def _content(plan, holder, family, child, level):
    """An active plan's log: overview, a start-up meeting with minutes, a goal with activities
    at home and at school, a message, and the planned evaluation meeting (SPEC §3.2)."""
    first_name = child.split()[0]
    school = plan.unit.name if plan.unit.name.endswith("skule") else "Nordbygda skule"
    Plan.update(
        overview=(f"{first_name} går på {school} og er glad i fotball og teikning. "
                  f"{first_name} strevar med å kome i gang med lesinga, og det påverkar "
                  "trivselen i klassen."),
        overview_version=1,
    ).where(Plan.id == plan.id).execute()
    add_event(plan, "overview_written", holder)
    people = [holder, *family]
    participants = list(Participant.select().where(Participant.plan == plan))
    held = datetime.combine(date.today() - timedelta(days=14), time(9, 0))
    startup = Meeting.create(plan=plan, kind="startup", bti_level=level, starts_at=held,
                             place=f"Møterom 2, {school}")
    for participant in participants:
        MeetingInvite.create(meeting=startup, participant=participant)
    minutes = Message.create(
        plan=plan, kind=Message.MINUTES, meeting=startup, author=holder,
        subject=f"Referat frå oppstartsmøte – BTI-nivå {level}",
        body=(
            "Til stades: føresette og stafetthaldar.\n\n"
            f"Utfordringa: {first_name} les lite og vil ikkje lese høgt i klassen.\n\n"
            f"Hovudmål: {first_name} les 15 minutt kvar dag.\n\n"
            f"{first_name} sitt syn: Eg likar bøker om fotball. Eg vil lese for mamma.\n\n"
            "Avtalar: Lesekvart heime kvar kveld. Lesegruppe på skulen tre gonger i veka.\n\n"
            "Neste møte: evalueringsmøte om fire veker."
        ),
    )
    add_event(plan, "minutes_written", holder)
    goal = Goal.create(plan=plan, title=f"{first_name} les 15 minutt kvar dag",
                       deadline=plan.next_evaluation, created_by=holder)
    add_event(plan, "goal_added", holder)
    by_person = {p.person_id: p for p in participants}
    Activity.create(goal=goal, title="Lesekvart heime kvar kveld", when="Kvar kveld før leggetid",
                    responsible=by_person[family[0].id], place="home")
    Activity.create(goal=goal, title="Lesegruppe med tre elevar", when="Tysdag, onsdag, fredag",
                    responsible=by_person[holder.id], place="kindergarten_school")
    add_event(plan, "activity_added", holder)
    add_event(plan, "activity_added", holder)
    hello = Message.create(plan=plan, author=holder, subject="Bøker til lesekvarten",
                           body="Skulebiblioteket har fått nye fotballbøker. Eg sender to heim "
                                "på fredag.")
    add_event(plan, "message_sent", holder)
    for message in (minutes, hello):
        for person in people:
            MessageRecipient.create(message=message, person=person,
                                    read_at=utcnow() if person == holder else None)
    # Lysglimt (SPEC §4): what went well, from the school and from home.
    spots = (
        (holder, 5, f"{first_name} las høgt for to andre i lesegruppa i dag, og var stolt "
                    "etterpå."),
        (family[0], 2, f"{first_name} valde sjølv ei fotballbok på biblioteket og las ti minutt "
                       "før leggetid utan å bli minna på det."),
    )
    for author, days_ago, text in spots:
        at = datetime.combine(date.today() - timedelta(days=days_ago), time(15, 30))
        Lysglimt.create(plan=plan, author=author, text=text, created_at=at)
        add_event(plan, "lysglimt_added", author)
    if plan.next_evaluation:
        evaluation = Meeting.create(
            plan=plan, kind="evaluation", bti_level=level,
            starts_at=datetime.combine(plan.next_evaluation, time(14, 0)),
            place=f"Møterom 2, {school}", minute_taker=by_person[holder.id],
        )
        for participant in participants:
            MeetingInvite.create(meeting=evaluation, participant=participant)
        add_event(plan, "meeting_planned", holder)
