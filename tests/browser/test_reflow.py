"""Reflow on a 360 px phone (WCAG 1.4.10, issue 8 item 14): a long unbroken word that a person
wrote does not widen the page, and the names in the home table are not broken mid-word."""

from datetime import date

from playwright.sync_api import expect

from tests.browser.conftest import PHONE
from tests.browser.helpers import log_in_with_a_code, login_employee
from tests.factories import PASSWORD
from webapp.models import Activity, Goal, Participant, Person

LONG_WORD = "Ø" + "lesebokskriving" * 13 + "ning"  # 200 letters, no place to break
WIDTH = PHONE["viewport"]["width"]

# Words of the text nodes in ``selector`` that the browser laid out on more than one line.
BROKEN_WORDS = """selector => {
  const broken = [];
  for (const cell of document.querySelectorAll(selector)) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const match of node.textContent.matchAll(/[^\\s\\-–]+/g)) {
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        const lines = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
        if (lines.size > 1) broken.push(match[0]);
      }
    }
  }
  return broken;
}"""


def _width(page):
    return page.evaluate("document.documentElement.scrollWidth")


def test_a_long_word_does_not_widen_the_goals_page(new_context, world):
    plan = world.plan("valid_consent")
    goal = Goal.create(plan=plan, title=LONG_WORD, description=LONG_WORD + " kvar dag.",
                       deadline=date(2030, 6, 1), created_by=world.coordinator)
    holder = Participant.get((Participant.plan == plan)
                             & (Participant.person == world.coordinator))
    Activity.create(goal=goal, title=LONG_WORD, place="home", when=LONG_WORD,
                    responsible=holder, description=LONG_WORD)
    phone = new_context(**PHONE).new_page()
    login_employee(phone, world.coordinator.email, PASSWORD)
    phone.goto(f"/plans/{plan.id}/goals")
    expect(phone.locator("h2").filter(has_text=LONG_WORD)).to_be_visible()
    assert _width(phone) <= WIDTH


def test_names_in_the_guardians_home_table_are_not_broken_mid_word(new_context, world,
                                                                  smtp_server):
    Person.update(name="Kristoffersen Vestrheimsdalen").where(
        Person.id == world.coordinator.id).execute()
    first = world.plan("valid_consent", owner_name="Maximiliane Gudbrandsdalen Oppegaard")
    guardian = first.guardians[0]
    second = world.plan("valid_consent", owner_name="Aleksandrine Stavangerfjord", guardians=0)
    Participant.create(plan=second, person=guardian, role=Participant.GUARDIAN,
                       status=Participant.ACTIVE)
    phone = new_context(**PHONE).new_page()
    phone.goto("/login/code")
    log_in_with_a_code(phone, smtp_server, guardian.email)
    expect(phone.locator("table.plans")).to_contain_text("Gudbrandsdalen")
    assert _width(phone) <= WIDTH
    assert phone.evaluate(BROKEN_WORDS, "table.plans td, table.plans th") == []
