"""Forms for the consent: one per step (signers and services, text, check), signing with a
code, paper consent, and withdrawal."""


from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    FormField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import DataRequired, InputRequired, Length, Regexp

from webapp.consent.scans import SCAN_MAX_BYTES, sniff_scan
from webapp.consent.service import SERVICE_ROWS
from webapp.fields import CheckboxesField, Form, SubForm
from webapp.models import oslo_today


class ServiceRow(SubForm):
    """One service the consent names: a unit of the municipality and who takes part."""

    unit = SelectField(_l("Service"), coerce=int, validate_choice=False)
    note = StringField(
        _l("Who takes part (for example teacher, public health nurse)"),
        validators=[Length(max=200, message=_l("Write at most 200 characters."))],
    )


class SignersForm(Form):
    """Step 1: the language, who signs, and which services the consent names."""

    language = RadioField(
        _l("Language of the consent"),
        choices=[SelectChoice("nn", "Nynorsk"), SelectChoice("nb", "Bokmål")],
        default="nn",
        validators=[InputRequired(_l("Choose the language of the consent."))],
    )
    signers = CheckboxesField(
        _l("Who shall sign?"),
        coerce=int,
        validators=[DataRequired(_l("Choose at least one person to sign."))],
    )
    confirm_omission = BooleanField(
        _l("I confirm that a guardian with shared parental responsibility shall not sign, "
           "and I have written down why in the plan's records.")
    )
    services = FieldList(FormField(ServiceRow), min_entries=SERVICE_ROWS,
                         max_entries=SERVICE_ROWS)

    # Set by the view: guardians who share parental responsibility.
    shared_responsibility = ()

    def set_units(self, units):
        for row in self.services:
            row.unit.choices = [SelectChoice(0, _l("– none –")), *units]

    def validate_confirm_omission(self, field):
        left_out = set(self.shared_responsibility) - set(self.signers.data or ())
        if left_out and not field.data:
            raise ValidationError(
                _l("Both guardians sign where they share parental responsibility. Choose them "
                   "both, or confirm that one of them shall not sign.")
            )

    def validate_services(self, field):
        valid = {choice.value for choice in field[0].unit.choices} if field.entries else set()
        for row in field:
            if row.unit.data and row.unit.data not in valid:
                raise ValidationError(_l("Choose a service from the list."))

    @property
    def errors(self):
        """The services' row errors flattened, so the error summary can list them."""
        errors = dict(super().errors)
        if "services" in errors:
            errors["services"] = _flatten(errors["services"])
        return errors

    def chosen_services(self):
        return [(row.unit.data, row.note.data or "") for row in self.services if row.unit.data]


def _flatten(errors):
    messages = []
    for error in errors:
        if isinstance(error, dict):
            messages.extend(_flatten(list(error.values())))
        elif isinstance(error, list | tuple):
            messages.extend(_flatten(error))
        else:
            messages.append(error)
    return messages


class TextForm(Form):
    """Step 2: the text the family will read and sign, editable before sending."""

    text = TextAreaField(
        _l("The text of the consent"),
        validators=[
            DataRequired(_l("Write the text of the consent.")),
            Length(max=20000, message=_l("The text is too long: write at most 20,000 "
                                         "characters.")),
        ],
        render_kw={"rows": 18},
    )


class CodeForm(Form):
    code = StringField(
        _l("The code you received"),
        validators=[
            DataRequired(_l("Write the code you received.")),
            Regexp(r"^\s*\d{6}\s*$", message=_l("The code has six digits.")),
        ],
        render_kw={"inputmode": "numeric", "autocomplete": "one-time-code", "maxlength": 10},
    )


class PaperForm(Form):
    """SPEC §3.1.5: the stafetthaldar records a consent given (or refused) on paper."""

    decision = RadioField(
        _l("What did they answer?"),
        choices=[
            SelectChoice("signed", _l("Signed the consent")),
            SelectChoice("refused", _l("Did not consent")),
        ],
        validators=[InputRequired(_l("Choose what they answered."))],
    )
    decided_on = DateField(
        _l("Date on the form"),
        validators=[InputRequired(_l("Write the date on the form, for example 2025-03-14."))],
    )
    scan = FileField(
        _l("The scanned form (PDF, JPEG or PNG, at most 8 MB)")
    )

    # Set by the view: the consent cannot be signed before it was sent.
    sent_on = None

    def validate_decided_on(self, field):
        if field.data and field.data > oslo_today():
            raise ValidationError(_l("The date cannot be in the future."))
        if field.data and self.sent_on and field.data < self.sent_on:
            raise ValidationError(_l("The date cannot be before the consent was sent."))

    def validate_scan(self, field):
        storage = field.data
        if not storage or not getattr(storage, "filename", ""):
            if self.decision.data == "signed":
                raise ValidationError(_l("Upload the scanned form that was signed."))
            return
        head = storage.stream.read(16)
        storage.stream.seek(0, 2)
        size = storage.stream.tell()
        storage.stream.seek(0)
        if size > SCAN_MAX_BYTES:
            raise ValidationError(_l("The file is too large: at most 8 MB."))
        if sniff_scan(head) is None:
            raise ValidationError(_l("The file must be a PDF, JPEG or PNG."))
