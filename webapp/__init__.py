"""Stafettlogg: a shared, consent-based log around a child, following the BTI model."""

import os
from urllib.parse import urlsplit

from flask import Flask, render_template, request
from flask_wtf.csrf import CSRFError

from webapp import db, deferred, delivery, labels, nav
from webapp.config import from_environment
from webapp.extensions import (
    babel,
    csrf,
    htmx,
    install_template_translations,
    limiter,
    login_manager,
    select_locale,
)
from webapp.numbers import IdConverter

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'; object-src 'none'"
)




def create_app(config=None):
    """Application factory. ``config`` overrides settings read from the environment."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    app = Flask(
        __name__,
        instance_path=os.path.join(root, "instance"),
        template_folder=os.path.join(root, "templates"),
        static_folder=os.path.join(root, "static"),
    )
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.from_mapping(from_environment(app.instance_path))
    if config:
        app.config.from_mapping(config)
    # Before any route is added: every <int:...> is bounded (webapp/numbers.py).
    app.url_map.converters["int"] = IdConverter

    db.init_app(app)
    deferred.init_app(app)
    delivery.init_app(app)
    csrf.init_app(app)
    htmx.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_message = None
    babel.init_app(app, locale_selector=select_locale)
    install_template_translations(app)

    from webapp import sessions  # noqa: F401 - registers the user loader

    for blueprint in _blueprints():
        app.register_blueprint(blueprint)

    from webapp import outbox

    outbox.init_app(app)

    from webapp.cli import register_commands

    register_commands(app)
    labels.register(app)
    nav.register(app)
    _register_errors(app)
    _register_headers(app)
    return app


def _blueprints():
    """Every area, each a package with ``routes.bp``; the plan's areas in the routine's order.
    Imported here, by name, so that grep and import tools see which modules the app loads."""
    import webapp.accesslog.routes
    import webapp.account.routes
    import webapp.admin.routes
    import webapp.archive.routes
    import webapp.auth.routes
    import webapp.consent.routes
    import webapp.dev.routes
    import webapp.display.routes
    import webapp.goals.routes
    import webapp.idporten.routes
    import webapp.leader.routes
    import webapp.lysglimt.routes
    import webapp.main.routes
    import webapp.meetings.routes
    import webapp.messages.routes
    import webapp.minutes.routes
    import webapp.overview.routes
    import webapp.participants.routes
    import webapp.plans.routes
    import webapp.reports.routes
    import webapp.timeline.routes
    import webapp.transfers.routes

    return tuple(area.routes.bp for area in (
        webapp.auth, webapp.main, webapp.plans, webapp.consent, webapp.participants,
        webapp.overview, webapp.goals, webapp.meetings, webapp.minutes, webapp.display,
        webapp.messages, webapp.timeline, webapp.transfers, webapp.archive, webapp.dev,
        webapp.account, webapp.admin,
        webapp.leader,
        webapp.idporten,
        webapp.lysglimt,
        webapp.accesslog,
        webapp.reports,
    ))


def _register_errors(app):
    def page(template, status):
        def handler(error):
            return render_template(template, error=error), status

        return handler

    app.register_error_handler(403, page("errors/403.html", 403))
    app.register_error_handler(404, page("errors/404.html", 404))
    app.register_error_handler(405, page("errors/404.html", 405))
    app.register_error_handler(429, page("errors/429.html", 429))
    app.register_error_handler(CSRFError, page("errors/csrf.html", 400))
    app.register_error_handler(500, page("errors/500.html", 500))


def _csp(app):
    """The policy; with ID-porten configured, forms may also lead there (logging out and
    signing POST here, then redirect to ID-porten, which ``form-action`` covers)."""
    issuer = app.config.get("IDPORTEN_ISSUER")
    if not issuer:
        return CSP
    parts = urlsplit(issuer)
    return CSP.replace("form-action 'self'", f"form-action 'self' {parts.scheme}://{parts.netloc}")


def _register_headers(app):
    @app.after_request
    def security_headers(response):
        response.headers.setdefault("Content-Security-Policy", _csp(app))
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
        if request.endpoint != "static":
            # Pages may hold personal data: never keep them in a cache (TECH.md).
            response.headers["Cache-Control"] = "no-store"
        if app.config["SESSION_COOKIE_SECURE"]:
            response.headers["Strict-Transport-Security"] = "max-age=31536000"
        return response
