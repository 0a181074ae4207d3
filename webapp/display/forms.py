"""The pairing page's form: the code shown in the stafetthaldar's minutes editor."""

from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from webapp.fields import Form


class PairForm(Form):
    code = StringField(
        _l("Code"),
        validators=[
            DataRequired(_l("Write the code shown on the stafetthaldar's screen.")),
            Length(max=20, message=_l("The code has 8 characters.")),
        ],
        render_kw={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"},
    )
