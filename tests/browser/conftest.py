"""Browser fixtures: the test app served on a random local port, driven by Debian's chromium
through Playwright, with axe-core as the accessibility judge.

The server thread serves the same app and database as the other fixtures (``app``,
``_fresh_database``), so a test builds its world with ``tests/factories.py`` and then opens
pages. Data written by the test is committed at once (peewee autocommits outside transactions),
and the server's threads open their own connections, so they see it.

Every test in this folder is marked ``browser`` (``make test-fast`` leaves them out). Steps a
person takes (log in, switch language, log out) are in ``tests/browser/helpers.py``. All browser
logins come from 127.0.0.1, so the login rate limit (10 a minute, reset before each test) caps the
logins of one test.
"""

import os
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# This machine has no network: stop chromium from calling home (and failing) at start-up.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 10_000
PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}
HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items):
    """Mark every test in tests/browser with ``browser``, so none can be forgotten."""
    for item in items:
        if HERE in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def live_server(app):
    """The base URL of the test app, served by werkzeug in a daemon thread on 127.0.0.1."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser():
    """One headless Debian chromium for the whole run (never a downloaded browser)."""
    if not os.path.exists(CHROMIUM):
        message = f"{CHROMIUM} is missing: `make chromium` installs Debian's chromium"
        if os.environ.get("BROWSER_TESTS_REQUIRED"):  # set by `make test`: never skip there
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def new_context(browser, live_server):
    """``new_context(**options)`` opens a fresh browser context — one person, with their own
    cookies — on the live server; ``options`` go to ``browser.new_context`` (``locale``,
    ``java_script_enabled=False``, ``**PHONE``...). Every context is closed after the test."""
    contexts = []

    def open_context(**options):
        options.setdefault("base_url", live_server)
        context = browser.new_context(**options)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context

    yield open_context
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context):
    """A page in a desktop-sized context."""
    return new_context(viewport={"width": 1280, "height": 900}).new_page()


@pytest.fixture
def phone(new_context):
    """A page on a 360 × 740 touch phone."""
    return new_context(**PHONE).new_page()


@pytest.fixture
def no_js_page(new_context):
    """A desktop page with JavaScript turned off: every form must work as a plain POST."""
    return new_context(java_script_enabled=False).new_page()


def assert_fits_the_phone(page):
    """Nothing on ``page`` is wider than the phone's screen. Waits for the page to have loaded
    first: a click that follows a link returns once the next page has started loading, when
    the new document may not even have its root element yet."""
    page.wait_for_load_state("load")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["viewport"]["width"], page.url


def assert_no_axe_violations(page, context=None):
    """Run axe-core on ``page`` (optionally limited to the CSS selector ``context``) and fail
    with axe's readable report when it finds any violation. Needs JavaScript in the page.
    Waits for the page's load event first (a click on a link returns while the next page is
    still loading)."""
    from axe_playwright_python.sync_playwright import Axe

    page.wait_for_load_state("load")
    results = Axe().run(page, context=context)
    assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"
