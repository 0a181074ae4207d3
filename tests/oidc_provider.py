"""The local OpenID provider in the tests: ``oidc/server.js`` (the npm package ``oidc-provider``,
pinned in ``oidc/package-lock.json``), started once per test session on a free port. The app
talks to it over HTTP exactly as it would to ID-porten: discovery, the authorization endpoint,
the token endpoint, the JWKS and the end-session endpoint. No part of the protocol is mocked.

- ``oidc_provider`` (session): the provider, and a live server of the test app its client's
  redirect URI points to (``provider.base``); ``make test`` installs ``oidc/node_modules``
  (``npm ci --prefix oidc``), and the fixture does the same when it is missing.
- ``idporten`` (function): turns ID-porten on in the app's configuration for one test.
- ``provider.authorize(url, user, acr)``: what a person does at the provider, over HTTP with
  its own cookies; returns the URL the provider sends the browser back to (the callback).
- ``provider.change_next_id_token("nonce" | "signature")``: the provider's test switch; the next
  id_token from its token endpoint carries a wrong nonce (re-signed with the provider's key) or
  a changed claim under the old signature (a tampered id_token).
- A second client, ``provider.jwt_client_id``, authenticates with ``private_key_jwt``: its
  private key is the PEM file ``provider.private_key`` (key id ``provider.key_id``), made for the
  test session; the provider knows only the public key.
"""

import json
import os
import secrets
import shutil
import subprocess
import threading
from datetime import date
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import requests
from joserfc.jwk import RSAKey
from werkzeug.serving import make_server

from webapp.identity import make_synthetic

OIDC_DIR = Path(__file__).resolve().parent.parent / "oidc"
CLIENT_ID = "stafettlogg-test"
HIGH = "idporten-loa-high"
SUBSTANTIAL = "idporten-loa-substantial"
# Fictional people with synthetic identity numbers (month + 80), as ID-porten's test users.
USERS = {
    "guardian": {"name": "Gunn Testføresett", "pid": make_synthetic(date(1986, 3, 14))},
    "second": {"name": "Geir Testføresett", "pid": make_synthetic(date(1984, 9, 2))},
    "stranger": {"name": "Ukjend Testperson", "pid": make_synthetic(date(1979, 11, 30))},
}


KEY_ID = "stafettlogg-test-key"


class Provider:
    def __init__(self, issuer, base, secret, private_key):
        self.issuer = issuer
        self.base = base
        self.secret = secret
        self.jwt_client_id = f"{CLIENT_ID}-jwt"
        self.private_key = private_key
        self.key_id = KEY_ID

    def authorize(self, url, user="guardian", acr=HIGH, cancel=False):
        """Open the authorization ``url`` at the provider, pick ``user`` and level ``acr`` (or
        cancel), and return the URL the provider redirects to on the app's side."""
        browser = requests.Session()
        response = browser.get(url, allow_redirects=False, timeout=10)
        for _ in range(10):
            location = response.headers.get("Location")
            if response.status_code == 200 and "/interaction/" in response.url:
                action = "cancel" if cancel else "login"
                response = browser.post(
                    response.url.rstrip("/") + f"/{action}",
                    data={"user": user, "acr": acr}, allow_redirects=False, timeout=10,
                )
                continue
            assert location, (response.status_code, response.text[:500])
            location = urljoin(response.url, location)
            if location.startswith(self.base):
                return location
            response = browser.get(location, allow_redirects=False, timeout=10)
        raise AssertionError("the provider did not send the browser back")

    def change_next_id_token(self, change):
        response = requests.post(f"{self.issuer}/test/next-id-token", params={"change": change},
                                 timeout=10)
        assert response.status_code == 204


def _install():
    if (OIDC_DIR / "node_modules" / "oidc-provider").is_dir():
        return
    npm = shutil.which("npm")
    if npm is None:
        pytest.fail("npm is missing: the local OpenID provider needs Node.js 20 and npm")
    subprocess.run([npm, "ci", "--prefix", str(OIDC_DIR), "--no-audit", "--no-fund"],
                   check=True, timeout=600)


def client_key(folder):
    """A fresh RSA key for the private_key_jwt client: the private key as a PEM file (what
    ``IDPORTEN_PRIVATE_KEY`` names) and the public key as a JWK Set (what is registered)."""
    key = RSAKey.generate_key(2048)
    path = folder / "client-key.pem"
    path.write_bytes(key.as_pem(private=True))
    public = key.as_dict(private=False)
    return str(path), {"keys": [{**public, "kid": KEY_ID, "alg": "RS256", "use": "sig"}]}


@pytest.fixture(scope="session")
def oidc_provider(app, tmp_path_factory):
    _install()
    private_key, public_jwks = client_key(tmp_path_factory.mktemp("oidc-client"))
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="idporten-app", daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    secret = secrets.token_urlsafe(24)
    env = {
        **os.environ,
        "OIDC_PORT": "0",
        "OIDC_CLIENT_ID": CLIENT_ID,
        "OIDC_CLIENT_SECRET": secret,
        "OIDC_REDIRECT_URIS": f"{base}/login/idporten/callback",
        "OIDC_POST_LOGOUT_URIS": f"{base}/login",
        "OIDC_USERS": json.dumps([{"id": key, **user} for key, user in USERS.items()]),
        "OIDC_TEST_SWITCHES": "1",
        "OIDC_JWT_CLIENT_JWKS": json.dumps(public_jwks),
        "NODE_NO_WARNINGS": "1",
    }
    process = subprocess.Popen(
        [shutil.which("node") or "node", str(OIDC_DIR / "server.js")], env=env,
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )
    try:
        line = process.stdout.readline().strip()
        if not line.startswith("listening "):
            pytest.fail(f"the local OpenID provider did not start: {line!r}")
        yield Provider(line.split(" ", 1)[1], base, secret, private_key)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        server.shutdown()
        thread.join(timeout=5)


@pytest.fixture
def idporten(app, oidc_provider):
    """ID-porten on, against the local provider, for one test (level: high; no code login)."""
    settings = {
        "IDPORTEN_ISSUER": oidc_provider.issuer,
        "IDPORTEN_CLIENT_ID": CLIENT_ID,
        "IDPORTEN_CLIENT_SECRET": oidc_provider.secret,
        "IDPORTEN_LEVEL": HIGH,
        "IDPORTEN_CODE_LOGIN_FALLBACK": False,
        "IDPORTEN_SIGN_MAX_AGE_MINUTES": 5,
        "PUBLIC_URL": oidc_provider.base,
    }
    saved = {key: app.config.get(key) for key in settings}
    app.config.update(settings)
    yield oidc_provider
    app.config.update(saved)


def path_of(url):
    """The path and query of ``url``, for the Flask test client."""
    parts = urlsplit(url)
    return parts.path + ("?" + parts.query if parts.query else "")
