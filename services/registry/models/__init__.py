"""Registry models, split by domain; import them from here."""
from .audit import AuditChainHead, AuditEntry, install_audit_chain
from .bank import BankAccount
from .base import Base
from .candidates import Candidate, CandidateFeedback
from .capital import (
    BusinessGroup,
    BusinessGroupMember,
    CapitalDisbursement,
    CapitalFollowUp,
    CapitalGrant,
    LoanInstalment,
    LoanPayment,
)
from .complaints import Complaint, SatisfactionResponse
from .cycles import Cycle, Entitlement
from .dedup import DedupCluster, DedupMember, DedupRun
from .distribution import GoodsStock, Pickup
from .feedback import InboxMessage
from .funding import CyclePlan, EligibilityRule, FundingSource, ProgrammeExclusion
from .imports import ImportJob, ImportRejection
from .indicators import Indicator, IndicatorValue, SatisfactionCode
from .ledger import LedgerEntry, LedgerHead
from .meetings import (
    CommunityMeeting,
    MeetingAction,
    MeetingAttendee,
    MeetingDecision,
    MeetingIssue,
    ProgrammeProposal,
)
from .musyawarah import ChangeRequest, Musyawarah, MusyawarahAttendee, MusyawarahDecision
from .partners import FundingApplication, PartnerAgreement, PartnerContact
from .payments import BankStatement, PaymentBatch, PaymentItem
from .people import DuplicateCandidate, Household, Person
from .programmes import Enrolment, Organisation, Programme, ProgrammePartner
from .regions import Region
from .resources import PersonSkill, VillageResource
from .surveys import Enumerator, Instrument, OpenRosaNonceUse, Question, SurveyCampaign, SurveyResponse
from .trainings import Training, TrainingAttendance, TrainingEnrolment, TrainingFollowUp, TrainingSession
from .verification import VerificationCase, VerificationSample
from .welfare import HouseholdWelfare

# Every model class imported above (ruff: F401 is off for this file in pyproject.toml).
__all__ = sorted(name for name, value in list(globals().items())
                 if isinstance(value, type) and issubclass(value, Base) and value is not Base) + ["Base"]

# Every AuditEntry flushed in this process gets its place in the hash chain.
install_audit_chain()
