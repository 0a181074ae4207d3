"""The start page, the language choice and the icon."""

import os

from flask import (
    Blueprint,
    current_app,
    redirect,
    render_template,
    request,
    send_from_directory,
    session,
    url_for,
)
from flask_login import current_user

from webapp import guards, policy
from webapp.leader.service import quiet_plans_held_by
from webapp.messages.routes import unread_by_plan
from webapp.models import (
    Person,
    Transfer,
    count_plans_led_by,
    count_plans_of,
    page_of_plans_led_by,
    page_of_plans_of,
    pending_signatures_of,
)
from webapp.numbers import page_number
from webapp.safe_urls import safe_next

bp = Blueprint("main", __name__)

LED_PER_PAGE = 50
MINE_PER_PAGE = 50  # "my plans" (``?mine=``): a long-serving stafetthaldar's list stays short


@bp.route("/")
@guards.requires(policy.AUTHENTICATED)
def home():
    """"My plans": the plans the person takes part in; leaders also see their units' plans as
    metadata, with the transfers that wait (SPEC §3.6), and the receiving leader the transfers
    waiting for their answer (metadata only). Anyone logged in may open it."""
    mine_total = count_plans_of(current_user)
    mine_pages = max(1, -(-mine_total // MINE_PER_PAGE))
    mine_page = page_number(mine_pages, "mine")
    mine = page_of_plans_of(current_user, mine_page, MINE_PER_PAGE) if mine_total else []
    led, led_total = [], 0
    if current_user.is_employee:
        led_total = count_plans_led_by(current_user)
    pages = max(1, -(-led_total // LED_PER_PAGE))
    page = page_number(pages)
    if led_total:
        led = page_of_plans_led_by(current_user, page, LED_PER_PAGE)
    incoming = list(Transfer.waiting_for(current_user)) if current_user.is_employee else []
    return render_template(
        "main/home.html",
        to_sign=list(pending_signatures_of(current_user)),
        mine=mine,
        led=led,
        page=page,
        pages=pages,
        mine_page=mine_page,
        mine_pages=mine_pages,
        mine_links=_page_links("mine", mine_page, mine_pages, page=page),
        led_links=_page_links("page", page, pages, mine=mine_page),
        incoming=incoming,
        transfers=Transfer.waiting_in(led),
        may_lead=policy.can(current_user, policy.LEAD),
        quiet=quiet_plans_held_by(current_user, mine),
        quiet_weeks=current_app.config["QUIET_LOG_WEEKS"],
        unread=unread_by_plan(current_user, mine),
        may_create=policy.can(current_user, policy.CREATE_PLAN),
        may_report=policy.can(current_user, policy.REPORTS),
    )


def _page_links(name, current, last, **other):
    """The previous and next page of one of the home page's lists, keeping the other list's
    page (``other``; its first page is left out of the address)."""
    kept = {key: value for key, value in other.items() if value > 1}

    def link(number):
        return url_for("main.home", **kept, **({name: number} if number > 1 else {}))

    return {"prev": link(current - 1) if current > 1 else None,
            "next": link(current + 1) if current < last else None}


@bp.route("/language", methods=["POST"])
@guards.public
def set_language():
    """Choose nynorsk or bokmål; remembered in the session and, when logged in, for the user."""
    language = request.form.get("language")
    if language in current_app.config["LANGUAGES"]:
        session["language"] = language
        if current_user.is_authenticated:
            Person.update(language=language).where(Person.id == current_user.id).execute()
    return redirect(safe_next(request.form.get("next")) or url_for("main.home"))


@bp.route("/favicon.ico")
@guards.public
def favicon():
    """The icon at the address browsers and other clients ask for when a page names none
    (pages name static/img/favicon.svg). Anyone may fetch it."""
    return send_from_directory(os.path.join(current_app.static_folder, "img"), "favicon.ico",
                               mimetype="image/vnd.microsoft.icon")


@bp.route("/plain-language", methods=["POST"])
@guards.requires(policy.AUTHENTICATED)
def plain_language():
    """The plain-language figures (sentence length, LIX) of the text being written, for htmx
    as you type. Anyone logged in: it reads only the posted text, nothing stored."""
    from webapp.plainlang import readability

    text = request.form.get("text") or request.form.get("body") or request.form.get(
        "overview") or ""
    return render_template("_plainlang.html", readability=readability(text[:50_000]))
