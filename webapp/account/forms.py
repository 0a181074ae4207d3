"""Forms of an employee's own account: choose, change or reset the password."""

from flask_babel import lazy_gettext as _l
from wtforms import PasswordField
from wtforms.validators import DataRequired, Length, ValidationError

from webapp.fields import Form, email_field, person_name

PASSWORD_MIN = 12
PASSWORD_MAX = 200  # as the login form


def password_field(label, autocomplete="new-password"):
    return PasswordField(label, validators=[
        DataRequired(_l("Write a password.")),
        Length(min=PASSWORD_MIN, message=_l("The password needs at least 12 characters.")),
        Length(max=PASSWORD_MAX, message=_l("The password is too long.")),
    ], render_kw={"autocomplete": autocomplete})


class _NewPassword(Form):
    password = password_field(_l("New password"))
    repeat = PasswordField(_l("Repeat the new password"), validators=[
        DataRequired(_l("Write the password once more."))],
        render_kw={"autocomplete": "new-password"})

    def validate_repeat(self, field):
        if self.password.data and field.data != self.password.data:
            raise ValidationError(_l("The two passwords are not the same."))


class SetPasswordForm(_NewPassword):
    """Accept an invitation (or the first administrator's link): confirm the name, choose a
    password."""

    name = person_name(_l("Your name"))


class ResetPasswordForm(_NewPassword):
    """A forgotten password: choose a new one."""


class ChangePasswordForm(_NewPassword):
    current = PasswordField(_l("Current password"), validators=[
        DataRequired(_l("Write your current password.")),
        Length(max=PASSWORD_MAX, message=_l("The password is too long."))],
        render_kw={"autocomplete": "current-password"})


def required_email(label):
    """An e-mail address that must be given (``email_field`` with ``DataRequired``)."""
    field = email_field(label)
    field.kwargs["validators"] = [DataRequired(_l("Write the e-mail address.")),
                                  *field.kwargs["validators"][1:]]
    return field


class ForgotPasswordForm(Form):
    email = required_email(_l("E-mail address"))
