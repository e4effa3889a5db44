"""Applying rosters on SQLite and PostgreSQL: counts, idempotency, updates, duplicates, atomicity, audit."""
from __future__ import annotations

import csv

import pytest
from sqlalchemy import func, select, update

from services.registry.models import AuditEntry, DuplicateCandidate, Household, ImportJob, ImportRejection, Person
from services.registry.people.importer import apply as apply_module
from services.registry.people.importer.jobs import create_import_job, run_import_job

HEADER = ["NO_KK", "NIK", "NAMA", "JENIS_KELAMIN", "TANGGAL_LAHIR", "HUBUNGAN_KELUARGA", "ALAMAT", "NO_HP"]
KK_A, KK_B = "3526010507150003", "3526010608160004"
HASAN = [KK_A, "3526011203840012", "Moh. Hasan", "L", "12-03-1984", "KEPALA KELUARGA", "Jl. Pesisir 1", "081234567890"]
AMINAH = [KK_A, "3526015506880021", "Sitti Aminah", "P", "15-06-1988", "ISTRI", "Jl. Pesisir 1", ""]
RUKAYAH = [KK_B, "3526014101900031", "Rukayah", "P", "01-01-1990", "KEPALA KELUARGA", "Jl. Tengah 2", "0852-1111-2222"]


def run(session, path, actor="penguji"):
    job = create_import_job(session, path.name, str(path), actor)
    return run_import_job(session.get_bind(), job.id)


def count(session, model) -> int:
    return session.execute(select(func.count()).select_from(model)).scalar_one()


def test_generated_roster_imports_every_valid_row_and_reports_every_invalid_one(session, demo_roster):
    path, rows = demo_roster(households=30, invalid=11)
    job = run(session, path)
    assert (job.status, job.imported, job.updated, job.rejected) == ("selesai", len(rows) - 11, 0, 11)
    assert job.total_rows == job.processed_rows == len(rows)
    assert count(session, Person) == len(rows) - 11
    assert count(session, Household) == 30
    with open(job.rejection_report_path, encoding="utf-8-sig", newline="") as handle:
        report = list(csv.reader(handle))
    assert report[0][:5] == ["BARIS", "NIK", "NAMA", "ALASAN", "NO_KK"]
    assert len(report) == 12 and all(line[3] for line in report[1:])
    assert any(line[3].startswith("NIK sudah ada di baris") for line in report[1:])
    stored = session.execute(select(ImportRejection).where(ImportRejection.import_id == job.id)).scalars().all()
    assert sorted(r.row_number for r in stored) == sorted(int(line[0]) for line in report[1:])


def test_reimporting_the_same_file_changes_nothing(session, demo_roster):
    path, rows = demo_roster(households=20, invalid=5)
    first = run(session, path)
    persons_before = session.execute(select(Person.id, Person.name, Person.updated_at).order_by(Person.id)).all()
    second = run(session, path)
    assert (second.imported, second.updated, second.unchanged, second.rejected) == (0, 0, first.imported, 5)
    session.expire_all()
    after = session.execute(select(Person.id, Person.name, Person.updated_at).order_by(Person.id)).all()
    assert after == persons_before


def test_changed_rows_are_updated_and_new_rows_imported(session, write_csv):
    run(session, write_csv([HEADER, HASAN, AMINAH]))
    renamed = [*AMINAH[:2], "Siti Aminah", *AMINAH[3:]]
    moved = [*HASAN[:6], "Jl. Pesisir 9", HASAN[7]]  # household address comes from the KK's first row
    job = run(session, write_csv([HEADER, moved, renamed, RUKAYAH], name="second.csv"))
    assert (job.imported, job.updated, job.unchanged, job.rejected) == (1, 2, 0, 0)
    household = session.execute(select(Household).where(Household.no_kk == KK_A)).scalar_one()
    session.refresh(household)
    assert household.address == "Jl. Pesisir 9"
    assert {p.name for p in household.members} == {"Moh. Hasan", "Siti Aminah"}
    assert household.head.name == "Moh. Hasan"
    assert session.execute(select(Person.phone).where(Person.nik == RUKAYAH[1])).scalar_one() == "+6285211112222"


def test_same_nik_twice_in_one_file_rejects_the_second(session, write_csv):
    twin = [KK_B, *HASAN[1:]]
    job = run(session, write_csv([HEADER, HASAN, twin]))
    assert (job.imported, job.rejected) == (1, 1)
    rejection = session.execute(select(ImportRejection)).scalar_one()
    assert (rejection.row_number, rejection.reason) == (2, "NIK sudah ada di baris 1 pada berkas yang sama")


def test_nik_already_in_another_household_is_imported_and_flagged_never_merged(session, write_csv):
    run(session, write_csv([HEADER, HASAN]))
    elsewhere = [KK_B, *HASAN[1:6], "Jl. Tengah 2", HASAN[7]]
    path = write_csv([HEADER, elsewhere], name="moved.csv")
    job = run(session, path)
    assert (job.imported, job.rejected) == (1, 0)
    people = session.execute(select(Person).where(Person.nik == HASAN[1]).order_by(Person.id)).scalars().all()
    assert len(people) == 2 and all(p.is_duplicate_candidate for p in people)
    pair = session.execute(select(DuplicateCandidate)).scalar_one()
    assert (pair.person_id, pair.other_person_id, pair.reason) == (people[1].id, people[0].id, "NIK sama di KK lain")
    again = run(session, path)
    assert (again.imported, again.unchanged) == (0, 1)
    assert count(session, DuplicateCandidate) == 1


def test_one_audit_entry_per_import_with_counts_checksum_and_actor(session, write_csv):
    job = run(session, write_csv([HEADER, HASAN, [KK_A, "123", "X", "L", "12-03-1984", "", "", ""]]), actor="operator")
    entries = session.execute(select(AuditEntry)).scalars().all()
    assert len(entries) == 1
    entry = entries[0]
    assert (entry.actor, entry.action, entry.entity_id) == ("operator", "import", str(job.id))
    assert entry.details["imported"] == 1 and entry.details["rejected"] == 1
    assert entry.details["file_sha256"] == job.file_sha256 and len(job.file_sha256) == 64


def test_a_failure_while_applying_leaves_nothing_written(session, write_csv, monkeypatch):
    real_insert = apply_module.bulk_insert

    def failing_insert(sess, table, rows):
        if table.name == "person":  # households are already written in this transaction by now
            raise RuntimeError("disk penuh (simulasi)")
        return real_insert(sess, table, rows)

    monkeypatch.setattr(apply_module, "bulk_insert", failing_insert)
    path = write_csv([HEADER, HASAN, AMINAH, RUKAYAH, [KK_A, "1", "", "L", "", "", "", ""]])
    job = create_import_job(session, path.name, str(path), "penguji")
    with pytest.raises(RuntimeError, match="simulasi"):
        run_import_job(session.get_bind(), job.id)
    session.expire_all()
    assert (count(session, Household), count(session, Person), count(session, ImportRejection)) == (0, 0, 0)
    assert count(session, AuditEntry) == 0
    failed = session.get(ImportJob, job.id)
    assert failed.status == "gagal" and "tidak ada data yang diubah" in failed.error


def test_a_job_left_running_by_a_crash_is_run_again_and_a_finished_one_is_not(session, write_csv):
    path = write_csv([HEADER, HASAN, AMINAH])
    job = create_import_job(session, path.name, str(path), "penguji")
    session.execute(update(ImportJob).where(ImportJob.id == job.id).values(status="berjalan", processed_rows=1))
    session.commit()
    finished = run_import_job(session.get_bind(), job.id)
    assert (finished.status, finished.imported) == ("selesai", 2)
    again = run_import_job(session.get_bind(), job.id)
    assert (again.status, again.imported, again.finished_at) == ("selesai", 2, finished.finished_at)
    assert count(session, Person) == 2 and count(session, AuditEntry) == 1


def test_missing_columns_fail_the_job_with_the_message(session, write_csv):
    job = run(session, write_csv([["NIK", "NAMA"], ["3526011203840012", "Moh. Hasan"]]))
    assert job.status == "gagal"
    assert job.error == "Kolom wajib tidak ada: NO_KK, JENIS_KELAMIN, TANGGAL_LAHIR"
    assert count(session, Person) == 0


def test_xlsx_roster_imports_like_its_csv_twin(session, demo_roster):
    xlsx, rows = demo_roster(households=10, invalid=4, name="kamal.xlsx")
    job = run(session, xlsx)
    assert (job.status, job.imported, job.rejected) == ("selesai", len(rows) - 4, 4)
    csv_twin, _ = demo_roster(households=10, invalid=4, name="kamal.csv")
    again = run(session, csv_twin)
    assert (again.imported, again.updated, again.unchanged, again.rejected) == (0, 0, len(rows) - 4, 4)


def test_progress_is_committed_in_chunks_before_the_registry_write(session, demo_roster, monkeypatch):
    from services.registry.people.importer import jobs

    path, rows = demo_roster(households=6, invalid=1)
    seen: list[tuple[int | None, int]] = []
    real_set_job = jobs._set_job

    def spy(engine, job_id, **values):
        if "processed_rows" in values:
            with engine.connect() as connection:  # a separate connection sees only committed state
                persons = connection.execute(select(func.count()).select_from(Person)).scalar_one()
            seen.append((values["processed_rows"], persons))
        return real_set_job(engine, job_id, **values)

    monkeypatch.setattr(jobs, "_set_job", spy)
    job = create_import_job(session, path.name, str(path), "penguji")
    run_import_job(session.get_bind(), job.id, progress_every=5)
    chunks = [processed for processed, _ in seen[1:]]
    assert chunks == list(range(5, len(rows) + 1, 5))
    assert all(persons == 0 for _, persons in seen)  # nothing of the registry is visible until the end


def test_large_updates_take_the_bulk_path_and_write_the_new_values(session, write_csv, monkeypatch):
    from services.registry.core import bulk

    run(session, write_csv([HEADER, HASAN, AMINAH, RUKAYAH]))
    monkeypatch.setattr(bulk, "WRITE_CHUNK", 1)  # every update batch counts as "large" (COPY + staging on PG)
    changed = [[*row[:2], row[2] + " Baru", *row[3:6], row[6] + " RT 1", row[7]] for row in (HASAN, AMINAH, RUKAYAH)]
    job = run(session, write_csv([HEADER, *changed], name="changed.csv"))
    assert (job.imported, job.updated, job.unchanged) == (0, 3, 0)
    names = set(session.execute(select(Person.name)).scalars())
    assert names == {"Moh. Hasan Baru", "Sitti Aminah Baru", "Rukayah Baru"}
    addresses = set(session.execute(select(Household.address)).scalars())
    assert addresses == {"Jl. Pesisir 1 RT 1", "Jl. Tengah 2 RT 1"}
