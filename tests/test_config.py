"""Configuration from the environment (webapp/config.py): safe defaults for development, and a
production that refuses to start without a real secret key."""

import pytest

from webapp import create_app
from webapp.config import DEV_SECRET, ConfigError, from_environment

INSTANCE = "instance"
LONG_SECRET = "0123456789abcdef" * 4
PRODUCTION = {"STAFETTLOGG_ENV": "production", "SECRET_KEY": LONG_SECRET,
              "SMS_GATEWAY_URL": "https://sms.example/send",
              "PUBLIC_URL": "https://stafettlogg.testvik.example"}


def test_development_defaults():
    config = from_environment(INSTANCE, {})
    assert config["ENV_NAME"] == "development"
    assert config["SECRET_KEY"] == DEV_SECRET
    assert config["DATABASE_URL"] == "sqlite:///instance/stafettlogg.sqlite3"
    assert config["ALLOW_SYNTHETIC_IDS"] is True
    assert config["SESSION_COOKIE_HTTPONLY"] is True
    assert config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert config["PUBLIC_URL"] == "http://127.0.0.1:5000"  # where ``make run`` serves
    assert config["MESSAGE_RATE_LIMIT"] == "20 per minute;200 per day"
    assert config["NOTIFY_WINDOW_MINUTES"] == 15


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
    assert config["PUBLIC_URL"] == "https://stafettlogg.testvik.example"


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


@pytest.mark.parametrize("url", [None, "", "http://stafettlogg.testvik.example",
                                 "stafettlogg.testvik.example", "https://", "https:///login"])
def test_production_refuses_a_missing_or_plain_http_public_url(url):
    """Every e-mail and text message links to PUBLIC_URL: production needs the real https
    address, not the development default (issue 8 item 2)."""
    env = dict(PRODUCTION)
    if url is None:
        del env["PUBLIC_URL"]
    else:
        env["PUBLIC_URL"] = url
    with pytest.raises(ConfigError, match="PUBLIC_URL"):
        from_environment(INSTANCE, env)


@pytest.mark.parametrize("url", ["ftp://stafettlogg.example", "javascript:alert(1)", "/login"])
def test_a_public_url_that_is_no_web_address_is_refused_in_development_too(url):
    with pytest.raises(ConfigError, match="PUBLIC_URL"):
        from_environment(INSTANCE, {"PUBLIC_URL": url})


def test_settings_come_from_the_environment():
    config = from_environment(INSTANCE, {
        "DATABASE_URL": "postgresql://app@db/stafettlogg", "SESSION_IDLE_MINUTES": "15",
        "LOGIN_RATE_LIMIT": "5 per minute", "SMTP_PORT": "2525", "SMTP_STARTTLS": "yes",
        "PUBLIC_URL": "https://stafettlogg.testvik.example/",
        "MESSAGE_RATE_LIMIT": "5 per minute", "NOTIFY_WINDOW_MINUTES": "30",
    })
    assert config["MESSAGE_RATE_LIMIT"] == "5 per minute"
    assert config["NOTIFY_WINDOW_MINUTES"] == 30
    assert config["PUBLIC_URL"] == "https://stafettlogg.testvik.example"  # no double slash
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
