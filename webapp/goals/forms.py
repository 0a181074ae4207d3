"""Forms for goals and activities (SPEC §3.2.3)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    HiddenField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from webapp.plans.forms import plain_name


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _participant_id(value):
    """The select's value: a participant id, or None for the empty first choice."""
    return int(value) if value not in (None, "") else None


class GoalForm(FlaskForm):
    title = StringField(
        _l("The goal"),
        filters=[_strip],
        validators=[DataRequired(_l("Write the goal.")),
                    Length(max=200, message=_l("Write at most 200 characters.")), plain_name],
    )
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
    version = HiddenField()


PLACES = [
    SelectChoice("home", _l("At home")),
    SelectChoice("kindergarten_school", _l("In the kindergarten or school")),
    SelectChoice("service", _l("In a service")),
]


class ActivityForm(FlaskForm):
    title = StringField(
        _l("The activity"),
        filters=[_strip],
        validators=[DataRequired(_l("Write the activity.")),
                    Length(max=200, message=_l("Write at most 200 characters.")), plain_name],
    )
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
    version = HiddenField()

    def validate_responsible(self, field):
        if field.data is None or field.data not in {choice.value for choice in field.choices}:
            raise ValidationError(_l("Choose one of the plan's active participants."))


def fix_date_errors(form, field_name):
    """WTForms' own "Not a valid date value." becomes a sentence in the user's language."""
    field = form[field_name]
    if field.errors and field.raw_data and field.raw_data[0]:
        field.errors[:] = [_l("Write the date as day, month and year, for example 24.03.2027.")]


