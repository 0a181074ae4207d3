"""Configuration from the environment (webapp/config.py): safe defaults for development, and a
production that refuses to start without a real secret key."""

import pytest

from webapp import create_app
from webapp.config import DEV_SECRET, ConfigError, from_environment

INSTANCE = "instance"
LONG_SECRET = "0123456789abcdef" * 4
PRODUCTION = {"STAFETTLOGG_ENV": "production", "SECRET_KEY": LONG_SECRET,
              "SMS_GATEWAY_URL": "https://sms.example/send"}


def test_development_defaults():
    config = from_environment(INSTANCE, {})
    assert config["ENV_NAME"] == "development"
    assert config["SECRET_KEY"] == DEV_SECRET
    assert config["DATABASE_URL"] == "sqlite:///instance/stafettlogg.sqlite3"
    assert config["ALLOW_SYNTHETIC_IDS"] is True
    assert config["SESSION_COOKIE_HTTPONLY"] is True
    assert config["SESSION_COOKIE_SAMESITE"] == "Lax"


@pytest.mark.parametrize("secret", [None, "", DEV_SECRET, "short", "x" * 31])
def test_production_refuses_a_missing_or_short_secret_key(secret):
    env = dict(PRODUCTION)
    if secret is None:
        del env["SECRET_KEY"]
    else:
        env["SECRET_KEY"] = secret
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        from_environment(INSTANCE, env)


def test_production_with_a_real_secret_key():
    config = from_environment(INSTANCE, PRODUCTION)
    assert config["SECRET_KEY"] == LONG_SECRET
    assert config["ALLOW_SYNTHETIC_IDS"] is False  # synthetic identity numbers off by default
    assert config["SESSION_COOKIE_SECURE"] is True
    assert config["SESSION_COOKIE_NAME"].startswith("__Host-")
    assert config["SMS_GATEWAY"] == "http"


def test_synthetic_ids_in_production_only_when_set_explicitly():
    assert from_environment(INSTANCE, {**PRODUCTION, "ALLOW_SYNTHETIC_IDS": "1"})[
        "ALLOW_SYNTHETIC_IDS"] is True
    assert from_environment(INSTANCE, {"ALLOW_SYNTHETIC_IDS": "0"})[
        "ALLOW_SYNTHETIC_IDS"] is False


def test_production_refuses_the_console_sms_gateway_and_a_missing_gateway():
    with pytest.raises(ConfigError, match="SMS_GATEWAY"):
        from_environment(INSTANCE, {**PRODUCTION, "SMS_GATEWAY": "console"})
    env = dict(PRODUCTION)
    del env["SMS_GATEWAY_URL"]
    with pytest.raises(ConfigError, match="SMS_GATEWAY_URL"):
        from_environment(INSTANCE, env)


def test_settings_come_from_the_environment():
    config = from_environment(INSTANCE, {
        "DATABASE_URL": "postgresql://app@db/stafettlogg", "SESSION_IDLE_MINUTES": "15",
        "LOGIN_RATE_LIMIT": "5 per minute", "SMTP_PORT": "2525", "SMTP_STARTTLS": "yes",
    })
    assert config["DATABASE_URL"] == "postgresql://app@db/stafettlogg"
    assert config["SESSION_IDLE_MINUTES"] == 15
    assert config["LOGIN_RATE_LIMIT"] == "5 per minute"
    assert config["SMTP_PORT"] == 2525
    assert config["SMTP_STARTTLS"] is True


def test_the_app_does_not_start_in_production_without_a_secret_key(monkeypatch):
    monkeypatch.setenv("STAFETTLOGG_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app()
