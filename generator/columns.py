"""Column-wise string assembly helpers (Arrow compute, no Python loop per row)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc


def take(pool: pa.Array, idx: np.ndarray) -> pa.Array:
    return pool.take(pa.array(idx, type=pa.int32()))


def join(*parts: pa.Array | str) -> pa.Array:
    """Element-wise concatenation of string arrays and literal strings."""
    return pc.binary_join_element_wise(*parts, "")


def digits(rng: np.random.Generator, n: int, width: int) -> pa.Array:
    """n random zero-padded digit strings of the given width."""
    values = rng.integers(0, 10**width, n, dtype=np.int64)
    return pc.utf8_lpad(pc.cast(pa.array(values), pa.string()), width, "0")


def fill_template(template: str, rng: np.random.Generator, n: int) -> pa.Array:
    """'+1 ###-####' -> n strings with each '#' a random digit."""
    parts: list[pa.Array | str] = []
    literal, run = "", 0
    for ch in template + "\0":
        if ch == "#":
            if literal:
                parts.append(literal)
                literal = ""
            run += 1
        else:
            if run:
                parts.append(digits(rng, n, run))
                run = 0
            if ch != "\0":
                literal += ch
    if literal:
        parts.append(literal)
    arrays = [p if isinstance(p, pa.Array) else pa.array([p] * n) for p in parts]
    return join(*arrays) if len(arrays) > 1 else arrays[0]


def ipv4(rng: np.random.Generator, first_octet: np.ndarray) -> pa.Array:
    n = len(first_octet)
    octets = [pc.cast(pa.array(first_octet), pa.string())]
    octets += [pc.cast(pa.array(rng.integers(1, 255, n)), pa.string()) for _ in range(3)]
    return pc.binary_join_element_wise(*octets, ".")


def ipv6(rng: np.random.Generator, n: int) -> pa.Array:
    groups = [pa.array(["2001"] * n), pa.array(["db8"] * n)]
    groups += [pc.utf8_lower(_hex4(rng, n)) for _ in range(6)]
    return pc.binary_join_element_wise(*groups, ":")


def _hex4(rng: np.random.Generator, n: int) -> pa.Array:
    values = rng.integers(0, 65536, n)
    return pa.array(np.char.mod("%x", values).astype(object))


def where(mask: np.ndarray, if_true: pa.Array, if_false: pa.Array) -> pa.Array:
    return pc.if_else(pa.array(mask), if_true, if_false)
