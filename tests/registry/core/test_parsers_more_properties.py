"""Property-based tests (hypothesis) of the parsers beyond the roster: Kobo/ODK survey exports and DTSEN files,
OpenRosa submissions (any XML, XXE and entity bombs), bank results (CSV and camt.053). Each one either
accepts the input or refuses it with its own Indonesian error, never another exception, and keeps every
valid row (imported, or in the rejection report with a reason)."""
from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from openpyxl import Workbook
from sqlalchemy.orm import Session

from services.common.db import make_engine
from services.registry import schema
from services.registry.core.parsing import RosterFileError
from services.registry.distribution import statements
from services.registry.distribution.camt import read_camt, validation_errors
from services.registry.distribution.common import DistributionError
from services.registry.surveys.answers import NO, YES
from services.registry.surveys.dtsen import import_dtsen
from services.registry.surveys.kobo import import_kobo
from services.registry.surveys.xform import SubmissionError, parse_submission
from tests.fakes.bank_statement import write_camt053
from tests.registry.surveys.survey_helpers import BPS_CODES, kk, setup_registry

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
KNOWN_KKS = [kk(n) for n in range(1, 5)]
text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=20)
xlsx_safe = st.characters(blacklist_categories=("Cs", "Cc"))  # XLSX cannot hold control characters
answers = st.sampled_from(["ya", "tidak", "Ya ", "T", "yes", "0"]) | st.text(xlsx_safe, max_size=12)


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    folder = tmp_path_factory.mktemp("registry")
    patch = pytest.MonkeyPatch()  # one database for every example keeps the file well under 20 s
    patch.setenv("BANSOS_VAR", str(folder))
    patch.setenv("BANSOS_DEMO", "1")
    url = f"sqlite:///{folder / 'registry.db'}"
    schema.upgrade(url)
    engine = make_engine(url)
    with Session(engine, expire_on_commit=False) as session:
        _, bps, _ = setup_registry(session, len(KNOWN_KKS))
        yield session, bps
    engine.dispose()
    patch.undo()


def _write(folder, rows: list[list[str]], kind: str):
    if kind == "xlsx":
        path = folder / "ekspor.xlsx"
        book = Workbook()
        for row in rows:
            book.active.append(row)
        for cell in (c for line in book.active.iter_rows() for c in line):
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # an export holds answers as text; openpyxl would write "=..." as a formula
        book.save(path)
    else:
        path = folder / "ekspor.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle, delimiter=";" if kind == "csv;" else ",").writerows(rows)
    return path


def _valid(kk_text: str, cells: list[str]) -> bool:
    return kk_text.strip() in KNOWN_KKS and all(c.strip().lower() in YES | NO for c in cells)



@SETTINGS
@given(rows=st.lists(st.tuples(st.sampled_from(KNOWN_KKS) | st.text(xlsx_safe, max_size=18),
                               st.lists(answers, min_size=14, max_size=14)),
                     min_size=1, max_size=5),
       kind=st.sampled_from(["csv", "csv;", "xlsx"]))
def test_kobo_export_keeps_every_valid_row_and_gives_a_reason_for_the_rest(db, tmp_path_factory, rows, kind):
    session, bps = db
    header = ["identitas/no_kk", *[f"grup/{code}" for code in BPS_CODES], "_index"]
    table = [[kk_text, *cells, str(i)] for i, (kk_text, cells) in enumerate(rows)]
    path = _write(tmp_path_factory.mktemp("kobo"), [header, *table], kind)
    result = import_kobo(session, path, bps, actor="uji")
    # _index makes every row non-blank, so every row is imported, already there, or rejected with a reason.
    assert result.imported + result.unchanged + len(result.rejected) == len(rows)
    valid = sum(1 for kk_text, cells in rows if _valid(kk_text, cells))
    assert result.imported + result.unchanged == valid
    assert all(reason for _, reason, _ in result.rejected)
    with result.report.open(encoding="utf-8-sig") as handle:
        assert len(list(csv.reader(handle))) == 1 + len(result.rejected)


@SETTINGS
@given(content=st.binary(max_size=300), suffix=st.sampled_from([".csv", ".xlsx", ".txt", ".ods"]))
def test_survey_and_dtsen_imports_on_arbitrary_bytes_refuse_with_a_reason(db, tmp_path_factory, content, suffix):
    session, bps = db
    path = tmp_path_factory.mktemp("acak") / f"berkas{suffix}"
    path.write_bytes(content)
    for run in (lambda: import_kobo(session, path, bps, actor="uji"), lambda: import_dtsen(session, path, "uji")):
        try:
            result = run()
        except RosterFileError as exc:
            assert str(exc)
        else:
            assert all(reason for _, reason, _ in result.rejected)


@SETTINGS
@given(rows=st.lists(st.tuples(st.sampled_from(KNOWN_KKS) | text, st.sampled_from(["1", "5", "10"]) | text),
                     max_size=6))
def test_dtsen_every_row_is_applied_or_rejected(db, tmp_path_factory, rows):
    session, _ = db
    path = _write(tmp_path_factory.mktemp("dtsen"), [["NO_KK", "DESIL", "CATATAN"], *[[a, b, "x"] for a, b in rows]],
                  "csv")
    result = import_dtsen(session, path, "uji")
    # A KK repeated with the same desil is one change; every other row counts once.
    distinct = {(a.strip(), b.strip()) for a, b in rows if a.strip() in KNOWN_KKS and b.strip() in {"1", "5", "10"}}
    assert result.updated + result.unchanged >= len({a for a, _ in distinct}) - len(result.rejected)
    assert result.updated + result.unchanged + len(result.rejected) <= len(rows)
    assert all(reason for _, reason, _ in result.rejected)


# --- OpenRosa submissions -------------------------------------------------------------------------

names = st.from_regex(r"[a-z][a-z0-9_]{0,10}", fullmatch=True).filter(lambda n: n not in ("meta", "no_kk"))
xml_text = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=30)


@SETTINGS
@given(st.binary(max_size=400) | st.text(max_size=200).map(str.encode))
def test_openrosa_parser_on_arbitrary_bytes_gives_its_own_error(data):
    try:
        form_id, _, _, fields = parse_submission(data)
    except SubmissionError as exc:
        assert str(exc).startswith(("XML kiriman", "XML"))
    else:
        assert form_id and isinstance(fields, dict)


@SETTINGS
@given(fields=st.dictionaries(names, xml_text, max_size=8), kk_text=xml_text, instance=xml_text)
def test_openrosa_parser_keeps_every_answer_of_a_well_formed_submission(fields, kk_text, instance):
    root = etree.Element("data", id="bps14_v1")
    group = etree.SubElement(root, "grup")
    etree.SubElement(group, "no_kk").text = kk_text
    for name, value in fields.items():
        etree.SubElement(group, name).text = value
    etree.SubElement(etree.SubElement(root, "meta"), "instanceID").text = instance
    form_id, instance_id, kk_found, parsed = parse_submission(etree.tostring(root))
    assert (form_id, instance_id, kk_found) == ("bps14_v1", instance.strip() or None, kk_text.strip())
    assert parsed == {name: value.strip() for name, value in fields.items()}


XXE = b"""<?xml version="1.0"?><!DOCTYPE data [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<data id="bps14_v1"><no_kk>&xxe;</no_kk><k01>ya</k01></data>"""
LAUGHS = b"""<?xml version="1.0"?><!DOCTYPE data [<!ENTITY a "haha"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
<!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;"><!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">
<!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;"><!ENTITY h "&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;">]>
<data id="bps14_v1"><no_kk>&h;</no_kk></data>"""
NETWORK = b"""<?xml version="1.0"?><!DOCTYPE data SYSTEM "http://127.0.0.1:9/evil.dtd">
<data id="x"><no_kk>1</no_kk></data>"""


@pytest.mark.parametrize("document", [XXE, LAUGHS, NETWORK], ids=["xxe", "billion-laughs", "external-dtd"])
def test_openrosa_parser_never_expands_entities(document):
    try:
        _, _, kk_found, fields = parse_submission(document)
    except SubmissionError as exc:
        assert "XML kiriman" in str(exc)
    else:  # read, but the entity stays unexpanded: no file content, no 10^8 "haha"
        assert "root:" not in kk_found and len(kk_found) < 100 and "root:" not in str(fields)


# --- Bank results -------------------------------------------------------------------------------

statuses = st.sampled_from(["paid", "dibayar", "GAGAL", "returned", "retur"]) | text


@SETTINGS
@given(st.text(max_size=300))
def test_bank_csv_on_any_text_reads_or_says_why(content):
    try:
        lines = statements.read_csv(content)
    except DistributionError as exc:
        assert "Berkas CSV bank" in str(exc)
    else:
        assert all(line.outcome or line.reason for line in lines)


@SETTINGS
@given(rows=st.lists(st.tuples(text, statuses, st.sampled_from(["300000", "300000,00", ""]) | text, text),
                     max_size=6),
       delimiter=st.sampled_from([",", ";"]))
def test_bank_csv_keeps_every_row_with_an_outcome_or_a_reason(rows, delimiter):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(["end_to_end_id", "status", "amount", "reason_code"])
    writer.writerows(rows)
    lines = statements.read_csv(buffer.getvalue())
    kept = [row for row in rows if any(cell.strip() for cell in row)]
    assert len(lines) == len(kept)
    for line, (ref, status, _, _) in zip(lines, kept, strict=True):
        assert line.reference == (ref.strip() or None)
        assert line.outcome == statements.OUTCOMES.get(status.strip().lower()) or line.reason


@SETTINGS
@given(content=st.binary(max_size=300) | st.text(max_size=300).map(str.encode))
def test_bank_statement_upload_of_any_bytes_is_stored_or_refused_with_a_reason(db, tmp_path_factory, content):
    session, _ = db
    path = tmp_path_factory.mktemp("bank") / "hasil"
    path.write_bytes(content)
    try:
        statement = statements.create_statement(session, path, "hasil", "uji")
    except DistributionError as exc:
        assert str(exc).startswith("Berkas")
        session.rollback()
    else:
        assert statement.total_rows == len(statements.read_lines(statement))


@SETTINGS
@given(st.lists(st.tuples(st.from_regex(r"BSK-[0-9]{1,5}-[0-9]{1,5}", fullmatch=True),
                          st.decimals(min_value=1, max_value=10**9, places=2),
                          st.sampled_from(["paid", "returned"]), st.sampled_from([None, "AC04", "AM04"])),
                min_size=1, max_size=6))
def test_camt053_keeps_every_entry(tmp_path_factory, entries):
    path = write_camt053(tmp_path_factory.mktemp("camt") / "stmt.xml", entries)
    assert validation_errors(path.read_bytes()) == ("camt.053.001.02", [])
    lines = read_camt(path.read_bytes()).lines
    assert [(line.reference, line.amount, line.outcome) for line in lines] == [
        (ref, Decimal(amount).quantize(Decimal("0.01")), outcome) for ref, amount, outcome, _ in entries]


@pytest.mark.parametrize("document", [XXE, LAUGHS], ids=["xxe", "billion-laughs"])
def test_camt053_with_entities_is_refused(db, tmp_path, document):
    session, _ = db
    path = tmp_path / "stmt.xml"
    path.write_bytes(document)
    with pytest.raises(DistributionError, match="DOCTYPE|XML rusak"):
        statements.create_statement(session, path, "stmt.xml", "uji")
