"""Village-festival peak: 200 residents on the public transparency site and 20 operators on the admin.

Headless run (see bench/README.md for the whole recipe and the recorded figures):
    BANSOS_LOAD_DATA=/tmp/bansos-load.json BANSOS_PUBLIC_URL=http://127.0.0.1:8083 \\
    BANSOS_ADMIN_URL=http://127.0.0.1:8080 .venv/bin/locust -f bench/load/locustfile.py --headless \\
    -u 220 -r 20 -t 2m --csv /tmp/bansos-load --only-summary

Requests are named by endpoint group (``publik: siklus``, ``admin: cari KK`` ...) so the figures are per
group. Any status >= 400 is an error, and so is an operator page that lands on the login form (a lost
session would otherwise look like a fast 200)."""
from __future__ import annotations

import json
import os
import random
import re

from locust import HttpUser, between, task

DATA = json.load(open(os.environ.get("BANSOS_LOAD_DATA", "/tmp/bansos-load.json"), encoding="utf-8"))
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
PASSWORD = os.environ.get("BANSOS_LOAD_PASSWORD", "Demo-Kamal-2026")  # the demo users' password


class Resident(HttpUser):
    """A resident on a cheap phone: the programme list, a programme, the cycle's recipient list, tracking."""

    fixed_count = int(os.environ.get("BANSOS_LOAD_PUBLIC", "200"))
    host = os.environ.get("BANSOS_PUBLIC_URL", "http://127.0.0.1:8083")
    wait_time = between(2, 6)  # reading a page on a phone

    @task(3)
    def programmes(self):
        self.client.get("/publik/", name="publik: daftar program")

    @task(2)
    def programme(self):
        self.client.get(f"/publik/program/{random.choice(DATA['programme_ids'])}", name="publik: program")

    @task(4)
    def cycle(self):
        self.client.get(f"/publik/siklus/{random.choice(DATA['cycle_ids'])}", name="publik: siklus")

    @task(2)
    def track(self):
        self.client.get("/publik/lacak", params={"kode": random.choice(DATA["tracking_codes"])},
                        name="publik: lacak pengaduan")


class Operator(HttpUser):
    """Village staff at the desk during the distribution: households, search, who gets what, reports."""

    fixed_count = int(os.environ.get("BANSOS_LOAD_OPERATORS", "20"))
    host = os.environ.get("BANSOS_ADMIN_URL", "http://127.0.0.1:8080")
    wait_time = between(3, 8)  # an operator reads and types between pages

    def on_start(self):
        page = self.client.get("/login/", name="admin: login")
        token = CSRF.search(page.text).group(1)
        user = os.environ.get("BANSOS_LOAD_USER", "operator")
        with self.client.post("/login/", data={"csrf_token": token, "username": user, "password": PASSWORD},
                              name="admin: login", catch_response=True) as answer:
            if "/login" in answer.url:
                answer.failure("login ditolak")

    def _get(self, path: str, name: str, **params):
        with self.client.get(path, params=params or None, name=name, catch_response=True) as answer:
            if answer.ok and "/login" in answer.url:
                answer.failure("sesi hilang: kembali ke halaman login")

    @task(3)
    def households(self):
        self._get("/households/list/", "admin: daftar KK")

    @task(2)
    def search(self):
        if random.random() < 0.5:
            self._get("/households/list/", "admin: cari KK", _flt_0_no_kk=random.choice(DATA["kks"])[:10])
        else:
            self._get("/households/list/", "admin: cari KK", _flt_2_dusun=random.choice(DATA["dusun"]))

    @task(3)
    def who_gets_what(self):
        self._get("/who-gets-what/", "admin: siapa dapat apa", q=random.choice(DATA["niks"] + DATA["kks"]))

    @task(1)
    def reports(self):
        self._get("/reports/", "admin: laporan")
        self._get("/reports/runs.json", "admin: laporan (runs.json)")
