"""Every model, imported so that Alembic and the metadata see all tables."""

from store.models.audit import AuditCheckpoint, AuditEntry, AuditPersonalField
from store.models.auth import (
    AuthSession,
    DingTalkBinding,
    MiniProgramBinding,
    PasswordCredential,
    SessionKind,
    SmsCode,
    SmsPurpose,
)
from store.models.calendar import HolidayScheduleRecord
from store.models.demands import Demand, DemandEvent, DemandOrigin, DemandStatus, Review, ReviewStatus, ReviewTask
from store.models.dingtalk import DingTalkContactEvent, DingTalkInbound
from store.models.expert_digest import DigestMessage, DigestPair, DigestRun, ExpertSubscription
from store.models.expert_imports import ExpertImport
from store.models.expert_invitations import ExpertInvitation, ExpertInvitationStatus
from store.models.expert_pages import DockingStatus, ExpertDocking, ExpertTechnology, TechnologyStatus
from store.models.expert_pushes import ExpertPush, ExpertPushStatus
from store.models.files import StoredFile
from store.models.follow_ups import DemandFollowUp, FollowUpReminder
from store.models.indicators import Indicator, IndicatorOwner, WeeklyReport
from store.models.invitations import InvitationCode, InvitationPurpose, InvitationRedemption
from store.models.manager_registration import ManagerStatus, TechnologyManagerRegistration
from store.models.membership import InvitationStatus, MembershipInvitation, PlatformState
from store.models.organisation import (
    Account,
    AccountRole,
    AccountStatus,
    Centre,
    Institution,
    Official,
    RegionLevel,
    Role,
    StaffMember,
)
from store.models.organisation_people import (
    Enterprise,
    EnterpriseContact,
    EnterpriseLink,
    Expert,
    ExpertFollowUp,
    ExpertLink,
    ExpertResearchResult,
    ExpertTechnicalSolution,
    FollowUpKind,
)
from store.models.outbox import OutboxMessage, OutboxStatus
from store.models.points import PointDay, PointEntry, PointEvent, PointEventKind
from store.models.projects import ProjectRegistration
from store.models.publications import (
    DemandPublication,
    DemandPublicationTarget,
    PublicationAudience,
    PublicationStatus,
)
from store.models.registration import CertificationStatus, RegistrationCounter, UnitCertification
from store.models.wechat import WeChatFollower, WeChatInbox, WeChatTemplateReport

__all__ = [
    "HolidayScheduleRecord",
    "DockingStatus",
    "ExpertDocking",
    "ExpertTechnology",
    "TechnologyStatus",
    "DigestMessage",
    "DigestPair",
    "DigestRun",
    "ExpertSubscription",
    "Demand",
    "DemandFollowUp",
    "FollowUpReminder",
    "DemandEvent",
    "DemandOrigin",
    "DemandStatus",
    "Review",
    "ReviewStatus",
    "ReviewTask",
    "SmsPurpose",
    "SmsCode",
    "SessionKind",
    "PasswordCredential",
    "MiniProgramBinding",
    "DingTalkBinding",
    "AuthSession",
    "Account",
    "AccountRole",
    "AccountStatus",
    "AuditCheckpoint",
    "AuditEntry",
    "AuditPersonalField",
    "Centre",
    "DingTalkContactEvent",
    "DingTalkInbound",
    "Enterprise",
    "EnterpriseContact",
    "EnterpriseLink",
    "Expert",
    "ExpertInvitation",
    "ExpertInvitationStatus",
    "ExpertFollowUp",
    "ExpertImport",
    "ExpertLink",
    "ExpertPush",
    "ExpertPushStatus",
    "ExpertResearchResult",
    "ExpertTechnicalSolution",
    "FollowUpKind",
    "Indicator",
    "WeeklyReport",
    "IndicatorOwner",
    "Institution",
    "InvitationCode",
    "InvitationPurpose",
    "InvitationRedemption",
    "InvitationStatus",
    "MembershipInvitation",
    "ManagerStatus",
    "TechnologyManagerRegistration",
    "PlatformState",
    "Official",
    "OutboxMessage",
    "OutboxStatus",
    "PointDay",
    "PointEntry",
    "DemandPublication",
    "DemandPublicationTarget",
    "PublicationAudience",
    "PublicationStatus",
    "PointEvent",
    "PointEventKind",
    "ProjectRegistration",
    "RegionLevel",
    "CertificationStatus",
    "RegistrationCounter",
    "UnitCertification",
    "Role",
    "StaffMember",
    "StoredFile",
    "WeChatFollower",
    "WeChatInbox",
    "WeChatTemplateReport",
]
