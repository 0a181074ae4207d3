"""The form for planning a meeting (SPEC §3.2.4, §3.8)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TimeField,
    ValidationError,
)
from wtforms.validators import InputRequired, Length

from webapp.labels import MEETING_KIND
from webapp.plans.forms import CheckboxesField


class MeetingForm(FlaskForm):
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
