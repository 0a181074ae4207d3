"""The timeline (SPEC §3.8) beyond tests/test_messages.py: Norwegian time, the filter without
JavaScript, and htmx's history restore gets the whole page."""

from datetime import datetime

from tests.conftest import sign_in, tr
from webapp.audit import add_event
from webapp.models import TimelineEvent


def test_times_are_norwegian_and_the_filter_works_without_js(app, world):
    plan = world.plan("valid_consent")
    event = add_event(plan, "goal_added", world.coordinator.id)
    TimelineEvent.update(at=datetime(2026, 6, 30, 22, 15)).where(
        TimelineEvent.id == event.id).execute()
    add_event(plan, "plan_created", world.coordinator.id)
    guardian = app.test_client()
    sign_in(guardian, plan.guardians[0])
    page = guardian.get(f"/plans/{plan.id}/timeline?group=goals")
    assert page.status_code == 200 and "<html" in page.text
    assert "kl. 00:15" in page.text  # 22:15 UTC is 00:15 the next day in Oslo (summer time)
    assert tr("A goal was added") in page.text
    assert tr("The stafettlogg was created") not in page.text
    assert '<option value="goals" selected>' in page.text
    assert 'hx-push-url="true"' in page.text


def test_history_restore_gets_the_whole_page(app, world):
    """With hx-push-url and no history cache, Back makes htmx fetch the URL with
    HX-Request and HX-History-Restore-Request and swap the body: it needs the whole page."""
    plan = world.plan("valid_consent")
    add_event(plan, "plan_created", world.coordinator.id)
    guardian = app.test_client()
    sign_in(guardian, plan.guardians[0])
    restored = guardian.get(f"/plans/{plan.id}/timeline?group=plan",
                            headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})
    assert "<html" in restored.text and 'id="group"' in restored.text
    assert "Vary" in restored.headers and "HX-Request" in restored.headers["Vary"]
