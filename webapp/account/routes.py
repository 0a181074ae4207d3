"""An employee's own account (routine 000 "Legge til tilsette"): accept the e-mailed
invitation (confirm the name, choose a password), change the password, reset a forgotten one.
The links are signed, expiring and one-time (``webapp.account.tokens``)."""

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from webapp import guards, policy
from webapp.account import tokens
from webapp.account.forms import (
    ChangePasswordForm,
    ForgotPasswordForm,
    ResetPasswordForm,
    SetPasswordForm,
)
from webapp.auth.providers import log_in
from webapp.db import database
from webapp.extensions import limiter
from webapp.models import Person
from webapp.notify import send_link
from webapp.passwords import check_password, hash_password
from webapp.sessions import revoke_all, start_session

bp = Blueprint("account", __name__, url_prefix="/account")


def _login_limit():
    return current_app.config["LOGIN_RATE_LIMIT"]


@bp.route("/set-password/<string:token>", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
@guards.public
def set_password(token):
    """The e-mailed link: an invited employee (or the municipality's first administrator)
    confirms their name and chooses a password; a forgotten password is replaced. The link
    works once: the new password makes it worthless. The employee is then logged in, and any
    other session of theirs ends."""
    person, purpose = tokens.person_for(token)
    if person is None:
        return render_template("account/link_invalid.html"), 410
    form = ResetPasswordForm() if purpose == tokens.RESET else SetPasswordForm(
        data={"name": person.name})
    if form.validate_on_submit():
        with database.atomic():
            changes = {"password_hash": hash_password(form.password.data), "invited_at": None}
            if purpose != tokens.RESET:
                changes["name"] = form.name.data
            Person.update(**changes).where(Person.id == person.id).execute()
            revoke_all(person)
        person = Person.get_by_id(person.id)
        log_in(person, "password")
        flash(_("Your password is saved. You are logged in."))
        return redirect(url_for("main.home"))
    return render_template("account/set_password.html", form=form, purpose=purpose,
                           token=token, email=person.email), 422 if form.errors else 200


@bp.route("/forgot-password", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
@guards.public
def forgot_password():
    """Ask for a link to set a new password. The answer is the same for every address, so the
    page does not reveal who has an account."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        person = Person.get_or_none((Person.email == form.email.data) & Person.is_employee
                                    & Person.active)
        if person is not None:
            send_link(person, "password_reset", tokens.link_for(person, tokens.RESET))
        return render_template("account/forgot_sent.html")
    return render_template("account/forgot.html", form=form), 422 if form.errors else 200


@bp.route("/password", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
@guards.requires(policy.EMPLOYEE)
def change_password():
    """Change the password: the current one is required. Other sessions end."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        if not check_password(current_user, form.current.data):
            form.current.errors.append(_("The current password is wrong."))
        else:
            Person.update(password_hash=hash_password(form.password.data)).where(
                Person.id == current_user.id).execute()
            person = Person.get_by_id(current_user.id)
            revoke_all(person)
            start_session(person, "password")
            flash(_("Your password is changed. You are logged out everywhere else."))
            return redirect(url_for("main.home"))
    return render_template("account/password.html", form=form), 422 if form.errors else 200
