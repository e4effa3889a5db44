"""Evaluasi screens: indicator dashboard and definitions, programme evaluation, satisfaction codes."""
