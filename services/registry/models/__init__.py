"""Registry models, split by domain; import them from here."""
from .audit import AuditEntry
from .bank import BankAccount
from .base import Base
from .candidates import Candidate, CandidateFeedback
from .cycles import Cycle, Entitlement
from .funding import CyclePlan, EligibilityRule, FundingSource, ProgrammeExclusion
from .imports import ImportJob, ImportRejection
from .musyawarah import ChangeRequest, Musyawarah, MusyawarahAttendee, MusyawarahDecision
from .people import DuplicateCandidate, Household, Person
from .programmes import Enrolment, Organisation, Programme, ProgrammePartner
from .welfare import HouseholdWelfare

__all__ = [
    "Base", "Household", "Person", "DuplicateCandidate", "Organisation", "Programme",
    "ProgrammePartner", "Enrolment", "ImportJob", "ImportRejection", "AuditEntry",
    "Cycle", "Entitlement", "HouseholdWelfare", "BankAccount",
    "FundingSource", "ProgrammeExclusion", "EligibilityRule", "CyclePlan", "Candidate", "CandidateFeedback",
    "Musyawarah", "MusyawarahAttendee", "MusyawarahDecision", "ChangeRequest",
]
