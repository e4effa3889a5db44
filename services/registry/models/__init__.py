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
from .cycles import Cycle, Entitlement
from .distribution import GoodsStock, Pickup
from .feedback import Complaint, InboxMessage
from .funding import CyclePlan, EligibilityRule, FundingSource, ProgrammeExclusion
from .imports import ImportJob, ImportRejection
from .meetings import CommunityMeeting, MeetingAction, MeetingAttendee, MeetingDecision, MeetingIssue, ProgrammeProposal
from .partners import FundingApplication, PartnerAgreement, PartnerContact
from .people import DuplicateCandidate, Household, Person
from .programmes import Enrolment, Organisation, Programme, ProgrammePartner
from .trainings import Training, TrainingAttendance, TrainingEnrolment, TrainingFollowUp, TrainingSession
from .welfare import HouseholdWelfare

__all__ = [
    "Base", "Household", "Person", "DuplicateCandidate", "Organisation", "Programme",
    "ProgrammePartner", "Enrolment", "ImportJob", "ImportRejection", "AuditEntry",
    "Cycle", "Entitlement", "HouseholdWelfare", "BankAccount", "AuditChainHead",
    # issue 7: trainings, capital, meetings, partners
    "Training", "TrainingSession", "TrainingEnrolment", "TrainingAttendance", "TrainingFollowUp",
    "BusinessGroup", "BusinessGroupMember", "CapitalGrant", "CapitalDisbursement", "LoanInstalment", "LoanPayment",
    "CapitalFollowUp", "CommunityMeeting", "MeetingAttendee", "MeetingIssue", "MeetingDecision", "MeetingAction",
    "ProgrammeProposal", "PartnerContact", "PartnerAgreement", "FundingApplication",
]
from .ledger import LedgerEntry, LedgerHead
from .musyawarah import ChangeRequest, Musyawarah, MusyawarahAttendee, MusyawarahDecision
from .payments import BankStatement, PaymentBatch, PaymentItem
from .regions import Region
from .resources import PersonSkill, VillageResource
from .surveys import Enumerator, Instrument, Question, SurveyCampaign, SurveyResponse
from .verification import VerificationCase, VerificationSample

# Every model class imported above (ruff: F401 is off for this file in pyproject.toml).
__all__ = sorted(name for name, value in list(globals().items())
                 if isinstance(value, type) and issubclass(value, Base) and value is not Base) + ["Base"]

# Every AuditEntry flushed in this process gets its place in the hash chain.
install_audit_chain()
