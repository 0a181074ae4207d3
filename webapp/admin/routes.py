"""The administration (SPEC §2, routine 000 "Legge til tilsette"): the municipality's
administrator manages service groups, units, group administrators and the settings; a group
administrator their group's units and unit administrators; a unit administrator (leader) the
unit's employees. Every page is scoped to the administrator's own municipality: an object of
another municipality is not found (404); one of the own municipality that is not theirs to
manage is refused (403)."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from webapp import guards, policy
from webapp.admin import service
from webapp.admin.forms import (
    KIND_LABELS,
    ROLE_LABELS,
    GroupAdminForm,
    GroupForm,
    InviteForm,
    RoleForm,
    ServeForm,
    SettingsForm,
    UnitForm,
)
from webapp.db import database
from webapp.fields import ConfirmForm
from webapp.models import Membership, Municipality, ServiceGroup, Unit
from webapp.safe_urls import safe_next

bp = Blueprint("admin", __name__, url_prefix="/admin")

ADMIN = guards.requires(policy.ADMINISTER)
MUNICIPALITY = guards.requires(policy.ADMINISTER_MUNICIPALITY)


@bp.app_context_processor
def _labels():
    return {"kind_label": lambda kind: KIND_LABELS.get(kind, kind),
            "membership_role_label": lambda role: ROLE_LABELS.get(role, role),
            "may_administer": lambda: policy.can(current_user, policy.ADMINISTER)}


def _group(group_id, rule=policy.administers_group):
    group = service.group_or_none(group_id, current_user)
    if group is None:
        abort(404)
    if not rule(current_user, group):
        abort(403)
    return group


def _unit(unit_id, rule=policy.administers_unit):
    unit = service.unit_or_none(unit_id, current_user)
    if unit is None:
        abort(404)
    if not rule(current_user, unit):
        abort(403)
    return unit


def _employee(employee_id):
    employee = service.employee_or_none(employee_id, current_user)
    if employee is None:
        abort(404)
    if not policy.may_manage_employee(current_user, employee, service.memberships_of(employee)):
        abort(403)
    return employee


@bp.route("")
@ADMIN
def home():
    """What the person administers: the municipality's groups and units (its administrator),
    a group's units (the group's administrator), the units they lead."""
    municipality = Municipality.get_by_id(current_user.municipality_id)
    return render_template(
        "admin/home.html", municipality=municipality, groups=service.groups_of(current_user),
        units=service.led_units(current_user),
        whole=policy.is_municipality_admin(current_user))


@bp.route("/settings", methods=["GET", "POST"])
@MUNICIPALITY
def settings():
    municipality = Municipality.get_by_id(current_user.municipality_id)
    form = SettingsForm(data={"establishment": municipality.establishment,
                              "youth_consent_age": str(municipality.youth_consent_age)})
    if form.validate_on_submit():
        Municipality.update(establishment=form.establishment.data,
                            youth_consent_age=int(form.youth_consent_age.data)).where(
            Municipality.id == municipality.id).execute()
        flash(_("The settings are saved."))
        return redirect(url_for("admin.home"))
    return render_template("admin/settings.html", form=form,
                           municipality=municipality), 422 if form.errors else 200


@bp.route("/groups/new", methods=["GET", "POST"])
@MUNICIPALITY
def new_group():
    form = GroupForm()
    if form.validate_on_submit():
        group = ServiceGroup.create(municipality=current_user.municipality_id,
                                    name=form.name.data, kind=form.kind.data)
        flash(_("The service group is created."))
        return redirect(url_for("admin.group", group_id=group.id))
    return render_template("admin/group_form.html", form=form, group=None), \
        422 if form.errors else 200


@bp.route("/groups/<int:group_id>")
@ADMIN
def group(group_id):
    group = _group(group_id)
    units = list(Unit.select().where(Unit.group == group).order_by(Unit.name, Unit.id))
    return render_template("admin/group.html", group=group, units=units,
                           administrators=service.group_administrators(group),
                           whole=policy.is_municipality_admin(current_user),
                           confirm=ConfirmForm())


@bp.route("/groups/<int:group_id>/edit", methods=["GET", "POST"])
@MUNICIPALITY
def edit_group(group_id):
    group = _group(group_id)
    form = GroupForm(obj=group)
    if form.validate_on_submit():
        ServiceGroup.update(name=form.name.data, kind=form.kind.data).where(
            ServiceGroup.id == group.id).execute()
        flash(_("The service group is saved."))
        return redirect(url_for("admin.group", group_id=group.id))
    return render_template("admin/group_form.html", form=form, group=group), \
        422 if form.errors else 200


@bp.route("/groups/<int:group_id>/units/new", methods=["GET", "POST"])
@ADMIN
def new_unit(group_id):
    group = _group(group_id)
    form = UnitForm()
    if form.validate_on_submit():
        unit = Unit.create(group=group, municipality=group.municipality_id, name=form.name.data)
        flash(_("The unit is created."))
        return redirect(url_for("admin.unit", unit_id=unit.id))
    return render_template("admin/unit_form.html", form=form, group=group, unit=None), \
        422 if form.errors else 200


def _invited(form, role, **place):
    """Invite the form's person with ``role`` in ``place`` (a unit or a group); True if done,
    otherwise the refusal is on the form's e-mail field and nothing is written."""
    with database.atomic():
        try:
            service.invite(current_user, form.email.data, form.name.data, role, **place)
        except service.AddressTaken:
            form.email.errors.append(_address_taken())
        except service.Deactivated:
            form.email.errors.append(_deactivated())
    return not form.errors


@bp.route("/groups/<int:group_id>/administrators/new", methods=["GET", "POST"])
@MUNICIPALITY
def new_group_admin(group_id):
    group = _group(group_id)
    form = GroupAdminForm()
    if form.validate_on_submit() and _invited(form, Membership.GROUP_ADMIN, group=group):
        flash(_("The group administrator is appointed. A new employee gets an e-mail with "
                "a link to choose a password."))
        return redirect(url_for("admin.group", group_id=group.id))
    return render_template("admin/group_admin_form.html", form=form, group=group), \
        422 if form.errors else 200


@bp.route("/groups/<int:group_id>/administrators/<int:employee_id>/remove", methods=["POST"])
@MUNICIPALITY
def remove_group_admin(group_id, employee_id):
    group = _group(group_id)
    person = service.employee_or_none(employee_id, current_user)
    if person is None:
        abort(404)
    service.remove_group_administrator(group, person)
    flash(_("%(name)s is no longer administrator of the group.", name=person.name))
    return redirect(url_for("admin.group", group_id=group.id))


def _unit_page(unit, serve_form=None, status=200):
    staff = service.staff_of(unit)
    grantable = policy.grantable_roles(current_user, unit)
    roles = service.memberships_of_all(staff)
    for person in staff:
        person.manageable = policy.may_manage_employee(current_user, person,
                                                       roles.get(person.id, []))
    return render_template(
        "admin/unit.html", unit=unit, staff=staff, grantable=grantable,
        may_edit=policy.administers_group(current_user, unit.group),
        whole=policy.is_municipality_admin(current_user),
        served=service.served_municipalities(unit), serve_form=serve_form or ServeForm(),
        role_forms={p.id: _role_form(p.role, grantable) for p in staff},
        confirm=ConfirmForm()), status


def _role_form(role, grantable):
    form = RoleForm(data={"role": role}, meta={"csrf": False})
    form.set_roles(grantable)
    return form


@bp.route("/units/<int:unit_id>")
@ADMIN
def unit(unit_id):
    return _unit_page(_unit(unit_id))


@bp.route("/units/<int:unit_id>/edit", methods=["GET", "POST"])
@ADMIN
def edit_unit(unit_id):
    unit = _unit(unit_id, rule=lambda person, u: policy.administers_group(person, u.group))
    form = UnitForm(obj=unit)
    if form.validate_on_submit():
        Unit.update(name=form.name.data).where(Unit.id == unit.id).execute()
        flash(_("The unit is saved."))
        return redirect(url_for("admin.unit", unit_id=unit.id))
    return render_template("admin/unit_form.html", form=form, group=unit.group, unit=unit), \
        422 if form.errors else 200


def _address_taken():
    return _("This e-mail address belongs to an account that cannot be given a role here. "
             "Use the employee's work e-mail address.")


def _deactivated():
    return _("This employee is deactivated. Reactivate them from the unit's page first.")


@bp.route("/units/<int:unit_id>/invite", methods=["GET", "POST"])
@ADMIN
def invite(unit_id):
    """Invite an employee by e-mail (routine 000 "Legge til tilsette"): a new employee gets a
    link, valid for 7 days, to confirm their name and choose a password."""
    unit = _unit(unit_id)
    form = InviteForm()
    form.set_roles(policy.grantable_roles(current_user, unit))
    if form.validate_on_submit() and _invited(form, form.role.data, unit=unit):
        flash(_("The employee is added. A new employee gets an e-mail with a link to "
                "choose a password."))
        return redirect(url_for("admin.unit", unit_id=unit.id))
    return render_template("admin/invite.html", form=form, unit=unit), \
        422 if form.errors else 200


@bp.route("/units/<int:unit_id>/employees/<int:employee_id>/role", methods=["POST"])
@ADMIN
def set_role(unit_id, employee_id):
    """Give or take the coordinator role (a leader); appoint or remove a unit administrator
    (the group's or the municipality's administrator)."""
    unit = _unit(unit_id)
    employee = service.employee_or_none(employee_id, current_user)
    grantable = policy.grantable_roles(current_user, unit)
    current = service.role_in(unit, employee) if employee else None
    if current is None:
        abort(404)
    if current not in grantable or employee.id == current_user.id:
        abort(403)
    form = RoleForm()
    form.set_roles(grantable)
    if not form.validate_on_submit():
        return _unit_page(unit, status=422)
    service.set_role(unit, employee, form.role.data)
    flash(_("%(name)s is now: %(role)s.", name=employee.name, role=ROLE_LABELS[form.role.data]))
    return redirect(url_for("admin.unit", unit_id=unit.id))


@bp.route("/units/<int:unit_id>/serves", methods=["POST"])
@MUNICIPALITY
def serve(unit_id):
    """This unit also serves another municipality (inter-municipal PPT or child welfare): a
    plan there may name the unit in its consent and invite its employees."""
    unit = _unit(unit_id)
    form = ServeForm()
    if form.validate_on_submit():
        other = Municipality.get_or_none(Municipality.number == form.number.data)
        if other is None:
            form.number.errors.append(_("No municipality with this number uses Stafettlogg."))
        elif other.id == unit.municipality_id:
            form.number.errors.append(_("The unit serves its own municipality already."))
        else:
            service.serve(unit, other)
            flash(_("%(unit)s now also serves %(municipality)s.", unit=unit.name,
                    municipality=other.name))
            return redirect(url_for("admin.unit", unit_id=unit.id))
    return _unit_page(unit, serve_form=form, status=422)


@bp.route("/units/<int:unit_id>/serves/<int:municipality_id>/remove", methods=["POST"])
@MUNICIPALITY
def stop_serving(unit_id, municipality_id):
    unit = _unit(unit_id)
    service.stop_serving(unit, municipality_id)
    flash(_("The unit no longer serves that municipality."))
    return redirect(url_for("admin.unit", unit_id=unit.id))


@bp.route("/employees/<int:employee_id>/deactivate", methods=["GET", "POST"])
@ADMIN
def deactivate(employee_id):
    """A leaver: every session ends at once, no access from the next request on (SPEC §2)."""
    employee = _employee(employee_id)
    form = ConfirmForm()
    if form.validate_on_submit() and employee.active:
        service.deactivate(employee)
        flash(_("%(name)s is deactivated and logged out everywhere. Their plans need a new "
                "stafetthaldar.", name=employee.name))
        return redirect(_back())
    return render_template("admin/deactivate.html", employee=employee, form=form,
                           back=_back())


@bp.route("/employees/<int:employee_id>/reactivate", methods=["POST"])
@ADMIN
def reactivate(employee_id):
    employee = _employee(employee_id)
    service.reactivate(employee)
    flash(_("%(name)s is active again and can log in.", name=employee.name))
    return redirect(_back())


@bp.route("/employees/<int:employee_id>/invite-again", methods=["POST"])
@ADMIN
def invite_again(employee_id):
    """A new invitation link for an employee who has not chosen a password yet."""
    employee = _employee(employee_id)
    if employee.password_hash or not employee.active:
        abort(409)
    service.send_invitation(employee)
    flash(_("A new invitation is sent."))
    return redirect(_back())


def _back():
    """The page the button was on (a unit's page), else the administration's home."""
    target = safe_next(request.values.get("next"))
    return target if target and target.startswith("/admin/") else url_for("admin.home")

