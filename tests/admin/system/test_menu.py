"""The menu and the permissions of every demo role, pinned: rearranging how screens are registered must not
change what anyone sees or may do.

menu_pins.json holds, per role, the navbar exactly as the home page renders it (each category with its
items in order: label, icon and address) and every (view or menu, permission) pair the role holds, out of
all the pairs the app registers. After an intended change of the menu or of admin/roles.py, rewrite it
with ``python -m tests.admin.system.test_menu`` and read the diff before committing it."""
from __future__ import annotations

import json
import os
import sys
import tempfile
from html.parser import HTMLParser
from pathlib import Path

import pytest
from flask_login import login_user

from admin.bootstrap import DEMO_USERS
from tests.admin.stack import login, make_admin_app, prepare_admin_database

PINS = Path(__file__).with_name("menu_pins.json")
ROLES = {role: username for username, _first, _last, role, _org in DEMO_USERS}


class NavbarParser(HTMLParser):
    """The left-hand navbar (``ul.nav.navbar-nav``): categories as {"category", "items"}, loose links as text."""

    def __init__(self) -> None:
        super().__init__()
        self.menu: list = []
        self.depth = 0  # <ul> nesting inside the navbar; 0 = outside it
        self.link: dict | None = None  # the <a> being read: kind, href, icon, text

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        if tag == "ul" and (self.depth or classes == ["nav", "navbar-nav"]):
            self.depth += 1
        elif not self.depth:
            return
        elif tag == "a" and "dropdown-toggle" in classes:
            self.link = {"kind": "category", "href": "", "icon": "", "text": ""}
        elif tag == "a" and attrs.get("tabindex") == "-1":
            self.link = {"kind": "item", "href": attrs.get("href", ""), "icon": "", "text": ""}
        elif tag == "i" and self.link is not None:
            self.link["icon"] = " ".join(c for c in classes if c not in ("fa", "fa-fw"))
        elif tag == "li" and "divider" in classes:
            self.menu[-1]["items"].append("-")

    def handle_endtag(self, tag):
        if not self.depth:
            return
        if tag == "ul":
            self.depth -= 1
        elif tag == "a" and self.link is not None:
            link, self.link = self.link, None
            label = " ".join(link["text"].split())
            if link["kind"] == "category":
                self.menu.append({"category": f"{label} | {link['icon']}", "items": []})
                return
            entry = f"{label} | {link['icon']} | {link['href']}"
            if self.depth > 1:
                self.menu[-1]["items"].append(entry)
            else:
                self.menu.append(entry)

    def handle_data(self, data):
        if self.link is not None:
            self.link["text"] += data


def rendered_menu(client, username: str) -> list:
    login(client, username)
    response = client.get("/")
    assert response.status_code == 200
    parser = NavbarParser()
    parser.feed(response.get_data(as_text=True))
    return parser.menu


def granted_permissions(app, username: str) -> dict[str, str]:
    """{view or menu name: "perm perm ..."} for the pairs FAB registered that the user's role may use."""
    sm = app.appbuilder.sm
    with app.test_request_context():
        login_user(sm.find_user(username=username))
        # The built-in roles' own regex pairs are stored next to the real ones: they all end in "$".
        pairs = [(pv.view_menu.name, pv.permission.name) for pv in sm.session.query(sm.permissionview_model)
                 if not pv.view_menu.name.endswith("$")]
        granted: dict[str, list[str]] = {}
        for view, permission in pairs:
            if sm.has_access(permission, view):
                granted.setdefault(view, []).append(permission)
    return {view: " ".join(sorted(permissions)) for view, permissions in sorted(granted.items())}


def current_pins(app) -> dict:
    pins = {}
    with app.test_client() as client:
        for role, username in sorted(ROLES.items()):
            pins[role] = {"menu": rendered_menu(client, username),
                          "permissions": granted_permissions(app, username)}
    return pins


def _build_app(var: Path):
    url = f"sqlite:///{var / 'registry.db'}"
    prepare_admin_database(url)
    return make_admin_app(url, "filesystem://", bootstrap=False)


@pytest.fixture(scope="module")
def pins(tmp_path_factory):
    var = tmp_path_factory.mktemp("menu") / "var"
    var.mkdir()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("BANSOS_VAR", str(var))
        mp.setenv("BANSOS_DEMO", "1")
        app = _build_app(var)
        yield current_pins(app)
        app.extensions["database"].engine.dispose()


@pytest.mark.parametrize("role", sorted(ROLES))
def test_each_role_sees_the_pinned_menu(pins, role):
    expected = json.loads(PINS.read_text())[role]["menu"]
    assert pins[role]["menu"] == expected


@pytest.mark.parametrize("role", sorted(ROLES))
def test_each_role_holds_the_pinned_permissions(pins, role):
    expected = json.loads(PINS.read_text())[role]["permissions"]
    assert pins[role]["permissions"] == expected


def test_the_pins_cover_every_demo_role_and_a_full_admin_menu():
    pinned = json.loads(PINS.read_text())
    assert sorted(pinned) == sorted(ROLES)
    admin_items = [item for entry in pinned["Admin"]["menu"] if isinstance(entry, dict) for item in entry["items"]]
    assert len(admin_items) > 40


if __name__ == "__main__":
    os.environ["BANSOS_DEMO"] = "1"
    os.environ["BANSOS_VAR"] = tempfile.mkdtemp(prefix="menu-pins-")
    written = current_pins(_build_app(Path(os.environ["BANSOS_VAR"])))
    PINS.write_text(json.dumps(written, ensure_ascii=False, indent=1) + "\n")
    sys.stdout.write(f"{PINS} ditulis\n")
