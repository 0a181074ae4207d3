"""Measure p50/p95 response times of the dashboard and plan pages with many plans.

    .venv/bin/python bench/pages.py [--plans 10000] [--requests 200] [--database-url URL]

Builds a fresh database (a temporary SQLite file unless --database-url is given: that database
is wiped), fills it with fictional plans, and times the pages in-process through the Flask test
client (no network, so the numbers are the application's own time). SPEC §5 asks for p95 under
100 ms for plan and dashboard pages with 10,000 plans.
"""

import argparse
import os
import statistics
import tempfile
import time
from datetime import date, timedelta


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--plans", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    url = args.database_url or "sqlite:///" + os.path.join(tempfile.mkdtemp(), "bench.sqlite3")

    from webapp import create_app
    from webapp.db import database
    from webapp.models import MODELS

    app = create_app({"DATABASE_URL": url, "WTF_CSRF_ENABLED": False, "TESTING": True,
                      "RATELIMIT_ENABLED": False})
    with app.app_context():
        database.connect(reuse_if_open=True)
        database.drop_tables(MODELS, safe=True)
        database.create_tables(MODELS)
        people = fill(args.plans)
        database.close()

    client = app.test_client()
    for label, email, path in (
        ("stafetthaldar: my plans", people["holder"], "/"),
        ("stafetthaldar: plan page", people["holder"], f"/plans/{people['plan_id']}"),
        ("leader: my plans + unit plans", people["leader"], "/"),
        ("stafetthaldar: goals (50)", people["holder"], f"/plans/{people['plan_id']}/goals"),
        ("stafetthaldar: messages (200)", people["holder"],
         f"/plans/{people['plan_id']}/messages"),
        ("stafetthaldar: minutes editor", people["holder"], people["minutes_url"]),
        ("projector: display poll", people["holder"], people["display_url"]),
        ("stafetthaldar: timeline (600)", people["holder"],
         f"/plans/{people['plan_id']}/timeline"),
    ):
        client.post("/logout")
        client.post("/login", data={"email": email, "password": "bench-password"})
        times = []
        for _ in range(args.requests):
            start = time.perf_counter()
            response = client.get(path)
            times.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (path, response.status_code)
        times.sort()
        p95 = times[int(len(times) * 0.95) - 1]
        print(f"{label:<32} p50 {statistics.median(times):6.1f} ms   p95 {p95:6.1f} ms   "
              f"({len(response.data) // 1024} KB)")


def fill(count):
    from webapp.db import database
    from webapp.identity import make_synthetic
    from webapp.models import (
        Membership,
        Municipality,
        Participant,
        Person,
        Plan,
        ServiceGroup,
        Unit,
        utcnow,
    )
    from webapp.passwords import hash_password

    password = hash_password("bench-password")
    with database.atomic():
        town = Municipality.create(name="Benkvik kommune", number="9990")
        group = ServiceGroup.create(municipality=town, name="Skulane", kind="school")
        units = [Unit.create(group=group, municipality=town, name=f"Skule {n}") for n in range(50)]
        staff = [
            Person.create(name=f"Tilsett {n}", email=f"t{n}@bench.example", is_employee=True,
                          password_hash=password, municipality=town)
            for n in range(200)
        ]
        leader = staff[0]
        Membership.create(person=leader, unit=units[0], role=Membership.UNIT_ADMIN)
        holder = staff[1]
        Membership.create(person=holder, unit=units[0], role=Membership.COORDINATOR)
        numbers = [make_synthetic(date(2012, 1, 1) + timedelta(days=n % 3000)) for n in range(3000)]
        plans, participants = [], []
        for n in range(count):
            plans.append({
                "municipality": town.id, "unit": units[n % len(units)].id,
                "owner_name": f"Barn {n}", "owner_national_id": numbers[n % len(numbers)],
                "owner_birth_date": date(2012, 1, 1) + timedelta(days=n % 3000),
                "status": "active", "created_by": staff[n % len(staff)].id,
                "created_at": utcnow(), "updated_at": utcnow(),
                "next_evaluation": date.today() + timedelta(days=n % 90 - 30),
            })
        for batch in range(0, len(plans), 500):
            Plan.insert_many(plans[batch:batch + 500]).execute()
        ids = [p.id for p in Plan.select(Plan.id).order_by(Plan.id)]
        for index, plan_id in enumerate(ids):
            person = holder if index % 200 == 1 else staff[index % len(staff)]
            participants.append({"plan": plan_id, "person": person.id, "role": "stafetthaldar",
                                 "status": "active", "invited_at": utcnow()})
        for batch in range(0, len(participants), 500):
            Participant.insert_many(participants[batch:batch + 500]).execute()
    plan_id = Participant.get(Participant.person == holder).plan_id
    minutes, meeting = content(plan_id, holder)
    return {"holder": holder.email, "leader": leader.email, "plan_id": plan_id,
            "minutes_url": f"/plans/{plan_id}/minutes/{minutes}/edit",
            "display_url": f"/plans/{plan_id}/meetings/{meeting}/display/content"}


def content(plan_id, holder):
    """A plan as full as a long-running one: 50 goals with 2 activities each, 200 messages and
    minutes, 600 timeline events. Returns the ids of the last minutes and its meeting."""
    from webapp.audit import add_event
    from webapp.db import database
    from webapp.models import (
        Activity,
        Goal,
        Meeting,
        Message,
        MessageRecipient,
        Participant,
        utcnow,
    )

    role = Participant.get((Participant.plan == plan_id) & (Participant.person == holder))
    with database.atomic():
        for n in range(50):
            goal = Goal.create(plan=plan_id, title=f"Mål {n}: les 15 minutt kvar dag",
                               created_by=holder)
            Activity.create(goal=goal, title="Lesekvart heime", responsible=role, place="home")
            Activity.create(goal=goal, title="Lesegruppe", responsible=role,
                            place="kindergarten_school")
        meeting = Meeting.create(plan=plan_id, kind="startup", starts_at=utcnow())
        for n in range(200):
            message = Message.create(plan=plan_id, author=holder, kind="minutes",
                                     meeting=meeting, subject=f"Referat {n}",
                                     body="Vi er samde om lesinga.\n\n" * 20)
            MessageRecipient.create(message=message, person=holder)
        for _ in range(600):
            add_event(plan_id, "goal_added", holder.id)
    return message.id, meeting.id


if __name__ == "__main__":
    main()
