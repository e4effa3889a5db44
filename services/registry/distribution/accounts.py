"""Recipients' bank accounts with the holder-name check (a mismatch is flagged for review, not refused)."""
from __future__ import annotations

import re

from rapidfuzz import fuzz
from sqlalchemy.orm import Session

from services.registry.core.audit import record
from services.registry.distribution.common import DistributionError
from services.registry.models import BankAccount, Person

MATCH_THRESHOLD = 85
# Spellings of the same name that banks and KTPs write differently (Madurese/Javanese usage).
_ALIASES = {"moh": "muhammad", "muh": "muhammad", "mohammad": "muhammad", "mochammad": "muhammad",
            "muhamad": "muhammad", "mohamad": "muhammad", "sitti": "siti", "abd": "abdul", "bin": "", "binti": ""}


def normalise_name(name: str | None) -> str:
    words = re.sub(r"[^a-z ]", " ", (name or "").lower()).split()
    return " ".join(w for w in (_ALIASES.get(word, word) for word in words) if w)


def holder_score(holder_name: str, person_name: str) -> float:
    """Token ratio of the two names after normalisation (word order and aliases do not matter)."""
    return fuzz.token_sort_ratio(normalise_name(holder_name), normalise_name(person_name))


def mask_account(number: str) -> str:
    return "\u2022" * max(len(number) - 4, 0) + number[-4:]


def save_account(session: Session, person_id: int, bank_code: str, account_number: str, holder_name: str,
                 actor: str, bank_name: str | None = None) -> BankAccount:
    person = session.get(Person, person_id)
    if person is None:
        raise DistributionError("Penduduk tidak ditemukan")
    number = re.sub(r"[\s.-]", "", account_number or "")
    if not re.fullmatch(r"\d{5,34}", number):
        raise DistributionError("Nomor rekening harus 5-34 angka")
    code = (bank_code or "").strip().upper()
    if not re.fullmatch(r"\d{3}|[A-Z]{6}[A-Z2-9][A-NP-Z0-9]([A-Z0-9]{3})?", code):
        raise DistributionError("Kode bank harus kode BI 3 angka (mis. 002) atau BIC (mis. BRINIDJA)")
    if not (holder_name or "").strip():
        raise DistributionError("Nama pemilik rekening wajib diisi")
    score = holder_score(holder_name, person.name)
    account = BankAccount(person_id=person.id, bank_code=code, bank_name=bank_name, account_number=number,
                          holder_name=holder_name.strip(), holder_name_matches=score >= MATCH_THRESHOLD)
    session.add(account)
    session.flush()
    record(session, actor, "create", "bank_account", account.id,
          **{"person_id": person.id, "bank_code": code, "account": mask_account(number),
           "holder_name_matches": account.holder_name_matches, "holder_score": round(score, 1)})
    session.commit()
    return account
