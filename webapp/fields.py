"""The base of every form: one rule for text, and WTForms' own messages in the user's language.

Text (SPEC §5): every text field (``StringField`` and its kinds, ``TextAreaField``) leaves out
control characters: C0 except tab, line feed and carriage return, DEL and C1. They are
invisible, nobody means to type them (they come with pasted text or a forged request), a
message about them could not say where they are, and PostgreSQL refuses NUL. In a one-line
field, line breaks and tabs become spaces. Everything else is stored as typed: ``<``, ``>`` and
``&`` are plain text, escaped wherever it is shown. Rules for a kind of text (a person's name)
are validators on that kind of field. Passwords are not text: they are used as typed.

The fields several areas share: a person's name, e-mail, a Norwegian mobile number, a list of
checkboxes, yes/no.

Messages: WTForms' own ("Not a valid choice.") come from our catalogues, as every other text
(Flask-WTF would take them from WTForms' catalogues, which have no nynorsk). They are listed in
webapp/wtforms_messages.py for ``make translations``.
"""

import re

from flask_babel import get_translations
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Form as PlainForm
from wtforms import (
    PasswordField,
    SelectChoice,
    SelectMultipleField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import DataRequired, Email, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_LINE_BREAK = re.compile(r"[\t\n\r\x85\u2028\u2029]")


def clean_text(value):
    """Text without control characters; tab and line breaks stay."""
    return _CONTROL.sub("", value) if isinstance(value, str) else value


def clean_line(value):
    """One line of text: line breaks and tabs become spaces, control characters go."""
    return clean_text(_LINE_BREAK.sub(" ", value)) if isinstance(value, str) else value


class _Catalogue:
    """WTForms' translations interface, answered from the app's catalogue for the request's
    language (the raw lookups: WTForms fills in its own placeholders)."""

    def gettext(self, string):
        return get_translations().gettext(string)

    def ngettext(self, singular, plural, n):
        return get_translations().ngettext(singular, plural, n)


class Rules:
    """The ``Meta`` of every form (WTForms' hooks for binding fields and for translations)."""

    def bind_field(self, form, unbound_field, options):
        kind = unbound_field.field_class
        if issubclass(kind, StringField) and not issubclass(kind, PasswordField):
            clean = clean_text if issubclass(kind, TextAreaField) else clean_line
            options["filters"] = (clean, *unbound_field.kwargs.get("filters", ()))
        return unbound_field.bind(form=form, **options)

    def get_translations(self, form):
        return _Catalogue()


class Form(FlaskForm):
    """The base of every form (with CSRF protection)."""

    Meta = Rules


class ConfirmForm(Form):
    """A button that changes something (send, refuse, withdraw, create, blank the screen): only
    the CSRF token."""


class SubForm(PlainForm):
    """The base of a form repeated inside another (``FormField``), without its own CSRF."""

    Meta = Rules


# --- Fields several areas share ---------------------------------------------------------------

NAME_MAX = 200
# A person's name has no < or >: it is shown in lists, letters and the consent, where a name
# with markup is a pasted mistake (or an attempt). Other text takes them (webapp/fields.py).
_MARKUP = re.compile(r"[<>]")
_MOBILE = re.compile(r"^(?:\+47|0047)?([49]\d{7})$")


def normalise_mobile(raw):
    """``+47`` and eight digits for a Norwegian mobile number (spaces allowed), else ``None``."""
    match = _MOBILE.match(re.sub(r"[\s.-]", "", raw or ""))
    return "+47" + match.group(1) if match else None


def plain_name(form, field):
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
