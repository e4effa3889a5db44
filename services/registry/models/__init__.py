"""Registry models, split by domain; import them from here."""
from .audit import AuditChainHead, AuditEntry
from .bank import BankAccount
from .base import Base
from .complaints import Complaint, SurveyResponse
from .cycles import Cycle, Entitlement
from .imports import ImportJob, ImportRejection
from .people import DuplicateCandidate, Household, Person
from .programmes import Enrolment, Organisation, Programme, ProgrammePartner
from .welfare import HouseholdWelfare

__all__ = [
    "Base", "Household", "Person", "DuplicateCandidate", "Organisation", "Programme",
    "ProgrammePartner", "Enrolment", "ImportJob", "ImportRejection", "AuditEntry",
    "Cycle", "Entitlement", "HouseholdWelfare", "BankAccount", "AuditChainHead",
    "Complaint", "SurveyResponse",
]

# Every AuditEntry flushed in this process gets its place in the hash chain (services/registry/audit_chain.py).
from ..audit_chain import install as _install_audit_chain  # noqa: E402

_install_audit_chain()
