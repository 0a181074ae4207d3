"""Forms of the leader's pages: appointing a new stafetthaldar, and marking a review done."""

from flask_babel import lazy_gettext as _l
from wtforms import (
    HiddenField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    ValidationError,
)
from wtforms.validators import InputRequired, Length

from webapp.fields import Form
from webapp.models import Handover
from webapp.participants.forms import access_field

WISHES = [
    SelectChoice(Handover.WISHED_NEW, _l("The family wished for the person I appoint")),
    SelectChoice(Handover.WISHED_OTHER, _l("The family wished for someone else")),
    SelectChoice(Handover.NO_WISH, _l("The family has no particular wish")),
    SelectChoice(Handover.NOT_ASKED, _l("The family has not been asked")),
]


class AppointForm(Form):
    """Routine 000 "Kontinuitet ved fråvær": whom the leader appoints, the family's wish as a
    choice (routine 004: it weighs), a short note without content, and — when the present
    stafetthaldar is still employed — what happens to their access."""

    new_holder = SelectField(_l("Who becomes the new stafetthaldar?"), validate_choice=False,
                             validators=[InputRequired(_l("Choose who becomes stafetthaldar."))])
    wish = RadioField(_l("Whom did the family wish for?"), choices=WISHES,
                      validators=[InputRequired(_l("Choose what the family wished."))])
    note = StringField(_l("Short note (optional)"), validators=[
        Length(max=200, message=_l("Write at most 200 characters."))])
    access = access_field(_l("The present stafetthaldar's access"))

    def setup(self, candidates):
        self.new_holder.choices = [
            SelectChoice("", _l("Choose a person")),
            *(SelectChoice(str(c.person_id),
                           f"{c.name} ({c.unit_name})" if c.unit_name else c.name)
              for c in candidates),
        ]

    def validate_new_holder(self, field):
        if field.data not in {choice.value for choice in field.choices if choice.value}:
            raise ValidationError(_l("Choose who becomes stafetthaldar."))


class ReviewDoneForm(Form):
    """The review of one unit is done (the unit's id; checked against the units one leads)."""

    unit = HiddenField()
