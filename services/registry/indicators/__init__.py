"""Performance indicators: one function per computation (computations.py), stored per period
(snapshots.py), the programme evaluation (evaluation.py) and satisfaction codes (codes.py)."""
