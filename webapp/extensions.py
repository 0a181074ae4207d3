"""Flask extensions, created here and bound to the app in ``create_app``."""

from flask import g, has_request_context, request, session
from flask_babel import Babel, Domain
from flask_htmx import HTMX
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager, current_user
from flask_wtf import CSRFProtect
from werkzeug.utils import cached_property

csrf = CSRFProtect()
htmx = HTMX()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.session_protection = "strong"


def select_locale():
    """The user's saved language, else the session's, else nynorsk (SPEC §1)."""
    from flask import current_app

    if not has_request_context():  # a command or a test: no user, no session
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    languages = current_app.config["LANGUAGES"]
    if current_user.is_authenticated and current_user.language in languages:
        return current_user.language
    if session.get("language") in languages:
        return session["language"]
    return request.accept_languages.best_match(languages) or "nn"


class _RequestDomain(Domain):
    """Flask-Babel's message domain, with the catalogue looked up once per request and locale.

    Flask-Babel looks up the request's context, domain and locale again for every string it
    translates: on the family's plan page that was half of the rendering time
    (bench/profile_page.py), and the routine's step titles (lazy strings) go the same way. The
    catalogue found is kept with the locale it is for, so a ``force_locale`` block (a
    notification in its recipient's language) still gets its own.
    """

    def get_translations(self):
        if not g:  # outside an app context: Flask-Babel's own answer (no translations)
            return super().get_translations()
        ctx = g.get("_flask_babel")
        if ctx is not None:
            kept = getattr(ctx, "stafettlogg_translations", None)
            locale = getattr(ctx, "babel_locale", None)
            if kept is not None and locale is not None and kept[0] is locale:
                return kept[1]
        translations = super().get_translations()
        ctx = g.get("_flask_babel")
        if ctx is not None:
            ctx.stafettlogg_translations = (getattr(ctx, "babel_locale", None), translations)
        return translations


class _Babel(Babel):
    @cached_property
    def domain_instance(self):
        return _RequestDomain(domain=self.domain)


babel = _Babel()


def install_template_translations(app):
    """The templates' ``_``, ``gettext`` and ``ngettext`` straight to the default domain's
    ``_RequestDomain.get_translations`` (after ``babel.init_app``, which installs
    Flask-Babel's own, which looks the domain up again for every string)."""
    def catalogue():
        return babel.domain_instance.get_translations()

    app.jinja_env.install_gettext_callables(
        gettext=lambda s: catalogue().ugettext(s),
        ngettext=lambda s, p, n: catalogue().ungettext(s, p, n),
        pgettext=lambda c, s: catalogue().upgettext(c, s),
        npgettext=lambda c, s, p, n: catalogue().unpgettext(c, s, p, n),
        newstyle=True,
    )
