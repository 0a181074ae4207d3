"""Who has read the log (SPEC §4, issue 12 item 4): the family sees every read of the log's
content — who, in which role and service, what, when — newest first, paginated, in a constant
number of queries; a leader's metadata view is no read; only the family has the page."""

import re
from datetime import datetime
from html import unescape

from tests.conftest import sign_in, tr
from tests.factories import PASSWORD
from tests.querycount import queries_for
from webapp import audit
from webapp.models import AuditEntry


def _text(fragment):
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def _reads(html):
    """``[(who, role and service, what, when)]`` as the page lists them."""
    listing = re.search(r'<ol class="timeline access-log">(.*?)</ol>', html, re.S)
    rows = []
    for item in re.findall(r"<li>(.*?)</li>", listing.group(1) if listing else "", re.S):
        who = _text(re.search(r"<strong>(.*?)</strong>", item, re.S).group(1))
        role, when = (_text(x) for x in re.findall(r'<span class="hint">(.*?)</span>\s*(?=<|$)',
                                                    item, re.S))
        what = _text(re.search(r"<span>(.*?)</span>", item, re.S).group(1))
        rows.append((who, role, what, when))
    return rows


def _link(html, label):
    """The href of the link whose text is ``label``, or None."""
    for href, text in re.findall(r'<a href="([^"]+)">(.*?)</a>', html, re.S):
        if _text(text) == label:
            return unescape(href)
    return None


def test_a_guardian_sees_reads_by_the_stafetthaldar_and_ppt_not_the_leaders_overview(
        app, world):
    plan = world.plan("valid_consent", provider=world.provider)
    guardian = plan.guardians[0]

    def password_client(person):
        client = app.test_client()
        response = client.post("/login", data={"email": person.email, "password": PASSWORD})
        assert response.status_code == 302
        return client

    holder = password_client(world.coordinator)
    ppt = password_client(world.provider)
    leader = password_client(world.leader)
    assert holder.get(f"/plans/{plan.id}/overview").status_code == 200
    assert ppt.get(f"/plans/{plan.id}/goals").status_code == 200
    assert leader.get(f"/plans/{plan.id}").status_code == 200  # metadata only
    assert leader.get(f"/plans/{plan.id}/goals").status_code == 403

    family = sign_in(app.test_client(), guardian)
    page = family.get(f"/plans/{plan.id}/access-log")
    assert page.status_code == 200
    reads = _reads(page.text)
    assert [(who, role, what) for who, role, what, _when in reads] == [
        ("Pål PPT", f"{tr('Service provider', html=False)}, PPT Testvik",
         tr("Read: %(what)s", html=False, what=tr("Goals and activities", html=False))),
        ("Kari Koordinator", f"{tr('Stafetthaldar', html=False)}, Eple barnehage",
         tr("Read: %(what)s", html=False, what=tr("Plan overview", html=False))),
    ]
    # Both within the same minute, shown in Norwegian time ("kl. HH:mm").
    assert reads[0][3] == reads[1][3] or reads[0][3].split("kl.")[0] == reads[1][3].split(
        "kl.")[0]
    assert "kl." in reads[0][3]
    assert "Leif Leiar" not in page.text
    # Viewing who has read the log is no read of the log.
    assert not AuditEntry.select().where(AuditEntry.section == "accesslog.index").exists()


def test_the_familys_own_reads_show_as_you(app, world):
    plan = world.plan("valid_consent")
    first, second = plan.guardians
    mine = sign_in(app.test_client(), first)
    theirs = sign_in(app.test_client(), second)
    assert theirs.get(f"/plans/{plan.id}/messages").status_code == 200
    assert mine.get(f"/plans/{plan.id}/overview").status_code == 200
    reads = _reads(mine.get(f"/plans/{plan.id}/access-log").text)
    assert [(who, what) for who, _role, what, _when in reads] == [
        (tr("You", html=False), tr("Read: %(what)s", html=False,
                                   what=tr("Plan overview", html=False))),
        (second.name, tr("Read: %(what)s", html=False, what=tr("Messages", html=False))),
    ]
    assert reads[1][1] == tr("Guardian", html=False)


def test_what_was_read_names_the_archive_pdf_and_the_display():
    from webapp.accesslog.service import OTHER, what_was_read

    assert str(what_was_read("archive.download")) == tr("The archive PDF", html=False)
    assert str(what_was_read("archive.index")) == tr("Closing and archiving", html=False)
    assert str(what_was_read("display.screen pairing=12")) == tr(
        "Minutes on the meeting-room display", html=False)
    assert str(what_was_read("lysglimt.index")) == tr("Lysglimt", html=False)
    assert str(what_was_read("plans.show")) == tr("The plan's front page", html=False)
    assert what_was_read("an_area_added_later.index") is OTHER


def test_newest_first_paginated_in_constant_queries(app, world):
    plan = world.plan("valid_consent", provider=world.provider)
    family = sign_in(app.test_client(), plan.guardians[0])
    url = f"/plans/{plan.id}/access-log"
    audit.append(plan.id, world.coordinator.id, audit.READ, "overview.show")
    one = queries_for(family, url)
    for n in range(59):
        who = (world.coordinator, world.provider, plan.guardians[1])[n % 3]
        audit.append(plan.id, who.id, audit.READ, "minutes.show" if n < 58 else "goals.index")
    audit.append(plan.id, world.coordinator.id, audit.WRITE, "goal_added")  # no read
    assert queries_for(family, url) == one

    first = family.get(url)
    reads = _reads(first.text)
    assert len(reads) == 50
    assert reads[0][2] == tr("Read: %(what)s", html=False, what=tr("Goals and activities",
                                                                    html=False))
    older = _link(first.text, tr("Older reads", html=False))
    assert older is not None and _link(first.text, tr("Newer reads", html=False)) is None
    second = family.get(older)
    reads = _reads(second.text)
    assert len(reads) == 10
    assert reads[-1][2] == tr("Read: %(what)s", html=False, what=tr("Plan overview",
                                                                     html=False))
    assert _link(second.text, tr("Older reads", html=False)) is None
    assert _link(second.text, tr("Newer reads", html=False)) is not None
    assert family.get(url + "?page=99999999999999999999").status_code == 200


def test_only_the_family_is_offered_the_page(app, world, login_as):
    plan = world.plan("valid_consent", provider=world.provider)
    family = sign_in(app.test_client(), plan.guardians[0])
    link = f'href="/plans/{plan.id}/access-log"'
    assert link in family.get(f"/plans/{plan.id}/overview").text
    holder = login_as(world.coordinator)
    assert link not in holder.get(f"/plans/{plan.id}/overview").text
    assert holder.get(f"/plans/{plan.id}/access-log").status_code == 403


def test_times_are_oslo_time(app, world):
    plan = world.plan("valid_consent")
    family = sign_in(app.test_client(), plan.guardians[0])
    entry = audit.append(plan.id, world.coordinator.id, audit.READ, "overview.show")
    AuditEntry.update(at=datetime(2026, 7, 1, 22, 30)).where(AuditEntry.id == entry.id).execute()
    [read] = _reads(family.get(f"/plans/{plan.id}/access-log").text)
    assert "2. juli 2026 kl. 00:30" in read[3]
