"""Benchmark: time to build the programme recipients PDF and XLSX for 10,000 recipients (no database)."""
from __future__ import annotations

import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

from services.common.privacy import mask_nik
from services.reports.recipients_data import RecipientsReport
from services.reports.renderers import write_csv, write_pdf, write_xlsx


def synthetic_report(count: int) -> RecipientsReport:
    report = RecipientsReport("BLT Dana Desa 2026", "BLT-DD-2026", "tunai", "Rp300.000", ["Pemerintah Desa Kamal"],
                              ["Yayasan Madura Sejahtera"], datetime.now(), "2026-11")
    for i in range(count):
        report.rows.append((i + 1, mask_nik(f"3526{i:012d}"), f"Penerima Nomor {i}", mask_nik(f"3526{i:012d}"),
                            f"00{i % 5 + 1}/00{i % 3 + 1}", f"Dusun {i % 4 + 1}", "aktif"))
    return report


def main(count: int = 10_000) -> None:
    report = synthetic_report(count)
    with tempfile.TemporaryDirectory() as folder:
        for name, writer in (("pdf", write_pdf), ("xlsx", write_xlsx), ("csv", write_csv)):
            path = Path(folder) / f"bench.{name}"
            start = time.perf_counter()
            writer(report, path)
            elapsed = time.perf_counter() - start
            print(f"{name}: {count} penerima dalam {elapsed:.2f} s, {path.stat().st_size / 1024:.0f} KiB")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
