"""ID-porten (OpenID Connect) for guardians and youth: login, and the fresh authentication that
signing a consent needs (issue 12; docs/access-model.md, "ID-porten").

The protocol is Authlib's (pinned in pyproject.toml): authorization code flow with PKCE (S256),
``state`` and ``nonce`` kept in the Flask session by Authlib, the provider's endpoints from its
``.well-known/openid-configuration``, and the id_token checked against the provider's JWKS
(signature), issuer, audience, expiry and nonce. On top of that this module checks the level
(``acr``) against ``IDPORTEN_LEVEL`` and finds the person by a keyed hash of ``pid`` (the national
identity number the stafetthaldar registered; the number itself is never stored).

Everything that can go wrong ends in a ``Refusal`` with a ``kind`` the refusal page explains in
nn and nb; nothing here answers 500 for something the provider or the browser sent.
"""

import hashlib
import hmac
import logging
from datetime import UTC, datetime, timedelta

import requests
from authlib.integrations.base_client import MismatchingStateError, OAuthError
from authlib.integrations.flask_client import OAuth
from authlib.oauth2.rfc7523 import PrivateKeyJWT
from flask import current_app, session
from flask_babel import get_locale
from joserfc.errors import BadSignatureError, ClaimError, DecodeError, JoseError

from webapp.config import IDPORTEN_LEVELS
from webapp.models import AuthSession, Person, utcnow

log = logging.getLogger(__name__)

FLOW_KEY = "idporten_flow"
SCOPE = "openid profile"
AMR_SEPARATOR = " "


class Refusal(Exception):
    """A login or step-up that is not accepted; ``kind`` names the reason for the page."""

    def __init__(self, kind, detail=""):
        super().__init__(f"{kind}: {detail}")
        self.kind = kind


# --- Settings --------------------------------------------------------------------------------


def configured(config=None):
    config = config or current_app.config
    return bool(config.get("IDPORTEN_ISSUER") and config.get("IDPORTEN_CLIENT_ID"))


def code_login_allowed(config=None):
    """The one-time code (login and signing) for family members: on unless ID-porten is
    configured, where ``IDPORTEN_CODE_LOGIN_FALLBACK`` may keep it."""
    config = config or current_app.config
    return not configured(config) or bool(config.get("IDPORTEN_CODE_LOGIN_FALLBACK"))


def level_is_enough(acr, required=None):
    """``acr`` is at least the required level (``high`` covers ``substantial``)."""
    required = required or current_app.config["IDPORTEN_LEVEL"]
    if acr not in IDPORTEN_LEVELS:
        return False
    return IDPORTEN_LEVELS.index(acr) >= IDPORTEN_LEVELS.index(required)


def pid_hash(pid):
    """The keyed hash kept instead of the identity number (HMAC-SHA-256 with
    ``IDPORTEN_PID_KEY``, or in development a key derived from ``SECRET_KEY``)."""
    config = current_app.config
    key = config.get("IDPORTEN_PID_KEY") or hmac.new(
        config["SECRET_KEY"].encode(), b"idporten-pid", hashlib.sha256
    ).hexdigest()
    return hmac.new(key.encode(), pid.encode(), hashlib.sha256).hexdigest()


def callback_url():
    """The redirect URI registered at ID-porten: ``PUBLIC_URL`` + the callback path."""
    return current_app.config["PUBLIC_URL"] + "/login/idporten/callback"


def post_logout_url():
    return current_app.config["PUBLIC_URL"] + "/login"


# --- The client --------------------------------------------------------------------------------


def client():
    """Authlib's client for the configured provider, made once per configuration."""
    config = current_app.config
    key = tuple(config.get(name) for name in (
        "IDPORTEN_ISSUER", "IDPORTEN_CLIENT_ID", "IDPORTEN_CLIENT_SECRET",
        "IDPORTEN_PRIVATE_KEY", "IDPORTEN_PRIVATE_KEY_ID"))
    cache = current_app.extensions.setdefault("idporten_clients", {})
    if key not in cache:
        registry = OAuth()
        registry.app = current_app._get_current_object()
        options = {
            "client_id": config["IDPORTEN_CLIENT_ID"],
            "server_metadata_url": config["IDPORTEN_ISSUER"] + "/.well-known/openid-configuration",
            "client_kwargs": {"scope": SCOPE, "code_challenge_method": "S256", "timeout": 10},
        }
        if config.get("IDPORTEN_PRIVATE_KEY"):
            with open(config["IDPORTEN_PRIVATE_KEY"], encoding="ascii") as pem:
                options["client_secret"] = pem.read()
            options["client_kwargs"]["token_endpoint_auth_method"] = "private_key_jwt"  # noqa: S105
            kid = config.get("IDPORTEN_PRIVATE_KEY_ID")
            headers = {"kid": kid} if kid else None
            options["client_auth_methods"] = [PrivateKeyJWT(headers=headers)]
        else:
            options["client_secret"] = config["IDPORTEN_CLIENT_SECRET"]
        cache[key] = registry.register("idporten", **options)
    return cache[key]


# --- The flow ----------------------------------------------------------------------------------


def begin(purpose, step_up=False, **remember):
    """Redirect to ID-porten. ``purpose`` is ``login`` or ``sign``; ``remember`` (where to go
    next, which consent) is kept in the session until the callback. A step-up (signing) asks
    for a new authentication (``prompt=login``, ``max_age``) whatever ID-porten's own session."""
    config = current_app.config
    extra = {
        "acr_values": config["IDPORTEN_LEVEL"],
        "ui_locales": str(get_locale() or "nn"),
    }
    if step_up:
        extra["prompt"] = "login"
        extra["max_age"] = config["IDPORTEN_SIGN_MAX_AGE_MINUTES"] * 60
    try:
        response = client().authorize_redirect(callback_url(), **extra)
    except (requests.RequestException, ValueError, KeyError, RuntimeError) as error:
        log.warning("ID-porten discovery failed: %s", error)
        raise Refusal("unavailable", str(error)) from error
    session[FLOW_KEY] = {"purpose": purpose, **remember}
    return response


def pending_flow():
    return session.get(FLOW_KEY)


def complete():
    """Handle the callback: returns ``(flow, claims, id_token)`` or raises ``Refusal``."""
    from flask import request

    flow = session.pop(FLOW_KEY, None)
    config = current_app.config
    the_client = client()
    try:
        issuer = the_client.load_server_metadata().get("issuer")
        token = the_client.authorize_access_token(claims_options={
            "iss": {"essential": True, "value": issuer},
            "aud": {"essential": True, "value": config["IDPORTEN_CLIENT_ID"]},
            "exp": {"essential": True},
        })
    except MismatchingStateError as error:
        raise Refusal("state") from error
    except OAuthError as error:
        if request.args.get("error"):
            kind = "cancelled" if error.error == "access_denied" else "provider_error"
            raise Refusal(kind, error.error) from error
        # The token endpoint refused the code: used before, expired or not ours.
        raise Refusal("code", error.error) from error
    except (BadSignatureError, DecodeError) as error:
        raise Refusal("signature", str(error)) from error
    except ClaimError as error:
        raise Refusal("nonce" if error.claim == "nonce" else "token", error.claim) from error
    except JoseError as error:
        raise Refusal("signature", str(error)) from error
    except requests.RequestException as error:
        raise Refusal("unavailable", str(error)) from error
    if flow is None:
        raise Refusal("state", "no flow")
    claims = token.get("userinfo") or {}
    if not claims:
        raise Refusal("token", "no id_token")
    if not level_is_enough(claims.get("acr")):
        raise Refusal("level", claims.get("acr") or "")
    pid = claims.get("pid")
    if not pid:
        raise Refusal("unknown", "no pid")
    return flow, claims, token["id_token"]


def person_for(claims):
    """The active family member whose registered identity number is the login's ``pid``."""
    return Person.get_or_none(
        (Person.pid_hash == pid_hash(claims["pid"])) & Person.active & ~Person.is_employee
    )


def authentication_of(claims, id_token):
    """What an AuthSession records of an ID-porten authentication."""
    auth_time = claims.get("auth_time")
    when = (
        datetime.fromtimestamp(int(auth_time), UTC).replace(tzinfo=None) if auth_time else utcnow()
    )
    amr = claims.get("amr") or []
    if isinstance(amr, str):
        amr = [amr]
    return {
        "acr": claims.get("acr"),
        "amr": AMR_SEPARATOR.join(str(a) for a in amr)[:100],
        "auth_time": when,
        "id_token": id_token,
    }


def fresh_authentication(person):
    """The current session's ID-porten authentication if it is recent enough to sign with (at
    the required level, at most ``IDPORTEN_SIGN_MAX_AGE_MINUTES`` old), else ``None``."""
    token = getattr(person, "session_token", None)
    row = AuthSession.get_or_none(AuthSession.token == token) if token else None
    if row is None or row.method != "idporten" or row.auth_time is None:
        return None
    if not level_is_enough(row.acr):
        return None
    age = utcnow() - row.auth_time
    if age > timedelta(minutes=current_app.config["IDPORTEN_SIGN_MAX_AGE_MINUTES"]):
        return None
    return {"acr": row.acr, "amr": row.amr or "", "authenticated_at": row.auth_time}


def logout_url(id_token):
    """ID-porten's end_session_endpoint with ``id_token_hint`` and ``post_logout_redirect_uri``,
    or ``None`` when the provider cannot be reached (the local session ends anyway)."""
    try:
        return client().create_logout_url(
            post_logout_redirect_uri=post_logout_url(), id_token_hint=id_token,
            ui_locales=str(get_locale() or "nn"),
        )["url"]
    except (requests.RequestException, RuntimeError, ValueError) as error:
        log.warning("ID-porten logout not reached: %s", error)
        return None
