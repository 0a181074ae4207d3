"""Logging in and out (SPEC §2, §5): employees with e-mail and password; guardians and youth
with a one-time code through a login provider (``webapp.auth.providers``)."""

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from webapp import guards, policy
from webapp.auth.forms import CodeRequestForm, CodeVerifyForm, LoginForm
from webapp.auth.providers import code_login, log_in, normalise_address
from webapp.extensions import limiter
from webapp.models import Person
from webapp.passwords import check_password
from webapp.safe_urls import safe_next
from webapp.sessions import current_session, end_session

bp = Blueprint("auth", __name__)


def _login_limit():
    return current_app.config["LOGIN_RATE_LIMIT"]


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
@guards.public
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
            log_in(person, "password")
            return redirect(safe_next(request.args.get("next")) or url_for("main.home"))
        error = _("The e-mail address or password is wrong.")
    status = 422 if form.errors or error else 200
    return render_template("auth/login.html", form=form, error=error), status


def _code_login_on():
    """With ID-porten configured the code login is off unless kept as a fallback."""
    from webapp.idporten.service import code_login_allowed

    return code_login_allowed()


def _address_limit():
    return current_app.config["CODE_LOGIN_ADDRESS_RATE_LIMIT"]


def _address_key():
    """Rate-limit key for asking for a code: the address asked for, as the sender sees it, so
    one address cannot be flooded with codes from many client addresses."""
    normalised = normalise_address(request.form.get("address"))
    return "code-address:%s:%s" % normalised if normalised else "code-address:invalid"


@bp.route("/login/code", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
@limiter.limit(_address_limit, key_func=_address_key, methods=["POST"])
@guards.public
def code_login_start():
    """Log in with a one-time code, step 1 (guardians and youth); anyone may open it.

    A code is queued only for an active family member's e-mail address or mobile number, but
    the answer is the same for every address, so the page does not reveal who takes part."""
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    if not _code_login_on():
        return redirect(url_for("idporten.start", next=request.args.get("next")))
    form = CodeRequestForm()
    if form.validate_on_submit():
        code_login.begin(form.address.data, safe_next(request.args.get("next")))
        return redirect(url_for("auth.code_login_verify"))
    status = 422 if form.errors else 200
    return render_template("auth/code_request.html", form=form), status


@bp.route("/login/code/verify", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
@guards.public
def code_login_verify():
    """Log in with a one-time code, step 2: write the code. Anyone may open it; which address
    is waiting for a code is kept in the session, never in the form."""
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    if not _code_login_on():
        return redirect(url_for("idporten.start"))
    pending = code_login.pending()
    if pending is None:
        return redirect(url_for("auth.code_login_start"))
    form = CodeVerifyForm()
    if form.validate_on_submit():
        person = code_login.complete(form.code.data)
        if person is not None:
            log_in(person, code_login.method)
            return redirect(safe_next(pending.get("next")) or url_for("main.home"))
        form.code.errors.append(
            _("The code is wrong or no longer valid. Check the code, or ask for a new one.")
        )
    status = 422 if form.errors else 200
    return render_template("auth/code_verify.html", form=form, pending=pending), status


@bp.route("/logout", methods=["POST"])
@guards.requires(policy.AUTHENTICATED)
def logout():
    """Log out; the session is deleted on the server and cannot be reused. After an ID-porten
    login the session at ID-porten ends too (its end_session_endpoint, which sends the person
    back to the login page)."""
    from webapp.idporten import service as idporten

    row = current_session(current_user)
    id_token = row.id_token if row is not None and row.method == "idporten" else None
    end_session(current_user)
    if id_token and idporten.configured():
        url = idporten.logout_url(id_token)
        if url:
            return redirect(url)
    return redirect(url_for("auth.login"))
