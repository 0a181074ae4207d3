"""What is sent (issue 13, webapp/delivery.py): compressed pages and static files, a version in
every static URL with a year's caching, and the guardian's plan page under 30 KB sent with its
CSS and JavaScript (counted in compressed bytes, as a browser receives them)."""

import re

from tests.conftest import sign_in
from webapp.delivery import YEAR

BROWSER = {"Accept-Encoding": "gzip, deflate, br, zstd"}


def _assets(html):
    return (re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)
            + re.findall(r'<script src="([^"]+)"', html))


def test_the_guardians_plan_page_is_under_30_kb_sent_with_its_css_and_js(app, world):
    plan = world.plan("valid_consent")
    client = sign_in(app.test_client(), plan.guardians[0])
    page = client.get(f"/plans/{plan.id}", headers=BROWSER)
    assert page.status_code == 200
    assert page.headers["Content-Encoding"] in ("zstd", "br", "gzip", "deflate")
    sent = len(page.data)  # the compressed bytes, as sent
    assets = _assets(client.get(f"/plans/{plan.id}").text)  # the page uncompressed, to read
    assert any(a.endswith(".css") or ".css?" in a for a in assets)
    # The family's plan page loads no script (it works without); an employee's pages load htmx.
    for url in assets:
        response = client.get(url, headers=BROWSER)
        assert response.status_code == 200, url
        assert response.headers.get("Content-Encoding") in ("zstd", "br", "deflate"), url
        sent += len(response.data)
        response.close()
    assert sent < 30 * 1024, sent


def test_static_urls_carry_a_content_version_and_are_cached_for_a_year(client):
    html = client.get("/login").text
    css = next(a for a in _assets(html) if "/css/" in a)
    assert re.fullmatch(r"/static/css/app\.css\?v=[0-9a-f]{12}", css), css
    cached = client.get(css)
    control = cached.headers["Cache-Control"]
    assert f"max-age={YEAR}" in control and "immutable" in control and "public" in control
    cached.close()
    for unversioned in ("/static/css/app.css", "/static/css/app.css?v=000000000000"):
        response = client.get(unversioned)
        assert response.status_code == 200
        assert "immutable" not in response.headers.get("Cache-Control", "")
        assert f"max-age={YEAR}" not in response.headers.get("Cache-Control", "")
        response.close()


def test_a_compressed_page_is_still_never_cached(app, world, login_as):
    client = login_as(world.coordinator)
    page = client.get("/", headers={"Accept-Encoding": "gzip"})
    assert page.headers["Content-Encoding"] == "gzip"
    assert page.headers["Cache-Control"] == "no-store"
    assert "Accept-Encoding" in page.headers["Vary"]
    import gzip

    assert b"</html>" in gzip.decompress(page.data)
