"""Fallback dependency audit when pip-audit cannot reach its advisory service.

PyPI's per-version JSON (what pip-audit asks) may be unreachable behind a mirror while the project JSON
is served; the project JSON carries the advisories of the project's latest release. So every pin that IS
the latest release is checked against PyPI's advisories; an older pin cannot be checked this way and is
listed as such. Exit 1 on any finding, 0 otherwise (unchecked pins are reported, not failed).
"""
from __future__ import annotations

import json
import sys
import urllib.request
from concurrent.futures import ThreadPoolExecutor

INDEX = "https://pypi.org/pypi"


def read_pins(paths: list[str]) -> list[tuple[str, str]]:
    pins = []
    for path in paths:
        for line in open(path, encoding="utf-8"):
            line = line.split("#", 1)[0].strip()
            if "==" in line:
                name, version = line.split("==", 1)
                pins.append((name.strip(), version.strip()))
    return pins


def check(pin: tuple[str, str]) -> tuple[str, str, str, list[str]]:
    name, version = pin
    try:
        with urllib.request.urlopen(f"{INDEX}/{name}/json", timeout=20) as response:
            data = json.load(response)
    except Exception as exc:  # noqa: BLE001 - any network or parse failure means "not checked"
        return name, version, f"tidak terjangkau ({type(exc).__name__})", []
    latest = data["info"]["version"]
    if latest != version:
        return name, version, f"bukan rilis terbaru ({latest}); tidak dapat diperiksa", []
    found = [f"{v.get('id')} (diperbaiki di {', '.join(v.get('fixed_in') or []) or '-'})"
             for v in data.get("vulnerabilities") or [] if not v.get("withdrawn")]
    return name, version, "diperiksa", found


def main(paths: list[str]) -> int:
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(check, read_pins(paths)))
    findings = [(n, v, f) for n, v, state, f in results if f]
    checked = sum(1 for r in results if r[2] == "diperiksa")
    for name, version, state, _found in results:
        if state != "diperiksa":
            print(f"{name}=={version}: {state}")
    for name, version, found in findings:
        print(f"RENTAN {name}=={version}: {'; '.join(found)}")
    print(f"audit PyPI (rilis terbaru): {checked} dari {len(results)} pin diperiksa, {len(findings)} rentan")
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
