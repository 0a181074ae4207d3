"""Records the system keeps about use: sessions, one-time codes, the outbox, the audit trail."""

import hashlib

import peewee

from webapp.models.base import BaseModel, utcnow
from webapp.models.org import Person
from webapp.models.plan import Meeting, Plan


class AuthSession(BaseModel):
    """A login session the server can revoke: logout or deactivation deletes the row."""

    token = peewee.CharField(max_length=64, unique=True)
    person = peewee.ForeignKeyField(Person, backref="sessions", on_delete="CASCADE")
    created_at = peewee.DateTimeField(default=utcnow)
    last_seen_at = peewee.DateTimeField(default=utcnow)
    method = peewee.CharField(max_length=20, default="password")
    # An ID-porten login (webapp/idporten): the level and means of the authentication, when it
    # happened, and the id_token (the hint ID-porten's logout needs), deleted with the session.
    acr = peewee.CharField(max_length=40, null=True)
    amr = peewee.CharField(max_length=100, null=True)
    auth_time = peewee.DateTimeField(null=True)
    id_token = peewee.TextField(null=True)


class OneTimeCode(BaseModel):
    """A short-lived, single-use code sent by e-mail or SMS (login, signing)."""

    person = peewee.ForeignKeyField(Person, backref="codes", on_delete="CASCADE")
    purpose = peewee.CharField(max_length=20)
    code_hash = peewee.CharField(max_length=64)
    created_at = peewee.DateTimeField(default=utcnow)
    expires_at = peewee.DateTimeField()
    used_at = peewee.DateTimeField(null=True)
    attempts = peewee.IntegerField(default=0)


class OutboxMessage(BaseModel):
    """A notification waiting to be sent; written in the same transaction as its event.

    Holds no personal data beyond the address: notifications only say something is waiting.
    """

    channel = peewee.CharField(max_length=10)  # email | sms
    recipient = peewee.CharField(max_length=254)
    subject = peewee.CharField(max_length=200, default="")
    body = peewee.TextField()
    created_at = peewee.DateTimeField(default=utcnow)
    attempts = peewee.IntegerField(default=0)
    next_attempt_at = peewee.DateTimeField(default=utcnow, index=True)
    sent_at = peewee.DateTimeField(null=True, index=True)
    last_error = peewee.CharField(max_length=500, null=True)
    # Set aside after ``OUTBOX_MAX_ATTEMPTS`` failed tries (dead letter): not sent again until
    # an operator retries it (``flask outbox retry``).
    dead_at = peewee.DateTimeField(null=True)


class NotificationThrottle(BaseModel):
    """When ``person`` was last notified of ``kind`` (``new_item`` | ``meeting``) in ``plan``:
    ``webapp.notify`` queues at most one such notification within ``NOTIFY_WINDOW_MINUTES``.

    Kept apart from the outbox so the plan never travels with a message; one row per person,
    plan and kind, gone with the plan or the person.
    """

    person = peewee.ForeignKeyField(Person, on_delete="CASCADE")
    plan = peewee.ForeignKeyField(Plan, on_delete="CASCADE")
    kind = peewee.CharField(max_length=20)
    notified_at = peewee.DateTimeField()

    class Meta:
        indexes = ((("person", "plan", "kind"), True),)


class AuditEntry(BaseModel):
    """A read or a write of one plan's content (SPEC §4, §5), in that plan's hash chain.

    Each plan has its own chain (``plan_id``, ``seq`` = 1, 2, 3, ...): an entry's hash covers
    its position, its contents and the hash of the entry before it, so a changed, inserted or
    removed entry shows in ``webapp.audit_chain.verify``. The plan and the person are plain
    integers, not foreign keys: deleting a plan or a person must not change what a hash covers.
    """

    plan_id = peewee.IntegerField()
    seq = peewee.IntegerField()
    at = peewee.DateTimeField(default=utcnow, index=True)
    actor_id = peewee.IntegerField(null=True)
    action = peewee.CharField(max_length=20)  # read | write
    section = peewee.CharField(max_length=40)
    prev_hash = peewee.CharField(max_length=64)
    hash = peewee.CharField(max_length=64)

    class Meta:
        table_name = "audit_record"
        indexes = ((("plan_id", "seq"), True),)

    def compute_hash(self):
        parts = [
            self.prev_hash,
            str(self.plan_id),
            str(self.seq),
            self.at.isoformat(),
            str(self.actor_id),
            self.action,
            self.section,
        ]
        return hashlib.sha256("|".join(parts).encode()).hexdigest()


class AuditChain(BaseModel):
    """The head of one plan's audit chain: its newest entry's position and hash. Appending
    locks this row (PostgreSQL) or takes the write lock (SQLite), so each chain stays linear
    while two plans' chains never wait for each other. ``anchored_seq`` is the position the
    latest checkpoint signed."""

    plan_id = peewee.IntegerField(primary_key=True)
    seq = peewee.IntegerField(default=0)
    hash = peewee.CharField(max_length=64)
    anchored_seq = peewee.IntegerField(default=0)


class AuditCheckpoint(BaseModel):
    """A signed checkpoint of the audit chains' heads (``flask audit checkpoint``): ``heads``
    is JSON ``[[plan_id, seq, hash], ...]`` of the chains that moved since the checkpoint
    before, ``mac`` an HMAC-SHA256 with ``AUDIT_CHECKPOINT_KEY`` over the checkpoint before's
    mac, the time and the heads. Also written to the application log, outside the database."""

    at = peewee.DateTimeField(default=utcnow)
    key_id = peewee.CharField(max_length=16)
    heads = peewee.TextField()
    prev_mac = peewee.CharField(max_length=64)
    mac = peewee.CharField(max_length=64)


class WizardDraft(BaseModel):
    """What an employee has typed in the create-plan wizard so far, so it can be resumed.

    Kept on the server (not in the cookie) because it holds an identity number; deleted when the
    plan is created or the draft is abandoned.
    """

    person = peewee.ForeignKeyField(Person, backref="wizard_drafts", on_delete="CASCADE")
    data = peewee.TextField(default="{}")  # JSON
    updated_at = peewee.DateTimeField(default=utcnow)


class DisplayPairing(BaseModel):
    """A meeting-room display paired to one meeting (SPEC §1): the stafetthaldar makes a short
    code, the room's browser writes it on the public pairing page and gets a display session
    (a random token in its signed cookie) that shows that meeting's minutes and goals only.

    The code and the token are stored as hashes. The code is single use and expires
    (``code_expires_at``); the display shows until ``ended_at`` (the stafetthaldar ends it) or
    the end of the Oslo ``day`` on which it was paired. ``paired_by`` answers for what the
    room sees: reads through the display are audited in their name.
    """

    meeting = peewee.ForeignKeyField(Meeting, backref="pairings", on_delete="CASCADE")
    paired_by = peewee.ForeignKeyField(Person, on_delete="CASCADE")
    code_hash = peewee.CharField(max_length=64, index=True)
    created_at = peewee.DateTimeField(default=utcnow)
    code_expires_at = peewee.DateTimeField()
    paired_at = peewee.DateTimeField(null=True)
    day = peewee.DateField(null=True)  # the Oslo date it was paired on, and shows on
    token_hash = peewee.CharField(max_length=64, null=True, unique=True)
    ended_at = peewee.DateTimeField(null=True)

    @classmethod
    def showing(cls, token_hash, today):
        """The pairing a display session's token names, with its meeting, plan and the person
        who paired it, if it still shows today (one query); else ``None``."""
        return (
            cls.select(cls, Meeting, Plan, Person)
            .join(Meeting)
            .join(Plan)
            .switch(cls)
            .join(Person)
            .where((cls.token_hash == token_hash) & cls.ended_at.is_null() & (cls.day == today))
            .first()
        )

    @classmethod
    def live_in(cls, meeting):
        """The meeting's pairings not yet ended: codes waiting and displays paired."""
        return cls.select().where((cls.meeting == meeting) & cls.ended_at.is_null())
