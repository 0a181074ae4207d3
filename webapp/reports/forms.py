"""The report's year: a plain GET form (no CSRF: it changes nothing)."""

from flask_babel import lazy_gettext as _l
from wtforms import SelectField

from webapp.fields import Form

YEARS_BACK = 10  # the years a report can show, this one and the nine before it


class YearForm(Form):
    year = SelectField(_l("Year"), coerce=int)


def year_form(formdata, this_year):
    """The year form on ``formdata`` (the query string), offering the last ``YEARS_BACK``
    years up to ``this_year``."""
    form = YearForm(formdata=formdata, meta={"csrf": False})
    form.year.choices = [(y, str(y)) for y in range(this_year, this_year - YEARS_BACK, -1)]
    return form
