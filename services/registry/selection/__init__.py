"""Choosing recipients: rules, budgets, candidates, the musyawarah, approval that freezes, corrections."""
