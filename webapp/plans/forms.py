"""Forms of the create-plan wizard (SPEC §3.1.0-4): one form per step, and the contact fields
the wizard and the participants page share."""

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

NAME_MAX = 200
# Control characters and markup (also in a pasted name) are refused with a clear message
# (SPEC §5); everything else is stored as text and escaped wherever it is shown.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_MARKUP = re.compile(r"[<>]")
_MOBILE = re.compile(r"^(?:\+47|0047)?([49]\d{7})$")


def normalise_mobile(raw):
    """``+47`` and eight digits for a Norwegian mobile number (spaces allowed), else ``None``."""
    match = _MOBILE.match(re.sub(r"[\s.-]", "", raw or ""))
    return "+47" + match.group(1) if match else None


def plain_name(form, field):
    if field.data and _CONTROL.search(field.data):
        raise ValidationError(_l("The name contains characters that cannot be used."))
    if field.data and _MARKUP.search(field.data):
        raise ValidationError(_l("A name cannot contain the characters < or >."))


def norwegian_mobile(form, field):
    if field.data and field.data.strip() and normalise_mobile(field.data) is None:
        raise ValidationError(
            _l("Write a Norwegian mobile number: 8 digits starting with 4 or 9, "
               "optionally with +47 first.")
        )


def person_name(label):
    return StringField(
        label,
        filters=[lambda value: value.strip() if value else value],
        validators=[
            DataRequired(_l("Write the name.")),
            Length(max=NAME_MAX, message=_l("Write at most 200 characters.")),
            plain_name,
        ],
    )


def email_field(label):
    return StringField(
        label,
        filters=[lambda value: value.strip().lower() if value else value],
        validators=[
            Optional(),
            Length(max=254, message=_l("Write at most 254 characters.")),
            Email(_l("Write an e-mail address like name@example.no.")),
        ],
    )


def mobile_field(label):
    return StringField(label, validators=[Optional(), norwegian_mobile])


class CheckboxesField(SelectMultipleField):
    """Several choices as a list of checkboxes (the ``choices`` macro renders them)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


YES_NO = [SelectChoice("yes", _l("Yes")), SelectChoice("no", _l("No"))]


class InformFamilyForm(FlaskForm):
    """SPEC §3.1.1: the family is informed and asked for consent."""

    informed = BooleanField(
        _l("I have informed the family about the stafettlogg and asked for their consent."),
        validators=[
            DataRequired(_l("Inform the family and ask for their consent before you create "
                            "the stafettlogg."))
        ],
    )


class UnitForm(FlaskForm):
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


class StafetthaldarForm(FlaskForm):
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


class PlanOwnerForm(FlaskForm):
    """SPEC §3.1.3: the plan owner's identity number and name. The number is checked by the
    view (it needs the installation's setting for synthetic numbers)."""

    national_id = StringField(
        _l("National identity number (fødselsnummer or D-number)"),
        filters=[lambda value: value.strip() if value else value],
        validators=[DataRequired(_l("Write the identity number."))],
    )
    name = person_name(_l("Full name"))
    pregnant = BooleanField(_l("The plan owner is a pregnant person"))


class OwnerLoginForm(FlaskForm):
    """SPEC §3.1.4: will the plan owner log in? Then a mobile number or e-mail is required."""

    logs_in = RadioField(
        _l("Will the plan owner log in?"),
        choices=YES_NO,
        validators=[InputRequired(_l("Answer whether the plan owner will log in."))],
    )
    mobile = mobile_field(_l("The plan owner's mobile number"))
    email = email_field(_l("The plan owner's e-mail address"))


class ConfirmForm(FlaskForm):
    """The check-your-answers page: only the CSRF token."""
