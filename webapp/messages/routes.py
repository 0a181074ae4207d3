"""Messages (SPEC §3.8): to all or chosen participants, read or unread per person; the
notification says only that something is waiting. Minutes are messages too."""


from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import RadioField, SelectChoice, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from webapp import guards, policy
from webapp.audit import add_event
from webapp.db import immediate
from webapp.fields import CheckboxesField, Form
from webapp.guards import enforces
from webapp.labels import role_label
from webapp.messages.service import (  # noqa: F401 (unread_by_plan: home page)
    send_message,
    take_message_allowance,
    unread_by_plan,
    unread_count,
)
from webapp.models import Message, MessageRecipient, Participant, Person
from webapp.numbers import page_number

bp = Blueprint("messages", __name__, url_prefix="/plans/<int:plan_id>/messages")
PAGE_SIZE = 50
LAST_PAGE = 100_000  # a larger page number would overflow the database's OFFSET



class MessageForm(Form):
    to = RadioField(_l("To"), choices=[SelectChoice("all", _l("Everyone in the plan")),
                                       SelectChoice("chosen", _l("Chosen participants"))],
                    default="all", validators=[InputRequired(_l("Choose who gets it."))])
    chosen = CheckboxesField(_l("Chosen participants"), coerce=int, validate_choice=False)
    subject = StringField(
        _l("Subject"), filters=[lambda v: v.strip() if v else v],
        validators=[DataRequired(_l("Write a subject.")),
                    Length(max=200, message=_l("Write at most 200 characters."))],
    )
    body = TextAreaField(
        _l("Message"), filters=[lambda v: v.strip() if v else v],
        validators=[DataRequired(_l("Write the message.")),
                    Length(max=20_000, message=_l("Write at most 20000 characters."))],
        render_kw={"rows": 8},
    )

    def validate_chosen(self, field):
        if self.to.data != "chosen":
            return
        if not field.data:
            raise ValidationError(_l("Choose at least one participant."))
        if not set(field.data) <= {choice.value for choice in field.choices}:
            raise ValidationError(_l("Choose only the plan's active participants."))


@bp.app_template_global("unread_messages")
def unread_messages(plan):
    """For the plan menu: the current person's unread messages in ``plan`` (one query)."""
    if not current_user.is_authenticated:
        return 0
    return unread_count(current_user.id, plan)


@bp.route("")
@guards.requires_plan(policy.PLAN_READ)
def index(plan):
    """The messages and minutes the person received or wrote in this plan, newest first,
    unread marked; 50 a page. Every participant with content access (policy.PLAN_READ)."""
    page = page_number(LAST_PAGE)
    rows = list(
        Message.select(Message.id, Message.kind, Message.subject, Message.created_at,
                       Person.name.alias("author_name"), MessageRecipient.read_at)
        .join(Person, on=(Message.author == Person.id))
        .switch(Message)
        .join(MessageRecipient, on=((MessageRecipient.message == Message.id)
                                    & (MessageRecipient.person == current_user.id)))
        .where(Message.plan == plan)
        .order_by(Message.created_at.desc(), Message.id.desc())
        .limit(PAGE_SIZE + 1)  # one more, to know whether there is an older page
        .offset((page - 1) * PAGE_SIZE)
        .dicts()
    )
    return render_template(
        "messages/index.html", plan=plan, messages=rows[:PAGE_SIZE], page=page,
        more=len(rows) > PAGE_SIZE,
        may_write=policy.can(current_user, policy.PLAN_CONTRIBUTE, plan),
    )


@bp.route("/<int:message_id>")
@guards.requires_plan(policy.PLAN_READ)
def show(plan, message_id):
    """One message, marked read for this person. Its recipients (the author is one)."""
    message = (
        Message.select(Message, Person)
        .join(Person, on=(Message.author == Person.id))
        .switch(Message)
        .join(MessageRecipient, on=(MessageRecipient.message == Message.id))
        .where((Message.id == message_id) & (Message.plan == plan)
               & (MessageRecipient.person == current_user.id))
        .first()
    )
    if message is None:
        abort(404)
    MessageRecipient.mark_read(message, current_user.id)
    minutes_url = None
    if message.kind == Message.MINUTES and "minutes.show" in current_app.view_functions:
        minutes_url = url_for("minutes.show", plan_id=plan.id, message_id=message.id)
    return render_template("messages/show.html", plan=plan, message=message,
                           minutes_url=minutes_url)


@bp.route("/new", methods=["GET", "POST"])
@guards.requires_plan(policy.PLAN_CONTRIBUTE)
@enforces("write_message")
def new_message(plan):
    """Write to everyone or to chosen participants; they get a notification without content.
    Every participant while the plan is active (policy.PLAN_CONTRIBUTE), up to
    MESSAGE_RATE_LIMIT messages per author: the one over it is not sent but kept in the form
    (429), so nothing typed is lost."""
    people = list(Participant.active_in(plan))
    form = MessageForm()
    form.chosen.choices = [
        SelectChoice(p.id, f"{p.person.name} ({role_label(p.role)})")
        for p in people if p.person_id != current_user.id
    ]
    retry_after = 0
    if form.validate_on_submit() and not (retry_after := take_message_allowance(current_user)):
        chosen = set(form.chosen.data) if form.to.data == "chosen" else {p.id for p in people}
        recipients = [p.person for p in people if p.id in chosen]
        with immediate():
            send_message(plan, current_user.id, form.subject.data, form.body.data, recipients)
            add_event(plan, "message_sent", current_user.id)
        flash(_("The message is sent."))
        return redirect(url_for("messages.index", plan_id=plan.id))
    if retry_after:
        error = _("You have sent many messages in a short time. Your message is not sent, but "
                  "it is kept below: send it again in a while.")
        return (render_template("messages/new.html", plan=plan, form=form, error=error), 429,
                {"Retry-After": str(retry_after)})
    return render_template("messages/new.html", plan=plan, form=form), (
        422 if form.errors else 200)
