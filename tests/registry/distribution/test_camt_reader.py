"""camt.053 and camt.054, every supported version: checked against its own XSD, read so that every entry
is accounted for (one line per transaction, one line for an entry without transactions), returns and
reversals never read as paid, and refusals in Indonesian naming the version, the line and what is missing."""
from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from services.registry.distribution import camt, statements
from services.registry.distribution.common import DistributionError
from tests.fakes.bank_statement import VERSIONS, Entry, write_camt

D = Decimal
EVERY_KIND = [
    Entry([("BSK-1-1", D("300000"))]),
    Entry([("BSK-1-2", D("300000"))], "returned", "AC04"),
    Entry([("BSK-1-3", D("300000"))], "reversal", "AC06"),
    Entry([("BSK-1-4", D("300000"))], "reversal_dbit", "AC06"),
    Entry([], batch="BSK-2", nb_of_txs=3, amount=D("900000")),
    Entry([("BSK-3-1", D("150000")), ("BSK-3-2", D("150000"))], batch="BSK-3"),
    Entry([("BSK-1-5", D("300000"))], "pending"),
    Entry(amount=D("6500"), details=False),  # the bank's fee, booked without details
    Entry([("SETORAN-1", D("1000000"))], "credit"),
]


def _lines_per_entry(entry: Entry) -> int:
    return len(entry.txs) if entry.details and entry.txs and entry.outcome != "pending" else 1


def test_all_twenty_six_versions_have_their_xsd():
    assert len(VERSIONS) == 26
    for version in VERSIONS:
        assert (camt.XSD_DIR / f"{version}.xsd").exists(), version


@pytest.mark.parametrize("version", VERSIONS)
def test_every_version_is_valid_and_every_entry_accounted_for(tmp_path, version):
    data = write_camt(tmp_path / "m.xml", EVERY_KIND, version=version).read_bytes()
    assert camt.validation_errors(data) == (version, [])
    parsed = camt.read_camt(data)
    assert parsed.version == version and parsed.entries == len(EVERY_KIND)
    assert [line.entry for line in parsed.lines] == [n for n, e in enumerate(EVERY_KIND, 1)
                                                     for _ in range(_lines_per_entry(e))]
    assert [line.row for line in parsed.lines] == list(range(1, len(parsed.lines) + 1))
    outcomes = [(line.reference or line.batch_ref, line.outcome, line.reason_code) for line in parsed.lines]
    assert outcomes == [("BSK-1-1", "paid", None), ("BSK-1-2", "returned", "AC04"), ("BSK-1-3", "returned", "AC06"),
                        ("BSK-1-4", "returned", "AC06"), ("BSK-2", "batch", None), ("BSK-3-1", "paid", None),
                        ("BSK-3-2", "paid", None), (None, None, None), (None, None, None), ("SETORAN-1", None, None)]
    batch = parsed.lines[4]
    assert (batch.nb_of_txs, batch.amount) == (3, D("900000"))
    refused = [line.reason for line in parsed.lines if line.outcome is None]
    assert "belum dibukukan" in refused[0] and "NtryDtls" in refused[1] and "RtrInf" in refused[2]
    assert all(line.currency == "IDR" and line.line for line in parsed.lines)
    (stmt,) = parsed.statements
    assert stmt.account == "0021010000000001"
    if version.startswith("camt.053"):
        assert stmt.check()["balanced"] is True
    else:
        assert stmt.check()["balanced"] is None  # a notification carries no balances


ENTRIES = st.builds(
    Entry,
    txs=st.lists(st.tuples(st.from_regex(r"BSK-[0-9]{1,4}-[0-9]{1,5}", fullmatch=True),
                           st.decimals(min_value=1, max_value=10**9, places=2)), max_size=3),
    outcome=st.sampled_from(["paid", "returned", "reversal", "reversal_dbit", "credit", "pending"]),
    reason=st.sampled_from([None, "AC01", "AC04", "AC06", "AM04", "MS03"]),
    batch=st.one_of(st.none(), st.from_regex(r"BSK-[0-9]{1,4}", fullmatch=True)),
    details=st.booleans(),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(version=st.sampled_from(VERSIONS), entries=st.lists(ENTRIES, min_size=1, max_size=8))
def test_any_file_of_any_version_loses_no_entry_and_never_pays_a_return(tmp_path, version, entries):
    entries = [e if e.txs or e.batch or not e.details else Entry(e.txs, e.outcome, e.reason, amount=D(5),
                                                                  details=False) for e in entries]
    data = write_camt(tmp_path / "h.xml", entries, version=version).read_bytes()
    assert camt.validation_errors(data) == (version, [])
    lines = camt.read_camt(data).lines
    assert len(lines) == sum(_lines_per_entry(e) for e in entries)
    assert {line.entry for line in lines} == set(range(1, len(entries) + 1))
    for line in lines:
        entry = entries[line.entry - 1]
        assert line.outcome is not None or line.reason  # refused lines say why
        if entry.outcome in ("returned", "reversal", "reversal_dbit"):
            assert line.outcome != "paid"
            if line.outcome == "returned":
                assert line.reason_code == (entry.reason or "AC04")
        if entry.outcome == "pending":
            assert line.outcome is None


def test_bom_and_declaration_go_to_the_xml_reader(tmp_path):
    plain = write_camt(tmp_path / "a.xml", EVERY_KIND[:1], declaration=False).read_bytes()
    bom = write_camt(tmp_path / "b.xml", EVERY_KIND[:1], bom=True).read_bytes()
    assert bom.startswith(b"\xef\xbb\xbf<?xml") and statements.is_xml(bom) and statements.is_xml(plain)
    assert statements.is_xml(b"\xef\xbb\xbf\n  <Document/>") and not statements.is_xml(b"\xef\xbb\xbfend_to_end_id")
    assert camt.read_camt(bom).lines[0].reference == "BSK-1-1"


def test_unknown_namespace_lists_the_supported_versions(tmp_path):
    data = write_camt(tmp_path / "m.xml", EVERY_KIND[:1], version="camt.053.001.08").read_bytes()
    for namespace in ("camt.053.001.01", "camt.052.001.08", "camt.053.001.99", "pain.002.001.03"):
        other = data.replace(b"camt.053.001.08", namespace.encode())
        with pytest.raises(DistributionError) as refused:
            camt.read_camt(other)
        assert namespace in str(refused.value)
        assert "camt.053.001.02 s.d. .001.14, camt.054.001.02 s.d. .001.14" in str(refused.value)


@pytest.mark.parametrize("version", ["camt.053.001.02", "camt.053.001.08", "camt.054.001.04"])
def test_a_missing_element_is_named_with_version_and_line(tmp_path, version):
    path = write_camt(tmp_path / "m.xml", EVERY_KIND[:2], version=version)
    doc = etree.parse(str(path))
    ns = {"c": f"urn:iso:std:iso:20022:tech:xsd:{version}"}
    second = doc.findall(".//c:Ntry", ns)[1]
    second.remove(second.find("c:CdtDbtInd", ns))
    doc.write(str(path))
    status_line = etree.parse(str(path)).findall(".//c:Ntry", ns)[1].find("c:Sts", ns).sourceline
    with pytest.raises(DistributionError) as refused:
        camt.read_camt(path.read_bytes())
    message = str(refused.value)
    assert message.startswith(f"Berkas {version} tidak sah: baris {status_line}: elemen Sts tidak semestinya")
    assert "(yang diharapkan: CdtDbtInd)" in message and "Expected" not in message


def test_a_wrong_value_is_refused_in_indonesian(tmp_path):
    data = write_camt(tmp_path / "m.xml", EVERY_KIND[:1]).read_bytes().replace(b">300000.00<", b">tiga ratus<", 1)
    with pytest.raises(DistributionError, match=r"camt.053.001.08 tidak sah: baris \d+: elemen Amt: nilai 'tiga ratus'"):
        camt.read_camt(data)


def test_balances_that_do_not_add_up_are_reported(tmp_path):
    data = write_camt(tmp_path / "m.xml", EVERY_KIND[:2], closing=D("1")).read_bytes()
    check = camt.read_camt(data).statements[0].check()
    assert check["balanced"] is False and check["closing"] == "1.00"
    assert D(check["computed_closing"]) == D("50000000") - D("300000") + D("300000")
