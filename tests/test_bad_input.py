"""Bad input from outside (issue 8, items 6 and 9-13): whatever a request holds, the answer is
a page in the user's language (404 or the form again with a message, text kept), never a 500,
and what is stored is text the database takes."""

import importlib
import pkgutil
import re
from datetime import date, timedelta
from html import unescape
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from flask_babel import force_locale
from werkzeug.datastructures import MultiDict
from wtforms import FieldList, Form, FormField, SelectFieldBase

import webapp
from tests.conftest import _catalogue, tr
from webapp.models import (
    Activity,
    Consent,
    Goal,
    Meeting,
    MeetingInvite,
    Message,
    MessageRecipient,
    Participant,
    Plan,
    Signature,
    utcnow,
)


def _field(html, field_id):
    """What the input or textarea with ``field_id`` shows (unescaped), or None."""
    tag = re.search(rf'<input[^>]*\bid="{field_id}"[^>]*>', html)
    if tag:
        value = re.search(r'\bvalue="([^"]*)"', tag.group(0))
        return unescape(value.group(1)) if value else ""
    area = re.search(rf'<textarea[^>]*\bid="{field_id}"[^>]*>(.*?)</textarea>', html, re.S)
    return unescape(area.group(1)) if area else None


def _error(html, field_id):
    match = re.search(rf'id="{field_id}-error"[^>]*>(.*?)</p>', html, re.S)
    return unescape(re.sub(r"<[^>]+>", "", match.group(1))) if match else ""


def _text(html):
    return unescape(re.sub(r"<[^>]+>", " ", html))


def _holder(plan):
    return Participant.get((Participant.plan == plan)
                           & (Participant.role == Participant.STAFETTHALDAR))


def _oslo_today():
    from webapp.models import oslo_today

    return oslo_today()


# --- Item 9: ids and page numbers beyond what the database can hold --------------------------

OUT_OF_RANGE = (2**63, 10**20)


def _a_plan_with_everything(world):
    """A valid plan with one of every object a path can name."""
    plan = world.plan("valid_consent")
    holder = _holder(plan)
    goal = Goal.create(plan=plan, title="Ada les 10 minutt", created_by=world.coordinator)
    activity = Activity.create(goal=goal, title="Lesekvart", responsible=holder)
    meeting = Meeting.create(plan=plan, kind="evaluation", starts_at=utcnow() + timedelta(days=3),
                             minute_taker=holder)
    MeetingInvite.create(meeting=meeting, participant=holder)
    minutes = Message.create(plan=plan, kind=Message.MINUTES, meeting=meeting,
                             author=world.coordinator, subject="Referat", body="")
    MessageRecipient.create(message=minutes, person=world.coordinator)
    consent = Consent.get(Consent.plan == plan)
    signature = Signature.get(Signature.consent == consent)
    return plan, {
        "plan_id": plan.id, "goal_id": goal.id, "activity_id": activity.id,
        "meeting_id": meeting.id, "message_id": minutes.id, "consent_id": consent.id,
        "person_id": signature.person_id, "signature_id": signature.id,
        "participant_id": Participant.get((Participant.plan == plan)
                                          & (Participant.person == signature.person_id)).id,
        # The administration (webapp/admin): the plan's unit, its group, an employee.
        "group_id": world.group.id, "unit_id": world.unit.id,
        "employee_id": world.employee.id, "municipality_id": world.town.id,
    }


def _int_parameters(rule):
    return re.findall(r"<int:(\w+)>", rule.rule)


def _path(rule, values):
    return re.sub(r"<int:(\w+)>", lambda match: str(values[match.group(1)]), rule.rule)


def test_every_id_in_a_path_beyond_64_bits_is_not_found(app, world, login_as):
    _plan, real = _a_plan_with_everything(world)
    client = login_as(world.coordinator)
    rules = [rule for rule in app.url_map.iter_rules() if _int_parameters(rule)]
    assert len(rules) > 30  # every route with an id, not a chosen few
    wrong = []
    for rule in rules:
        for name in _int_parameters(rule):
            for value in OUT_OF_RANGE:
                path = _path(rule, {**real, name: value})
                for method in sorted(rule.methods & {"GET", "POST"}):
                    status = client.open(path, method=method).status_code
                    if status != 404:
                        wrong.append(f"{method} {path}: {status}")
    assert wrong == []


def test_the_largest_id_the_database_holds_is_not_found(app, world, login_as):
    """2^63 - 1 passes the routing and reaches the database: no such row, not a 500."""
    _plan, real = _a_plan_with_everything(world)
    client = login_as(world.coordinator)
    wrong = []
    for rule in app.url_map.iter_rules():
        for name in _int_parameters(rule):
            path = _path(rule, {**real, name: 2**63 - 1})
            for method in sorted(rule.methods & {"GET", "POST"}):
                status = client.open(path, method=method).status_code
                if status >= 500:
                    wrong.append(f"{method} {path}: {status}")
    assert wrong == []


@pytest.mark.parametrize("page", ["99999999999999999999", "9223372036854775808", "-3", "abc",
                                  "0"])
def test_a_page_number_out_of_range_shows_a_page_that_exists(world, login_as, page):
    plan = world.plan("valid_consent")
    client = login_as(world.coordinator)
    home = client.get(f"/?page={page}")
    assert home.status_code == 200
    assert plan.owner_name in home.text
    messages = client.get(f"/plans/{plan.id}/messages?page={page}")
    assert messages.status_code == 200


# --- Item 10: the hidden version ---------------------------------------------------------------

BAD_VERSIONS = ["abc", "99999999999999999999", "-1", "1.5"]


def _edit_case(world, kind):
    """``(plan, url, data, the text as the form shows it, reload)`` for editing ``kind``."""
    plan = world.plan("valid_consent")
    holder = _holder(plan)
    if kind == "overview":
        return (plan, f"/plans/{plan.id}/overview/edit", {"overview": "Ada er 7 år."},
                lambda: Plan.get_by_id(plan.id).overview)
    goal = Goal.create(plan=plan, title="Ada les 10 minutt", created_by=world.coordinator)
    if kind == "goal":
        return (plan, f"/plans/{plan.id}/goals/{goal.id}/edit",
                {"title": "Ada les 20 minutt", "description": ""},
                lambda: Goal.get_by_id(goal.id).title)
    if kind == "activity":
        activity = Activity.create(goal=goal, title="Lesekvart", responsible=holder)
        return (plan, f"/plans/{plan.id}/goals/{goal.id}/activities/{activity.id}/edit",
                {"title": "Lesestund", "responsible": holder.id, "place": "home"},
                lambda: Activity.get_by_id(activity.id).title)
    meeting = Meeting.create(plan=plan, kind="startup", starts_at=utcnow(), minute_taker=holder)
    minutes = Message.create(plan=plan, kind=Message.MINUTES, meeting=meeting,
                             author=world.coordinator, subject="Referat", body="Start")
    return (plan, f"/plans/{plan.id}/minutes/{minutes.id}/edit", {"body": "Ada var med."},
            lambda: Message.get_by_id(minutes.id).body)


@pytest.mark.parametrize("version", BAD_VERSIONS)
@pytest.mark.parametrize("kind", ["overview", "goal", "activity", "minutes"])
def test_a_broken_version_gives_the_form_again_with_the_text(world, login_as, kind, version):
    plan, url, data, saved = _edit_case(world, kind)
    before = saved()
    client = login_as(world.coordinator)
    response = client.post(url, data={**data, "version": version})
    assert response.status_code == 422
    name = next(k for k in data if k in ("overview", "title", "body"))
    assert _field(response.text, name).strip() == data[name]
    assert tr("The form was not complete. Check your text and save again.") in response.text
    assert saved() == before
    # The form now holds the version that is saved: saving again works.
    version_now = _field(response.text, "version")
    again = client.post(url, data={**data, "version": version_now})
    assert again.status_code == 302
    assert saved() == data[name]


@pytest.mark.parametrize("version", BAD_VERSIONS)
def test_a_broken_version_in_autosave_or_take_over_is_no_500(world, login_as, version):
    plan, url, data, saved = _edit_case(world, "minutes")
    client = login_as(world.coordinator)
    autosave = client.post(url.replace("/edit", "/save"), data={**data, "version": version},
                           headers={"HX-Request": "true"})
    assert autosave.status_code == 422
    take_over = client.post(url, data={**data, "version": "1", "take_over": version})
    assert take_over.status_code in (200, 302, 409, 422)
    assert saved() in ("Start", "Ada var med.")


# --- Item 11: control characters ---------------------------------------------------------------

DIRTY_LINE = "Ada\x00 les\x01 ti\x7fmar\x9b i\nveka\t"
CLEAN_LINE = "Ada les timar i veka"
DIRTY_TEXT = "Ada\x00 les\x08.\r\nTo\x1f linjer\x0c."
CLEAN_TEXT = "Ada les.\r\nTo linjer."


def _text_case(world, form, field):
    """``(url, data, stored)`` for posting ``field`` of ``form``; ``stored()`` reads it back."""
    plan = world.plan("valid_consent")
    holder = _holder(plan)
    if form == "message":
        data = {"to": "all", "subject": "Hei", "body": "Ein melding"}
        return (f"/plans/{plan.id}/messages/new", data,
                lambda: getattr(Message.select().order_by(Message.id.desc()).first(), field))
    if form == "overview":
        return (f"/plans/{plan.id}/overview/edit", {"overview": "x", "version": 0},
                lambda: Plan.get_by_id(plan.id).overview)
    if form == "goal":
        return (f"/plans/{plan.id}/goals/new",
                {"title": "Ada les", "description": "", "version": 1},
                lambda: getattr(Goal.select().first(), field))
    if form == "activity":
        goal = Goal.create(plan=plan, title="Ada les 10 minutt", created_by=world.coordinator)
        return (f"/plans/{plan.id}/goals/{goal.id}/activities/new",
                {"title": "Lesekvart", "responsible": holder.id, "place": "home"},
                lambda: getattr(Activity.select().first(), field))
    if form == "meeting":
        day = (date.today() + timedelta(days=7)).isoformat()
        return (f"/plans/{plan.id}/meetings/new",
                {"kind": "evaluation", "day": day, "starts": "14:00", "invited": holder.id,
                 "minute_taker": holder.id},
                lambda: getattr(Meeting.select().first(), field))
    meeting = Meeting.create(plan=plan, kind="startup", starts_at=utcnow(), minute_taker=holder)
    minutes = Message.create(plan=plan, kind=Message.MINUTES, meeting=meeting,
                             author=world.coordinator, subject="Referat", body="Start")
    return (f"/plans/{plan.id}/minutes/{minutes.id}/edit", {"body": "", "version": 1},
            lambda: Message.get_by_id(minutes.id).body)


@pytest.mark.parametrize("form, field, one_line", [
    ("message", "subject", True),
    ("message", "body", False),
    ("goal", "title", True),
    ("goal", "description", False),
    ("activity", "title", True),
    ("activity", "when", True),
    ("activity", "description", False),
    ("meeting", "place", True),
    ("overview", "overview", False),
    ("minutes", "body", False),
])
def test_control_characters_are_left_out_of_every_text(world, login_as, form, field, one_line):
    url, data, stored = _text_case(world, form, field)
    client = login_as(world.coordinator)
    response = client.post(url, data={**data, field: DIRTY_LINE if one_line else DIRTY_TEXT})
    assert response.status_code == 302, response.text
    assert stored() == (CLEAN_LINE if one_line else CLEAN_TEXT)


def test_a_nul_in_the_login_address_is_a_failed_login_not_a_500(world, client):
    response = client.post("/login", data={"email": "kari\x00@test.example", "password": "x"})
    assert response.status_code in (200, 401, 422)


def test_every_form_cleans_its_text_fields():
    """The rule lives in one base form; a form that does not use it would store raw text."""
    from webapp.fields import Form as OurForm
    from webapp.fields import SubForm

    forms = _all_form_classes()
    assert len(forms) > 20
    assert [f.__qualname__ for f in forms if not issubclass(f, OurForm | SubForm)] == []


# --- Item 12: every validation message in nynorsk and bokmål -----------------------------------

def _all_form_classes():
    for module in pkgutil.walk_packages(webapp.__path__, "webapp."):
        if ".migrations" not in module.name:
            importlib.import_module(module.name)
    found, todo = set(), [Form]
    while todo:
        for sub in todo.pop().__subclasses__():
            todo.append(sub)
            if sub.__module__.startswith("webapp.") and sub.__module__ != "webapp.fields":
                found.add(sub)
    return sorted(found, key=lambda f: (f.__module__, f.__qualname__))


def _leaves(fields):
    for field in fields:
        if isinstance(field, FormField):
            yield from _leaves(field.form)
        elif isinstance(field, FieldList):
            yield from _leaves(field.entries)
        else:
            yield field


def _flatten(errors):
    if isinstance(errors, dict):
        for value in errors.values():
            yield from _flatten(value)
    elif isinstance(errors, list | tuple):
        for value in errors:
            yield from _flatten(value)
    else:
        yield str(errors)


@pytest.fixture(scope="module")
def translated():
    """Per language, a pattern matching any translated message of the catalogue."""
    patterns = {}
    for language in ("nn", "nb"):
        texts = []
        for message in _catalogue(language):
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            texts += [s for s in strings if s and message.id]
        parts = [re.sub(r"%\\\(\w+\\\)[sd]", ".+", re.escape(text)) for text in texts]
        patterns[language] = re.compile("|".join(f"(?:{p})" for p in parts))
    return patterns


BAD_VALUES = ["", "abc", "99999999999999999999", "2027-13-45", "x" * 60_001]


@pytest.mark.parametrize("language", ["nn", "nb"])
def test_every_form_with_bad_data_answers_in_the_users_language(app, language, translated):
    seen = 0
    for form_class in _all_form_classes():
        if not hasattr(form_class, "_wtforms_meta") or form_class.__name__ == "ServiceRow":
            continue
        for value in BAD_VALUES:
            with app.test_request_context(method="POST"), force_locale(language):
                blank = form_class(formdata=None, meta={"csrf": False})
                names = [leaf.name for leaf in _leaves(blank)]
                form = form_class(formdata=MultiDict({name: value for name in names}),
                                  meta={"csrf": False})
                for leaf in _leaves(form):
                    if isinstance(leaf, SelectFieldBase) and leaf.choices is None:
                        leaf.choices = []
                form.validate()
                for message in _flatten(form.errors):
                    seen += 1
                    assert translated[language].fullmatch(message), (
                        f"{form_class.__qualname__} ({value[:20]!r}): {message!r}")
    assert seen > 50


def test_wtforms_own_messages_are_in_both_catalogues():
    import wtforms

    pot = Path(wtforms.__file__).parent / "locale" / "wtforms.pot"
    with open(pot, "rb") as f:
        wanted = [message.id for message in read_po(f) if message.id]
    for language in ("nn", "nb"):
        catalogue = _catalogue(language)
        missing = [msgid for msgid in wanted
                   if catalogue.get(msgid) is None or not all(
                       catalogue.get(msgid).string if isinstance(catalogue.get(msgid).string,
                                                                    tuple)
                        else (catalogue.get(msgid).string,))]
        assert missing == [], language


@pytest.mark.parametrize("language", ["nn", "nb"])
def test_new_minutes_without_a_meeting_answers_in_the_users_language(world, login_as,
                                                                     language):
    plan = world.plan("valid_consent")
    client = login_as(world.coordinator)
    client.post("/language", data={"language": language})
    response = client.post(f"/plans/{plan.id}/minutes/new", data={"meeting": "", "kind": ""})
    assert response.status_code == 422
    assert "could not coerce" not in response.text and "Invalid Choice" not in response.text
    assert tr("Invalid Choice: could not coerce.", language) in response.text


# --- Item 13: one rule for text, a name rule only for names ------------------------------------

@pytest.mark.parametrize("title", ["Ada les <10 minutt", "<b>Ada</b> > Bjørn"])
def test_a_goal_title_may_hold_angle_brackets_and_is_shown_as_text(world, login_as, title):
    plan = world.plan("valid_consent")
    client = login_as(world.coordinator)
    response = client.post(f"/plans/{plan.id}/goals/new",
                           data={"title": title, "description": "", "version": 1})
    assert response.status_code == 302, response.text
    assert Goal.get().title == title
    page = client.get(f"/plans/{plan.id}/goals")
    assert title in _text(page.text)
    assert "<b>Ada</b>" not in page.text


def test_an_activity_title_may_hold_angle_brackets(world, login_as):
    plan = world.plan("valid_consent")
    goal = Goal.create(plan=plan, title="Ada les 10 minutt", created_by=world.coordinator)
    client = login_as(world.coordinator)
    response = client.post(f"/plans/{plan.id}/goals/{goal.id}/activities/new",
                           data={"title": "Les > 10 sider", "responsible": _holder(plan).id,
                                 "place": "home"})
    assert response.status_code == 302, response.text
    assert Activity.get().title == "Les > 10 sider"


def test_a_persons_name_still_refuses_angle_brackets_in_words_about_a_name(world, login_as):
    plan = world.plan("created")
    client = login_as(world.coordinator)
    response = client.post(f"/plans/{plan.id}/participants/new?role=guardian",
                           data={"role": "guardian", "name": "<Kari>", "shares": "yes",
                                 "email": "kari.n@test.example"})
    assert response.status_code == 422
    # flask_babel's lazy strings count as markup: the message's own < and > are not escaped.
    assert tr("A name cannot contain the characters < or >.", html=False) in response.text


# --- Item 6: a goal's deadline is not in the past ----------------------------------------------

@pytest.mark.parametrize("language", ["nn", "nb"])
@pytest.mark.parametrize("deadline", ["1999-01-01", "yesterday"])
def test_a_new_goal_deadline_in_the_past_is_refused_with_the_text_kept(world, login_as, language,
                                                                       deadline):
    if deadline == "yesterday":
        deadline = (_oslo_today() - timedelta(days=1)).isoformat()
    plan = world.plan("valid_consent")
    client = login_as(world.coordinator)
    client.post("/language", data={"language": language})
    response = client.post(f"/plans/{plan.id}/goals/new",
                           data={"title": "Ada les 10 minutt", "deadline": deadline,
                                 "description": "Kvar kveld", "version": 1})
    assert response.status_code == 422
    assert _field(response.text, "title") == "Ada les 10 minutt"
    assert _field(response.text, "description").strip() == "Kvar kveld"
    message = tr("The deadline cannot be in the past: choose today or a later date.", language,
                 html=False)
    assert message in _error(response.text, "deadline")
    assert Goal.select().count() == 0


def test_a_goal_deadline_today_is_accepted(world, login_as):
    plan = world.plan("valid_consent")
    client = login_as(world.coordinator)
    response = client.post(f"/plans/{plan.id}/goals/new",
                           data={"title": "Ada les 10 minutt",
                                 "deadline": _oslo_today().isoformat(), "version": 1})
    assert response.status_code == 302
    assert Goal.get().deadline == _oslo_today()


def test_an_old_goal_keeps_its_passed_deadline_when_its_title_changes(world, login_as):
    plan = world.plan("valid_consent")
    goal = Goal.create(plan=plan, title="Ada les 10 minutt", deadline=date(2020, 5, 1),
                       created_by=world.coordinator)
    client = login_as(world.coordinator)
    url = f"/plans/{plan.id}/goals/{goal.id}/edit"
    kept = client.post(url, data={"title": "Ada les 15 minutt", "deadline": "2020-05-01",
                                  "version": 1})
    assert kept.status_code == 302
    assert Goal.get_by_id(goal.id).title == "Ada les 15 minutt"
    moved = client.post(url, data={"title": "Ada les 15 minutt", "deadline": "2020-06-01",
                                   "version": 2})
    assert moved.status_code == 422
    assert Goal.get_by_id(goal.id).deadline == date(2020, 5, 1)


def test_a_new_goal_does_not_propose_a_passed_evaluation_date(world, login_as):
    plan = world.plan("valid_consent")
    Plan.update(next_evaluation=date(2020, 5, 1)).where(Plan.id == plan.id).execute()
    client = login_as(world.coordinator)
    page = client.get(f"/plans/{plan.id}/goals/new")
    assert _field(page.text, "deadline") == ""
