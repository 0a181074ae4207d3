"""Forms for adding participants: which kind of participant, then one form per kind."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectChoice, SelectField, ValidationError
from wtforms.validators import InputRequired

from webapp.models import Participant
from webapp.plans.forms import YES_NO, email_field, mobile_field, person_name

ROLE_CHOICES = [
    SelectChoice(Participant.GUARDIAN, _l("A guardian")),
    SelectChoice(Participant.OWNER, _l("The plan owner")),
    SelectChoice(Participant.SERVICE_PROVIDER, _l("A service provider")),
]


class RoleForm(FlaskForm):
    """Who is added. The stafetthaldar is not: a plan has exactly one (SPEC §2)."""

    role = RadioField(
        _l("Who do you want to add?"),
        choices=ROLE_CHOICES,
        validate_choice=False,
        validators=[InputRequired(_l("Choose who you want to add."))],
    )

    def validate_role(self, field):
        if field.data == Participant.STAFETTHALDAR:
            raise ValidationError(
                _l("A plan has exactly one stafetthaldar. To change who it is, hand the baton "
                   "on to another participant.")
            )
        if field.data not in {choice.value for choice in ROLE_CHOICES}:
            raise ValidationError(_l("Choose who you want to add."))


class ContactForm(FlaskForm):
    """A family member logs in with a code sent by e-mail or SMS: one of them is required."""

    mobile = mobile_field(_l("Mobile number"))
    email = email_field(_l("E-mail address"))

    def validate(self, extra_validators=None):
        # Not an inline ``validate_email``: ``Optional()`` stops the chain on an empty field.
        valid = super().validate(extra_validators)
        if not ((self.email.data or "").strip() or (self.mobile.data or "").strip()):
            self.email.errors = [
                *self.email.errors,
                _l("Give an e-mail address or a mobile number, so they can log in."),
            ]
            return False
        return valid


class GuardianForm(ContactForm):
    """A guardian (føresett or verge), who must consent (SPEC §3.1.5)."""

    name = person_name(_l("Full name"))
    shares = RadioField(
        _l("Does this guardian share parental responsibility?"),
        choices=YES_NO,
        validators=[InputRequired(_l("Answer whether the guardian shares parental "
                                     "responsibility."))],
    )


class OwnerForm(ContactForm):
    """The plan owner, from the consent age or as a pregnant person."""


class ProviderForm(FlaskForm):
    """An employee of a service that the valid consent names (SPEC §3.4)."""

    provider = SelectField(
        _l("Who do you want to invite?"),
        validate_choice=False,
        validators=[InputRequired(_l("Choose the person to invite."))],
    )

    def validate_provider(self, field):
        if field.data not in {value for value, _ in field.choices}:
            raise ValidationError(_l("Choose an employee of a service the consent names."))


FORMS = {
    Participant.GUARDIAN: GuardianForm,
    Participant.OWNER: OwnerForm,
    Participant.SERVICE_PROVIDER: ProviderForm,
}
