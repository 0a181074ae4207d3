"""Configuration from environment variables, with safe defaults for development.

Every setting can be given as an environment variable of the same name. Production
(``STAFETTLOGG_ENV=production``) refuses to start without a real ``SECRET_KEY``, an SMS gateway
and the https address the notifications link to (``PUBLIC_URL``).
"""

import os
from datetime import timedelta
from urllib.parse import urlsplit

DEV_SECRET = "dev-only-not-secret"  # noqa: S105 - a marker that production refuses
DEV_PUBLIC_URL = "http://127.0.0.1:5000"  # where ``make run`` serves


def _bool(value, default=False):
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


class ConfigError(RuntimeError):
    """Raised when the configuration is not safe to run with."""


def from_environment(instance_path, env=None):
    """Build the configuration mapping from ``env`` (default: ``os.environ``)."""
    env = os.environ if env is None else env
    mode = env.get("STAFETTLOGG_ENV", "development")
    production = mode == "production"
    config = {
        "ENV_NAME": mode,
        "SECRET_KEY": env.get("SECRET_KEY", DEV_SECRET),
        # The address every e-mail and text message links to (webapp/notify.py).
        "PUBLIC_URL": env.get("PUBLIC_URL", "" if production else DEV_PUBLIC_URL).rstrip("/"),
        "DATABASE_URL": env.get(
            "DATABASE_URL", "sqlite:///" + os.path.join(instance_path, "stafettlogg.sqlite3")
        ),
        # Synthetic identity numbers (month + 80) are for demo and test data only (SPEC §3.1.3).
        "ALLOW_SYNTHETIC_IDS": _bool(env.get("ALLOW_SYNTHETIC_IDS"), default=not production),
        "RATELIMIT_STORAGE_URI": env.get("RATELIMIT_STORAGE_URI", "memory://"),
        "LOGIN_RATE_LIMIT": env.get("LOGIN_RATE_LIMIT", "10 per minute;50 per hour"),
        # Asking for a login code, per e-mail address or mobile number (LOGIN_RATE_LIMIT is per
        # client address and applies as well).
        "CODE_LOGIN_ADDRESS_RATE_LIMIT": env.get(
            "CODE_LOGIN_ADDRESS_RATE_LIMIT", "3 per 10 minutes;10 per day"
        ),
        # Messages one person may send (webapp/messages), counted per author.
        "MESSAGE_RATE_LIMIT": env.get("MESSAGE_RATE_LIMIT", "20 per minute;200 per day"),
        # At most one notification of new items (and one of meetings) per person and plan
        # within this many minutes (webapp/notify.py); 0 turns the window off.
        "NOTIFY_WINDOW_MINUTES": int(env.get("NOTIFY_WINDOW_MINUTES", "15")),
        # A log with no entry on its timeline for this many weeks is "quiet": flagged to its
        # stafetthaldar on "my plans" and in the leader's review (SPEC §4, webapp/leader).
        "QUIET_LOG_WEEKS": int(env.get("QUIET_LOG_WEEKS", "6")),
        # The leader's review lists the unit's employees not logged in for this many months.
        "IDLE_EMPLOYEE_MONTHS": int(env.get("IDLE_EMPLOYEE_MONTHS", "3")),
        "SESSION_IDLE_MINUTES": int(env.get("SESSION_IDLE_MINUTES", "30")),
        "SESSION_ABSOLUTE_HOURS": int(env.get("SESSION_ABSOLUTE_HOURS", "12")),
        "SESSION_COOKIE_NAME": "__Host-stafettlogg" if production else "stafettlogg",
        "SESSION_COOKIE_SECURE": production or _bool(env.get("SESSION_COOKIE_SECURE")),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=int(env.get("SESSION_ABSOLUTE_HOURS", "12"))),
        "REMEMBER_COOKIE_DURATION": timedelta(seconds=0),
        "WTF_CSRF_TIME_LIMIT": None,  # the session's own lifetime bounds the token
        "BABEL_DEFAULT_LOCALE": "nn",
        "BABEL_DEFAULT_TIMEZONE": "Europe/Oslo",  # times are stored in UTC, shown in Oslo
        "BABEL_TRANSLATION_DIRECTORIES": os.path.join(
            os.path.dirname(os.path.dirname(__file__)), "translations"
        ),
        "LANGUAGES": ("nn", "nb"),
        "MAX_CONTENT_LENGTH": 10 * 1024 * 1024,
        # Outbox sender (webapp/outbox.py). The defaults suit a local test mail server such as
        # ``python -m aiosmtpd -n -l localhost:1025``; nothing is sent anywhere by default.
        "SMTP_HOST": env.get("SMTP_HOST", "localhost"),
        "SMTP_PORT": int(env.get("SMTP_PORT", "1025")),
        "SMTP_USERNAME": env.get("SMTP_USERNAME", ""),
        "SMTP_PASSWORD": env.get("SMTP_PASSWORD", ""),
        "SMTP_STARTTLS": _bool(env.get("SMTP_STARTTLS")),
        "SMTP_TIMEOUT": float(env.get("SMTP_TIMEOUT", "10")),
        "MAIL_FROM": env.get("MAIL_FROM", "Stafettlogg <noreply@localhost>"),
        # console (logs the text, codes included: development only) | http
        "SMS_GATEWAY": env.get("SMS_GATEWAY", "http" if production else "console"),
        "SMS_GATEWAY_URL": env.get("SMS_GATEWAY_URL", ""),
        "SMS_GATEWAY_TOKEN": env.get("SMS_GATEWAY_TOKEN", ""),
        # A message that failed this many times is set aside (dead letter) for an operator:
        # ``flask --app run outbox dead`` lists them, ``outbox retry`` queues them again.
        # 12 tries span about seven hours of backoff (1, 2, 4 ... minutes, then hourly).
        "OUTBOX_MAX_ATTEMPTS": int(env.get("OUTBOX_MAX_ATTEMPTS", "12")),
        # Signs the audit trail's checkpoints (webapp/auditchain.py, ``flask audit checkpoint``);
        # unset, a key derived from SECRET_KEY. Keep it elsewhere than the database.
        "AUDIT_CHECKPOINT_KEY": env.get("AUDIT_CHECKPOINT_KEY", ""),
        # Send due messages after each request; unset means: only in development, not in tests.
        "OUTBOX_SEND_AFTER_REQUEST": (
            _bool(env["OUTBOX_SEND_AFTER_REQUEST"]) if "OUTBOX_SEND_AFTER_REQUEST" in env else None
        ),
        # ID-porten (webapp/idporten), on when the issuer and the client id are set.
        "IDPORTEN_ISSUER": env.get("IDPORTEN_ISSUER", "").rstrip("/"),
        "IDPORTEN_CLIENT_ID": env.get("IDPORTEN_CLIENT_ID", ""),
        "IDPORTEN_CLIENT_SECRET": env.get("IDPORTEN_CLIENT_SECRET", ""),
        "IDPORTEN_PRIVATE_KEY": env.get("IDPORTEN_PRIVATE_KEY", ""),
        "IDPORTEN_PRIVATE_KEY_ID": env.get("IDPORTEN_PRIVATE_KEY_ID", ""),
        "IDPORTEN_LEVEL": env.get("IDPORTEN_LEVEL", "idporten-loa-high"),
        "IDPORTEN_CODE_LOGIN_FALLBACK": _bool(env.get("IDPORTEN_CODE_LOGIN_FALLBACK")),
        "IDPORTEN_SIGN_MAX_AGE_MINUTES": int(env.get("IDPORTEN_SIGN_MAX_AGE_MINUTES", "5")),
        "IDPORTEN_PID_KEY": env.get("IDPORTEN_PID_KEY", ""),
    }
    if production and (config["SECRET_KEY"] == DEV_SECRET or len(config["SECRET_KEY"]) < 32):
        raise ConfigError(
            "SECRET_KEY must be set to a long random value in production "
            "(e.g. python -c 'import secrets; print(secrets.token_hex(32))')."
        )
    _check_public_url(config["PUBLIC_URL"], production)
    _check_idporten(config, production)
    if production and config["SMS_GATEWAY"] != "http":
        raise ConfigError(
            "SMS_GATEWAY must be 'http' in production: the console gateway writes one-time "
            "codes to the log."
        )
    if production and config["SMS_GATEWAY"] == "http" and not config["SMS_GATEWAY_URL"]:
        raise ConfigError("SMS_GATEWAY_URL must be set in production (the SMS gateway).")
    return config


IDPORTEN_LEVELS = ("idporten-loa-substantial", "idporten-loa-high")


def _check_idporten(config, production):
    if config["IDPORTEN_LEVEL"] not in IDPORTEN_LEVELS:
        raise ConfigError("IDPORTEN_LEVEL must be idporten-loa-substantial or idporten-loa-high.")
    if not config["IDPORTEN_ISSUER"]:
        return
    if not config["IDPORTEN_CLIENT_ID"]:
        raise ConfigError("IDPORTEN_CLIENT_ID must be set when IDPORTEN_ISSUER is.")
    if not (config["IDPORTEN_CLIENT_SECRET"] or config["IDPORTEN_PRIVATE_KEY"]):
        raise ConfigError(
            "Set IDPORTEN_CLIENT_SECRET or IDPORTEN_PRIVATE_KEY (a PEM file) for ID-porten."
        )
    if production and len(config["IDPORTEN_PID_KEY"]) < 32:
        raise ConfigError(
            "IDPORTEN_PID_KEY must be a long random value in production: it keys the hash of "
            "the identity numbers, and must never change once numbers are registered."
        )
    if production and not config["IDPORTEN_ISSUER"].startswith("https://"):
        raise ConfigError("IDPORTEN_ISSUER must be an https address in production.")


def _check_public_url(url, production):
    parts = urlsplit(url)
    if production and (parts.scheme != "https" or not parts.netloc):
        raise ConfigError(
            "PUBLIC_URL must be set to the service's https address in production (e.g. "
            "https://stafettlogg.kommune.no): every e-mail and text message links to it."
        )
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(f"PUBLIC_URL must be an http(s) address, not {url!r}.")
