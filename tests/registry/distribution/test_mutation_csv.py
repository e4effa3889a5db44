"""A bank's own mutation CSV (rekening koran) as bank results: every line accounted for (property-tested
over delimiters, preambles and Indonesian number formats), and a real-shaped Mandiri file reconciling a batch."""
from __future__ import annotations

from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from services.registry.distribution import batches, statements
from services.registry.distribution.banks import bank_jatim
from services.registry.distribution.banks.mutation_csv import is_mutation_csv, parse_amount, read_mutation_csv
from services.registry.models import Entitlement, PaymentItem
from tests.registry.distribution.distribution_fixtures import ents, make_cycle

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
MANDIRI = ["Tgl.", "Tgl. Val.", "Rincian Transaksi", "No. Referensi", "Debit", "Kredit", "Saldo"]


def indonesian(amount: Decimal) -> str:
    whole, fraction = f"{amount:.2f}".split(".")
    return f"{int(whole):,}".replace(",", ".") + "," + fraction


def english(amount: Decimal) -> str:
    return f"{amount:,.2f}"


def test_indonesian_and_english_number_formats():
    assert parse_amount("1.234.567,00") == parse_amount("1,234,567.00") == Decimal("1234567")
    assert parse_amount("Rp 300.000") == parse_amount("300000") == parse_amount("300000,00") == Decimal("300000")
    assert parse_amount("12,5") == Decimal("12.5")
    assert parse_amount("") is None and parse_amount("-") is None and parse_amount("0,00") is None
    for bad in ("1.23.4", "12a", "1,234.5.6", "(300)"):
        try:
            parse_amount(bad)
        except ValueError:
            continue
        raise AssertionError(f"{bad!r} was read")


amounts = st.decimals(min_value=Decimal("1"), max_value=Decimal("999999999.99"), places=2)
rows = st.lists(st.tuples(
    st.sampled_from(["paid", "returned", "fee", "garbled", "blank"]),
    st.integers(min_value=1, max_value=10**6), amounts, st.sampled_from([indonesian, english, str]),
    st.text(alphabet=st.characters(whitelist_categories=("L", "N", "Zs")), max_size=20)), max_size=25)


@SETTINGS
@given(rows=rows, delimiter=st.sampled_from([";", ","]), preamble=st.integers(min_value=0, max_value=4))
def test_every_mutation_line_is_read_or_refused_with_a_reason(rows, delimiter, preamble):
    quote = (lambda c: f'"{c}"') if delimiter == "," else (lambda c: c)  # English amounts carry commas
    lines = [f"Informasi rekening {n}" for n in range(preamble)] + [delimiter.join(MANDIRI)]
    expected = []
    for kind, item, amount, fmt, words in rows:
        ref = f"BSK-3-{item}"
        cells = {"paid": ["MCM InhouseTrf " + words, ref, fmt(amount), ""],
                 "returned": [f"RETUR {ref} AC04 {words}", "FT99", "", fmt(amount)],
                 "fee": ["BIAYA ADM " + words, "", fmt(Decimal("6500")), ""],
                 "garbled": [f"TRF {ref}", "", "1.2.3,4,5", ""],
                 "blank": ["", "", "", ""]}[kind]
        if kind == "blank":
            lines.append(delimiter * (len(MANDIRI) - 1))
            continue
        lines.append(delimiter.join(["03/01/2027", "03/01/2027", *(quote(c) for c in cells), ""]))
        expected.append((len(lines), kind, ref, amount))
    text = "\n".join(lines) + "\n"
    assert is_mutation_csv(text)
    found = read_mutation_csv(text)
    assert [line.row for line in found] == [row for row, *_ in expected]  # nothing lost, nothing invented
    for line, (_row, kind, ref, amount) in zip(found, expected):
        assert line.outcome is not None or line.reason  # read, or refused with a reason
        if kind == "paid":
            assert (line.outcome, line.reference, line.amount) == ("paid", ref, amount)
        elif kind == "returned":
            assert (line.outcome, line.reference, line.amount, line.reason) == ("returned", ref, amount, "AC04")
        else:
            assert line.outcome is None and line.reason


def test_bank_jatim_export_columns_are_read():
    header = ",".join(bank_jatim.STATEMENT_COLUMNS)
    text = (f"{header}\n"
            "20/01/2027,20/01/2027,1410012345678,DESA KAMAL,TRF BSK-4-9 BANSOS,IDR,300000.00,0.00,700000.00,R1\n")
    [line] = read_mutation_csv(text)
    assert (line.row, line.outcome, line.reference, line.amount) == (2, "paid", "BSK-4-9", Decimal("300000.00"))


def test_a_mandiri_rekening_koran_reconciles_the_batch(session, engine, tmp_path, tmp_var):
    cycle = make_cycle(session, households=3, channel="bank", with_accounts=True)
    batch, _ = batches.create_batch(session, cycle.id, "operator")
    items = session.scalars(select(PaymentItem).where(PaymentItem.batch_id == batch.id)
                            .order_by(PaymentItem.id)).all()
    paid, wrong_amount, unknown = items[0].end_to_end_id, items[1].end_to_end_id, f"BSK-{batch.id}-999999"
    text = "\n".join([
        "Nomor Rekening;1410012345678", "Periode;01/01/2027 - 31/01/2027", ";".join(MANDIRI),
        "20/01/2027;20/01/2027;SALDO AWAL;;;;10.000.000,00",
        f"20/01/2027;20/01/2027;MCM InhouseTrf {paid} Bansos;FT0001;300.000,00;;9.700.000,00",
        f"20/01/2027;20/01/2027;MCM InhouseTrf {wrong_amount};FT0002;30.000,00;;9.670.000,00",
        f"20/01/2027;20/01/2027;MCM InhouseTrf {unknown};FT0003;300.000,00;;9.370.000,00",
        "20/01/2027;20/01/2027;BIAYA ADM;;6.500,00;;9.363.500,00", ""])
    path = tmp_path / "rekening-koran.csv"
    path.write_text("\ufeff" + text, encoding="utf-8")
    statement = statements.create_statement(session, path, "rekening-koran.csv", "operator")
    assert statement.total_rows == 5
    done = statements.apply_statement(engine, statement.id, "operator")
    assert (done.paid, done.failed, done.returned) == (1, 0, 0)
    reasons = {r["row"]: r["reason"] for r in done.rejections}
    assert sorted(reasons) == [4, 6, 7, 8]  # every other line, with its reason
    assert "SALDO AWAL" in reasons[4] and "berbeda" in reasons[6] and "tidak dikenal" in reasons[7]
    session.expire_all()
    assert [session.get(Entitlement, e.id).status for e in ents(cycle)] == ["disalurkan", "menunggu", "menunggu"]
