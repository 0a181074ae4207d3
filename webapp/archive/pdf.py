"""The archive PDF (SPEC §3.7): the whole plan, rendered by xhtml2pdf from
``templates/archive/pdf.html``.

What it holds is read in a fixed number of queries (``archive_content``), whatever the plan's
size. Minutes are paragraphs, never table rows: xhtml2pdf lays out big tables in O(n²) time.
xhtml2pdf fetches whatever a ``src`` or ``href`` names; ``link_callback`` resolves only files of
the app's own ``static/`` folder and refuses everything else, so a URL written into the plan's
text can never make the server fetch it (server-side request forgery).
"""

import io
import os

import peewee
from flask import current_app, render_template
from xhtml2pdf import pisa

from webapp.models import (
    Consent,
    ConsentService,
    Goal,
    Lysglimt,
    Meeting,
    Message,
    Municipality,
    Participant,
    Person,
    Plan,
    Signature,
    TimelineEvent,
    Unit,
)
from webapp.timeline.labels import DETAILS, KINDS


class RefusedResource(Exception):
    """The PDF asked for something outside the app's static files."""


def link_callback(uri, rel=None):
    """The local path of ``uri`` if it names a file under ``static/``, else refuse: no
    network, no other file of the server."""
    static = os.path.realpath(current_app.static_folder)
    prefix = current_app.static_url_path.rstrip("/") + "/"
    if uri.startswith(prefix):
        relative = uri[len(prefix):]
    elif uri.startswith("static/"):
        relative = uri[len("static/"):]
    else:
        raise RefusedResource(uri)
    path = os.path.realpath(os.path.join(static, relative))
    if not path.startswith(static + os.sep) or not os.path.isfile(path):
        raise RefusedResource(uri)
    return path


def archive_content(plan):
    """Everything the PDF shows, in a fixed number of queries."""
    plan = (
        Plan.select(Plan, Unit, Municipality)
        .join(Unit)
        .switch(Plan)
        .join(Municipality)
        .where(Plan.id == plan.id)
        .get()
    )
    participants = list(
        Participant.select(Participant, Person)
        .join(Person, on=(Participant.person == Person.id))
        .where(Participant.plan == plan)
        .order_by(Participant.role, Person.name, Participant.id)
    )
    consents = list(
        Consent.select().where(Consent.plan == plan).order_by(Consent.version, Consent.id)
    )
    signatures, services = {}, {}
    if consents:
        ids = [consent.id for consent in consents]
        for signature in (
            Signature.select(Signature, Person)
            .join(Person, on=(Signature.person == Person.id))
            .where(Signature.consent.in_(ids))
            .order_by(Person.name, Signature.id)
        ):
            signatures.setdefault(signature.consent_id, []).append(signature)
        for service in (
            ConsentService.select(ConsentService, Unit)
            .join(Unit, on=(ConsentService.unit == Unit.id), join_type=peewee.JOIN.LEFT_OUTER)
            .where(ConsentService.consent.in_(ids))
            .order_by(ConsentService.id)
        ):
            services.setdefault(service.consent_id, []).append(service)
    minutes = list(
        Message.select(Message, Meeting, Person)
        .join(Meeting, join_type=peewee.JOIN.LEFT_OUTER, on=(Message.meeting == Meeting.id))
        .switch(Message)
        .join(Person, on=(Message.author == Person.id))
        .where((Message.plan == plan) & (Message.kind == Message.MINUTES))
        .order_by(Message.created_at, Message.id)
    )
    lysglimt = list(
        Lysglimt.select(Lysglimt, Person)
        .join(Person, on=(Lysglimt.author == Person.id))
        .where(Lysglimt.plan == plan)
        .order_by(Lysglimt.created_at, Lysglimt.id)
    )
    timeline = list(
        TimelineEvent.select(TimelineEvent, Person)
        .join(Person, join_type=peewee.JOIN.LEFT_OUTER, on=(TimelineEvent.actor == Person.id))
        .where(TimelineEvent.plan == plan)
        .order_by(TimelineEvent.at, TimelineEvent.id)
    )
    return {
        "plan": plan,
        "participants": participants,
        "consents": consents,
        "signatures": signatures,
        "services": services,
        "goals": Goal.with_activities(plan),
        "minutes": minutes,
        "lysglimt": lysglimt,
        "timeline": timeline,
    }


def _event_label(kind):
    return KINDS[kind][1] if kind in KINDS else kind


def render_html(plan, printed_on):
    return render_template(
        "archive/pdf.html", printed_on=printed_on, event_label=_event_label,
        event_details=DETAILS, **archive_content(plan),
    )


def html_to_pdf(html):
    """The PDF bytes of ``html``; ``RefusedResource`` if it names anything outside static/."""
    out = io.BytesIO()
    result = pisa.CreatePDF(html, dest=out, encoding="utf-8", link_callback=link_callback)
    if result.err:
        raise RuntimeError("xhtml2pdf could not render the archive")
    return out.getvalue()


def render_pdf(plan, printed_on):
    return html_to_pdf(render_html(plan, printed_on))
