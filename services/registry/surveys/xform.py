"""Generate an ODK XForm from an instrument with pyxform (XLSForm as a dict), and read a submission back."""
from __future__ import annotations

import hashlib
from functools import lru_cache

from lxml import etree
from pyxform.xls2xform import convert

from services.registry.models import Instrument

KK_FIELD = "no_kk"
_TYPES = {"bilangan": "integer", "desimal": "decimal", "teks": "text"}
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_comments=True)


NO_DTD = "XML kiriman tidak boleh memuat DOCTYPE atau deklarasi entitas"
MAX_NAME = 100  # form id / instanceID; ODK's are "<code>_v<n>" and "uuid:<36>"


class SubmissionError(ValueError):
    """An XML submission that cannot be read."""


def xlsform(instrument: Instrument) -> dict:
    """The instrument as an XLSForm (survey/choices/settings sheets as lists of rows)."""
    survey = [{"type": "text", "name": KK_FIELD, "label": "Nomor KK keluarga (16 digit)", "required": "yes",
               "constraint": "regex(., '^[0-9]{16}$')", "constraint_message": "Nomor KK harus 16 digit angka"}]
    choices = [{"list_name": "ya_tidak", "name": "ya", "label": "Ya"},
               {"list_name": "ya_tidak", "name": "tidak", "label": "Tidak"}]
    current_group, seen_groups = None, set()
    for question in instrument.questions:
        if question.group != current_group:
            if current_group:
                survey.append({"type": "end group"})
            current_group = question.group
            if current_group:
                name = current_group if current_group not in seen_groups else f"{current_group}_{len(seen_groups)}"
                seen_groups.add(current_group)
                survey.append({"type": "begin group", "name": name, "label": current_group.capitalize()})
        row = {"name": question.code, "label": question.text, "required": "yes" if question.required else ""}
        if question.answer_type == "ya_tidak":
            row["type"] = "select_one ya_tidak"
        elif question.answer_type == "pilihan":
            row["type"] = f"select_one {question.code}"
            choices += [{"list_name": question.code, "name": c["value"], "label": c.get("label", c["value"])}
                        for c in question.choices or []]
        else:
            row["type"] = _TYPES[question.answer_type]
            if question.answer_type == "bilangan":
                row.update(constraint=". >= 0", constraint_message="Tidak boleh negatif")
        survey.append(row)
    if current_group:
        survey.append({"type": "end group"})
    settings = [{"form_title": f"{instrument.name} (v{instrument.version})", "form_id": instrument.form_id,
                 "version": str(instrument.version)}]
    return {"survey": survey, "choices": choices, "settings": settings}


@lru_cache(maxsize=64)
def _cached_xform(form_id: str, fingerprint: str, spec: str) -> str:
    import json

    return convert(json.loads(spec), form_name="data").xform


def xform_xml(instrument: Instrument) -> str:
    """The XForm XML; cached per instrument version (a version never changes)."""
    import json

    spec = json.dumps(xlsform(instrument), sort_keys=True)
    return _cached_xform(instrument.form_id, hashlib.sha256(spec.encode()).hexdigest(), spec)


def md5_hash(xml: str) -> str:
    return "md5:" + hashlib.md5(xml.encode("utf-8")).hexdigest()  # noqa: S324 - OpenRosa formList asks for md5


def parse_submission(data: bytes) -> tuple[str, str | None, str, dict[str, str]]:
    """(form id, instanceID, KK, {field name: text}) of an ODK instance document."""
    # ODK never sends a DTD. Entities are not expanded anyway (_PARSER, and libxml2 caps amplification),
    # but an answer hidden in an unexpanded entity would be lost silently: refuse the document, before
    # parsing when the DTD is visible in the bytes, after parsing otherwise (e.g. UTF-16).
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise SubmissionError(NO_DTD)
    try:
        root = etree.fromstring(data, _PARSER)
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise SubmissionError(f"XML kiriman tidak dapat dibaca: {exc}") from exc
    if root.getroottree().docinfo.doctype:
        raise SubmissionError(NO_DTD)
    form_id = root.get("id")
    if not form_id:
        raise SubmissionError("XML kiriman tanpa atribut id formulir")
    if len(form_id) > MAX_NAME:
        raise SubmissionError(f"id formulir lebih dari {MAX_NAME} karakter")
    instance_id, kk, fields = None, "", {}
    for element in root.iter():
        if not isinstance(element.tag, str) or len(element):
            continue  # groups and comments: only leaves carry answers
        name = etree.QName(element).localname
        value = (element.text or "").strip()
        parent = element.getparent()
        if parent is not None and etree.QName(parent).localname == "meta":
            if name == "instanceID":
                instance_id = value or None
                if instance_id and len(instance_id) > MAX_NAME:  # stored as submission_key, 120 characters
                    raise SubmissionError(f"meta/instanceID lebih dari {MAX_NAME} karakter")
            continue
        if name == KK_FIELD:
            kk = value
        else:
            fields[name] = value
    return form_id, instance_id, kk, fields
