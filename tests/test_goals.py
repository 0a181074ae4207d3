"""The plan overview (SPEC §3.2.1), goals and activities (§3.2.3) and plain-language help:
written by the stafetthaldar after valid consent, read by every participant, concurrent edits
detected, bad input kept, a constant number of queries."""

from datetime import date

from tests.conftest import sign_in, tr
from tests.querycount import queries_for
from webapp.audit import READ
from webapp.models import Activity, AuditEntry, Goal, Participant, Plan, TimelineEvent
from webapp.plainlang import goal_hints, readability


def _events(kind):
    return TimelineEvent.select().where(TimelineEvent.kind == kind).count()


# --- Plain language ---------------------------------------------------------------------------


def test_lix_by_hand():
    # 2 sentences, 11 words, 3 long words (barnehagen, frukost, morgonen): 11/2 + 300/11 = 33.
    text = "Per går i barnehagen. Han et frukost kvar dag om morgonen."
    result = readability(text)
    assert (result.sentences, result.words, result.long_words) == (2, 11, 3)
    assert result.lix == 33
    assert result.longest_sentence == 7
    assert readability("").words == 0 and readability("").lix == 0


def test_long_sentences_get_advice_never_a_block():
    long = " ".join(["ord"] * 25) + "."
    assert readability(long).advice
    assert readability("Kort. Greitt.").advice == []


def test_goal_hints():
    assert goal_hints("Per les 15 minutt kvar dag", date(2027, 1, 1)) == []
    assert len(goal_hints("Per skal trivast betre", None)) == 2


def test_plain_language_fragment_for_htmx(world, login_as):
    client = login_as(world.coordinator)
    response = client.post("/plain-language", data={"body": "Ein kort tekst. Han les."},
                           headers={"HX-Request": "true"})
    assert response.status_code == 200 and 'id="plainlang"' in response.text
    assert "<html" not in response.text


def test_plain_language_figures_use_the_decimal_comma(world, login_as):
    """5.3 words per sentence is "5,3" in nynorsk and bokmål (issue 8 item 14)."""
    text = "Per les. Han et frukost kvar dag. Ho syng ein fin song om morgonen i dag."
    assert readability(text).average_sentence_length == 5.3  # 16 words, 3 sentences
    client = login_as(world.coordinator)
    for language in ("nn", "nb"):
        client.post("/language", data={"language": language})
        response = client.post("/plain-language", data={"body": text})
        figures = tr("%(sentences)s sentences, on average %(average)s words per sentence. "
                     "Readability (LIX): %(lix)s, %(level)s.", language, sentences=3,
                     average="5,3", lix=readability(text).lix,
                     level=tr("very easy", language))
        assert figures in response.text, language
        assert "5.3" not in response.text


# --- Overview -----------------------------------------------------------------------------------


def test_stafetthaldar_writes_the_overview_and_a_guardian_reads_it(app, world, login_as):
    plan = world.plan("valid_consent")
    client = login_as(world.coordinator)
    page = client.get(f"/plans/{plan.id}/overview/edit")
    assert page.status_code == 200 and "Snøtoppen" in page.text  # the routine's example
    response = client.post(f"/plans/{plan.id}/overview/edit",
                           data={"overview": "Ada er 4 år og likar dinosaurar.", "version": "0"})
    assert response.status_code == 302
    assert Plan.get_by_id(plan.id).overview == "Ada er 4 år og likar dinosaurar."
    assert _events("overview_written") == 1

    guardian = app.test_client()
    sign_in(guardian, plan.guardians[0])
    shown = guardian.get(f"/plans/{plan.id}/overview")
    assert "Ada er 4 år og likar dinosaurar." in shown.text
    assert f"/plans/{plan.id}/overview/edit" not in shown.text
    refused = guardian.post(f"/plans/{plan.id}/overview/edit",
                            data={"overview": "Endra", "version": "1"})
    assert refused.status_code == 403
    assert Plan.get_by_id(plan.id).overview == "Ada er 4 år og likar dinosaurar."


def test_overview_before_valid_consent_is_refused(world, login_as):
    plan = world.plan("consent_sent")
    client = login_as(world.coordinator)
    response = client.post(f"/plans/{plan.id}/overview/edit",
                           data={"overview": "Tekst", "version": "0"})
    assert response.status_code == 409
    assert tr("Consent must be signed by everyone who is asked to sign before you can fill in "
              "the plan. The checklist shows who has not signed yet.") in response.text
    assert Plan.get_by_id(plan.id).overview == "" and _events("overview_written") == 0


def test_two_editors_of_the_overview_get_a_conflict_not_an_overwrite(world, login_as):
    plan = world.plan("valid_consent")
    client = login_as(world.coordinator)
    url = f"/plans/{plan.id}/overview/edit"
    assert client.post(url, data={"overview": "Første tekst.", "version": "0"}).status_code == 302
    stale = client.post(url, data={"overview": "Min tekst frå før.", "version": "0"})
    assert stale.status_code == 409
    assert "Min tekst frå før." in stale.text and "Første tekst." in stale.text
    assert Plan.get_by_id(plan.id).overview == "Første tekst."
    assert 'name="version" type="hidden" value="1"' in stale.text  # saving again is possible


def test_the_saved_text_a_conflict_shows_is_an_audited_read(world, login_as):
    """The 409 page shows what someone else saved: the family's access log must list it."""
    plan = world.plan("valid_consent")
    client = login_as(world.coordinator)
    url = f"/plans/{plan.id}/overview/edit"
    client.post(url, data={"overview": "Første tekst.", "version": "0"})
    reads = AuditEntry.select().where((AuditEntry.plan_id == plan.id)
                                      & (AuditEntry.action == READ))
    before = reads.count()
    assert client.post(url, data={"overview": "Min tekst.", "version": "0"}).status_code == 409
    entry = reads.order_by(AuditEntry.seq.desc()).first()
    assert reads.count() == before + 1
    assert (entry.actor_id, entry.section) == (world.coordinator.id, "overview.edit")


def test_empty_overview_is_explained(world, login_as):
    plan = world.plan("valid_consent")
    client = login_as(world.coordinator)
    response = client.post(f"/plans/{plan.id}/overview/edit", data={"overview": " ",
                                                                   "version": "0"})
    assert response.status_code == 422 and tr("Write the description.") in response.text


# --- Goals and activities ---------------------------------------------------------------------


def _participant(plan, person):
    return Participant.get((Participant.plan == plan) & (Participant.person == person))


def test_goal_with_two_activities_at_home_and_at_school(world, login_as):
    plan = world.plan("valid_consent")
    Plan.update(next_evaluation=date(2027, 3, 1)).where(Plan.id == plan.id).execute()
    client = login_as(world.coordinator)
    form = client.get(f"/plans/{plan.id}/goals/new")
    assert 'value="2027-03-01"' in form.text  # the evaluation date by default
    response = client.post(f"/plans/{plan.id}/goals/new",
                           data={"title": "Ada les 15 minutt kvar dag", "deadline": "2027-03-01"})
    assert response.status_code == 302
    goal = Goal.get()
    for title, place, person in (("Lesekvart", "home", plan.guardians[0]),
                                 ("Lesegruppe", "kindergarten_school", world.coordinator)):
        response = client.post(
            f"/plans/{plan.id}/goals/{goal.id}/activities/new",
            data={"title": title, "when": "Kvar dag", "place": place,
                  "responsible": _participant(plan, person).id},
        )
        assert response.status_code == 302, response.text
    page = client.get(f"/plans/{plan.id}/goals")
    assert "Lesekvart" in page.text and plan.guardians[0].name in page.text
    assert (_events("goal_added"), _events("activity_added")) == (1, 2)


def test_goal_without_measure_or_date_gets_hints_and_is_saved(world, login_as):
    plan = world.plan("valid_consent")
    client = login_as(world.coordinator)
    response = client.post(f"/plans/{plan.id}/goals/new",
                           data={"title": "Ada skal trivast", "deadline": ""},
                           follow_redirects=True)
    assert response.status_code == 200 and Goal.select().count() == 1
    assert tr("The goal has no date. The deadline is the date of the evaluation meeting.") in (
        response.text)


def test_bad_goal_input_is_kept(world, login_as):
    plan = world.plan("valid_consent")
    client = login_as(world.coordinator)
    response = client.post(f"/plans/{plan.id}/goals/new",
                           data={"title": "Ada <b>les</b>", "deadline": "32.13.2027"})
    assert response.status_code == 422
    assert tr("Write the date as day, month and year, for example 24.03.2027.") in response.text
    assert 'value="32.13.2027"' in response.text and "Ada &lt;b&gt;les&lt;/b&gt;" in response.text
    assert Goal.select().count() == 0
    ok = client.post(f"/plans/{plan.id}/goals/new", data={"title": "Ada les", "deadline":
                                                          "24.03.2027"})
    assert ok.status_code == 302 and Goal.get().deadline == date(2027, 3, 24)


def test_the_responsible_must_be_an_active_participant_of_this_plan(world, login_as):
    plan = world.plan("valid_consent")
    other = world.plan("valid_consent", owner_name="Anna Annan")
    invited = world.plan("created", owner_name="Berit")
    client = login_as(world.coordinator)
    client.post(f"/plans/{plan.id}/goals/new", data={"title": "Mål 1 gong"})
    goal = Goal.get()
    for participant in (_participant(other, other.guardians[0]),
                        _participant(invited, invited.guardians[0])):
        response = client.post(f"/plans/{plan.id}/goals/{goal.id}/activities/new",
                               data={"title": "X", "place": "home",
                                     "responsible": participant.id})
        assert response.status_code == 422
        assert tr("Choose one of the plan's active participants.", html=False) in response.text
    assert Activity.select().count() == 0


def test_goals_of_another_plan_are_not_found(world, login_as):
    plan = world.plan("valid_consent")
    other = world.plan("valid_consent", owner_name="Anna Annan")
    goal = Goal.create(plan=other, title="Annan plan sitt mål", created_by=world.coordinator)
    client = login_as(world.coordinator)
    assert client.get(f"/plans/{plan.id}/goals/{goal.id}/edit").status_code == 404
    assert client.post(f"/plans/{plan.id}/goals/{goal.id}/activities/new",
                       data={"title": "X"}).status_code == 404


def test_goals_before_consent_and_by_a_guardian_are_refused(app, world, login_as):
    plan = world.plan("consent_sent")
    client = login_as(world.coordinator)
    assert client.post(f"/plans/{plan.id}/goals/new", data={"title": "X"}).status_code == 409
    active = world.plan("valid_consent", owner_name="Anna")
    guardian = app.test_client()
    sign_in(guardian, active.guardians[0])
    assert guardian.get(f"/plans/{active.id}/goals").status_code == 200
    assert guardian.post(f"/plans/{active.id}/goals/new", data={"title": "X"}).status_code == 403
    assert Goal.select().count() == 0


def test_a_stale_goal_edit_is_a_conflict(world, login_as):
    plan = world.plan("valid_consent")
    goal = Goal.create(plan=plan, title="Ada les 10 minutt", created_by=world.coordinator)
    client = login_as(world.coordinator)
    url = f"/plans/{plan.id}/goals/{goal.id}/edit"
    assert client.post(url, data={"title": "Ada les 15 minutt", "version": "1"}).status_code == 302
    stale = client.post(url, data={"title": "Ada les 20 minutt", "version": "1"})
    assert stale.status_code == 409 and "Ada les 20 minutt" in stale.text
    assert Goal.get_by_id(goal.id).title == "Ada les 15 minutt"


def test_goals_page_queries_do_not_grow_with_goals(world, login_as):
    plan = world.plan("valid_consent")
    holder = _participant(plan, world.coordinator)

    def add(n):
        for i in range(n):
            goal = Goal.create(plan=plan, title=f"Mål {i}", created_by=world.coordinator)
            Activity.create(goal=goal, title="A", responsible=holder)
            Activity.create(goal=goal, title="B", responsible=holder)

    client = login_as(world.coordinator)
    add(1)
    one = queries_for(client, f"/plans/{plan.id}/goals")
    add(49)
    assert queries_for(client, f"/plans/{plan.id}/goals") == one


def test_a_long_sentence_advice_and_measure_words():
    one_long = " ".join(["ord"] * 25) + ". Kort."
    assert [str(tip) for tip in readability(one_long).advice] == [
        tr("Sentences with more than %(limit)s words: %(count)s. Split them.", html=False,
           limit=20, count=1)]
    # The article is not a number; "kvart" (every) is a frequency.
    assert len(goal_hints("Ada får ein god start på dagen", date(2027, 1, 1))) == 1
    assert goal_hints("Per les kvart kveld", date(2027, 1, 1)) == []
    assert goal_hints("Ada et frukost annakvar dag", date(2027, 1, 1)) == []


def test_nobody_is_preselected_as_responsible(world, login_as):
    plan = world.plan("valid_consent")
    goal = Goal.create(plan=plan, title="Ada les 10 minutt", created_by=world.coordinator)
    client = login_as(world.coordinator)
    page = client.get(f"/plans/{plan.id}/goals/{goal.id}/activities/new")
    assert f'<option selected value="">{tr("Choose…")}</option>' in page.text
    response = client.post(f"/plans/{plan.id}/goals/{goal.id}/activities/new",
                           data={"title": "Lesekvart", "place": "home", "responsible": ""})
    assert response.status_code == 422
    assert tr("Choose who is responsible.") in response.text and 'value="Lesekvart"' in (
        response.text)
    assert Activity.select().count() == 0


def test_an_ended_responsible_is_not_silently_replaced(world, login_as):
    plan = world.plan("valid_consent")
    goal = Goal.create(plan=plan, title="Ada les 10 minutt", created_by=world.coordinator)
    guardian = _participant(plan, plan.guardians[0])
    activity = Activity.create(goal=goal, title="Lesekvart", responsible=guardian)
    Participant.update(status=Participant.ENDED).where(Participant.id == guardian.id).execute()
    client = login_as(world.coordinator)
    url = f"/plans/{plan.id}/goals/{goal.id}/activities/{activity.id}/edit"
    page = client.get(url)
    assert tr("%(name)s is no longer an active participant. Choose who is responsible now.",
              name=plan.guardians[0].name) in page.text
    # The empty choice comes first and nothing else is selected, so the browser shows it.
    assert f'required><option value="">{tr("Choose…")}</option>' in page.text
    assert "<option selected" not in page.text and f'value="{guardian.id}"' not in page.text
    response = client.post(url, data={"title": "Lesekvart kvar kveld", "place": "home",
                                      "responsible": "", "version": "1"})
    assert response.status_code == 422
    saved = Activity.get_by_id(activity.id)
    assert (saved.title, saved.responsible_id) == ("Lesekvart", guardian.id)


def test_a_stale_activity_edit_is_a_conflict_with_both_texts(world, login_as):
    plan = world.plan("valid_consent")
    goal = Goal.create(plan=plan, title="Ada les 10 minutt", created_by=world.coordinator)
    holder = _participant(plan, world.coordinator)
    activity = Activity.create(goal=goal, title="Lesekvart", responsible=holder)
    client = login_as(world.coordinator)
    url = f"/plans/{plan.id}/goals/{goal.id}/activities/{activity.id}/edit"
    data = {"place": "home", "responsible": holder.id, "version": "1"}
    assert client.post(url, data={**data, "title": "Lesekvart om kvelden"}).status_code == 302
    stale = client.post(url, data={**data, "title": "Lesekvart om morgonen"})
    assert stale.status_code == 409
    assert 'value="Lesekvart om morgonen"' in stale.text and "Lesekvart om kvelden" in stale.text
    assert Activity.get_by_id(activity.id).title == "Lesekvart om kvelden"
    assert _events("activity_changed") == 1
