"""Registry models, split by domain; import them from here."""
from .audit import AuditChainHead, AuditEntry
from .bank import BankAccount
from .base import Base
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

# Every AuditEntry flushed in this process gets its place in the hash chain (services/registry/audit_chain.py).
from ..audit_chain import install as _install_audit_chain  # noqa: E402

_install_audit_chain()
