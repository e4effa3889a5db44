"""Siklus screens: programmes, recipients, funding, eligibility rules, cycles, musyawarah, change requests."""
