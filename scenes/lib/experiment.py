"""The experiment every chapter shows, set once: change DEPTH here and the chain, the (1/4)^k
bound and the real network's bars all follow."""
from __future__ import annotations

__all__ = [
    "BATCH",
    "DEPTH",
    "SEED",
    "WIDTH",
]

DEPTH = 10  # layers in the chain and in the real MLP
WIDTH = 32  # neurons per layer of the real MLP
BATCH = 256
SEED = 0
