"""Benchmark: a 1,000,000-row XLSX streamed in bounded memory (openpyxl write-only, rows from a generator).

The rows are generated one at a time and never held in a list; the workbook writer keeps no cells.
Reports the time, the peak resident memory of the process (ru_maxrss) and, with --tracemalloc, the peak
of Python allocations during the write (slower: every allocation is traced)."""
from __future__ import annotations

import argparse
import resource
import tempfile
import time
import tracemalloc
from pathlib import Path

from services.common.privacy import mask_nik
from services.reports.periodic_render import write_xlsx_sheets

COLUMNS = ["No", "NIK", "Nama Penerima", "RT/RW", "Dusun", "Program", "Nilai", "Status"]


def rows(count: int):
    for i in range(count):
        yield (i + 1, mask_nik(f"3526{i:012d}"), f"Penerima Nomor {i}", f"00{i % 5 + 1}/00{i % 3 + 1}",
               f"Dusun {i % 4 + 1}", "BLT-DD-2026", 300000, "disalurkan" if i % 7 else "menunggu")


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--tracemalloc", action="store_true")
    args = parser.parse_args()
    baseline = peak_rss_mib()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "besar.xlsx"
        if args.tracemalloc:
            tracemalloc.start()
        start = time.perf_counter()
        write_xlsx_sheets(path, [("Penerima", COLUMNS, rows(args.rows))])
        elapsed = time.perf_counter() - start
        traced = tracemalloc.get_traced_memory()[1] / 2**20 if args.tracemalloc else None
        size = path.stat().st_size / 2**20
    print(f"xlsx: {args.rows:,} baris dalam {elapsed:.1f} s ({args.rows / elapsed:,.0f} baris/s), {size:.1f} MiB")
    print(f"peak RSS proses: {peak_rss_mib():.0f} MiB (sebelum menulis: {baseline:.0f} MiB)")
    if traced is not None:
        print(f"puncak alokasi Python (tracemalloc): {traced:.1f} MiB")


if __name__ == "__main__":
    main()
