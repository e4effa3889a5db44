"""Survey commands as a user runs them: load-instruments, create-enumerator, import-survey, import-dtsen, rescore."""
from __future__ import annotations

import hashlib

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash

from services.common.db import make_engine
from services.registry import schema
from services.registry.models import Enumerator, HouseholdWelfare, SurveyResponse
from tests.helpers.cli import bansos
from tests.registry.surveys.survey_helpers import BPS_CODES, add_households, kk


def test_survey_commands_end_to_end_on_sqlite(tmp_var, tmp_path):
    url = f"sqlite:///{tmp_var / 'registry.db'}"
    schema.upgrade(url)
    engine = make_engine(url)
    with Session(engine) as session:
        add_households(session, 3)
    assert "BPS14 v1: dimuat" in bansos("load-instruments", url=url, var=tmp_var).stdout
    assert "BPS14 v1: sudah ada" in bansos("load-instruments", url=url, var=tmp_var).stdout
    made = bansos("create-enumerator", "pencacah9", "--name", "Pencacah Sembilan", "--password", "sandi-panjang-9",
                  url=url, var=tmp_var)
    assert made.returncode == 0 and "dibuat" in made.stdout, made.stderr
    short = bansos("create-enumerator", "x", "--name", "X", "--password", "pendek", url=url, var=tmp_var)
    assert short.returncode != 0 and "minimal 8" in short.stderr

    export = tmp_path / "kobo.csv"
    header = ["no_kk", *[f"grup/{code}" for code in BPS_CODES], "_uuid"]
    rows = [[kk(1), *["ya"] * 12, "tidak", "tidak", "a1"], [kk(2), *["tidak"] * 14, "a2"], ["123", *["ya"] * 14, "a3"]]
    export.write_text("\n".join(",".join(r) for r in [header, *rows]) + "\n", encoding="utf-8")
    first = bansos("import-survey", str(export), "--instrument", "BPS14", url=url, var=tmp_var)
    assert "imported 2, unchanged 0, rejected 1" in first.stdout, first.stderr
    assert (tmp_path / "kobo.ditolak.csv").read_text(encoding="utf-8-sig").count("\n") == 2
    again = bansos("import-survey", str(export), "--instrument", "BPS14", url=url, var=tmp_var)
    assert "imported 0, unchanged 2, rejected 1" in again.stdout
    unknown = bansos("import-survey", str(export), "--instrument", "TIDAK-ADA", url=url, var=tmp_var)
    assert unknown.returncode != 0 and "load-instruments" in unknown.stderr

    dtsen = tmp_path / "dtsen.csv"
    dtsen.write_text(f"NO_KK;DESIL\n{kk(1)};1\n{kk(3)};12\n", encoding="utf-8")
    assert "updated 1, unchanged 0, rejected 1" in bansos("import-dtsen", str(dtsen), url=url, var=tmp_var).stdout
    assert "2 keluarga dinilai ulang (BPS14 v1)" in bansos("rescore", url=url, var=tmp_var).stdout
    with Session(engine) as session:
        enumerator = session.scalars(select(Enumerator)).one()
        assert check_password_hash(enumerator.password_hash, "sandi-panjang-9")
        # The Digest HA1 ODK Collect will prove knowledge of: md5(username:realm:password)
        assert enumerator.digest_ha1 == hashlib.md5(b"pencacah9:bansos-openrosa:sandi-panjang-9").hexdigest()
        assert len(session.scalars(select(SurveyResponse)).all()) == 2
        welfare = {w.household_id: (w.band, w.rank, w.dtsen_desil) for w in session.scalars(select(HouseholdWelfare))}
    assert sorted(welfare.values()) == [("miskin", 1, 1), ("tidak_miskin", 2, None)]
    engine.dispose()
