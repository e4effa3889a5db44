"""Registry models, split by domain; import them from here."""
from .base import Base
from .people import Household, Person, DuplicateCandidate
from .programmes import Organisation, Programme, ProgrammePartner, Enrolment
from .imports import ImportJob, ImportRejection
from .audit import AuditEntry

__all__ = [
    "Base", "Household", "Person", "DuplicateCandidate", "Organisation", "Programme",
    "ProgrammePartner", "Enrolment", "ImportJob", "ImportRejection", "AuditEntry",
]
