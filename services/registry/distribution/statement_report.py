"""What an applied bank file did, as the operator reads it (CLI and admin screen say the same).

Lines in the file = matched + refused + unresolved: a line is one transaction of a camt entry (an
entry without transactions is one line), or one data row of a CSV.
"""
from __future__ import annotations

from services.registry.models import BankStatement


def summarize(statement: BankStatement) -> dict:
    summary = statement.summary or {}
    refused = list(statement.rejections or [])
    unresolved = list(summary.get("unresolved") or [])
    matched = summary.get("matched", 0)
    lines = statement.total_rows
    return {
        "version": statement.message_version or statement.file_format, "entries": summary.get("entries", lines),
        "lines": lines, "matched": matched, "paid": statement.paid, "returned": statement.returned,
        "rejected_by_bank": statement.failed, "unchanged": statement.unchanged, "refused": refused,
        "unresolved": unresolved, "balances": summary.get("statements") or [],
        "resolved_earlier": summary.get("resolved_earlier") or [],
        "accounted": matched + len(refused) + len(unresolved) == lines,
        "clean": not refused and not unresolved,
    }


def _balance_line(check: dict) -> str:
    head = f"Rekening {check.get('account')} ({check.get('currency')}): {check.get('entries')} entri, " \
           f"debit {check.get('debits')}, kredit {check.get('credits')}"
    if check.get("balanced") is None:
        return head + "; berkas tanpa saldo awal/akhir (OPBD/CLBD)"
    verdict = "cocok" if check["balanced"] else "TIDAK cocok"
    return (f"{head}; saldo awal {check['opening']}, saldo akhir menurut bank {check['closing']}, "
            f"hitungan {check['computed_closing']}: {verdict}")


def report_lines(statement: BankStatement) -> list[str]:
    s = summarize(statement)
    out = [f"Berkas {statement.filename} ({s['version']}): {s['entries']} entri, {s['lines']} baris transaksi",
           f"Cocok {s['matched']}: dibayar {s['paid']}, dikembalikan {s['returned']}, ditolak bank "
           f"{s['rejected_by_bank']}, sudah tercatat sebelumnya {s['unchanged']}",
           f"Ditolak {len(s['refused'])}, belum terselesaikan {len(s['unresolved'])}",
           f"Baris di berkas {s['lines']} = cocok {s['matched']} + ditolak {len(s['refused'])} + belum terselesaikan "
           f"{len(s['unresolved'])}" + ("" if s["accounted"] else "  (TIDAK SAMA)")]
    out += [_balance_line(check) for check in s["balances"]]
    out += [f"  ditolak baris {r['row']}{' (baris XML ' + str(r['line']) + ')' if r.get('line') else ''}: "
            f"{r.get('ref') or '-'}: {r['reason']}" for r in s["refused"]]
    out += [f"  belum terselesaikan baris {h['row']}: {h['reason']}" for h in s["unresolved"]]
    out += [f"  entri batch {h['ref']} dari berkas #{h['statement_id']} kini terselesaikan"
            for h in s["resolved_earlier"]]
    return out
