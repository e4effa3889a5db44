"""Registry models, split by domain; import them from here."""
from .audit import AuditEntry
from .bank import BankAccount
from .base import Base
from .cycles import Cycle, Entitlement
from .dedup import DedupCluster, DedupMember, DedupRun
from .imports import ImportJob, ImportRejection
from .people import DuplicateCandidate, Household, Person
from .programmes import Enrolment, Organisation, Programme, ProgrammePartner
from .welfare import HouseholdWelfare

__all__ = [
    "Base", "Household", "Person", "DuplicateCandidate", "Organisation", "Programme",
    "ProgrammePartner", "Enrolment", "ImportJob", "ImportRejection", "AuditEntry",
    "Cycle", "Entitlement", "HouseholdWelfare", "BankAccount", "DedupCluster", "DedupMember", "DedupRun",
]
