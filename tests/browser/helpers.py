"""What a person does in the browser, step by step, for the flow tests in tests/browser.

Codes sent by e-mail are read from the test SMTP server (the ``smtp_server`` fixture in tests/)."""

import re
import time
from urllib.parse import urlparse

from playwright.sync_api import expect

from tests.conftest import tr
from webapp.outbox import send_due


def login_employee(page, email, password):
    """Log in through the real login form (opening it first unless the page already shows it)
    and wait for the page that follows: the start page, the ``next`` page or the form again."""
    if urlparse(page.url).path != "/login":
        page.goto("/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill(password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()


def switch_language(page, language):
    """Choose ``nn`` or ``nb`` with the button in the header (it offers only the other one)."""
    html = page.locator("html")
    if html.get_attribute("lang") != language:
        page.locator(f"header button[name=language][value={language}]").click()
    expect(html).to_have_attribute("lang", language)


def log_out(page):
    """Log out with the button in the header and wait for the login page."""
    page.locator("header form[action$='/logout'] button").click()
    expect(page.locator("#email")).to_be_visible()


def link(page, msgid, exact=True, **params):
    """The link a person reads as the source string ``msgid``, in the page's language: tests
    find links by their visible, translated name, as the person does, not by their address."""
    language = page.locator("html").get_attribute("lang")
    return page.get_by_role("link", name=tr(msgid, language, html=False, **params), exact=exact)


def code_sent_after(smtp_server, address, action, timeout=30):
    """Do ``action()`` (a click that asks for a code) and return the code in the first message
    to ``address`` that arrives after it, sending the outbox until it does: the server queues a
    login code in a worker thread after the request (``webapp.deferred``), so the click returns
    before the code exists, and an earlier code to the same address must not be taken."""
    before = len(smtp_server.to(address))
    action()
    deadline = time.monotonic() + timeout
    while len(smtp_server.to(address)) <= before:
        if time.monotonic() > deadline:
            raise AssertionError(f"No new code arrived for {address} within {timeout} s")
        send_due()
        time.sleep(0.1)
    return re.search(r"\b(\d{6})\b", smtp_server.to(address)[before].get_content()).group(1)


def log_in_with_a_code(page, smtp_server, address, on_code_page=None):
    """On the code login page (already open): ask for a code for ``address``, read it from the
    test SMTP server, enter it, and wait for the start page. ``on_code_page(page)`` runs on the
    page that asks for the code (an axe check, say)."""
    page.locator("#address").fill(address)
    code = code_sent_after(smtp_server, address,
                           page.locator("main form button[type=submit]").click)
    if on_code_page:
        on_code_page(page)
    page.locator("#code").fill(code)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/$"))
