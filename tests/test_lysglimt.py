"""Lysglimt (SPEC §4, issue 12 item 6): short notes of what went well, added by anyone with
content access while the plan is active; bad input answered on the same form; audited; on the
timeline, in the archive PDF, and gone when the plan is deleted."""

import re

from tests import factories
from tests.conftest import sign_in, tr
from tests.querycount import queries_for
from webapp.archive import pdf
from webapp.archive import service as archive_service
from webapp.models import (
    AuditEntry,
    Lysglimt,
    Participant,
    Plan,
    PlanVisit,
    TimelineEvent,
    utcnow,
)


def _add(client, plan, text, **query):
    url = f"/plans/{plan.id}/lysglimt/new" + ("?from=plan" if query.get("from_plan") else "")
    return client.post(url, data={"text": text})


def _employee(app, person):
    client = app.test_client()
    response = client.post("/login", data={"email": person.email, "password": factories.PASSWORD})
    assert response.status_code == 302
    return client


def test_guardian_stafetthaldar_and_service_each_add_one(app, world, login_as):
    plan = world.plan("valid_consent", provider=world.provider)
    guardian = sign_in(app.test_client(), plan.guardians[0])
    holder = login_as(world.coordinator)
    provider = _employee(app, world.provider)
    for client, text in ((guardian, "Ho las ei heil bok"), (holder, "God dag i lesegruppa"),
                         (provider, "Fin praten på PPT")):
        response = _add(client, plan, text)
        assert response.status_code == 302
        assert response.headers["Location"].endswith(f"/plans/{plan.id}/lysglimt")
    rows = list(Lysglimt.select().order_by(Lysglimt.id))
    assert [(r.text, r.author_id) for r in rows] == [
        ("Ho las ei heil bok", plan.guardians[0].id),
        ("God dag i lesegruppa", world.coordinator.id),
        ("Fin praten på PPT", world.provider.id)]
    events = TimelineEvent.select().where((TimelineEvent.plan == plan)
                                          & (TimelineEvent.kind == "lysglimt_added"))
    assert events.count() == 3 and {e.detail for e in events} == {""}  # no free text there
    # Each write is in the audit trail.
    assert AuditEntry.select().where(
        (AuditEntry.plan_id == plan.id) & (AuditEntry.action == "write")
        & (AuditEntry.section == "lysglimt_added")).count() == 3


def test_the_list_is_newest_first_and_reading_it_is_audited(app, world):
    plan = world.plan("valid_consent")
    client = sign_in(app.test_client(), plan.guardians[0])
    _add(client, plan, "Først")
    _add(client, plan, "Sist")
    page = client.get(f"/plans/{plan.id}/lysglimt")
    assert page.status_code == 200
    assert page.text.index("Sist") < page.text.index("Først")
    assert AuditEntry.select().where((AuditEntry.actor_id == plan.guardians[0].id)
                                     & (AuditEntry.section == "lysglimt.index")
                                     & (AuditEntry.action == "read")).count() == 1


def test_bad_input_is_answered_on_the_same_form_with_the_text_kept(app, world):
    plan = world.plan("valid_consent")
    client = sign_in(app.test_client(), plan.guardians[0])
    empty = _add(client, plan, "   ")
    assert empty.status_code == 422
    assert tr("Write what went well.") in empty.text
    assert re.search(r"<title>\s*" + re.escape(tr("Error")) + ":", empty.text)
    long_text = "Bra! " * 101  # 505 characters
    too_long = _add(client, plan, long_text, from_plan=True)
    assert too_long.status_code == 422
    assert tr("Write at most %(max)d characters.", max=500) in too_long.text
    assert long_text.strip() in too_long.text  # kept in the form
    assert f'action="/plans/{plan.id}/lysglimt/new?from=plan"' in too_long.text
    assert Lysglimt.select().count() == 0
    # Exactly 500 is fine; control characters are left out.
    ok = _add(client, plan, "a" * 499 + "\x07b", from_plan=True)
    assert ok.status_code == 302
    assert ok.headers["Location"].endswith(f"/plans/{plan.id}#lysglimt")
    assert Lysglimt.get().text == "a" * 499 + "b"


def test_no_lysglimt_without_an_active_plan_or_content_access(app, world, login_as):
    waiting = world.plan("consent_sent")
    client = sign_in(app.test_client(), waiting.guardians[0])
    assert _add(client, waiting, "Bra").status_code == 409  # the routine: consent first
    passive = world.plan("withdrawn", provider=world.provider)
    client = sign_in(app.test_client(), passive.guardians[0])
    assert _add(client, passive, "Bra").status_code == 409
    provider = _employee(app, world.provider)
    assert _add(provider, passive, "Bra").status_code == 404  # the service lost all access
    leader = _employee(app, world.leader)
    active = world.plan("valid_consent")
    assert _add(leader, active, "Bra").status_code == 403  # metadata only
    assert Lysglimt.select().count() == 0


def test_the_list_runs_the_same_queries_for_one_and_for_many(app, world):
    plan = world.plan("valid_consent")
    client = sign_in(app.test_client(), plan.guardians[0])
    Lysglimt.create(plan=plan, author=world.coordinator, text="Ein")
    one = queries_for(client, f"/plans/{plan.id}/lysglimt")
    Lysglimt.insert_many([{"plan": plan.id, "author": world.coordinator.id, "text": f"Nr {n}",
                           "created_at": utcnow()} for n in range(120)]).execute()
    assert queries_for(client, f"/plans/{plan.id}/lysglimt") == one
    assert queries_for(client, f"/plans/{plan.id}/lysglimt?page=3") == one


def test_lysglimt_are_in_the_archive_pdf_and_gone_when_the_plan_is_deleted(app, world):
    plan = world.plan("valid_consent")
    Lysglimt.create(plan=plan, author=plan.guardians[0], text="Første dag utan gråt")
    sign_in(app.test_client(), plan.guardians[0]).get(f"/plans/{plan.id}")  # a visit
    assert PlanVisit.select().count() == 1
    with app.test_request_context():
        html = pdf.render_html(Plan.get_by_id(plan.id), utcnow().date())
        assert "Første dag utan gråt" in html and tr("Lysglimt") in html
        assert pdf.html_to_pdf(html).startswith(b"%PDF")
    Plan.update(status=Plan.ARCHIVED).where(Plan.id == plan.id).execute()
    assert archive_service.delete_plan(Plan.get_by_id(plan.id), world.coordinator.id)
    assert Lysglimt.select().count() == 0 and PlanVisit.select().count() == 0
    assert Participant.select().where(Participant.plan == plan).count() == 0


def test_the_timeline_names_the_lysglimt_without_its_text(app, world):
    plan = world.plan("valid_consent")
    client = sign_in(app.test_client(), plan.guardians[0])
    _add(client, plan, "Hemmeleg tekst")
    page = client.get(f"/plans/{plan.id}/timeline")
    assert tr("A lysglimt was added") in page.text
    assert "Hemmeleg tekst" not in page.text
