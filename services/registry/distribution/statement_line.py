"""The one record every bank-result reader returns (camt.053/.054, result CSV, a bank's mutation CSV).

Readers only read: matching a line to a payment, and the checks that need the database, live in
statements.py, so a new bank layout is a reader returning these and nothing else.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

# outcome: "paid" (the transfer left our account), "returned" (money came back or the entry was
# reversed; a payment not yet paid is then counted as refused by the bank), "failed" (the bank says it
# refused the transfer), "batch" (one booking for a whole batch, matched through ``batch_ref``), or None
# when the line cannot be matched at all (``reason`` says why; it is refused, never dropped).
OUTCOMES = ("paid", "returned", "failed", "batch")


@dataclass
class StatementLine:
    row: int  # 1-based position of the line in the file (transaction for camt, data row for CSV)
    reference: str | None  # EndToEndId of our pain.001 / the bank's reference column
    outcome: str | None
    amount: Decimal | None
    reason: str | None  # why the line is refused (outcome None), else free text from the bank
    reason_code: str | None = None  # the bank's return/reject code, e.g. AC04, AC06
    currency: str | None = None
    batch_ref: str | None = None  # PmtInfId or MsgId of a batch booking
    nb_of_txs: int | None = None  # how many payments a batch booking says it holds
    entry_ref: str | None = None  # the bank's own entry reference (NtryRef / AcctSvcrRef)
    entry: int | None = None  # which entry of the file (camt: one entry may hold several transactions)
    line: int | None = None  # line in the file where the entry or transaction starts
