"""The one form of lysglimt: a short text."""

from flask_babel import lazy_gettext as _l
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from webapp.fields import Form
from webapp.models import LYSGLIMT_MAX_LENGTH


class LysglimtForm(Form):
    text = TextAreaField(
        _l("What went well?"),
        filters=[lambda v: v.strip() if v else v],
        validators=[
            DataRequired(_l("Write what went well.")),
            Length(max=LYSGLIMT_MAX_LENGTH,
                   message=_l("Write at most %(max)d characters.", max=LYSGLIMT_MAX_LENGTH)),
        ],
        render_kw={"rows": 3, "maxlength": LYSGLIMT_MAX_LENGTH},
    )
