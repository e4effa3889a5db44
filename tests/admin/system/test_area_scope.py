"""Two villages in one install (the demo's Kamal and Gili Anyar): every admin route with an id of the other
village's rows, every role scoped to one village: nothing read, nothing written. The Gili Anyar operator's
pages never show a Kamal NIK or KK; staff above the village read both but change neither; a kabupaten
programme is read by a village with only its own recipients and cannot be changed by it.

Like test_role_matrix the walk reads the app's URL map, so a screen added later is covered too."""
from __future__ import annotations

import hashlib
import re
from datetime import date

import pytest
from sqlalchemy import inspect, select, text
from sqlalchemy.orm import Session

from admin.bootstrap import DEMO_USERS
from services.registry.core.areas import scope_of
from services.registry.core.models.areas import VISIBLE_AREAS, InArea
from services.registry.models import Area, Base, Cycle, Enrolment, Household, Person, Programme
from tests.admin.stack import demo_admin_app, login, queued_tasks
from tests.admin.system.test_role_matrix import _endpoint_permissions, _refused, allowed

KAMAL, GILI = "35.26.04.2001", "35.26.04.2005"
ROLE_OF = {username: role for username, _first, _last, role, _org in DEMO_USERS}
# Users of one village and the village whose rows they must never reach.
VILLAGE_USERS = {"operator": GILI, "kepala_desa": GILI, "bpd": GILI,
                 "operator_gilianyar": KAMAL, "kepala_desa_gilianyar": KAMAL}
# Routes whose id is not a row of the registry (FAB's own users/roles, notification keys, file names).
NOT_A_ROW = re.compile(r"^/(users|roles|permissions|permissionviews|viewmenus|groups|lang|campaigns|registeruser)/"
                       r"|/download/<string:filename>$")
# Ids in custom routes, by parameter name or (for ``pk``) by route prefix, as table names.
PARAM_TABLES = {"cycle_id": "cycle", "household_id": "household", "programme_id": "programme",
                "job_id": "import_job", "training_id": "training", "rule_id": "eligibility_rule",
                "meeting_id": "musyawarah", "candidate_id": "candidate", "case_id": "duplicate_candidate"}
PK_TABLES = {"/capital-work/household/": "household", "/capital-work/": "capital_grant",
             "/meeting-work/issue/": "meeting_issue", "/meeting-work/": "community_meeting"}
SKIP_TABLES = {"audit_entry", "audit_chain_head", "openrosa_nonce_use"}


def _model_of(table: str):
    return next((m.class_ for m in Base.registry.mappers if m.local_table.name == table), None)


def _scoped(model) -> bool:
    return model is not None and (issubclass(model, InArea) or bool(getattr(model, "__area_via__", None)))


@pytest.fixture(scope="module")
def villages(tmp_path_factory):
    """The bootstrapped two-village demo plus one cycle per village, so the cycle screens have rows."""
    with demo_admin_app(tmp_path_factory.mktemp("villages")) as app:
        with Session(app.extensions["database"].engine) as session:
            for code in ("BLT-DD-2026", "BLT-DD-GILI-2026", "BANSOS-KAB-2026"):
                programme = session.scalars(select(Programme).where(Programme.code == code)).one()
                session.add(Cycle(programme=programme, name=f"{code} Januari", period_start=date(2026, 1, 1),
                                  period_end=date(2026, 1, 31)))
            session.commit()
        yield app


@pytest.fixture(scope="module")
def db(villages):
    session = Session(villages.extensions["database"].engine)
    yield session
    session.close()


def area_id(db, code: str) -> int:
    return db.scalar(select(Area.id).where(Area.code == code))


def ids_seen_from(db, model, code: str | None) -> set[int]:
    """Primary keys of ``model`` visible to a user of area ``code`` (None: every area)."""
    token = VISIBLE_AREAS.set(None if code is None else scope_of(db, area_id(db, code)).visible)
    try:
        db.expire_all()
        # The mapped attribute, not the table's column: the scope applies to ORM entities.
        return set(db.scalars(select(inspect(model).get_property_by_column(inspect(model).primary_key[0]).class_attribute)))
    finally:
        VISIBLE_AREAS.reset(token)


def foreign_ids(db, model, own: str) -> list[int]:
    """Rows of ``model`` a user of ``own`` must not reach: visible only from elsewhere."""
    return sorted(ids_seen_from(db, model, None) - ids_seen_from(db, model, own))[:2]


def routes_with_ids(app):
    """(rule, endpoint, view permission, permission, methods, table of the id parameter)."""
    views = {view.class_permission_name: view for view in app.appbuilder.baseviews}
    found = []
    for rule, endpoint, view_permission, permission, methods in _endpoint_permissions(app):
        if "<" not in rule or not permission or NOT_A_ROW.search(rule):
            continue
        params = re.findall(r"<(?:[a-z]+(?:\([^)]*\))?:)?([a-z_]+)>", rule)
        table = next((PARAM_TABLES[p] for p in params if p in PARAM_TABLES), None)
        if table is None and "pk" in params:
            table = next((t for prefix, t in PK_TABLES.items() if rule.startswith(prefix)), None)
            datamodel = getattr(views.get(view_permission), "datamodel", None)
            if table is None and datamodel is not None:
                table = datamodel.obj.__table__.name
        if table is not None and _scoped(_model_of(table)):
            found.append((rule, endpoint, view_permission, permission, methods, table))
    return found


def url_for_id(rule: str, table: str, pk: int) -> str:
    """The id goes into the parameter of ``table``; every other parameter gets 1 (or a harmless word)."""
    def fill(match):
        name = match.group(1)
        if PARAM_TABLES.get(name) == table or (name == "pk" and table):
            return str(pk)
        return "1" if match.group(0).startswith("<int") or name.endswith("id") or name == "pk" else "x"
    return re.sub(r"<(?:[a-z]+(?:\([^)]*\))?:)?([a-z_]+)>", fill, rule)


def digest(engine) -> dict[str, str]:
    """A hash of every registry table's rows (audit trail aside): any write shows up as a changed hash."""
    out = {}
    with engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            if table.name in SKIP_TABLES:
                continue
            rows = connection.execute(table.select().order_by(*table.primary_key.columns)).all()
            out[table.name] = hashlib.sha256(repr(rows).encode()).hexdigest()
    return out


def test_the_walk_covers_the_registry_screens(villages, db):
    tables = {table for *_rest, table in routes_with_ids(villages)}
    assert {"household", "person", "enrolment", "programme", "cycle"} <= tables
    assert all(foreign_ids(db, _model_of(t), GILI) for t in ("household", "person", "enrolment", "programme"))


@pytest.mark.parametrize("username", sorted(VILLAGE_USERS))
def test_no_route_reads_or_writes_the_other_villages_rows(villages, db, username):
    other = VILLAGE_USERS[username]
    own = KAMAL if other == GILI else GILI
    views = {view.class_permission_name: view for view in villages.appbuilder.baseviews}
    engine = villages.extensions["database"].engine
    before = digest(engine)
    leaks, checked = [], 0
    with villages.test_client() as client:
        login(client, username)
        for rule, endpoint, view_permission, permission, methods, table in routes_with_ids(villages):
            base = getattr(views.get(view_permission), "base_permissions", None)
            if not allowed(ROLE_OF[username], view_permission, permission, base):
                continue  # refused by role already (test_role_matrix)
            for pk in foreign_ids(db, _model_of(table), own):
                url = url_for_id(rule, table, pk)
                response = client.get(url) if "GET" in methods else client.post(url, data={"reason": "uji"})
                checked += 1
                body = response.get_data()
                if "GET" in methods and not (_refused(response) or response.status_code in (302, 404)):
                    leaks.append(f"{url}: {response.status_code} ({len(body)} bytes)")
    after = digest(engine)
    changed = sorted(name for name in before if before[name] != after[name])
    assert leaks == []
    assert changed == [], f"tabel berubah oleh {username}: {changed}"
    assert checked >= 8


def _kamal_numbers(db) -> set[str]:
    kamal = area_id(db, KAMAL)
    niks = db.scalars(select(Person.nik).join(Household).where(Household.area_id == kamal))
    kks = db.scalars(select(Household.no_kk).where(Household.area_id == kamal))
    return {*niks, *kks}


def test_gili_anyar_operator_pages_never_show_a_kamal_nik_or_kk(villages, db):
    """Every page without an id the operator may open, plus searches by a Kamal NIK and KK."""
    numbers = _kamal_numbers(db)
    kamal = area_id(db, KAMAL)
    person = db.scalars(select(Person).join(Household).where(Household.area_id == kamal)
                        .order_by(Person.id)).first()
    household = db.get(Household, person.household_id)
    views = {view.class_permission_name: view for view in villages.appbuilder.baseviews}
    role = ROLE_OF["operator_gilianyar"]
    # A search page repeats what was typed: the searched number is left out of what must not appear.
    searches = {f"/who-gets-what/?q={person.nik}": person.nik, f"/who-gets-what/?q={household.no_kk}": household.no_kk,
                f"/persons/list/?_flt_0_nik={person.nik}": person.nik,
                f"/households/list/?_flt_0_no_kk={household.no_kk}": household.no_kk}
    paths = [*searches, "/persons/list/?psize_PersonView=100", "/households/list/?psize_HouseholdView=100",
             "/recipients/list/?psize_RecipientView=100"]
    for rule, endpoint, view_permission, permission, methods in _endpoint_permissions(villages):
        base = getattr(views.get(view_permission), "base_permissions", None)
        if ("<" in rule or "GET" not in methods or not permission
                or not allowed(role, view_permission, permission, base) or re.search(r"\.(delete|action)", endpoint)):
            continue
        paths.append(rule)
    leaked, opened = {}, 0
    with villages.test_client() as client:
        login(client, "operator_gilianyar")
        for path in paths:
            response = client.get(path)
            body = response.get_data(as_text=True)
            opened += response.status_code == 200
            found = {number for number in numbers - {searches.get(path)} if number in body}
            if found:
                leaked[path] = sorted(found)[:3]
    assert opened > 20
    assert leaked == {}
    # The same searches as the Kamal operator do find them (the check above can fail).
    with villages.test_client() as client:
        login(client, "operator")
        assert person.nik in client.get(f"/who-gets-what/?q={person.nik}").get_data(as_text=True)


def test_kabupaten_programme_is_read_by_each_village_with_only_its_own_recipients(villages, db):
    county = db.scalars(select(Programme).where(Programme.code == "BANSOS-KAB-2026")).one()
    enrolments = db.scalars(select(Enrolment).where(Enrolment.programme_id == county.id)).all()
    by_area = {}
    for enrolment in enrolments:
        by_area.setdefault(db.get(Household, enrolment.household_id).area_id, set()).add(enrolment.id)
    gili = area_id(db, GILI)
    with villages.test_client() as client:
        login(client, "operator_gilianyar")
        assert client.get(f"/programmes/show/{county.id}").status_code == 200
        page = client.get(f"/recipients/list/?_flt_0_programme={county.id}&psize_RecipientView=100").get_data(
            as_text=True)
        shown = {int(pk) for pk in re.findall(r"/recipients/show/(\d+)", page)}
        assert shown == by_area[gili] and len(by_area) == 2
        # Visible, not writable: the programme of the kabupaten stays as the kabupaten set it.
        response = client.post(f"/programmes/edit/{county.id}", data={"name": "Diubah desa", "code": county.code,
                                                                      "kind": county.kind, "status": "aktif"},
                               follow_redirects=True)
        db.expire_all()
        assert db.get(Programme, county.id).name == "Bantuan Sosial Kabupaten Bangkalan 2026"
        assert response.status_code in (200, 403)


def test_staff_above_the_village_read_both_villages_and_change_neither(villages, db):
    kamal_household = db.scalars(select(Household).where(Household.area_id == area_id(db, KAMAL))).first()
    gili_household = db.scalars(select(Household).where(Household.area_id == area_id(db, GILI))).first()
    with villages.test_client() as client:
        for username in ("camat_kamal", "dinsos"):
            login(client, username)
            for household in (kamal_household, gili_household):
                assert household.no_kk in client.get(f"/households/show/{household.id}").get_data(as_text=True)
            assert _refused(client.post(f"/households/edit/{gili_household.id}", data={"address": "x"}))
        # Dinas Sosial runs kabupaten programmes: the programme screen is open to it, the village's household is not.
        login(client, "dinsos")
        county = db.scalars(select(Programme).where(Programme.code == "BANSOS-KAB-2026")).one()
        assert client.get(f"/programmes/edit/{county.id}").status_code == 200


def test_guard_refuses_a_village_change_to_the_kabupaten_programme_in_the_model_layer(villages, db):
    """The flush guard itself, under the scope a Gili Anyar request gets: clear Indonesian error, nothing saved."""
    from services.registry.core.models.areas import WRITABLE_AREAS, AreaScopeError

    scope = scope_of(db, area_id(db, GILI))
    session = Session(villages.extensions["database"].engine)
    tokens = VISIBLE_AREAS.set(scope.visible), WRITABLE_AREAS.set(scope.writable)
    try:
        county = session.scalars(select(Programme).where(Programme.code == "BANSOS-KAB-2026")).one()
        county.name = "Diubah desa"
        with pytest.raises(AreaScopeError, match="Kabupaten Bangkalan dan hanya dapat dibaca"):
            session.flush()
        session.rollback()
        own = session.scalars(select(Household).where(Household.area_id == area_id(db, GILI))).first()
        own.address = own.address  # unchanged value: no write, no refusal
        session.add(Person(household_id=own.id, nik="3526015001260001", name="Anak Baru", sex="P",
                           birth_date=date(2026, 1, 1)))
        session.flush()  # its own village: allowed
        session.rollback()
    finally:
        VISIBLE_AREAS.reset(tokens[0])
        WRITABLE_AREAS.reset(tokens[1])
        session.close()
    assert db.scalar(select(text("count(*)")).select_from(Person.__table__).where(
        Person.nik == "3526015001260001")) == 0


def _pesisir(db, code: str) -> set[int]:
    return set(db.scalars(select(Household.id).where(Household.dusun == "Pesisir",
                                                     Household.area_id == area_id(db, code))))


def _campaign(villages, username: str, **fields) -> tuple[object, set[int]]:
    """Send an SMS to dusun Pesisir as ``username``; the response and the households it was queued for."""
    var = villages.config["TEST_VAR"]
    for path in (var / "broker").glob("*.msg"):
        path.unlink()
    with villages.test_client() as client:
        login(client, username)
        response = client.post("/campaigns/new", data={"audience": "area", "dusun": "Pesisir", "channel": "sms",
                                                       "template": "Yth. {{ nama }}, rapat dusun.",
                                                       "action": "send", **fields})
    tasks = queued_tasks("filesystem://", var, "notifications")
    keys = {r["recipient_key"] for _, kwargs in tasks for r in kwargs["payload"]["recipients"]}
    return response, {int(key.removeprefix("household-")) for key in keys}


def test_a_campaign_to_dusun_pesisir_of_one_village_never_reaches_the_other(villages, db):
    kamal, gili = _pesisir(db, KAMAL), _pesisir(db, GILI)
    assert kamal and gili
    response, reached = _campaign(villages, "operator_gilianyar")
    assert response.status_code == 302 and reached == gili
    response, reached = _campaign(villages, "operator")
    assert response.status_code == 302 and reached == kamal
    # Staff who see both villages name the desa; without it nothing is sent.
    response, reached = _campaign(villages, "admin")
    assert "Pilih desa" in response.get_data(as_text=True) and reached == set()
    response, reached = _campaign(villages, "admin", area_id=str(area_id(db, GILI)))
    assert response.status_code == 302 and reached == gili
