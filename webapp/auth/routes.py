"""Logging in and out (SPEC §2, §5): employees with e-mail and password."""

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from webapp import policy
from webapp.auth.forms import LoginForm
from webapp.extensions import limiter
from webapp.models import Participant, Person, utcnow
from webapp.passwords import check_password
from webapp.safe_urls import safe_next
from webapp.sessions import end_session, start_session

bp = Blueprint("auth", __name__)


def _login_limit():
    return current_app.config["LOGIN_RATE_LIMIT"]


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
@policy.public
def login():
    """The employee login form; anyone may open it. A wrong e-mail or password gets the same
    message, so the form does not reveal who has an account."""
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        person = Person.get_or_none((Person.email == email) & Person.is_employee)
        if check_password(person, form.password.data) and person.active:
            start_session(person, method="password")
            activate_invitations(person)
            return redirect(safe_next(request.args.get("next")) or url_for("main.home"))
        error = _("The e-mail address or password is wrong.")
    status = 422 if form.errors or error else 200
    return render_template("auth/login.html", form=form, error=error), status


def activate_invitations(person):
    """A participant becomes active on first login (SPEC §2)."""
    (
        Participant.update(status=Participant.ACTIVE, activated_at=utcnow())
        .where((Participant.person == person) & (Participant.status == Participant.INVITED))
        .execute()
    )


@bp.route("/logout", methods=["POST"])
@policy.requires(policy.AUTHENTICATED)
def logout():
    """Log out; the session is deleted on the server and cannot be reused."""
    end_session(current_user)
    return redirect(url_for("auth.login"))
