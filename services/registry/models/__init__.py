"""Registry models, split by domain; import them from here."""
from services.registry.capacity.models.capital import (
    BusinessGroup,
    BusinessGroupMember,
    CapitalDisbursement,
    CapitalFollowUp,
    CapitalGrant,
    LoanInstalment,
    LoanPayment,
)
from services.registry.capacity.models.meetings import (
    CommunityMeeting,
    MeetingAction,
    MeetingAttendee,
    MeetingDecision,
    MeetingIssue,
    ProgrammeProposal,
)
from services.registry.capacity.models.partners import FundingApplication, PartnerAgreement, PartnerContact
from services.registry.capacity.models.trainings import (
    Training,
    TrainingAttendance,
    TrainingEnrolment,
    TrainingFollowUp,
    TrainingSession,
)
from services.registry.core.base import Base
from services.registry.core.models.areas import Area, install_area_scope
from services.registry.core.models.audit import AuditChainHead, AuditEntry, install_audit_chain
from services.registry.distribution.models.bank import BankAccount
from services.registry.distribution.models.ledger import LedgerEntry, LedgerHead
from services.registry.distribution.models.payments import BankStatement, PaymentBatch, PaymentItem
from services.registry.distribution.models.pickup import GoodsStock, Pickup
from services.registry.distribution.models.verification import VerificationCase, VerificationSample
from services.registry.distribution.models.watchdog import WatchdogRun
from services.registry.feedback.models.complaints import Complaint, SatisfactionResponse
from services.registry.feedback.models.inbox import InboxMessage
from services.registry.indicators.models.indicators import Indicator, IndicatorValue, SatisfactionCode
from services.registry.outreach.models.outbox import OutboxBatch
from services.registry.people.models.dedup import DedupCluster, DedupClusterArea, DedupMember, DedupRun
from services.registry.people.models.imports import ImportJob, ImportRejection
from services.registry.people.models.people import DuplicateCandidate, Household, Person
from services.registry.people.models.regions import Region
from services.registry.people.models.resources import PersonSkill, VillageResource
from services.registry.programmes.models.candidates import Candidate, CandidateFeedback
from services.registry.programmes.models.cycles import Cycle, Entitlement
from services.registry.programmes.models.funding import CyclePlan, EligibilityRule, FundingSource, ProgrammeExclusion
from services.registry.programmes.models.musyawarah import (
    ChangeRequest,
    Musyawarah,
    MusyawarahAttendee,
    MusyawarahDecision,
)
from services.registry.programmes.models.programmes import Enrolment, Organisation, Programme, ProgrammePartner
from services.registry.surveys.models.surveys import (
    Enumerator,
    Instrument,
    OpenRosaNonceUse,
    Question,
    SurveyCampaign,
    SurveyResponse,
)
from services.registry.surveys.models.welfare import HouseholdWelfare

# Every model class imported above (ruff: F401 is off for this file in pyproject.toml).
__all__ = sorted(name for name, value in list(globals().items())
                 if isinstance(value, type) and issubclass(value, Base) and value is not Base) + ["Base"]

# Every AuditEntry flushed in this process gets its place in the hash chain.
install_audit_chain()
# Every ORM statement is scoped to the areas the request may see; new rows get their area.
install_area_scope()
