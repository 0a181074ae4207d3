"""Forms for adding participants: which kind of participant, then one form per kind."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectChoice, SelectField, StringField, ValidationError
from wtforms.validators import InputRequired, Length

from webapp.fields import YES_NO, Form, email_field, mobile_field, person_name
from webapp.models import Participant

ROLE_CHOICES = [
    SelectChoice(Participant.GUARDIAN, _l("A guardian")),
    SelectChoice(Participant.OWNER, _l("The plan owner")),
    SelectChoice(Participant.SERVICE_PROVIDER, _l("A service provider")),
]


class RoleForm(Form):
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


class ContactForm(Form):
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


class ProviderForm(Form):
    """An employee of a service that the valid consent names (SPEC §3.4)."""

    provider = SelectField(
        _l("Who do you want to invite?"),
        validate_choice=False,
        validators=[InputRequired(_l("Choose the person to invite."))],
    )

    def validate_provider(self, field):
        if field.data not in {value for value, _ in field.choices}:
            raise ValidationError(_l("Choose an employee of a service the consent names."))


def access_field(label):
    """What happens to the old stafetthaldar's access: they stay as a service provider of their
    unit (while the consent names it), or their access ends (SPEC §3.6)."""
    return RadioField(label, validators=[InputRequired(_l("Choose what happens to the access."))])


def access_choices(form, unit_name, yourself=True):
    """Fill in ``form.access``; the choice to stay is offered for the unit the consent names."""
    keep = (_("Stay in the plan as a service provider of %(unit)s", unit=unit_name) if yourself
            else _("The stafetthaldar stays in the plan as a service provider of %(unit)s",
                   unit=unit_name))
    end = _("My access to the plan ends") if yourself else _(
        "The stafetthaldar's access to the plan ends")
    form.access.choices = [SelectChoice("keep", keep), SelectChoice("end", end)]


def check_access(form, may_keep):
    """Staying needs a consent that names the unit (``Participant.admitted``): otherwise the
    old holder would be a service provider without access."""
    if form.access.data == "keep" and not may_keep:
        form.access.errors = [*form.access.errors, _l(
            "The valid consent does not name this unit, so the old stafetthaldar cannot stay "
            "as its service provider. Choose that the access ends, or update the consent to "
            "name the unit first.")]
        return False
    return True


class HandOverForm(Form):
    """Hand the baton on (SPEC §3.6): to whom, the family's wish as a choice, a short note
    without content, and the old holder's access."""

    new_holder = RadioField(_l("Who takes over as stafetthaldar?"),
                            validators=[InputRequired(_l("Choose who takes over."))])
    wish = RadioField(_l("Whom did the family wish for?"),
                      validators=[InputRequired(_l("Choose what the family wished."))])
    note = StringField(_l("Short note (optional)"), validators=[
        Length(max=200, message=_l("Write at most 200 characters."))])
    access = access_field(_l("Your own access after the hand-over"))

    def setup(self, candidates, unit_name):
        self.new_holder.choices = [
            SelectChoice(str(p.person_id),
                         f"{p.person.name} ({p.unit.name})" if p.unit else p.person.name)
            for p in candidates
        ]
        self.wish.choices = [
            *(SelectChoice(f"person:{p.person_id}",
                           _("The family wished for %(name)s", name=p.person.name))
              for p in candidates),
            SelectChoice("elsewhere", _("The family wished for someone who is not in the plan")),
            SelectChoice("no_wish", _("The family has no particular wish")),
            SelectChoice("not_asked", _("The family has not been asked")),
        ]
        access_choices(self, unit_name)


FORMS = {
    Participant.GUARDIAN: GuardianForm,
    Participant.OWNER: OwnerForm,
    Participant.SERVICE_PROVIDER: ProviderForm,
}
