"""Property-based tests (hypothesis) of the OpenRosa submission path: any bytes, any XML, malformed
multipart, DTD/entity tricks. The parser returns what the document holds or refuses it with its own
Indonesian error; the endpoint answers 201/202/400 with an OpenRosaResponse, never a server error.
(Survey CSV/XLSX exports, bank statements and webhooks have their own property tests elsewhere.)"""
from __future__ import annotations

import base64
from io import BytesIO

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from lxml import etree

from services.registry.app import create_app
from services.registry.models import Enumerator
from services.registry.surveys.credentials import set_password
from services.registry.surveys.xform import SubmissionError, parse_submission
from tests.registry.surveys.openrosa_client import fill_submission, response_message
from tests.registry.surveys.survey_helpers import BPS_CODES, kk, setup_registry

FAST = settings(max_examples=300, deadline=None)
SERVER = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
AUTH = {"X-OpenRosa-Version": "1.0",
        "Authorization": "Basic " + base64.b64encode(b"pencacah1:rahasia-pencacah").decode()}
INDONESIAN = ("XML kiriman", "id formulir", "meta/instanceID")

names = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,11}", fullmatch=True).filter(lambda n: not n.lower().startswith("xml"))
# Characters XML 1.0 can carry (no controls other than tab/newline, no surrogates).
xml_text = st.text(st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufffe\uffff"),
                   max_size=40)


@st.composite
def instances(draw):
    """An ODK-like instance document and the answers it carries: {name: text} over unique leaf names."""
    form_id = draw(names)
    leaves = draw(st.dictionaries(names.filter(lambda n: n not in ("no_kk", "meta", "instanceID")), xml_text,
                                  max_size=8))
    root = etree.Element("data", id=form_id)
    groups = [root] + [etree.SubElement(root, f"grup{i}") for i in range(draw(st.integers(0, 2)))]
    kk_value = draw(xml_text)
    etree.SubElement(draw(st.sampled_from(groups)), "no_kk").text = kk_value
    for name, value in leaves.items():
        etree.SubElement(draw(st.sampled_from(groups)), name).text = value
    instance_id = draw(st.none() | st.from_regex(r"uuid:[0-9a-f\-]{1,40}", fullmatch=True))
    if instance_id is not None:
        etree.SubElement(etree.SubElement(root, "meta"), "instanceID").text = instance_id
    leaves.update({group.tag: "" for group in groups[1:] if not len(group)})  # an empty group reads as a blank leaf
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8"), form_id, instance_id, kk_value, leaves


@st.composite
def entity_documents(draw):
    """A DOCTYPE with internal, external (XXE) or nested (billion laughs) entities used in an answer."""
    kind = draw(st.sampled_from(["internal", "system", "public", "parameter", "laughs"]))
    depth = draw(st.integers(2, 9))
    if kind == "internal":
        dtd, use = f'<!ENTITY e "{draw(names)}">', "&e;"
    elif kind == "system":
        target = draw(st.sampled_from(["file:///etc/passwd", "http://127.0.0.1:9/x"]))
        dtd, use = f'<!ENTITY e SYSTEM "{target}">', "&e;"
    elif kind == "public":
        dtd, use = '<!ENTITY e PUBLIC "-//X//Y" "file:///etc/hostname">', "&e;"
    elif kind == "parameter":
        dtd, use = '<!ENTITY % p SYSTEM "file:///etc/passwd"> %p;', "x"
    else:
        dtd = '<!ENTITY l0 "lol">' + "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, depth))
        use = f"&l{depth - 1};"
    return (f'<?xml version="1.0"?><!DOCTYPE data [{dtd}]><data id="bps14_v1"><no_kk>{use}</no_kk>'
            f'<meta><instanceID>uuid:e</instanceID></meta></data>').encode()


@FAST
@given(st.binary(max_size=400))
def test_parser_takes_any_bytes(data):
    try:
        form_id, instance_id, kk_value, fields = parse_submission(data)
    except SubmissionError as exc:
        assert str(exc).startswith(INDONESIAN)
    else:
        assert form_id and isinstance(kk_value, str) and all(isinstance(v, str) for v in fields.values())


@FAST
@given(instances())
def test_parser_returns_exactly_the_answers_of_the_document(case):
    xml, form_id, instance_id, kk_value, leaves = case
    assert parse_submission(xml) == (form_id, instance_id, kk_value.strip(), {k: v.strip() for k, v in leaves.items()})


@FAST
@given(entity_documents())
def test_parser_refuses_every_dtd_without_expanding_or_fetching(xml):
    with pytest.raises(SubmissionError, match="DOCTYPE"):
        parse_submission(xml)


@pytest.fixture
def client(registry_url, session):
    setup_registry(session, 3)
    enumerator = Enumerator(username="pencacah1", full_name="Pendamping Satu")
    set_password(enumerator, "rahasia-pencacah")
    session.add(enumerator)
    session.commit()
    app = create_app({"TESTING": True, "DATABASE_URL": registry_url})
    plain = app.wsgi_app
    app.wsgi_app = lambda environ, start: plain({**environ, "wsgi.url_scheme": "https"}, start)
    client = app.test_client()
    client.form = client.get("/openrosa/forms/bps14_v1.xml", headers=AUTH).data
    return client


def _post_file(client, xml: bytes):
    return client.post("/openrosa/submission", headers=AUTH, content_type="multipart/form-data",
                       data={"xml_submission_file": (BytesIO(xml), "submission.xml", "text/xml")})


def _answered(response, allowed=(400,)) -> str:
    """Every answer is a documented status with an OpenRosaResponse message, never a server error."""
    assert response.status_code in allowed, response.data[:300]
    assert response.headers["X-OpenRosa-Version"] == "1.0"
    return response_message(response.data)


@SERVER
@given(data=st.binary(max_size=300) | entity_documents())
def test_submission_endpoint_refuses_any_bytes_and_any_dtd_with_400(client, data):
    message = _answered(_post_file(client, data))
    assert message and (not data.lstrip().startswith(b"<?xml") or "DOCTYPE" in message or "XML kiriman" in message
                        or "id formulir" in message or "tidak" in message)


@SERVER
@given(boundary=st.from_regex(r"[A-Za-z0-9]{1,20}", fullmatch=True), body=st.binary(max_size=300),
       declared=st.booleans())
def test_malformed_multipart_gets_400(client, boundary, body, declared):
    content_type = f"multipart/form-data; boundary={boundary}" if declared else "multipart/form-data"
    assume(b"xml_submission_file" not in body)
    response = client.post("/openrosa/submission", headers={**AUTH, "Content-Type": content_type}, data=body)
    assert "xml_submission_file" in _answered(response)


@SERVER
@given(no_kk=st.sampled_from([kk(1), kk(2), kk(3), "3526010101269999", ""]) | xml_text,
       answers=st.fixed_dictionaries({code: st.sampled_from(["ya", "tidak"]) | xml_text for code in BPS_CODES}),
       instance=st.text(st.characters(min_codepoint=33, max_codepoint=0x2FFF, blacklist_categories=("Cs",)),
                        min_size=1, max_size=140),
       form_id=st.none() | st.sampled_from(["bps14_v²", "bps14_v99999999999", "x_v1"]) | xml_text)
def test_filled_forms_with_any_values_are_stored_once_or_refused_with_the_reason(client, no_kk, answers, instance,
                                                                                  form_id):
    xml = fill_submission(client.form, {"no_kk": no_kk, **answers}, f"uuid:{instance}")
    if form_id is not None:
        root = etree.fromstring(xml)
        root.set("id", form_id)
        xml = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    first = _post_file(client, xml)
    message = _answered(first, (201, 202, 400))
    if first.status_code == 400:
        assert any(word in message for word in ("no_kk", "ditolak", "instanceID", "ormulir")), message
    else:
        assert _answered(_post_file(client, xml), (202,)).startswith("Kiriman ini sudah diterima")
