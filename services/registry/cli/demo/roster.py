"""Write a roster file per the import contract: N fake households and K deliberately invalid rows."""
from __future__ import annotations

import csv
import random
from dataclasses import replace
from pathlib import Path

from services.registry.cli.demo.people import FakeHousehold, FakePerson, PeopleFactory
from services.registry.core.parsing import COLUMNS

# Serials 2000-9999: seed-demo uses 0001-1999, so a roster never collides with the seeded village.
ROSTER_SERIALS = range(2000, 10000)
INVALID_KINDS = (
    "nik_pendek", "jenis_kelamin_beda", "tanggal_lahir_beda", "no_hp_salah", "nama_kosong", "tanggal_salah",
    "provinsi_salah", "nik_ganda", "kk_salah", "jenis_kelamin_kosong", "tanggal_nik_salah",
)


def row_of(household: FakeHousehold, person: FakePerson) -> dict[str, str]:
    return {
        "NO_KK": household.no_kk, "NIK": person.nik, "NAMA": person.name, "JENIS_KELAMIN": person.sex,
        "TEMPAT_LAHIR": person.birth_place, "TANGGAL_LAHIR": f"{person.birth_date:%d-%m-%Y}",
        "HUBUNGAN_KELUARGA": person.relationship, "ALAMAT": household.address, "RT": household.rt,
        "RW": household.rw, "DUSUN": household.dusun, "DESA": "Kamal", "KECAMATAN": "Kamal",
        "KABUPATEN": "Bangkalan", "NO_HP": person.phone or "", "PEKERJAAN": person.occupation,
        "PENDIDIKAN": person.education, "LATITUDE": f"{household.latitude:.6f}",
        "LONGITUDE": f"{household.longitude:.6f}",
    }


def invalid_row(kind: str, factory: PeopleFactory, household: FakeHousehold, earlier: dict | None) -> dict[str, str]:
    """A row that is valid except for exactly one defect of ``kind`` (so each is rejected exactly once)."""
    sex = "P" if kind == "jenis_kelamin_beda" else factory.rng.choice("LP")
    person = factory.person(sex, "FAMILI LAIN", 18, 60, with_phone=True)
    row = row_of(household, person)
    if kind == "nik_pendek":
        row["NIK"] = person.nik[:15]
    elif kind == "jenis_kelamin_beda":
        row["JENIS_KELAMIN"] = "L"
    elif kind == "tanggal_lahir_beda":
        shifted = replace(person, birth_date=person.birth_date.replace(day=1 if person.birth_date.day > 1 else 2))
        row["TANGGAL_LAHIR"] = f"{shifted.birth_date:%d-%m-%Y}"
    elif kind == "no_hp_salah":
        row["NO_HP"] = "0812-12"
    elif kind == "nama_kosong":
        row["NAMA"] = ""
    elif kind == "tanggal_salah":
        row["TANGGAL_LAHIR"] = "31/02/1980"
    elif kind == "provinsi_salah":
        row["NIK"] = "99" + person.nik[2:]
    elif kind == "nik_ganda" and earlier:
        # Same person data as a valid earlier row, so the only defect is the repeated NIK.
        row.update({name: earlier[name] for name in ("NIK", "JENIS_KELAMIN", "TANGGAL_LAHIR")})
    elif kind == "kk_salah":
        row["NO_KK"] = household.no_kk[:12] + "00"
    elif kind == "jenis_kelamin_kosong":
        row["JENIS_KELAMIN"] = "X"
    elif kind == "tanggal_nik_salah":
        row["NIK"] = person.nik[:6] + "32" + person.nik[8:]
    return row


def roster_rows(households: int, invalid: int, seed: int = 2026) -> list[dict[str, str]]:
    """Valid rows of ``households`` households, with ``invalid`` bad rows spread among them."""
    factory = PeopleFactory(seed, ROSTER_SERIALS)
    rng = random.Random(seed + 1)
    homes = [factory.household(number) for number in range(1, households + 1)]
    valid = [(home, row_of(home, person)) for home in homes for person in home.members]
    positions = sorted(rng.sample(range(1, len(valid) + 1), min(invalid, len(valid)))) if valid else []
    positions += [len(valid)] * (invalid - len(positions))
    out: list[dict[str, str]] = []
    cursor = 0
    for number, position in enumerate(positions):
        out.extend(row for _, row in valid[cursor:position])
        cursor = max(cursor, position)
        home = valid[max(cursor - 1, 0)][0] if valid else factory.household(0)
        earlier = valid[rng.randrange(cursor)][1] if cursor else None
        kind = INVALID_KINDS[number % len(INVALID_KINDS)] if earlier else "nik_pendek"
        out.append(invalid_row(kind, factory, home, earlier))
    out.extend(row for _, row in valid[cursor:])
    return out


def write_roster(path: str | Path, rows: list[dict[str, str]], delimiter: str = ",") -> Path:
    """CSV (UTF-8, ``delimiter``) or, for a ``.xlsx`` path, an XLSX workbook."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() == ".xlsx":
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("Roster")
        sheet.append(list(COLUMNS))
        for row in rows:
            sheet.append([row[name] for name in COLUMNS])
        workbook.save(path)
        return path
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(COLUMNS), delimiter=delimiter)
        writer.writeheader()
        writer.writerows(rows)
    return path
