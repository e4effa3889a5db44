"""NIK slips: two 16-digit numbers one typing mistake apart."""
from __future__ import annotations


def one_slip_apart(a: str, b: str) -> bool:
    """True when ``a`` and ``b`` differ by one substituted digit or one swap of adjacent digits."""
    if a == b or len(a) != len(b):
        return False
    diff = [i for i in range(len(a)) if a[i] != b[i]]
    if len(diff) == 1:
        return True
    return len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]
