"""Synthetic village population for the dedup benchmark: Madurese and Javanese names, realistic households
with KK/NIK as in DOMAIN.md, twins, very common names, and injected duplicates of every kind with ground truth.

``generate(persons, seed)`` returns households and person records; each record carries ``entity``: the real
person it stands for. Two records with one entity are a true duplicate pair, nothing else is.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

REGIONS = tuple(f"3526{k:02d}" for k in range(1, 19))  # the 18 kecamatan of Bangkalan
KECAMATAN = ("Kamal", "Labang", "Kwanyar", "Modung", "Blega", "Konang", "Galis", "Tanah Merah", "Tragah", "Socah",
             "Bangkalan", "Burneh", "Arosbaya", "Geger", "Kokop", "Tanjung Bumi", "Sepulu", "Klampis")
# Born away from home: the regency hospital, the city across the bridge, neighbouring kabupaten.
ELSEWHERE = (("Bangkalan", 0.5), ("Surabaya", 0.3), ("Sampang", 0.08), ("Pamekasan", 0.04), ("Sumenep", 0.03),
             ("Sidoarjo", 0.03), ("Jakarta", 0.02))
MALE = ("Moh.", "Mohammad", "Muhammad", "Abd.", "Abdul", "Ach.", "Achmad", "Ahmad", "Mat", "Sulaiman", "Hasan",
        "Husen", "Suhairi", "Fathorrahman", "Mahfud", "Syamsul", "Hosnan", "Rasyid", "Junaidi", "Buhari", "Marsuki",
        "Samsuri", "Slamet", "Sutrisno", "Bambang", "Agus", "Joko", "Haris", "Imam", "Zainal", "Rofiq", "Bakri",
        "Maskur", "Sahlan", "Mukhlis", "Nawawi", "Jufri", "Sukardi", "Sugeng", "Budi", "Heru", "Wahyu", "Eko",
        "Dwi", "Teguh", "Yusuf", "Ismail", "Ilyas", "Hamid", "Rahmat", "Nur", "Lukman", "Faisol", "Syaiful",
        "Sholeh", "Marzuki", "Qodir", "Holil", "Mahrus", "Fadol")
MALE_SECOND = ("Ali", "Rahman", "Arifin", "Hasyim", "Kholil", "Fauzi", "Munir", "Ridwan", "Wahyudi", "Santoso",
               "Hidayat", "Ma'ruf", "Sholeh", "Zaini", "Rofi'i", "Syafi'i", "Anwar", "Bisri", "Ghofur", "Hamzah",
               "Jailani", "Karim", "Latif", "Mansur", "Nasir", "Qosim", "Rozak", "Salim", "Thohir", "Umar",
               "Yasin", "Zuhri", "Prasetyo", "Setiawan", "Susanto", "Purnomo", "Wibowo", "Saputra", "Nugroho",
               "Kurniawan", "Hakim", "Bahri", "Sodiq", "Mustofa", "Basri", "Halim", "Effendi", "Rosyid")
FEMALE = ("Siti", "Sitti", "Masrifah", "Hosniyah", "Rukayah", "Maimunah", "Halimah", "Sumiati", "Sri", "Nurul",
          "Suhartini", "Mariyatun", "Zainab", "Hotimah", "Badriyah", "Fatimah", "Musyarrofah", "Juwairiyah",
          "Nur", "Dewi", "Endang", "Wahyuni", "Tutik", "Ratna", "Yuli", "Lilik", "Umi", "Khoiriyah", "Romlah",
          "Sulastri", "Suwarni", "Painem", "Sunarti", "Kasiyem", "Mujiati", "Rohani", "Asmah", "Saudah", "Hamidah",
          "Rosidah", "Munawaroh", "Qoriah", "Latifah", "Hanifah", "Mutmainah", "Aisyah", "Maryam", "Hafsah")
FEMALE_SECOND = ("Aminah", "Fatimah", "Wahyuni", "Hidayah", "Khotijah", "Rohmah", "Nuraini", "Lestari",
                 "Qomariyah", "Jamilah", "Sholihah", "Muzayyanah", "Rahayu", "Susanti", "Handayani", "Astuti",
                 "Ningsih", "Utami", "Purwati", "Suryani", "Kholifah", "Zulaikha", "Marfu'ah", "Mas'udah",
                 "Nafisah", "Rofi'ah", "Syarifah", "Umamah", "Zahro", "Habibah", "Munirah", "Karimah")
COMMON = {"L": "Moh. Ali", "P": "Siti Aminah"}  # the names every village has many of
# Spelling variants a second registration may use (both directions are applied).
TOKEN_SWAPS = [("Moh.", "Mohammad"), ("Moh.", "Muhammad"), ("Moch.", "Moh."), ("Mohammad", "Muhammad"),
               ("Siti", "Sitti"), ("Abd.", "Abdul"), ("Ach.", "Achmad"), ("Achmad", "Ahmad"), ("Nur", "Noer"),
               ("Rofi'i", "Rofii"), ("Syafi'i", "Syafii"), ("Ma'ruf", "Makruf"), ("Kholil", "Cholil"),
               ("Hotimah", "Khotimah"), ("Sholeh", "Soleh"), ("Yusuf", "Jusuf")]


@dataclass(slots=True)
class Record:
    id: int
    household: int
    nik: str
    name: str
    sex: str
    birth_date: date
    phone: str | None
    account: str | None
    entity: int
    kind: str = "asli"  # asli, or the duplicate kind: nik_sama, nik_selip, nama_mirip, kontak
    birth_place: str | None = None  # TEMPAT_LAHIR as registered


@dataclass(slots=True)
class Household:
    id: int
    no_kk: str
    region: str


class Population:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.records: list[Record] = []
        self.households: list[Household] = []
        self.serials: dict[str, int] = {}
        self.niks: set[str] = set()
        self.entities = 0

    def _nik(self, region: str, birth: date, sex: str) -> str:
        prefix = f"{region}{birth.day + (40 if sex == 'P' else 0):02d}{birth:%m%y}"
        serial = self.serials.get(prefix, 0) + 1
        self.serials[prefix] = serial
        return f"{prefix}{serial:04d}"

    def _name(self, sex: str) -> str:
        rng = self.rng
        if rng.random() < 0.004:
            return COMMON[sex]
        first, second = (MALE, MALE_SECOND) if sex == "L" else (FEMALE, FEMALE_SECOND)
        parts = [rng.choice(first), rng.choice(second)]
        if rng.random() < 0.45:
            parts.insert(1, rng.choice(first if rng.random() < 0.5 else second))
        return " ".join(dict.fromkeys(parts))  # no repeated token

    def _household(self) -> Household:
        region = self.rng.choice(REGIONS)
        issued = date(2005, 1, 1) + timedelta(days=self.rng.randrange(7300))
        # KK serials count per kecamatan and issue date, as NIK serials do: unique at any population size.
        prefix = f"KK{region}{issued:%d%m%y}"
        serial = self.serials[prefix] = self.serials.get(prefix, 0) + 1
        household = Household(len(self.households) + 1, f"{prefix[2:]}{serial:04d}", region)
        self.households.append(household)
        return household

    def _add(self, household: Household, name: str, sex: str, birth: date, nik: str | None = None,
             entity: int | None = None, kind: str = "asli", phone: str | None = None,
             account: str | None = None, birth_place: str | None = None) -> Record:
        if entity is None:
            self.entities += 1
            entity = self.entities
        adult = birth.year < 2008
        if phone is None and kind == "asli" and adult and self.rng.random() < 0.4:
            phone = f"+628{self.rng.randrange(10**9, 10**10)}"
        if account is None and kind == "asli" and adult and self.rng.random() < 0.2:
            account = f"002:{self.rng.randrange(10**11, 10**12)}"
        if birth_place is None and kind == "asli":
            birth_place = self.birth_place(household.region)
        record = Record(len(self.records) + 1, household.id, nik or self._nik(household.region, birth, sex), name, sex,
                        birth, phone, account, entity, kind, birth_place)
        self.records.append(record)
        self.niks.add(record.nik)
        return record

    def birth_place(self, region: str) -> str:
        """Most people were born in the kecamatan they live in; a quarter elsewhere (ELSEWHERE weights)."""
        rng = self.rng
        roll = rng.random()
        if roll < 0.65:
            return KECAMATAN[REGIONS.index(region)]
        if roll < 0.75:  # married in from another kecamatan of the kabupaten
            return rng.choice(KECAMATAN)
        return rng.choices([p for p, _ in ELSEWHERE], [w for _, w in ELSEWHERE])[0]

    def copied_place(self, original: Record) -> str:
        """A second registration copies the birth place from the same KTP/akta, but not always faithfully:
        5 % leave it blank, 5 % write another place (the hospital town instead of the village, a slip)."""
        roll = self.rng.random()
        if roll < 0.05:
            return ""
        if roll < 0.10:
            return self.birth_place(self.rng.choice(REGIONS))
        return original.birth_place.upper() if roll < 0.3 else original.birth_place

    def family(self) -> None:
        rng = self.rng
        household = self._household()
        head_birth = date(1945, 1, 1) + timedelta(days=rng.randrange(365 * 55))
        self._add(household, self._name("L"), "L", head_birth)
        if rng.random() < 0.85:
            self._add(household, self._name("P"), "P", head_birth + timedelta(days=rng.randrange(-2000, 3000)))
        children = rng.choice((0, 1, 1, 2, 2, 2, 3, 3, 4, 5))
        first_child = head_birth + timedelta(days=365 * rng.randrange(20, 35))
        for k in range(children):
            birth = first_child + timedelta(days=k * rng.randrange(500, 1500))
            if birth > date(2025, 12, 31):
                break
            sex = rng.choice("LP")
            self._add(household, self._name(sex), sex, birth)
            if rng.random() < 0.02:  # twins: same KK, same birth date, different names (and NIKs)
                twin_sex = rng.choice("LP")
                self._add(household, self._name(twin_sex), twin_sex, birth)

    def variant(self, name: str) -> str:
        """Another spelling of ``name``: a token swap, a doubled or dropped letter, an apostrophe, a space."""
        rng = self.rng
        tokens = name.split()
        swaps = [(i, b) for i, t in enumerate(tokens) for a, b in TOKEN_SWAPS + [(b, a) for a, b in TOKEN_SWAPS]
                 if t == a]
        choice = rng.random()
        if swaps and choice < 0.5:
            i, new = rng.choice(swaps)
            tokens[i] = new
            return " ".join(tokens)
        i = rng.randrange(len(tokens))
        token = tokens[i]
        if choice < 0.65 and len(token) > 3:  # double a letter
            k = rng.randrange(1, len(token))
            tokens[i] = token[:k] + token[k] + token[k:]
        elif choice < 0.8 and len(token) > 4:  # drop a letter
            k = rng.randrange(1, len(token))
            tokens[i] = token[:k] + token[k + 1:]
        elif choice < 0.9 and len(tokens) > 1:  # join two tokens
            return "".join(tokens[:2]) + (" " + " ".join(tokens[2:]) if len(tokens) > 2 else "")
        else:
            return name.upper()
        return " ".join(tokens)

    def duplicate(self, original: Record, kind: str) -> Record:
        """A second registration of ``original`` in another household, of one kind."""
        rng = self.rng
        target = self.households[rng.randrange(len(self.households))]
        while target.id == original.household:
            target = self.households[rng.randrange(len(self.households))]
        if kind == "nik_sama":
            name = original.name if rng.random() < 0.5 else self.variant(original.name)
            return self._add(target, name, original.sex, original.birth_date, original.nik, original.entity, kind,
                             birth_place=self.copied_place(original))
        if kind == "nik_selip":
            wrong = slip(original.nik, rng)
            while wrong in self.niks:  # a slip onto someone else's real NIK would be layer (a), not (b)
                wrong = slip(original.nik, rng)
            return self._add(target, original.name, original.sex, original.birth_date, wrong, original.entity, kind,
                             birth_place=self.copied_place(original))
        if kind == "nama_mirip":
            return self._add(target, self.variant(original.name), original.sex, original.birth_date, None,
                             original.entity, kind, birth_place=self.copied_place(original))
        # kontak: same phone or account, alike name, birth date possibly mistyped, another NIK
        birth = original.birth_date + timedelta(days=rng.choice((0, 0, 1, -1, 10)))
        phone = original.phone or f"+628{rng.randrange(10**9, 10**10)}"
        original.phone = phone
        return self._add(target, self.variant(original.name) if rng.random() < 0.5 else original.name,
                         original.sex, birth, None, original.entity, kind, phone=phone,
                         account=original.account if rng.random() < 0.5 else None,
                         birth_place=self.copied_place(original))


def slip(nik: str, rng: random.Random) -> str:
    """One digit of the serial or birth date typed wrong, or two adjacent digits swapped."""
    digits = list(nik)
    while True:
        k = rng.randrange(6, 16)
        if rng.random() < 0.5:
            digits[k] = rng.choice([d for d in "0123456789" if d != nik[k]])
        elif k < 15 and nik[k] != nik[k + 1]:
            digits[k], digits[k + 1] = nik[k + 1], nik[k]
        else:
            continue
        return "".join(digits)


KINDS = ("nik_sama", "nik_selip", "nama_mirip", "kontak")


def generate(persons: int, seed: int = 2026, duplicate_rate: float = 0.02) -> Population:
    """About ``persons`` records, of which ``duplicate_rate`` are second registrations (a quarter per kind)."""
    population = Population(seed)
    originals = int(persons * (1 - duplicate_rate))
    while len(population.records) < originals:
        population.family()
    rng = population.rng
    adults = [r for r in population.records if r.birth_date.year < 2005]
    count = min(persons - len(population.records), len(adults))
    for k, original in enumerate(rng.sample(adults, count)):  # each person duplicated at most once
        population.duplicate(original, KINDS[k % len(KINDS)])
    return population
