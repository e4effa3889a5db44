"""Deterministic fake households of Kecamatan Kamal with structurally valid NIK/KK, phones and coordinates."""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

REGION = "352601"  # Jawa Timur (35), Kabupaten Bangkalan (26), Kecamatan Kamal (01): fake people, real code
MALE = ("Moh.", "Abd.", "Ach.", "Mat", "Sulaiman", "Hasan", "Suhairi", "Fathorrahman", "Mahfud", "Syamsul",
        "Hosnan", "Rasyid", "Junaidi", "Buhari", "Marsuki", "Samsuri", "Slamet", "Sutrisno", "Bambang", "Agus",
        "Joko", "Haris", "Imam", "Zainal", "Rofiq")
MALE_SECOND = ("Ali", "Rahman", "Sari", "Arifin", "Hasyim", "Kholil", "Fauzi", "Munir", "Ridwan", "Wahyudi",
               "Santoso", "Hidayat", "Ma'ruf", "Sholeh", "Zaini")
FEMALE = ("Siti", "Sitti", "Masrifah", "Hosniyah", "Rukayah", "Maimunah", "Halimah", "Sumiati", "Sri",
          "Nurul", "Suhartini", "Mariyatun", "Zainab", "Hotimah", "Badriyah", "Fatimah", "Musyarrofah", "Juwairiyah")
FEMALE_SECOND = ("Aminah", "Fatimah", "Wahyuni", "Hidayah", "Khotijah", "Rohmah", "Nuraini", "Lestari",
                 "Qomariyah", "Jamilah", "Sholihah", "Muzayyanah")
BIRTH_PLACES = ("Bangkalan", "Kamal", "Surabaya", "Sampang", "Socah", "Labang")
JOBS = ("Nelayan", "Petani", "Buruh Tani", "Pedagang", "Buruh Pelabuhan", "Petambak Garam", "Wiraswasta",
        "Mengurus Rumah Tangga", "Tidak Bekerja")
SCHOOLING = ("Tidak/Belum Sekolah", "Tamat SD/Sederajat", "SLTP/Sederajat", "SLTA/Sederajat", "Diploma/S1")
PHONE_PREFIXES = ("0812", "0813", "0821", "0822", "0852", "0853", "0857", "0858", "0878", "0819", "0859")
# Four fake dusun with centres near Desa Kamal (-7.16, 112.72).
DUSUN = {"Kamal Barat": (-7.158, 112.712), "Kamal Timur": (-7.160, 112.728),
         "Pesisir": (-7.166, 112.720), "Tengah": (-7.154, 112.722)}


@dataclass
class FakePerson:
    nik: str
    name: str
    sex: str
    birth_date: date
    birth_place: str
    relationship: str
    occupation: str
    education: str
    phone: str | None


@dataclass
class FakeHousehold:
    no_kk: str
    address: str
    rt: str
    rw: str
    dusun: str
    latitude: float
    longitude: float
    members: list[FakePerson] = field(default_factory=list)


class PeopleFactory:
    """Makes unique NIKs and KKs whose serials stay inside ``serials`` (disjoint ranges never collide)."""

    def __init__(self, seed: int, serials: range, today: date | None = None, dusun: dict | None = None) -> None:
        self.rng = random.Random(seed)
        self.dusun = dusun or DUSUN
        self.serials = serials
        self.today = today or date(2026, 1, 1)
        self.used: set[str] = set()

    def _unique(self, ddmmyy: str) -> str:
        while True:
            number = f"{REGION}{ddmmyy}{self.rng.choice(self.serials):04d}"
            if number not in self.used:
                self.used.add(number)
                return number

    def nik(self, sex: str, born: date) -> str:
        day = born.day + (40 if sex == "P" else 0)
        return self._unique(f"{day:02d}{born:%m%y}")

    def no_kk(self) -> str:
        issued = self.today - timedelta(days=self.rng.randint(30, 15 * 365))
        return self._unique(f"{issued:%d%m%y}")

    def birth_date(self, min_age: int, max_age: int) -> date:
        return self.today - timedelta(days=self.rng.randint(min_age * 365, max_age * 365))

    def phone(self) -> str:
        return self.rng.choice(PHONE_PREFIXES) + f"{self.rng.randint(0, 99_999_999):08d}"

    def name(self, sex: str) -> str:
        first, second = (MALE, MALE_SECOND) if sex == "L" else (FEMALE, FEMALE_SECOND)
        return f"{self.rng.choice(first)} {self.rng.choice(second)}"

    def person(self, sex: str, relationship: str, min_age: int, max_age: int, with_phone: bool) -> FakePerson:
        born = self.birth_date(min_age, max_age)
        adult = (self.today - born).days >= 17 * 365
        return FakePerson(
            nik=self.nik(sex, born), name=self.name(sex), sex=sex, birth_date=born,
            birth_place=self.rng.choice(BIRTH_PLACES), relationship=relationship,
            occupation=self.rng.choice(JOBS) if adult else "Pelajar/Mahasiswa",
            education=self.rng.choice(SCHOOLING), phone=self.phone() if with_phone else None,
        )

    def household(self, number: int) -> FakeHousehold:
        rng = self.rng
        dusun = rng.choice(sorted(self.dusun))
        lat, lon = self.dusun[dusun]
        household = FakeHousehold(
            no_kk=self.no_kk(), address=f"Jl. Contoh Dusun {dusun} No. {number}", rt=f"{rng.randint(1, 8):03d}",
            rw=f"{rng.randint(1, 4):03d}", dusun=dusun, latitude=round(lat + rng.uniform(-0.004, 0.004), 6),
            longitude=round(lon + rng.uniform(-0.004, 0.004), 6),
        )
        head_sex = "P" if rng.random() < 0.15 else "L"
        household.members.append(self.person(head_sex, "KEPALA KELUARGA", 25, 75, with_phone=True))
        if head_sex == "L" and rng.random() < 0.85:
            household.members.append(self.person("P", "ISTRI", 20, 70, with_phone=rng.random() < 0.5))
        for _ in range(rng.choice((0, 1, 1, 2, 2, 3))):
            household.members.append(self.person(rng.choice("LP"), "ANAK", 0, 20, with_phone=False))
        return household
