"""Time the archive PDF of a large plan: two years of monthly minutes and 30 goals.

    PYTHONPATH=. .venv/bin/python bench/archive.py [--runs 3] [--database-url URL]

Builds a fresh database (a temporary SQLite file unless --database-url is given: that database
is wiped), fills one fictional plan (24 evaluation meetings with minutes of about 2,500
characters each, 30 goals with two activities each, two consent versions with signatures, a
timeline of a few hundred events), then renders its archive PDF in-process and prints the time
of each run, the PDF's size and pages, and the number of SQL queries. Issue 10 asks for under
3 seconds on this machine.
"""

import argparse
import io
import os
import tempfile
import time
from datetime import date, timedelta

MINUTES_BODY = "\n".join(
    [
        "Til stades: føresette, stafetthaldar, kontaktlærar og helsesjukepleiar.",
        "Per fortel at han har det betre i friminutta, og at han likar å lese med pappa.",
        "Barnehagen ser at Per brukar fleire ord når han er lei seg, og at han søkjer vaksne.",
        "Heime øver dei på kjensleord kvar kveld; det går betre når dei har faste rutinar.",
        "Vi blei samde om å halde fram med lesestund og å prøve ut biletkort i garderoben.",
    ] * 4
)


def fill():
    from webapp.models import (
        Activity,
        Consent,
        Goal,
        Meeting,
        Membership,
        Message,
        Municipality,
        Participant,
        Person,
        Plan,
        ServiceGroup,
        Signature,
        TimelineEvent,
        Unit,
        utcnow,
    )

    town = Municipality.create(name="Benchvik kommune", number="9990")
    group = ServiceGroup.create(municipality=town, name="Barnehagane", kind="kindergarten")
    unit = Unit.create(group=group, municipality=town, name="Snøtoppen barnehage")
    holder = Person.create(name="Kari Stafetthaldar", email="kari@bench.example",
                           is_employee=True, municipality=town)
    Membership.create(person=holder, unit=unit, role=Membership.COORDINATOR)
    plan = Plan.create(
        municipality=town, unit=unit, owner_name="Per Ærlig Østby", owner_national_id="01011912345",
        owner_birth_date=date(2019, 1, 1), created_by=holder, status=Plan.CLOSED,
        closed_reason=Plan.GOALS_REACHED, overview="Per er 4 år og går i Snøtoppen barnehage. "
        "Han elskar dinosaurar og er glad i å vere ute.\n" * 3,
    )
    staff = Participant.create(plan=plan, person=holder, role=Participant.STAFETTHALDAR,
                               unit=unit, status=Participant.ACTIVE)
    guardians = []
    for number in range(2):
        person = Person.create(name=f"Føresett Åse {number}", email=f"g{number}@bench.example")
        guardians.append(person)
        Participant.create(plan=plan, person=person, role=Participant.GUARDIAN,
                           status=Participant.ACTIVE)
    for version in (1, 2):
        consent = Consent.create(
            plan=plan, version=version, text="Samtykke til å opprette stafettlogg.\n" * 10,
            created_by=holder, status=Consent.SUPERSEDED if version == 1 else Consent.VALID,
            sent_at=utcnow(), seal="a" * 64)
        for person in guardians:
            Signature.create(consent=consent, person=person, decision=Signature.SIGNED,
                             method="one_time_code", decided_at=utcnow())
    for number in range(30):
        goal = Goal.create(plan=plan, title=f"Mål {number + 1}: Per brukar ord om kjensler",
                           description="Målt ved at barnehagen noterer kvar veke.",
                           created_by=holder, deadline=date.today(), position=number)
        for place in ("home", "kindergarten_school"):
            Activity.create(goal=goal, title="Lesestund med kjensleord", responsible=staff,
                            place=place, when="Kvar kveld")
    start = utcnow() - timedelta(days=730)
    for month in range(24):
        meeting = Meeting.create(plan=plan, kind="evaluation",
                                 starts_at=start + timedelta(days=30 * month))
        Message.create(plan=plan, kind=Message.MINUTES, meeting=meeting, author=holder,
                       subject=f"Referat, evalueringsmøte {month + 1}", body=MINUTES_BODY)
        for kind in ("meeting_planned", "minutes_written", "goal_changed", "activity_changed"):
            TimelineEvent.create(plan=plan, kind=kind, actor=holder, detail="evaluation",
                                 at=start + timedelta(days=30 * month))
    return plan


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    url = args.database_url or "sqlite:///" + os.path.join(tempfile.mkdtemp(), "bench.sqlite3")

    from pypdf import PdfReader

    from tests.querycount import counting
    from webapp import create_app
    from webapp.archive import pdf
    from webapp.db import database
    from webapp.models import MODELS

    app = create_app({"DATABASE_URL": url, "TESTING": True})
    with app.app_context():
        database.connect(reuse_if_open=True)
        database.drop_tables(MODELS, safe=True)
        database.create_tables(MODELS)
        plan = fill()
        for run in range(args.runs):
            with app.test_request_context(), counting() as queries:
                start = time.perf_counter()
                data = pdf.render_pdf(plan, date.today())
                seconds = time.perf_counter() - start
            pages = len(PdfReader(io.BytesIO(data)).pages)
            print(f"run {run + 1}: {seconds:.2f} s, {len(queries)} queries, "
                  f"{len(data) / 1024:.0f} KiB, {pages} pages")
        database.close()


if __name__ == "__main__":
    main()
