"""Pair edges -> clusters (union-find), each with a score, its layers and a stable signature."""
from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from services.registry.people.dedup.layers import Edge, PersonRow


class UnionFind:
    def __init__(self) -> None:
        self.parent: dict[int, int] = {}

    def find(self, x: int) -> int:
        parent = self.parent
        root = parent.setdefault(x, x)
        while root != parent[root]:
            root = parent[root]
        while parent[x] != root:  # path compression
            parent[x], x = root, parent[x]
        return root

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


@dataclass
class Cluster:
    members: list[int]
    score: float
    layers: list[str]
    pairs: dict[tuple[int, int], dict[str, float]] = field(default_factory=dict)
    signature: str = ""


def signature(members: Iterable[PersonRow]) -> str:
    """Hash of the sorted members and the attributes the check looked at: any change makes a new case."""
    parts = sorted(f"{p.id}|{p.household_id}|{p.nik}|{p.name}|{p.birth_date}|{p.sex}|{p.phone or ''}"
                   for p in members)
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def build_clusters(edges: Iterable[Edge], people: dict[int, PersonRow]) -> list[Cluster]:
    uf = UnionFind()
    pairs: dict[tuple[int, int], dict[str, float]] = defaultdict(dict)
    for a, b, layer, score in edges:
        uf.union(a, b)
        known = pairs[(a, b)]
        known[layer] = max(score, known.get(layer, 0.0))
    grouped: dict[int, Cluster] = {}
    for (a, b), layers in pairs.items():
        root = uf.find(a)
        cluster = grouped.setdefault(root, Cluster(members=[], score=0.0, layers=[]))
        cluster.pairs[(a, b)] = layers
    for cluster in grouped.values():
        ids = {i for pair in cluster.pairs for i in pair}
        cluster.members = sorted(ids)
        cluster.layers = sorted({layer for layers in cluster.pairs.values() for layer in layers})
        cluster.score = round(max(max(layers.values()) for layers in cluster.pairs.values()), 2)
        cluster.signature = signature(people[i] for i in cluster.members)
    return sorted(grouped.values(), key=lambda c: c.members[0])
