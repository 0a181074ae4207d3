"""Forms for minutes: choose the meeting, write the text, and blank the meeting-room display."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, RadioField, SelectChoice, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from webapp.labels import MEETING_KIND
from webapp.minutes.templates_text import KINDS

NOW = "now"
MINUTES_MAX = 100_000


class NewMinutesForm(FlaskForm):
    """Which meeting the minutes are from: one of the plan's, or a meeting held now."""

    meeting = RadioField(
        _l("Which meeting are the minutes from?"),
        validators=[InputRequired(_l("Choose the meeting."))],
        validate_choice=True,
    )
    kind = RadioField(
        _l("Kind of meeting held now"),
        choices=[SelectChoice(kind, MEETING_KIND[kind]) for kind in KINDS],
        validators=[Optional()],
    )

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        if ok and self.meeting.data == NOW and not self.kind.data:
            self.kind.errors = [_l("Choose the kind of meeting.")]
            return False
        return ok


class MinutesForm(FlaskForm):
    """The minutes' text and the version the writer started from. ``keep_mine`` and
    ``use_saved`` come from the two buttons of the conflict panel: save this text over the
    version now saved, or continue from the saved text (this text is then shown beside it)."""

    body = TextAreaField(
        _l("Minutes"),
        validators=[Length(max=MINUTES_MAX, message=_l("Write at most 100,000 characters."))],
    )
    version = IntegerField(validators=[
        InputRequired(_l("The page is out of date. Reload it and try again.")),
        NumberRange(min=1, message=_l("The page is out of date. Reload it and try again.")),
    ])
    keep_mine = IntegerField(validators=[Optional(), NumberRange(min=1)])
    use_saved = IntegerField(validators=[Optional(), NumberRange(min=1)])


class BlankForm(FlaskForm):
    """Blank the meeting-room display (1) or show it again (0)."""

    blank = RadioField(choices=[("1", "1"), ("0", "0")], validators=[InputRequired()])
    next = HiddenField()
