"""The evaluation meeting and its outcome (SPEC §3.3), the BTI level (webapp/levels.py), the
overdue evaluation, and the start-up meeting's status page on level 2/3 (SPEC §3.5)."""

from datetime import date, timedelta

from tests.conftest import plan_meeting, start_minutes, tr
from tests.querycount import queries_for
from webapp.levels import sync_level
from webapp.models import (
    Activity,
    Goal,
    Meeting,
    Participant,
    Plan,
    TimelineEvent,
    oslo_today,
    utcnow,
)


def _evaluated(client, plan, minutes_text="Ada les kvar dag no."):
    """An evaluation meeting planned, held yesterday, with its minutes saved."""
    assert plan_meeting(client, plan).status_code == 302
    meeting = Meeting.select().where(Meeting.kind == "evaluation").order_by(
        Meeting.id.desc()).first()
    Meeting.update(starts_at=utcnow() - timedelta(days=1)).where(
        Meeting.id == meeting.id).execute()
    minutes = start_minutes(client, plan, Meeting.get_by_id(meeting.id))
    client.post(f"/plans/{plan.id}/minutes/{minutes.id}/edit",
                data={"body": minutes_text, "version": minutes.version})
    return Meeting.get_by_id(meeting.id)


def _goal(world, plan, title="Ada les 10 minutt", place="home", responsible=None):
    holder = responsible or Participant.get((Participant.plan == plan)
                                            & (Participant.role == "stafetthaldar"))
    goal = Goal.create(plan=plan, title=title, created_by=world.coordinator,
                       deadline=date(2030, 5, 1))
    Activity.create(goal=goal, title=f"Tiltak {place}", responsible=holder, place=place)
    return goal


def _outcome(client, plan, outcome, new_evaluation=""):
    return client.post(f"/plans/{plan.id}/evaluation/outcome",
                       data={"outcome": outcome, "new_evaluation": new_evaluation})


def _events(plan, kind):
    return [(e.detail, e.actor_id) for e in TimelineEvent.select().where(
        (TimelineEvent.plan == plan) & (TimelineEvent.kind == kind)).order_by(TimelineEvent.id)]


def test_the_evaluation_page_starts_from_the_previous_minutes_goals_and_activities(
        world, login_as):
    plan = world.plan("valid_consent")
    client = login_as(world.coordinator)
    earlier = start_minutes(client, plan, kind="startup")
    client.post(f"/plans/{plan.id}/minutes/{earlier.id}/edit",
                data={"body": "Vi vart samde om målet.", "version": earlier.version})
    _goal(world, plan)
    _evaluated(client, plan)
    page = client.get(f"/plans/{plan.id}/evaluation").text
    assert "Vi vart samde om målet." in page  # the previous minutes, not the evaluation's
    assert "Ada les 10 minutt" in page and "Tiltak home" in page
    assert "Kari Koordinator" in page  # who is responsible
    assert tr("Record the outcome") in page
    # The plan's checklist leads to the page for step 3.2.
    assert f'href="/plans/{plan.id}/evaluation"' in client.get(f"/plans/{plan.id}").text


def test_the_evaluation_page_runs_a_constant_number_of_queries(world, login_as):
    plan = world.plan("valid_consent")
    client = login_as(world.coordinator)
    _goal(world, plan)
    _evaluated(client, plan)
    few = queries_for(client, f"/plans/{plan.id}/evaluation")
    for number in range(6):
        _goal(world, plan, title=f"Mål {number}", place="kindergarten_school")
        start_minutes(client, plan, kind="startup")
    assert queries_for(client, f"/plans/{plan.id}/evaluation") == few
    status = queries_for(client, f"/plans/{plan.id}/status")
    _goal(world, plan, title="Eitt til", place="service")
    assert queries_for(client, f"/plans/{plan.id}/status") == status


def test_no_outcome_before_the_evaluation_minutes(world, login_as):
    plan = world.plan("valid_consent")
    client = login_as(world.coordinator)
    plan_meeting(client, plan)  # planned for next year, no minutes
    response = _outcome(client, plan, "continue", "2030-01-01")
    assert response.status_code == 409
    assert tr("Write the minutes of the evaluation meeting before you record its outcome.") \
        in response.text
    assert Meeting.get().outcome is None
    page = client.get(f"/plans/{plan.id}/evaluation").text
    assert tr("Record the outcome") not in page


def test_outcome_b_needs_a_new_evaluation_date_today_or_later(world, login_as):
    plan = world.plan("valid_consent")
    client = login_as(world.coordinator)
    meeting = _evaluated(client, plan)
    missing = _outcome(client, plan, "continue")
    assert missing.status_code == 422
    assert tr("Write the date of the new evaluation meeting.") in missing.text
    past = _outcome(client, plan, "continue", (oslo_today() - timedelta(days=1)).isoformat())
    assert past.status_code == 422
    assert tr("The evaluation date cannot be in the past: choose today or a later date.") \
        in past.text
    unreadable = _outcome(client, plan, "continue", "32.13.2030")
    assert unreadable.status_code == 422
    assert tr("Write the date as day, month and year, for example 24.03.2027.") \
        in unreadable.text
    nothing = _outcome(client, plan, "")
    assert nothing.status_code == 422 and tr("Choose the outcome of the evaluation.") \
        in nothing.text
    assert Meeting.get_by_id(meeting.id).outcome is None

    new_date = oslo_today() + timedelta(days=60)
    response = _outcome(client, plan, "continue", new_date.isoformat())
    assert response.status_code == 302
    meeting = Meeting.get_by_id(meeting.id)
    assert meeting.outcome == "continue" and meeting.outcome_by_id == world.coordinator.id
    assert meeting.outcome_at is not None
    plan = Plan.get_by_id(plan.id)
    assert plan.next_evaluation == new_date and plan.status == Plan.ACTIVE
    assert _events(plan, "outcome_recorded") == [("continue", world.coordinator.id)]
    page = client.get(f"/plans/{plan.id}/evaluation").text
    assert tr("b) Progress: continue on the same level with a new evaluation date") in page
    assert tr("Update the goals and activities") in page
    timeline = client.get(f"/plans/{plan.id}/timeline").text
    assert tr("The outcome of the evaluation was recorded") in timeline
    assert tr("b) continue on the same level") in timeline and "Kari Koordinator" in timeline

    # Exactly one outcome: a second is refused and changes nothing.
    again = _outcome(client, plan, "goals_reached")
    assert again.status_code == 409
    assert Meeting.get_by_id(meeting.id).outcome == "continue"
    assert Plan.get_by_id(plan.id).status == Plan.ACTIVE


def test_outcome_a_sets_the_log_passive_and_leads_on_to_closing(world, login_as):
    plan = world.plan("valid_consent")
    client = login_as(world.coordinator)
    _evaluated(client, plan)
    assert _outcome(client, plan, "goals_reached").status_code == 302
    plan = Plan.get_by_id(plan.id)
    assert plan.status == Plan.PASSIVE and plan.next_evaluation is None
    assert _events(plan, "plan_passive") == [("goals_reached", world.coordinator.id)]
    page = client.get(f"/plans/{plan.id}/evaluation").text
    assert tr("a) The goals are reached: set the log passive and go on to archiving") in page
    assert tr("Close and archive the log") in page or tr("Back to the plan") in page


def test_outcome_c_leads_to_the_consent_update_services_and_start_up(world, login_as):
    plan = world.plan("valid_consent")
    client = login_as(world.coordinator)
    _evaluated(client, plan)
    assert _outcome(client, plan, "other_services").status_code == 302
    plan = Plan.get_by_id(plan.id)
    assert plan.next_evaluation is None and plan.status == Plan.ACTIVE
    page = client.get(f"/plans/{plan.id}/evaluation").text
    assert f'href="/plans/{plan.id}/consent/new"' in page
    assert tr("Invite the services") in page
    assert f'href="/plans/{plan.id}/status"' in page


def test_a_passed_evaluation_without_outcome_is_overdue_on_the_plan_and_my_plans(
        world, login_as):
    plan = world.plan("valid_consent")
    client = login_as(world.coordinator)
    _evaluated(client, plan)
    Plan.update(next_evaluation=oslo_today() - timedelta(days=2)).where(
        Plan.id == plan.id).execute()
    overdue = tr("Overdue")
    assert overdue in client.get(f"/plans/{plan.id}").text
    assert overdue in client.get("/").text
    leader = login_as(world.leader)
    assert overdue in leader.get("/").text
    # An outcome ends it: b moves the date on.
    client = login_as(world.coordinator)
    _outcome(client, plan, "continue", (oslo_today() + timedelta(days=30)).isoformat())
    assert overdue not in client.get(f"/plans/{plan.id}").text
    assert overdue not in client.get("/").text


def test_my_plans_flags_overdue_plans_in_a_constant_number_of_queries(world, login_as):
    client = login_as(world.coordinator)
    world.plan("valid_consent")
    few = queries_for(client, "/")
    for number in range(5):
        plan = world.plan("valid_consent", owner_name=f"Barn {number}")
        Plan.update(next_evaluation=oslo_today() - timedelta(days=1)).where(
            Plan.id == plan.id).execute()
    assert queries_for(client, "/") == few


# --- The BTI level (webapp/levels.py) -------------------------------------------------------


def test_the_level_follows_the_services_taking_part(world):
    plan = world.plan("valid_consent", provider=world.provider)
    assert plan.bti_level == 1
    assert sync_level(plan, world.coordinator.id) is True
    assert Plan.get_by_id(plan.id).bti_level == 2
    assert sync_level(plan, world.coordinator.id) is False  # no change, no second event
    assert _events(plan, "level_changed") == [("level_2", world.coordinator.id)]
    # An employee of the plan's own unit adds no service.
    Participant.create(plan=plan, person=world.employee, role=Participant.SERVICE_PROVIDER,
                       unit=world.unit, status=Participant.ACTIVE)
    assert sync_level(plan, None) is False
    # A provider the consent does not name does not count: the level goes back.
    Participant.update(unit=world.other_unit).where(
        Participant.person == world.provider).execute()
    assert sync_level(plan, None) is True
    assert Plan.get_by_id(plan.id).bti_level == 1


def test_the_level_is_shown_on_every_plan_page(world, login_as):
    plan = world.plan("valid_consent", provider=world.provider)
    sync_level(plan, None)
    client = login_as(world.coordinator)
    level = tr("BTI level %(level)s", level=2)
    for path in ("", "/goals", "/participants", "/consent", "/calendar", "/timeline"):
        assert level in client.get(f"/plans/{plan.id}{path}").text, path


def test_a_provider_logging_in_raises_the_level(world, login_as):
    plan = world.plan("valid_consent", provider=world.provider)
    Participant.update(status=Participant.INVITED).where(
        Participant.person == world.provider).execute()
    login_as(world.provider)  # the first login (webapp.auth.providers.activate_invitations)
    assert Plan.get_by_id(plan.id).bti_level == 2
    assert _events(plan, "level_changed") == [("level_2", world.provider.id)]


# --- The start-up meeting's status page (SPEC §3.5) -----------------------------------------


def test_the_status_page_groups_activities_by_home_school_and_each_service(world, login_as):
    plan = world.plan("valid_consent", provider=world.provider)
    provider = Participant.get((Participant.plan == plan)
                               & (Participant.person == world.provider))
    _goal(world, plan, title="Mål heime", place="home")
    _goal(world, plan, title="Mål skule", place="kindergarten_school")
    _goal(world, plan, title="Mål PPT", place="service", responsible=provider)
    client = login_as(world.provider)
    page = client.get(f"/plans/{plan.id}/status").text
    assert "Mål heime" in page
    page = page[page.index(tr("Activities by place")):]
    home = page.index(tr("At home"))
    school = page.index(tr("In the kindergarten or school"))
    service = page.index(tr("In a service"))
    assert home < page.index("Tiltak home") < school < page.index(
        "Tiltak kindergarten_school") < service < page.index("PPT Testvik") < page.index(
        "Tiltak service")


# --- Inviting the services the consent names (SPEC §3.3c, §3.4) ------------------------------


def _named_ppt(world, state="valid_consent"):
    """A plan whose valid consent names PPT (but no employee of it takes part yet)."""
    from webapp.models import Consent, ConsentService

    plan = world.plan(state)
    ConsentService.create(consent=Consent.get(Consent.plan == plan), unit=world.ppt)
    return plan


def _providers(plan):
    return Participant.select().where((Participant.plan == plan)
                                      & (Participant.role == Participant.SERVICE_PROVIDER))


def test_an_employee_of_another_unit_is_found_by_name_or_unit(world, login_as):
    from tests.factories import employee
    from webapp.models import Membership

    plan = _named_ppt(world)
    employee("Sara Spesialpedagog", "sara@test.example", world.town, world.ppt,
             Membership.EMPLOYEE)
    client = login_as(world.coordinator)
    url = f"/plans/{plan.id}/participants/new?role=service_provider"
    page = client.get(url).text
    assert "Pål PPT" in page and "Sara Spesialpedagog" in page
    assert tr("Find an employee by name or unit") in page
    page = client.get(url + "&q=sara").text
    assert "Sara Spesialpedagog" in page and "Pål PPT" not in page
    page = client.get(url + "&q=Testvik").text  # the unit's name
    assert "Sara Spesialpedagog" in page and "Pål PPT" in page
    page = client.get(url + "&q=nobody").text
    assert tr("No employee of the services the consent names matches “%(search)s”.",
              search="nobody") in page
    # The kindergarten's own staff are not of a service the consent names.
    assert "Kjell Koordinator" not in client.get(url + "&q=Kjell").text


def test_a_provider_the_valid_consent_does_not_name_is_refused_whatever_is_posted(
        world, login_as):
    plan = _named_ppt(world)
    client = login_as(world.coordinator)
    forged = client.post(f"/plans/{plan.id}/participants/new", data={
        "role": "service_provider",
        "provider": f"{world.other_coordinator.id}:{world.other_unit.id}"})
    assert forged.status_code == 422
    assert tr("Choose an employee of a service the consent names.") in forged.text
    # PPT's employee, but posted as of another unit: refused too.
    wrong_unit = client.post(f"/plans/{plan.id}/participants/new", data={
        "role": "service_provider", "provider": f"{world.provider.id}:{world.other_unit.id}"})
    assert wrong_unit.status_code == 422
    assert _providers(plan).count() == 0
    assert not _events(plan, "participant_invited")

    ok = client.post(f"/plans/{plan.id}/participants/new", data={
        "role": "service_provider", "provider": f"{world.provider.id}:{world.ppt.id}"})
    assert ok.status_code == 302
    assert [p.person_id for p in _providers(plan)] == [world.provider.id]


def test_a_consent_changed_since_the_form_was_shown_invites_nobody(
        world, login_as, monkeypatch):
    from webapp.participants import service

    plan = _named_ppt(world)
    client = login_as(world.coordinator)
    forged = f"{world.other_coordinator.id}:{world.other_unit.id}"
    # The form offered the employee (the consent named the unit when it was shown); the write
    # checks the consent again inside its transaction.
    original = service.provider_choices
    monkeypatch.setattr(service, "provider_choices",
                        lambda plan, search="": [*original(plan, search), (forged, "Kjell")])
    response = client.post(f"/plans/{plan.id}/participants/new",
                           data={"role": "service_provider", "provider": forged})
    assert response.status_code == 409
    assert _providers(plan).count() == 0


def test_a_consent_update_waiting_for_signatures_admits_no_new_service(world, login_as):
    from webapp.models import Consent, ConsentService

    plan = _named_ppt(world)
    update = Consent.create(plan=plan, version=2, text="Oppdatert.", status=Consent.SENT,
                            created_by=world.coordinator)
    ConsentService.create(consent=update, unit=world.other_unit)
    client = login_as(world.coordinator)
    page = client.get(f"/plans/{plan.id}/participants/new?role=service_provider").text
    assert "Pål PPT" in page and "Kjell Koordinator" not in page
    forged = client.post(f"/plans/{plan.id}/participants/new", data={
        "role": "service_provider",
        "provider": f"{world.other_coordinator.id}:{world.other_unit.id}"})
    assert forged.status_code == 422 and _providers(plan).count() == 0


def test_a_consent_version_that_no_longer_names_the_service_takes_the_level_down(world):
    from webapp.consent import service as consent_service
    from webapp.models import Consent, Signature

    plan = world.plan("valid_consent", provider=world.provider)
    sync_level(plan, None)
    assert Plan.get_by_id(plan.id).bti_level == 2
    update = Consent.create(plan=plan, version=2, text="Utan PPT.", status=Consent.SENT,
                            created_by=world.coordinator, seal="x")
    signatures = [Signature.create(consent=update, person=g) for g in plan.guardians]
    for signature in signatures:
        assert consent_service.decide(plan, signature, Signature.SIGNED, "one_time_code",
                                      signature.person_id)
    assert Consent.get_by_id(update.id).status == Consent.VALID
    assert Plan.get_by_id(plan.id).bti_level == 1
    assert _events(plan, "level_changed")[-1] == ("level_1", None)
