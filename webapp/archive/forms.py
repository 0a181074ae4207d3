"""The forms of closing and deleting a plan (SPEC §3.7)."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, RadioField, SelectChoice
from wtforms.validators import DataRequired, InputRequired

from webapp.fields import Form
from webapp.models import Plan

REASONS = [
    SelectChoice(Plan.GOALS_REACHED, _l("The goals are reached")),
    SelectChoice(Plan.NO_LONGER_NEEDED, _l("The log is no longer needed")),
    SelectChoice(Plan.INDIVIDUAL_PLAN, _l("The child moves to an Individual plan")),
]


class CloseForm(Form):
    reason = RadioField(
        _l("Why is the log closed?"), choices=REASONS,
        validators=[InputRequired(_l("Choose why the log is closed."))],
    )


class DeleteForm(Form):
    confirm = BooleanField(
        _l("I have checked that the archive PDF is in the archive system"),
        validators=[DataRequired(_l("Confirm that the archive PDF is in the archive system."))],
    )
