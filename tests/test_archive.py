"""Closing, reopening, archiving and deleting a plan (SPEC §3.7, issue 10 items 7-9)."""

import hashlib
import io
import os
import socket
from datetime import date, timedelta

import pytest
from pypdf import PdfReader

from tests.conftest import sign_in, tr
from tests.querycount import queries_for
from webapp.archive import pdf
from webapp.archive import service as archive_service
from webapp.audit import add_event
from webapp.auditchain import verify
from webapp.consent import service as consent_service
from webapp.models import (
    Activity,
    AuditEntry,
    Consent,
    Goal,
    Meeting,
    Message,
    OutboxMessage,
    Participant,
    Person,
    Plan,
    PlanArchive,
    Signature,
    TimelineEvent,
    utcnow,
)


def _fill(plan, holder, minutes=1, goals=1):
    """Content in every section the archive shows."""
    plan.overview = "Per er 4 år og går i Snøtoppen barnehage. Han likar dinosaurar."
    plan.save()
    stafetthaldar = Participant.get((Participant.plan == plan)
                                    & (Participant.role == Participant.STAFETTHALDAR))
    for number in range(goals):
        goal = Goal.create(plan=plan, title=f"Per brukar ord når han er lei seg {number}",
                           created_by=holder, deadline=date.today() + timedelta(days=30))
        Activity.create(goal=goal, title="Lesestund kvar kveld", responsible=stafetthaldar)
    start = utcnow() - timedelta(days=30 * minutes)
    for number in range(minutes):
        meeting = Meeting.create(plan=plan, kind="evaluation",
                                 starts_at=start + timedelta(days=30 * number))
        Message.create(plan=plan, kind=Message.MINUTES, meeting=meeting, author=holder,
                       subject=f"Referat frå evalueringsmøte {number}",
                       body="Vi blei samde om å øve på kjensleord.\nFøresette følgjer opp heime.")
    add_event(plan, "goal_added", holder.id)


def _closed(world, reason=Plan.GOALS_REACHED):
    plan = world.plan("valid_consent")
    _fill(plan, world.coordinator)
    assert archive_service.close_plan(plan, world.coordinator.id, reason)
    closed = Plan.get_by_id(plan.id)
    closed.guardians = plan.guardians
    return closed


def _text(data):
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


# --- Close and reopen (item 7) -----------------------------------------------------------------


def test_stafetthaldar_closes_the_log_with_a_reason_on_the_timeline(client, world, login_as):
    plan = world.plan("valid_consent")
    login_as(world.coordinator)
    page = client.get(f"/plans/{plan.id}/close")
    assert page.status_code == 200
    assert tr("The log is no longer needed") in page.text

    response = client.post(f"/plans/{plan.id}/close", data={"reason": "individual_plan"})
    assert response.status_code == 302
    plan = Plan.get_by_id(plan.id)
    assert (plan.status, plan.closed_reason) == (Plan.CLOSED, "individual_plan")
    event = TimelineEvent.get((TimelineEvent.plan == plan) & (TimelineEvent.kind == "plan_closed"))
    assert (event.detail, event.actor_id) == ("individual_plan", world.coordinator.id)
    end = client.get(f"/plans/{plan.id}/closing")
    assert tr("The child moves to an Individual plan") in end.text
    timeline = client.get(f"/plans/{plan.id}/timeline")
    assert tr("The log was closed") in timeline.text
    assert tr("moved to an Individual plan") in timeline.text


def test_closing_without_a_reason_gives_the_form_again(client, world, login_as):
    plan = world.plan("valid_consent")
    login_as(world.coordinator)
    response = client.post(f"/plans/{plan.id}/close", data={"reason": "because"})
    assert response.status_code == 422
    assert tr("There is a problem") in response.text
    assert Plan.get_by_id(plan.id).status == Plan.ACTIVE


def test_a_closed_log_cannot_be_closed_twice(client, world, login_as):
    plan = _closed(world)
    login_as(world.coordinator)
    response = client.post(f"/plans/{plan.id}/close", data={"reason": "no_longer_needed"})
    assert response.status_code == 409
    assert tr("The log is already closed. Open it again first if the work shall go on.") in (
        response.text)
    assert Plan.get_by_id(plan.id).closed_reason == Plan.GOALS_REACHED


def test_reopen_on_a_valid_consent(client, world, login_as):
    plan = _closed(world)
    login_as(world.coordinator)
    assert client.get(f"/plans/{plan.id}/reopen").status_code == 200
    response = client.post(f"/plans/{plan.id}/reopen")
    assert response.status_code == 302
    plan = Plan.get_by_id(plan.id)
    assert (plan.status, plan.closed_reason) == (Plan.ACTIVE, None)
    assert TimelineEvent.select().where((TimelineEvent.plan == plan)
                                        & (TimelineEvent.kind == "plan_reopened")).exists()


def test_reopening_without_consent_is_refused_and_changes_nothing(client, world, login_as):
    plan = world.plan("valid_consent")
    consent_service.withdraw(plan, plan.guardians[0].id)
    plan = Plan.get_by_id(plan.id)
    assert (plan.status, plan.closed_reason) == (Plan.PASSIVE, Plan.CONSENT_WITHDRAWN)
    events = TimelineEvent.select().count()
    login_as(world.coordinator)
    response = client.post(f"/plans/{plan.id}/reopen")
    assert response.status_code == 409
    reason = tr("The log can be opened again only when a consent holds. The consent was "
                "withdrawn: ask the guardians, or the youth from 15, to sign a new consent.")
    assert reason in response.text
    assert Plan.get_by_id(plan.id).status == Plan.PASSIVE
    assert TimelineEvent.select().count() == events
    # The plan's end page says why, and offers no button.
    end = client.get(f"/plans/{plan.id}/closing")
    assert reason in end.text
    assert f"/plans/{plan.id}/reopen" not in end.text


def test_a_family_member_may_read_the_end_but_not_close(client, world):
    plan = world.plan("valid_consent")
    sign_in(client, plan.guardians[0])
    assert client.get(f"/plans/{plan.id}/closing").status_code == 200
    assert client.post(f"/plans/{plan.id}/close", data={"reason": "goals_reached"}).status_code \
        == 403
    assert Plan.get_by_id(plan.id).status == Plan.ACTIVE


# --- The archive PDF (item 8) -----------------------------------------------------------------


def test_archive_pdf_holds_the_plan_with_aeoeaa_and_no_life_areas(app, world):
    plan = _closed(world)
    with app.test_request_context(headers={"Accept-Language": "nn"}):
        data = pdf.render_pdf(plan, date(2026, 11, 23))
    text = _text(data)
    assert "Unntatt offentlegheit, jf. offentleglova § 13" in text
    assert "Referat frå evalueringsmøte 0" in text
    assert "Vi blei samde om å øve på kjensleord." in text
    assert "Per brukar ord når han er lei seg 0" in text
    assert "Lesestund kvar kveld" in text
    assert "Snøtoppen barnehage" in text
    # Every consent version with its signatures.
    for guardian in plan.guardians:
        assert guardian.name in text
    assert tr("signed digitally with a one-time code", html=False) in text
    assert "Samtykke til å opprette stafettlogg." in text
    # Every page: the secrecy line, the title, page x of y and the printing date.
    pages = PdfReader(io.BytesIO(data)).pages
    for number, page in enumerate(pages, start=1):
        page_text = page.extract_text()
        assert "offentleglova § 13" in page_text
        assert f"{number} {tr('of', html=False)} {len(pages)}" in page_text
        assert "23. november 2026" in page_text
        assert "Test Barn" in page_text
    assert "livsområde" not in text.lower()
    assert "life area" not in text.lower()


def test_archive_pdf_in_bokmaal(app, world):
    plan = _closed(world)
    with app.test_request_context():
        from flask_babel import force_locale

        with force_locale("nb"):
            text = _text(pdf.render_pdf(plan, date(2026, 11, 23)))
    assert "Unntatt offentlighet, jf. offentleglova § 13" in text


def test_archive_pdf_embeds_the_dejavu_font(app, world):
    plan = _closed(world)
    with app.test_request_context():
        reader = PdfReader(io.BytesIO(pdf.render_pdf(plan, date.today())))
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            fonts.add(str(font["/BaseFont"]))
            descriptor = font.get("/FontDescriptor")
            if descriptor is not None and "DejaVu" in str(font["/BaseFont"]):
                assert "/FontFile2" in descriptor.get_object()
    assert any("DejaVu" in name for name in fonts)


def test_archive_fetches_nothing_outside_static(app, monkeypatch):
    """An external URL in the HTML is refused before any connection is made; so is a path out
    of static/."""
    def no_network(*args, **kwargs):
        raise AssertionError("the archive tried to reach the network")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    with app.test_request_context():
        for src in ("http://example.com/tracker.png", "https://169.254.169.254/latest",
                    "/static/../webapp/config.py", "file:///etc/passwd"):
            html = f'<html><body><p>æøå</p><img src="{src}"></body></html>'
            with pytest.raises(pdf.RefusedResource):
                pdf.html_to_pdf(html)
        assert pdf.link_callback("/static/fonts/DejaVuSans.ttf").endswith("DejaVuSans.ttf")


def test_archiving_stores_the_pdf_with_its_checksum(client, world, login_as):
    plan = _closed(world)
    login_as(world.coordinator)
    assert client.get(f"/plans/{plan.id}/archive").status_code == 200
    response = client.post(f"/plans/{plan.id}/archive")
    assert response.status_code == 302
    plan = Plan.get_by_id(plan.id)
    assert plan.status == Plan.ARCHIVED and plan.archived_at is not None
    archive = PlanArchive.get(PlanArchive.plan == plan)
    path = archive_service.archive_path(archive)
    assert os.path.commonpath([path, client.application.instance_path]) == (
        client.application.instance_path)
    assert not path.startswith(client.application.static_folder)
    with open(path, "rb") as stored:
        data = stored.read()
    assert (archive.size, archive.sha256) == (len(data), hashlib.sha256(data).hexdigest())
    assert TimelineEvent.select().where((TimelineEvent.plan == plan)
                                        & (TimelineEvent.kind == "plan_archived")).exists()
    end = client.get(f"/plans/{plan.id}/closing")
    assert archive.sha256 in end.text

    before = AuditEntry.select().where(AuditEntry.section == "archive.download").count()
    download = client.get(f"/plans/{plan.id}/archive.pdf")
    assert download.status_code == 200
    assert download.data == data
    assert download.headers["Content-Type"] == "application/pdf"
    assert AuditEntry.select().where(AuditEntry.section == "archive.download").count() == (
        before + 1)


def test_archiving_an_open_plan_is_refused(client, world, login_as):
    plan = world.plan("valid_consent")
    login_as(world.coordinator)
    response = client.post(f"/plans/{plan.id}/archive")
    assert response.status_code == 409
    assert tr("Close the log or set it passive before you archive it.") in response.text
    assert Plan.get_by_id(plan.id).status == Plan.ACTIVE
    assert PlanArchive.select().count() == 0


def test_the_end_page_runs_a_fixed_number_of_queries(client, world, login_as):
    small = _closed(world)
    big = world.plan("valid_consent", owner_name="Stor Plan")
    _fill(big, world.coordinator, minutes=12, goals=8)
    archive_service.close_plan(big, world.coordinator.id, Plan.GOALS_REACHED)
    login_as(world.coordinator)
    assert queries_for(client, f"/plans/{small.id}/closing") == queries_for(
        client, f"/plans/{big.id}/closing")


def test_archive_content_reads_a_fixed_number_of_queries(app, world):
    from tests.querycount import counting

    small = _closed(world)
    big = world.plan("valid_consent", owner_name="Stor Plan")
    _fill(big, world.coordinator, minutes=12, goals=8)
    counts = []
    for plan in (small, big):
        with app.test_request_context(), counting() as queries:
            pdf.render_html(plan, date.today())
        counts.append(len(queries))
    assert counts[0] == counts[1]


# --- Deletion (item 9) -------------------------------------------------------------------------


def test_deleting_an_unarchived_plan_is_refused_and_changes_nothing(client, world, login_as):
    plan = _closed(world)
    login_as(world.coordinator)
    before = (Participant.select().count(), Goal.select().count(), Message.select().count())
    response = client.post(f"/plans/{plan.id}/delete", data={"confirm": "y"})
    assert response.status_code == 409
    assert tr("A plan can be deleted only after it has been archived.") in response.text
    plan = Plan.get_by_id(plan.id)
    assert (plan.status, plan.owner_name) == (Plan.CLOSED, "Test Barn")
    assert (Participant.select().count(), Goal.select().count(),
            Message.select().count()) == before


def test_deleting_needs_the_confirmation(client, world, login_as):
    plan = _closed(world)
    archive_service.archive_plan(plan, world.coordinator.id)
    login_as(world.coordinator)
    response = client.post(f"/plans/{plan.id}/delete", data={})
    assert response.status_code == 422
    assert Plan.get_by_id(plan.id).status == Plan.ARCHIVED


def test_deletion_keeps_only_statistics(client, world, login_as):
    plan = _closed(world)
    guardian, other = plan.guardians
    # The second guardian is also in another plan: they keep their name there.
    world.plan("valid_consent", owner_name="Syster", guardians=0)
    second = Plan.select().order_by(Plan.id.desc()).first()
    Participant.create(plan=second, person=other, role=Participant.GUARDIAN,
                       status=Participant.ACTIVE)
    with client.application.test_request_context():
        archive = archive_service.archive_plan(plan, world.coordinator.id)
    stored = archive_service.archive_path(archive)
    OutboxMessage.create(channel="email", recipient=guardian.email, body="Noko nytt ventar.")
    login_as(world.coordinator)
    client.get(f"/plans/{plan.id}/overview")  # a read in the audit trail
    assert client.get(f"/plans/{plan.id}/delete").status_code == 200
    response = client.post(f"/plans/{plan.id}/delete", data={"confirm": "y"})
    assert response.status_code == 200
    assert tr("The plan is deleted.") in response.text
    assert "Test Barn" not in response.text

    row = Plan.get_by_id(plan.id)
    assert row.status == Plan.DELETED and row.deleted_at is not None
    assert (row.owner_name, row.owner_national_id, row.overview) == ("", "", "")
    assert row.owner_birth_date == archive_service.DELETED_BIRTH_DATE
    # What statistics need stays.
    assert (row.unit_id, row.municipality_id, row.bti_level, row.closed_reason) == (
        world.unit.id, world.town.id, 1, Plan.GOALS_REACHED)
    assert row.created_at is not None and row.archived_at is not None
    for model in (Participant, Consent, Goal, Meeting, Message):
        assert not model.select().where(model.plan == plan).exists(), model
    assert not Signature.select().where(Signature.person == guardian).exists()
    assert not Activity.select().exists()
    # The deletion itself is recorded, without personal data; nothing else is left.
    events = list(TimelineEvent.select().where(TimelineEvent.plan == plan))
    assert [(e.kind, e.detail, e.actor_id) for e in events] == [
        ("plan_deleted", "", world.coordinator.id)]
    # The archive file is gone; its checksum is kept.
    assert not os.path.exists(stored)
    kept = PlanArchive.get(PlanArchive.plan == plan)
    assert kept.sha256 == archive.sha256 and kept.file_deleted_at is not None
    # A guardian in no other plan is anonymised; one in another plan is kept.
    gone = Person.get_by_id(guardian.id)
    assert (gone.name, gone.email, gone.active) == ("", None, False)
    assert Person.get_by_id(other.id).name == other.name
    assert not OutboxMessage.select().where(OutboxMessage.recipient == guardian.email).exists()
    assert Person.get_by_id(world.coordinator.id).name == world.coordinator.name
    # The audit trail's chain still holds, and the plan is not found any more.
    assert verify() == []
    assert client.get(f"/plans/{plan.id}").status_code == 404
    assert client.get(f"/plans/{plan.id}/archive.pdf").status_code == 404


def test_a_deleted_plan_is_not_in_the_leaders_list(client, world, login_as):
    plan = _closed(world)
    with client.application.test_request_context():
        archive_service.archive_plan(plan, world.coordinator.id)
    archive_service.delete_plan(plan, world.coordinator.id)
    from webapp.models import plans_led_by

    assert plan.id not in [p.id for p in plans_led_by(world.leader)]


def test_checklist_links_lead_to_the_closing_pages(client, world, login_as):
    plan = _closed(world)
    login_as(world.coordinator)
    page = client.get(f"/plans/{plan.id}")
    assert f'href="/plans/{plan.id}/archive"' in page.text
    archived = _closed(world)
    with client.application.test_request_context():
        archive_service.archive_plan(archived, world.coordinator.id)
    page = client.get(f"/plans/{archived.id}")
    assert f'href="/plans/{archived.id}/delete"' in page.text


# --- The yearly download (routine 004) ---------------------------------------------------------


def test_yearly_download_writes_pdfs_and_a_manifest(app, world, tmp_path):
    import csv

    archived = _closed(world)
    with app.test_request_context():
        archive = archive_service.archive_plan(archived, world.coordinator.id)
    active = world.plan("valid_consent", owner_name="Aktiv Plan")
    elsewhere = world.plan("valid_consent", unit=world.other_unit, owner_name="Annan Eining")
    deleted = _closed(world)
    with app.test_request_context():
        archive_service.archive_plan(deleted, world.coordinator.id)
    archive_service.delete_plan(deleted, world.coordinator.id)
    folder = tmp_path / "websak"
    year = utcnow().year

    result = app.test_cli_runner().invoke(args=[
        "archive-year", "--year", str(year), "--unit", str(world.unit.id), "--out", str(folder)])
    assert result.exit_code == 0, result.output
    with open(folder / "manifest.csv", encoding="utf-8") as manifest:
        rows = list(csv.DictReader(manifest))
    assert sorted(int(row["plan"]) for row in rows) == sorted([archived.id, active.id])
    for row in rows:
        data = (folder / row["file"]).read_bytes()
        assert row["sha256"] == hashlib.sha256(data).hexdigest()
        assert row["created"] == utcnow().date().isoformat()
    by_plan = {int(row["plan"]): row for row in rows}
    # The archived log is the PDF as it was archived, byte for byte.
    assert by_plan[archived.id]["sha256"] == archive.sha256
    assert by_plan[archived.id]["archived"] == utcnow().date().isoformat()
    assert "Aktiv Plan" in _text((folder / by_plan[active.id]["file"]).read_bytes())
    assert elsewhere.id not in by_plan

    # The municipality's download holds the other unit's log too; another year holds none.
    everything = app.test_cli_runner().invoke(args=[
        "archive-year", "--year", str(year), "--municipality", world.town.number,
        "--out", str(tmp_path / "all")])
    assert everything.exit_code == 0, everything.output
    assert "3" in everything.output
    earlier = app.test_cli_runner().invoke(args=[
        "archive-year", "--year", str(year - 1), "--unit", str(world.unit.id),
        "--out", str(tmp_path / "earlier")])
    assert earlier.exit_code == 0
    assert (tmp_path / "earlier" / "manifest.csv").read_text().strip() == ",".join(
        ("plan", "file", "sha256", "size", "status", "created", "closed", "archived", "printed"))


def test_yearly_download_needs_a_unit_or_a_municipality(app, tmp_path):
    result = app.test_cli_runner().invoke(args=["archive-year", "--year", "2026",
                                                "--out", str(tmp_path / "x")])
    assert result.exit_code != 0
    assert not (tmp_path / "x").exists()


# --- The routine's data and races --------------------------------------------------------------


def test_the_routine_decides_close_reopen_archive_and_delete():
    from dataclasses import replace

    from webapp import routine
    from webapp.routine import PlanFacts

    valid = PlanFacts(exists=True, status="active", consent_valid=True)
    assert routine.allowed("close_plan", valid)
    assert routine.blocker("reopen_plan", valid).requirement is routine.CLOSED_TO_REOPEN
    closed = replace(valid, status="closed")
    assert routine.blocker("close_plan", closed).requirement is routine.NOT_CLOSED_YET
    assert routine.allowed("reopen_plan", closed)
    assert routine.allowed("archive_plan", closed)
    withdrawn = replace(valid, status="passive", consent_valid=False, consent_withdrawn=True)
    assert routine.blocker("reopen_plan", withdrawn).requirement is (
        routine.CONSENT_VALID_TO_REOPEN)
    assert routine.blocker("delete_plan", closed).requirement is routine.ARCHIVED
    archived = replace(closed, status="archived", archived=True)
    assert routine.allowed("delete_plan", archived)
    for action in ("close_plan", "reopen_plan", "archive_plan"):
        assert routine.blocker(action, archived).requirement is routine.NOT_ARCHIVED


def test_a_plan_reopened_while_its_pdf_is_made_is_not_archived(app, world, monkeypatch):
    """Two stafetthaldar tabs: one archives (the PDF takes a while), the other reopens the log
    meanwhile. The archive is not recorded and its file is removed again."""
    plan = _closed(world)
    render = pdf.render_pdf

    def slow_render(plan_, printed_on):
        data = render(plan_, printed_on)
        archive_service.reopen_plan(plan_, world.coordinator.id)
        return data

    monkeypatch.setattr(pdf, "render_pdf", slow_render)
    with app.test_request_context():
        folder = archive_service.archive_dir()
        before = set(os.listdir(folder))
        assert archive_service.archive_plan(plan, world.coordinator.id) is None
    assert Plan.get_by_id(plan.id).status == Plan.ACTIVE
    assert PlanArchive.select().where(PlanArchive.plan == plan).count() == 0
    assert set(os.listdir(folder)) == before
