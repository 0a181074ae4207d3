"""The stafetthaldar registers a family member's identity number for ID-porten."""

from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import DataRequired

from webapp.fields import Form


class IdentityNumberForm(Form):
    """The number is checked by the view (it needs the setting for synthetic numbers), as in
    the create-plan wizard."""

    national_id = StringField(
        _l("National identity number (fødselsnummer or D-number)"),
        filters=[lambda value: value.strip() if value else value],
        validators=[DataRequired(_l("Write the identity number."))],
    )
