"""All models, importable from one place."""

from webapp.models.base import BaseModel, oslo_today, utcnow
from webapp.models.family import LYSGLIMT_MAX_LENGTH, Lysglimt, PlanVisit
from webapp.models.leader import SentReminder, UnitReview
from webapp.models.org import (
    ESTABLISH_DIRECT,
    ESTABLISH_LEADER,
    SERVICE_KINDS,
    Membership,
    Municipality,
    Person,
    ServiceGroup,
    Unit,
    UnitServes,
)
from webapp.models.plan import (
    Activity,
    Consent,
    ConsentService,
    Goal,
    Handover,
    LevelStay,
    Meeting,
    MeetingInvite,
    Message,
    MessageRecipient,
    Participant,
    Plan,
    PlanArchive,
    Signature,
    TimelineEvent,
    Transfer,
)
from webapp.models.system import (
    AuditChain,
    AuditCheckpoint,
    AuditEntry,
    AuthSession,
    DisplayPairing,
    NotificationThrottle,
    OneTimeCode,
    OutboxMessage,
    WizardDraft,
)

MODELS = [
    Municipality,
    ServiceGroup,
    Unit,
    Person,
    Membership,
    Plan,
    Participant,
    Consent,
    ConsentService,
    Signature,
    Goal,
    Activity,
    Meeting,
    MeetingInvite,
    Message,
    MessageRecipient,
    TimelineEvent,
    PlanArchive,
    Transfer,
    Handover,
    UnitReview,
    SentReminder,
    AuthSession,
    OneTimeCode,
    OutboxMessage,
    NotificationThrottle,
    AuditEntry,
    WizardDraft,
    DisplayPairing,
    UnitServes,
    Lysglimt,
    PlanVisit,
    AuditChain,
    AuditCheckpoint,
    LevelStay,
]

__all__ = [m.__name__ for m in MODELS] + [
    "BaseModel",
    "ESTABLISH_DIRECT",
    "ESTABLISH_LEADER",
    "LYSGLIMT_MAX_LENGTH",
    "MODELS",
    "SERVICE_KINDS",
    "oslo_today",
    "utcnow",
]

from webapp.models.plan import (  # noqa: E402
    pending_signature,
    pending_signatures_of,
    plans_led_by,
    plans_of,
    stafetthaldar_names,
)

__all__ += [
    "pending_signature",
    "pending_signatures_of",
    "plans_led_by",
    "plans_of",
    "stafetthaldar_names",
]
