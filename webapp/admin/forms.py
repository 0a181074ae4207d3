"""Forms of the administration: service groups, units, invitations, roles, settings."""

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length, Regexp

from webapp.account.forms import required_email
from webapp.fields import Form, person_name
from webapp.models import ESTABLISH_DIRECT, ESTABLISH_LEADER, SERVICE_KINDS, Membership

KIND_LABELS = {
    "kindergarten": _l("Kindergartens"),
    "school": _l("Schools"),
    "health_station": _l("Health station"),
    "ppt": _l("PPT (educational-psychological service)"),
    "child_welfare": _l("Child welfare"),
    "family_team": _l("Family team"),
    "other": _l("Other service"),
}
ROLE_LABELS = {
    Membership.EMPLOYEE: _l("Employee"),
    Membership.COORDINATOR: _l("Coordinator (may create stafettloggs)"),
    Membership.UNIT_ADMIN: _l("Unit administrator (leader)"),
    Membership.GROUP_ADMIN: _l("Group administrator"),
    Membership.MUNICIPALITY_ADMIN: _l("Municipality administrator"),
}


def _name_field(label):
    return StringField(label, filters=[lambda value: value.strip() if value else value],
                       validators=[DataRequired(_l("Write the name.")),
                                   Length(max=100, message=_l("Write at most 100 characters."))])


class GroupForm(Form):
    name = _name_field(_l("Name of the service group"))
    kind = SelectField(_l("Kind of service"),
                       choices=[SelectChoice(k, KIND_LABELS[k]) for k in SERVICE_KINDS],
                       validators=[DataRequired(_l("Choose the kind of service."))])


class UnitForm(Form):
    name = _name_field(_l("Name of the unit"))


class InviteForm(Form):
    name = person_name(_l("The employee's name"))
    email = required_email(_l("Work e-mail address"))
    role = RadioField(_l("Role"), validators=[DataRequired(_l("Choose a role."))])

    def set_roles(self, roles):
        self.role.choices = [SelectChoice(role, ROLE_LABELS[role]) for role in roles]
        if not self.role.data and roles:
            self.role.data = roles[0]


class GroupAdminForm(Form):
    name = person_name(_l("The group administrator's name"))
    email = required_email(_l("Work e-mail address"))


class RoleForm(Form):
    role = SelectField(_l("Role"), validators=[DataRequired(_l("Choose a role."))])

    def set_roles(self, roles):
        self.role.choices = [SelectChoice(role, ROLE_LABELS[role]) for role in roles]


class SettingsForm(Form):
    establishment = RadioField(
        _l("Who appoints the stafetthaldar of a new stafettlogg?"),
        choices=[SelectChoice(ESTABLISH_DIRECT, _l(
                     "The employee who creates the log is its stafetthaldar (routine 000)")),
                 SelectChoice(ESTABLISH_LEADER, _l(
                     "The leader creates the log and appoints the stafetthaldar (routine 004)"))],
        validators=[DataRequired(_l("Choose who appoints the stafetthaldar."))])
    youth_consent_age = RadioField(
        _l("From which age does the youth consent?"),
        choices=[SelectChoice("15", _l("15 years")), SelectChoice("16", _l("16 years"))],
        validators=[DataRequired(_l("Choose the age."))])


class ServeForm(Form):
    number = StringField(_l("Municipality number (kommunenummer) of the municipality served"),
                         filters=[lambda value: value.strip() if value else value],
                         validators=[DataRequired(_l("Write the municipality number.")),
                                     Regexp(r"^\d{4}$", message=_l(
                                         "A municipality number has four digits."))])
