"""Forms of the create-plan wizard (SPEC §3.1.0-4): one form per step. The fields other areas
share (names, e-mail, mobile, checkboxes) are in ``webapp.fields``."""


from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    RadioField,
    SelectField,
    StringField,
)
from wtforms.validators import DataRequired, InputRequired, ValidationError

from webapp.fields import YES_NO, Form, email_field, mobile_field, person_name


class InformFamilyForm(Form):
    """SPEC §3.1.1: the family is informed and asked for consent."""

    informed = BooleanField(
        _l("I have informed the family about the stafettlogg and asked for their consent."),
        validators=[
            DataRequired(_l("Inform the family and ask for their consent before you create "
                            "the stafettlogg."))
        ],
    )


class UnitForm(Form):
    """Which of the employee's units the plan belongs to."""

    unit = SelectField(
        _l("Which unit does the plan belong to?"),
        coerce=int,
        validators=[InputRequired(_l("Choose the unit."))],
        validate_choice=False,
    )

    def validate_unit(self, field):
        if field.data not in {choice[0] for choice in self.unit.choices}:
            raise ValidationError(_l("Choose one of your units."))


class StafetthaldarForm(Form):
    """SPEC §3.1.0, routine 004: the leader appoints the stafetthaldar among the unit's staff."""

    stafetthaldar = SelectField(
        _l("Who shall be the stafetthaldar?"),
        coerce=int,
        validators=[InputRequired(_l("Choose the stafetthaldar."))],
        validate_choice=False,
    )
    family_wish = BooleanField(_l("The family wished for this person"))

    def validate_stafetthaldar(self, field):
        if field.data not in {choice[0] for choice in self.stafetthaldar.choices}:
            raise ValidationError(_l("Choose one of the unit's employees."))


class PlanOwnerForm(Form):
    """SPEC §3.1.3: the plan owner's identity number and name. The number is checked by the
    view (it needs the installation's setting for synthetic numbers)."""

    national_id = StringField(
        _l("National identity number (fødselsnummer or D-number)"),
        filters=[lambda value: value.strip() if value else value],
        validators=[DataRequired(_l("Write the identity number."))],
    )
    name = person_name(_l("Full name"))
    pregnant = BooleanField(_l("The plan owner is a pregnant person"))


class OwnerLoginForm(Form):
    """SPEC §3.1.4: will the plan owner log in? Then a mobile number or e-mail is required."""

    logs_in = RadioField(
        _l("Will the plan owner log in?"),
        choices=YES_NO,
        validators=[InputRequired(_l("Answer whether the plan owner will log in."))],
    )
    mobile = mobile_field(_l("The plan owner's mobile number"))
    email = email_field(_l("The plan owner's e-mail address"))
