"""Bank file layouts as profiles: what a bank's cash-management upload takes, and who says so.

Each profile names its source. A bank whose upload layout has no public specification keeps a profile
without a writer, so the screens can say why it cannot be chosen instead of producing a guessed file.
The ISO 20022 and generic CSV exports are listed beside them: one list of what a batch can be exported as.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from services.registry.distribution.banks import bank_jatim, bni_direct, bri_cms, mandiri_mcm
from services.registry.distribution.common import DistributionError


@dataclass(frozen=True)
class ExportFormat:
    code: str
    label: str
    filename: str  # of the downloaded file, after the batch reference
    mimetype: str
    source: str
    write: Callable | None = None  # write(path, *, execution_date, debtor, count, total, items)
    unavailable: str | None = None  # why it cannot be chosen (no public specification)


def _bank(module) -> ExportFormat:
    return ExportFormat(module.CODE, module.LABEL, module.FILENAME, module.MIMETYPE, module.SOURCE,
                        getattr(module, "write", None), getattr(module, "UNAVAILABLE", None))


DEFAULT = "pain.001.001.03"
FORMATS: dict[str, ExportFormat] = {f.code: f for f in (
    ExportFormat("pain.001.001.03", "ISO 20022 pain.001.001.03", "pain.001.xml", "application/xml",
                 "ISO 20022 message archive (XSD di distribution/xsd)"),
    ExportFormat("pain.001.001.09", "ISO 20022 pain.001.001.09", "pain.001.001.09.xml", "application/xml",
                 "ISO 20022 message archive (XSD di distribution/xsd)"),
    ExportFormat("csv", "CSV umum (end_to_end_id, bank, rekening, nama, nominal)", "transfer.csv", "text/csv",
                 "tata letak proyek ini sendiri"),
    *(_bank(m) for m in (mandiri_mcm, bri_cms, bni_direct, bank_jatim)),
)}


def choices(available_only: bool = False) -> list[tuple[str, str]]:
    """(code, label) for a select; a format without a public layout is marked, or left out."""
    return [(f.code, f.label if not f.unavailable else f"{f.label} (belum tersedia)")
            for f in FORMATS.values() if not (available_only and f.unavailable)]


def export_format(code: str | None) -> ExportFormat:
    """The format to write, refusing unknown codes and layouts without a public specification."""
    found = FORMATS.get(code or DEFAULT)
    if found is None:
        raise DistributionError(f"Format ekspor tidak dikenal: {code!r}")
    if found.unavailable:
        raise DistributionError(f"{found.label} belum bisa dipilih: {found.unavailable}")
    return found
