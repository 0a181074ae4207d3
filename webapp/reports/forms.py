"""The report's year: a plain GET form (no CSRF: it changes nothing)."""

from flask_babel import lazy_gettext as _l
from wtforms import SelectField

from webapp.fields import Form

YEARS_BACK = 10  # the years a report can show, this one and the nine before it


class YearForm(Form):
    year = SelectField(_l("Year"), coerce=int)

    def __init__(self, formdata, this_year):
        super().__init__(formdata=formdata, meta={"csrf": False})
        self.year.choices = [(y, str(y)) for y in range(this_year, this_year - YEARS_BACK, -1)]
