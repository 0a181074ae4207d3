"""What a person does in the browser, step by step, for the flow tests in tests/browser.

Codes sent by e-mail are read with the test SMTP fixture in tests/ (not here)."""

from urllib.parse import urlparse

from playwright.sync_api import expect


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
