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
