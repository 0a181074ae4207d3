"""Forms for logging in: employees with a password, family members with a one-time code."""

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, Length, Regexp, ValidationError

from webapp.fields import Form


class LoginForm(Form):
    email = EmailField(
        _l("E-mail address"),
        validators=[
            DataRequired(_l("Enter your e-mail address.")),
            Email(_l("Enter an e-mail address like name@example.no."), check_deliverability=False),
            Length(max=254, message=_l("The e-mail address is too long.")),
        ],
        render_kw={"autocomplete": "username", "spellcheck": "false"},
    )
    password = PasswordField(
        _l("Password"),
        validators=[
            DataRequired(_l("Enter your password.")),
            Length(max=200, message=_l("The password is too long.")),
        ],
        render_kw={"autocomplete": "current-password"},
    )


def _address_is_usable(form, field):
    from webapp.auth.providers import normalise_address

    if field.data and normalise_address(field.data) is None:
        raise ValidationError(
            _l("Write an e-mail address like name@example.no, or a Norwegian mobile number "
               "with 8 digits.")
        )


class CodeRequestForm(Form):
    """Step 1 of the code login: where to send the code."""

    address = StringField(
        _l("E-mail address or mobile number"),
        filters=[lambda value: value.strip() if value else value],
        validators=[
            DataRequired(_l("Write your e-mail address or mobile number.")),
            Length(max=254, message=_l("Write at most 254 characters.")),
            _address_is_usable,
        ],
        render_kw={"autocomplete": "username", "spellcheck": "false"},
    )


class CodeVerifyForm(Form):
    """Step 2 of the code login: the code that was sent."""

    code = StringField(
        _l("The code you received"),
        filters=[lambda value: value.replace(" ", "").strip() if value else value],
        validators=[
            DataRequired(_l("Write the code you received.")),
            Regexp(r"^\d{6}$", message=_l("The code has six digits.")),
        ],
        render_kw={"inputmode": "numeric", "autocomplete": "one-time-code", "maxlength": 10,
                   "spellcheck": "false"},
    )
