"""Registry models, split by domain; import them from here."""
from .audit import AuditEntry
from .bank import BankAccount
from .base import Base
from .cycles import Cycle, Entitlement
from .distribution import GoodsStock, Pickup
from .imports import ImportJob, ImportRejection
from .ledger import LedgerEntry, LedgerHead
from .payments import BankStatement, PaymentBatch, PaymentItem
from .people import DuplicateCandidate, Household, Person
from .programmes import Enrolment, Organisation, Programme, ProgrammePartner
from .verification import VerificationCase, VerificationSample
from .welfare import HouseholdWelfare

__all__ = [
    "Base", "Household", "Person", "DuplicateCandidate", "Organisation", "Programme",
    "ProgrammePartner", "Enrolment", "ImportJob", "ImportRejection", "AuditEntry",
    "Cycle", "Entitlement", "HouseholdWelfare", "BankAccount",
    "LedgerEntry", "LedgerHead", "Pickup", "GoodsStock", "PaymentBatch", "PaymentItem", "BankStatement",
    "VerificationSample", "VerificationCase",
]
