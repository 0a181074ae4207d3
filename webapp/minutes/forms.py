"""The minutes' forms: which meeting new minutes are for, and the editor."""

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, ValidationError

from webapp.concurrency import VersionField
from webapp.fields import Form
from webapp.labels import MEETING_KIND
from webapp.plainlang import AS_YOU_TYPE

MINUTES_MAX = 50_000
HELD_NOW = 0


class NewMinutesForm(Form):
    meeting = SelectField(_l("Which meeting?"), coerce=int, validate_choice=False)
    kind = RadioField(
        _l("Type of meeting"),
        choices=[SelectChoice(code, label) for code, label in MEETING_KIND.items()],
        default="startup",
    )

    def validate_meeting(self, field):
        if field.data not in {choice.value for choice in field.choices}:
            raise ValidationError(_l("Choose the meeting."))


class MinutesForm(Form):
    body = TextAreaField(
        _l("Minutes"),
        validators=[Length(max=MINUTES_MAX, message=_l("Write at most 50000 characters."))],
        render_kw={**AS_YOU_TYPE, "rows": 20},
    )
    version = VersionField(validators=[InputRequired(
        _l("The form was not complete. Check your text and save again."))])
    # The conflict panel's "Continue from the saved text" (a button, so the text is posted).
    use_saved = StringField()
