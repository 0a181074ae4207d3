"""Forms for a transfer to a new unit: the proposal, and the receiving leader's answer."""

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectChoice, SelectField
from wtforms.validators import InputRequired, Optional

from webapp.fields import Form
from webapp.participants.forms import access_field

DECLINE_REASONS = [
    SelectChoice("not_starting_here", _l("The child is not starting in our unit")),
    SelectChoice("other_unit", _l("Another unit is the right one")),
    SelectChoice("needs_meeting", _l("We need a meeting with the sending unit first")),
    SelectChoice("other", _l("Another reason, which I will tell the sending unit")),
]
REASON_LABELS = {choice.value: choice.label for choice in DECLINE_REASONS}


class ProposeForm(Form):
    """Where the log goes, and what happens to the current stafetthaldar's access."""

    to_unit = SelectField(_l("Which unit should the log move to?"),
                          validators=[InputRequired(_l("Choose the receiving unit."))])
    access = access_field(_l("The current stafetthaldar's access after the transfer"))


class AnswerForm(Form):
    """Accept (and appoint a stafetthaldar of the unit) or decline with a reason."""

    decision = RadioField(
        _l("Do you accept the log in your unit?"),
        choices=[SelectChoice("accept", _l("Yes, we accept it")),
                 SelectChoice("decline", _l("No, we decline"))],
        validators=[InputRequired(_l("Answer whether you accept the log."))],
    )
    new_holder = SelectField(_l("Who in your unit becomes stafetthaldar?"),
                             validate_choice=False, validators=[Optional()])
    reason = RadioField(_l("Why do you decline?"), choices=DECLINE_REASONS,
                        validate_choice=False, validators=[Optional()])

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if self.decision.data == "accept" and self.new_holder.data not in {
            choice.value for choice in self.new_holder.choices if choice.value
        }:
            self.new_holder.errors = [*self.new_holder.errors,
                                      _l("Choose who becomes stafetthaldar.")]
            return False
        if self.decision.data == "decline" and self.reason.data not in REASON_LABELS:
            self.reason.errors = [*self.reason.errors, _l("Choose why you decline.")]
            return False
        return valid
