"""The meeting-room display paired with a short code (issue 10 item 11), in real browsers: the
stafetthaldar pairs a second browser (the room's, nobody logged in) with the code from the
minutes editor; it shows the minutes as they are typed, blanks, empties when the pairing is
ended, and cannot open the plan page. axe-core on every page, nn and nb."""

import re
import time

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_no_axe_violations
from tests.browser.helpers import login_employee, switch_language
from tests.conftest import tr
from tests.factories import PASSWORD
from webapp.models import Goal, Message

SEEN_WITHIN_MS = 3_000


def _button(page, msgid):
    language = page.locator("html").get_attribute("lang")
    return page.locator("#projector").get_by_role("button", name=tr(msgid, language, html=False))


def _wait_until_saved(minutes, text, seconds=5):
    """The autosave (1 s after the last key) has saved ``text``: the display's 3 s start then."""
    deadline = time.monotonic() + seconds
    while text not in Message.get_by_id(minutes.id).body:
        assert time.monotonic() < deadline, "the minutes were not saved"
        time.sleep(0.1)


@pytest.mark.parametrize("language", ["nn", "nb"])
def test_pair_the_room_display_follow_blank_and_end(new_context, world, language):
    plan = world.plan("valid_consent")
    Goal.create(plan=plan, title="Ada les 15 minutt kvar dag", created_by=world.coordinator)
    page = new_context(viewport={"width": 1280, "height": 900}).new_page()
    login_employee(page, world.coordinator.email, PASSWORD)
    switch_language(page, language)
    page.goto(f"/plans/{plan.id}/minutes/new")
    page.locator("main form[method=post] button[type=submit]").first.click()
    expect(page).to_have_url(re.compile(r"/minutes/\d+/edit$"))
    minutes = Message.get(Message.kind == Message.MINUTES)

    _button(page, "Pair a display").click()
    code = page.locator(".pair-code strong")
    expect(code).to_have_text(re.compile(r"^[A-Z2-9]{4} [A-Z2-9]{4}$"))
    assert_no_axe_violations(page)

    room = new_context(viewport={"width": 1920, "height": 1080}).new_page()
    room.goto("/display")
    switch_language(room, language)
    assert_no_axe_violations(room)
    room.locator("#code").fill(code.inner_text().lower())
    room.locator("main form button[type=submit]").click()
    expect(room).to_have_url(re.compile(r"/display/screen$"))
    expect(room.locator("main")).to_contain_text("Ada les 15 minutt kvar dag")
    expect(room.locator("a")).to_have_count(0)
    assert plan.owner_national_id not in room.content()
    # Type for a room: at least 32 px on a 1080p screen, and the minutes and goals side by side
    # across the whole width.
    size = room.evaluate("parseFloat(getComputedStyle(document.querySelector("
                         "'.display__minutes, #display p')).fontSize)")
    assert size >= 32
    width = room.evaluate("document.querySelector('.display__grid').getBoundingClientRect()"
                          ".width")
    assert width >= 1920 * 0.9
    assert_no_axe_violations(room)
    expect(page.locator("#projector")).to_contain_text(
        {"nn": "1 skjerm viser dette møtet no.", "nb": "1 skjerm viser dette møtet nå."}[language])

    body = page.locator("#body")
    for paragraph in ("Vi er samde om at Ada skal lese kvar dag.",
                      "Ada seier at ho likar bøker om fotball."):
        body.press("Control+End")
        body.press_sequentially("\n\n" + paragraph, delay=5)
        _wait_until_saved(minutes, paragraph)
        expect(room.locator("main")).to_contain_text(paragraph, timeout=SEEN_WITHIN_MS)
    # The template's prompts stay in the editor, not on the screen.
    prompt = {"nn": "Kva seier barnet sjølv?", "nb": "Hva sier barnet selv?"}[language]
    assert prompt in body.input_value()
    expect(room.locator("main")).not_to_contain_text(prompt)

    page.locator("#blank-form button").click()
    expect(page.locator("#blank-form button")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#blank-form [role=status]")).to_have_text(
        tr("The projector is blank.", language, html=False))
    expect(room.locator("main")).not_to_contain_text("Ada seier", timeout=SEEN_WITHIN_MS)
    assert_no_axe_violations(room)
    page.locator("#blank-form button").click()
    expect(room.locator("main")).to_contain_text("Ada seier", timeout=SEEN_WITHIN_MS)

    _button(page, "End the display").click()
    expect(_button(page, "Pair a display")).to_be_visible()
    expect(room).to_have_url(re.compile(r"/display$"), timeout=SEEN_WITHIN_MS)
    expect(room.locator("main")).not_to_contain_text("Ada")
    assert_no_axe_violations(room)
    assert minutes.meeting_id

    # The room's browser is nobody: the plan page asks it to log in.
    room.goto(f"/plans/{plan.id}")
    expect(room).to_have_url(re.compile(r"/login"))
    expect(room.locator("main")).not_to_contain_text("Ada")
