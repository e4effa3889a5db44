"""Property-based tests (hypothesis): the roster parsers and identity checks take ANY input and either
accept it or refuse it with their own Indonesian error, never another exception."""
from __future__ import annotations

import csv
import io
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services.registry.core.identity import IdentityError, check_kk, check_nik, normalise_phone, province_codes
from services.registry.core.parsing import COLUMNS, RosterFileError, read_roster
from services.registry.people.importer.rows import RowError, clean_row, parse_date

TODAY = date(2026, 11, 29)
PROVINCES = sorted(province_codes())
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@st.composite
def valid_niks(draw):
    """A NIK as Dukcapil issues it: province, regency, district, birth date (+40 for women), serial."""
    birth = draw(st.dates(min_value=date(1930, 1, 1), max_value=TODAY))
    female = draw(st.booleans())
    region = draw(st.sampled_from(PROVINCES)) + f"{draw(st.integers(1, 99)):02d}{draw(st.integers(1, 99)):02d}"
    day = birth.day + (40 if female else 0)
    serial = draw(st.integers(1, 9999))
    return f"{region}{day:02d}{birth.month:02d}{birth.year % 100:02d}{serial:04d}", birth, "P" if female else "L"


@SETTINGS
@given(st.text(max_size=30))
def test_check_nik_accepts_or_refuses_any_text(text):
    try:
        encoded = check_nik(text, today=TODAY)
    except IdentityError as exc:
        assert str(exc)
    else:
        assert len(text) == 16 and text.isdigit() and encoded <= TODAY


@SETTINGS
@given(valid_niks())
def test_every_well_formed_nik_is_accepted_with_its_birth_date_and_sex(case):
    nik, birth, sex = case
    assert check_nik(nik, sex=sex, birth_date=birth, today=TODAY) == birth
    other = "L" if sex == "P" else "P"
    try:
        check_nik(nik, sex=other, today=TODAY)
    except IdentityError as exc:
        assert "Jenis kelamin" in str(exc)
    else:
        raise AssertionError("a NIK of the other sex was accepted")


@SETTINGS
@given(st.text(max_size=30))
def test_check_kk_and_phone_and_date_never_crash(text):
    for check in (lambda: check_kk(text, TODAY), lambda: normalise_phone(text)):
        try:
            result = check()
        except IdentityError as exc:
            assert str(exc)
        else:
            assert result is None or isinstance(result, (date, str))
    try:
        parsed = parse_date(text, TODAY)
    except RowError as exc:
        assert "TANGGAL_LAHIR" in str(exc)
    else:
        assert parsed <= TODAY


cell_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=25)


@SETTINGS
@given(st.fixed_dictionaries({}, optional={name: cell_text for name in COLUMNS}))
def test_clean_row_accepts_or_gives_a_reason_for_any_record(record):
    try:
        row = clean_row(2, record, TODAY)
    except RowError as exc:
        assert str(exc)
    else:
        assert row.nik == record["NIK"] and row.person["name"]


@SETTINGS
@given(st.binary(max_size=400))
def test_read_roster_on_arbitrary_bytes_either_parses_or_says_why(tmp_path_factory, content):
    path = tmp_path_factory.mktemp("roster") / "acak.csv"
    path.write_bytes(content)
    try:
        roster = read_roster(path)
    except RosterFileError as exc:
        assert str(exc)
    else:
        assert {"NO_KK", "NIK", "NAMA"} <= {name for name in roster.canonical if name}


@SETTINGS
@given(st.lists(st.lists(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=25),
                         min_size=1, max_size=len(COLUMNS)), max_size=6),
       st.sampled_from([",", ";"]), st.booleans())
def test_read_roster_keeps_every_data_row_of_a_well_headed_file(tmp_path_factory, rows, delimiter, bom):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    path = tmp_path_factory.mktemp("roster") / "data.csv"
    path.write_bytes(("\ufeff" if bom else "").encode() + buffer.getvalue().encode("utf-8"))
    roster = read_roster(path)
    assert roster.canonical[: len(COLUMNS)] == list(COLUMNS)
    # Blank rows are not data; every other row is kept for validation (and so is imported or reported).
    assert len(roster.rows) == sum(1 for row in rows if any(cell.strip() for cell in row))
