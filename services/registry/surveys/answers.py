"""Validate a response's answers against its instrument and score them (pure functions, no database).

Errors are Indonesian, one per question code, so every entry path (admin form, API, Kobo import,
OpenRosa) reports the same reasons."""
from __future__ import annotations

import operator
from decimal import Decimal, InvalidOperation

from services.registry.models import Instrument, Question

YES = {"ya", "y", "yes", "1", "true", "benar"}
NO = {"tidak", "t", "no", "n", "0", "false", "salah"}
OPS = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge, "==": operator.eq}


def _is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def clean_value(question: Question, value):
    """The stored form of one answer; raises ValueError with an Indonesian reason."""
    kind = question.answer_type
    if kind == "ya_tidak":
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in YES:
            return True
        if text in NO:
            return False
        raise ValueError("harus 'ya' atau 'tidak'")
    if kind == "bilangan":
        if isinstance(value, bool):
            raise ValueError("harus bilangan bulat")
        try:
            number = Decimal(str(value).strip().replace(" ", ""))
        except InvalidOperation:
            raise ValueError("harus bilangan bulat") from None
        if number != number.to_integral_value():
            raise ValueError("harus bilangan bulat")
        if number < 0:
            raise ValueError("tidak boleh negatif")
        return int(number)
    if kind == "desimal":
        try:
            number = Decimal(str(value).strip().replace(",", "."))
        except InvalidOperation:
            raise ValueError("harus angka") from None
        if not number.is_finite():
            raise ValueError("harus angka")
        return float(number)
    if kind == "pilihan":
        allowed = [c["value"] for c in question.choices or []]
        text = str(value).strip()
        if text not in allowed:
            raise ValueError(f"pilihan tidak dikenal '{text}' (pilihan: {', '.join(allowed)})")
        return text
    text = str(value).strip()
    if len(text) > 2000:
        raise ValueError("terlalu panjang (maks. 2000 karakter)")
    return text


def validate_answers(instrument: Instrument, answers: dict) -> tuple[dict, dict[str, str]]:
    """(clean answers, errors by question code); unknown codes and missing required answers are errors."""
    questions = {q.code: q for q in instrument.questions}
    errors: dict[str, str] = {}
    clean: dict = {}
    for code in answers:
        if code not in questions:
            errors[code] = "pertanyaan tidak dikenal pada instrumen ini"
    for code, question in questions.items():
        value = answers.get(code)
        if _is_blank(value):
            if question.required:
                errors[code] = "wajib diisi"
            continue
        try:
            clean[code] = clean_value(question, value)
        except ValueError as exc:
            errors[code] = str(exc)
    return clean, errors


def _counts(question: Question, value) -> Decimal:
    """The weight this answer contributes (0 when the criterion is not met)."""
    weight = Decimal(question.weight or 0)
    if value is None:
        return Decimal(0)
    if question.answer_type == "ya_tidak":
        return weight if value is True else Decimal(0)
    if question.answer_type == "pilihan":
        for choice in question.choices or []:
            if choice["value"] == value:
                return Decimal(str(choice.get("weight", 0)))
        return Decimal(0)
    if question.answer_type in ("bilangan", "desimal") and question.criterion:
        test = OPS[question.criterion["op"]]
        return weight if test(Decimal(str(value)), Decimal(str(question.criterion["value"]))) else Decimal(0)
    return Decimal(0)


def score_answers(instrument: Instrument, answers: dict) -> tuple[Decimal, dict]:
    """The score and its explanation: which criteria counted, with their weights, against the threshold."""
    counted = []
    total = Decimal(0)
    for question in instrument.questions:
        points = _counts(question, answers.get(question.code))
        if points:
            total += points
            # Codes and weights only: the explanation is copied into every HouseholdWelfare row on
            # each rescore, and question texts live (versioned) on the instrument.
            counted.append({"code": question.code, "weight": float(points)})
    config = instrument.scoring or {}
    explanation = {
        "instrument": instrument.code, "version": instrument.version, "score": float(total),
        "threshold": config.get("threshold"), "counted": counted,
        "summary": f"{len(counted)} kriteria terpenuhi, skor {float(total):g}"
                   + (f" (ambang {config['threshold']})" if config.get("threshold") is not None else ""),
    }
    return total, explanation
