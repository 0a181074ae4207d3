"""Forms for goals and activities (SPEC §3.2.3)."""

from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from webapp.concurrency import VersionField
from webapp.fields import Form
from webapp.models import oslo_today


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def title_field(label, required):
    """A goal's or an activity's title: one line, required, at most 200 characters."""
    return StringField(label, filters=[_strip], validators=[
        DataRequired(required), Length(max=200, message=_l("Write at most 200 characters."))])


def _participant_id(value):
    """The select's value: a participant id, or None for the empty first choice."""
    return int(value) if value not in (None, "") else None


class GoalForm(Form):
    title = title_field(_l("The goal"), _l("Write the goal."))
    deadline = DateField(
        _l("Deadline (the date of the evaluation meeting)"),
        format=["%Y-%m-%d", "%d.%m.%Y"],
        validators=[Optional()],
        render_kw={"type": "date"},
    )
    description = TextAreaField(
        _l("Description (optional)"), filters=[_strip],
        validators=[Length(max=2000, message=_l("Write at most 2000 characters."))],
    )
    version = VersionField()

    # Set by the view when editing: the deadline already saved, which may have passed.
    saved_deadline = None

    def validate_deadline(self, field):
        # The deadline is the evaluation meeting's date: a new or moved one is not in the past;
        # an old goal keeps its passed deadline while other things are changed.
        if field.data and field.data != self.saved_deadline and field.data < oslo_today():
            raise ValidationError(
                _l("The deadline cannot be in the past: choose today or a later date."))


PLACES = [
    SelectChoice("home", _l("At home")),
    SelectChoice("kindergarten_school", _l("In the kindergarten or school")),
    SelectChoice("service", _l("In a service")),
]


class ActivityForm(Form):
    title = title_field(_l("The activity"), _l("Write the activity."))
    when = StringField(
        _l("When"), filters=[_strip],
        validators=[Length(max=200, message=_l("Write at most 200 characters."))],
    )
    responsible = SelectField(
        _l("Responsible"), coerce=_participant_id, validate_choice=False,
        validators=[InputRequired(_l("Choose who is responsible."))],
    )
    place = RadioField(
        _l("Where"), choices=PLACES,
        validators=[InputRequired(_l("Choose where the activity takes place."))],
    )
    description = TextAreaField(
        _l("Short description (optional)"), filters=[_strip],
        validators=[Length(max=2000, message=_l("Write at most 2000 characters."))],
    )
    version = VersionField()

    def validate_responsible(self, field):
        if field.data is None or field.data not in {choice.value for choice in field.choices}:
            raise ValidationError(_l("Choose one of the plan's active participants."))
