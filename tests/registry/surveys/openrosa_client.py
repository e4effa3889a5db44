"""What ODK Collect does, in a few functions: read the form list, fill a downloaded XForm, build a submission."""
from __future__ import annotations

from lxml import etree

XFORMS = "http://www.w3.org/2002/xforms"
FORMLIST = "http://openrosa.org/xforms/xformsList"


def form_list(xml: bytes) -> list[dict]:
    root = etree.fromstring(xml)
    return [{child.tag.split("}")[1]: child.text for child in form} for form in root.findall(f"{{{FORMLIST}}}xform")]


def _plain(element) -> etree._Element:
    """Copy an instance element without namespaces, as Collect serialises a submission."""
    copy = etree.Element(etree.QName(element).localname, dict(element.attrib))
    copy.text = element.text
    for child in element:
        copy.append(_plain(child))
    return copy


def fill_submission(xform: bytes, values: dict[str, str], instance_id: str) -> bytes:
    """The primary instance of ``xform`` with each leaf named in ``values`` filled, plus meta/instanceID."""
    root = etree.fromstring(xform)
    data = _plain(root.find(f".//{{{XFORMS}}}instance")[0])
    for leaf in data.iter():
        if len(leaf):
            continue
        if leaf.tag == "instanceID":
            leaf.text = instance_id
        elif leaf.tag in values:
            leaf.text = str(values[leaf.tag])
    return etree.tostring(data, xml_declaration=True, encoding="UTF-8")


def response_message(xml: bytes) -> str:
    root = etree.fromstring(xml)
    return root.find("{http://openrosa.org/http/response}message").text


def digest_challenge(header: str) -> dict[str, str]:
    """The parameters of a ``WWW-Authenticate: Digest ...`` value."""
    from requests.utils import parse_dict_header

    assert header.startswith("Digest "), header
    return parse_dict_header(header[len("Digest "):])


def digest_authorization(method: str, uri: str, username: str, password: str, nonce: str, nc: int = 1,
                         cnonce: str = "0a4f113b", realm: str = "bansos-openrosa") -> str:
    """An RFC 7616 qop=auth MD5 Authorization header, as ODK Collect (okhttp-digest) computes it."""
    import hashlib

    def md5(text: str) -> str:
        return hashlib.md5(text.encode()).hexdigest()

    count = f"{nc:08x}"
    response = md5(f"{md5(f'{username}:{realm}:{password}')}:{nonce}:{count}:{cnonce}:auth:{md5(f'{method}:{uri}')}")
    return (f'Digest username="{username}", realm="{realm}", nonce="{nonce}", uri="{uri}", algorithm=MD5, '
            f'qop=auth, nc={count}, cnonce="{cnonce}", response="{response}"')
