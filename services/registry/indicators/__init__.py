"""Performance indicators: one function per computation (computations.py), stored per period
(snapshots.py), the programme evaluation (evaluation.py) and satisfaction codes (codes.py)."""
from .computations import COMPUTATION_LABELS, COMPUTATIONS, Result, Scope

__all__ = ["COMPUTATIONS", "COMPUTATION_LABELS", "Result", "Scope"]
