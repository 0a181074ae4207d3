"""The form for planning a meeting (SPEC §3.2.4, §3.8)."""

from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TimeField,
    ValidationError,
)
from wtforms.validators import InputRequired, Length, Optional

from webapp.fields import CheckboxesField, Form
from webapp.labels import MEETING_KIND
from webapp.models import oslo_today


class MeetingForm(Form):
    kind = RadioField(
        _l("Type of meeting"),
        choices=[SelectChoice(code, label) for code, label in MEETING_KIND.items()],
        validators=[InputRequired(_l("Choose the type of meeting."))],
    )
    day = DateField(_l("Date"), format=["%Y-%m-%d", "%d.%m.%Y"], render_kw={"type": "date"},
                    validators=[InputRequired(_l("Write the date."))])
    starts = TimeField(_l("Time"), format="%H:%M", render_kw={"type": "time"},
                       validators=[InputRequired(_l("Write the time, for example 14:00."))])
    place = StringField(
        _l("Place"), filters=[lambda v: v.strip() if v else v],
        validators=[Length(max=200, message=_l("Write at most 200 characters."))],
    )
    invited = CheckboxesField(_l("Who is invited?"), coerce=int, validate_choice=False)
    minute_taker = SelectField(_l("Minute-taker"), coerce=int, validate_choice=False,
                               validators=[InputRequired(_l("Choose the minute-taker."))])

    def validate_invited(self, field):
        allowed = {choice.value for choice in field.choices}
        if not field.data:
            raise ValidationError(_l("Invite at least one participant."))
        if not set(field.data) <= allowed:
            raise ValidationError(_l("Invite only the plan's active participants."))

    def validate_minute_taker(self, field):
        if field.data not in (self.invited.data or []):
            raise ValidationError(_l("The minute-taker must be one of those invited."))


OUTCOME_CHOICES = [
    SelectChoice("goals_reached", _l("a) The goals are reached: set the log passive and "
                                     "go on to archiving")),
    SelectChoice("continue", _l("b) Progress: continue on the same level with a new "
                                "evaluation date")),
    SelectChoice("other_services", _l("c) No effect: other services are needed (update the "
                                      "consent, invite them, start-up meeting on level 2 or 3)")),
]


class OutcomeForm(Form):
    """The outcome of an evaluation meeting: exactly one of a, b, c (SPEC §3.3.2)."""

    outcome = RadioField(
        _l("Outcome of the evaluation"),
        choices=OUTCOME_CHOICES,
        validators=[InputRequired(_l("Choose the outcome of the evaluation."))],
    )
    new_evaluation = DateField(
        _l("New evaluation date (for outcome b)"),
        format=["%Y-%m-%d", "%d.%m.%Y"], render_kw={"type": "date"},
        validators=[Optional()],
    )

    def validate(self, extra_validators=None):
        # Not an inline ``validate_new_evaluation``: ``Optional()`` stops the chain on an empty
        # field, and b needs the date. Only b reads it.
        valid = super().validate(extra_validators)
        field = self.new_evaluation
        if self.outcome.data != "continue" or field.errors:
            return valid
        if field.data is None:
            field.errors = [*field.errors, _l("Write the date of the new evaluation meeting.")]
            return False
        if field.data < oslo_today():  # the Norwegian date, as goals' deadlines
            field.errors = [*field.errors, _l(
                "The evaluation date cannot be in the past: choose today or a later date.")]
            return False
        return valid
