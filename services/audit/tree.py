"""The ledger's Merkle tree, stored: its complete nodes, so that tree hashes and RFC 9162 proofs
are answered in a few reads however long the ledger grows.

Level 0 index i is the leaf hash of entry seq i + 1 (`merkle.leaf_hash` of the entry's hash);
level L index i is `merkle.node_hash` of level L-1 indexes 2i and 2i+1, stored once both are.
Only perfect subtrees are kept, so a stored node never changes: the table is append-only like the
ledger (migration a0003), and `ledger.Appender` writes the nodes each entry completes in the
entry's own transaction, as the ledger's writer role.

Every range of leaves RFC 9162 splits D[n] into (MTH, PATH, SUBPROOF) falls into at most log n
aligned perfect subtrees, each one stored node (`merkle.subtrees`). So a tree hash or a proof is
planned here as the ranges whose hashes it needs, split exactly as the RFC splits them; their nodes
are read in one SELECT and folded. With the size read first, every answer takes two SELECTs and
O(log n) rows, and equals what `merkle` gives over the whole list of leaf hashes.
"""
from __future__ import annotations

from typing import Iterable, Sequence

import sqlalchemy as sa

from services.audit import merkle

metadata = sa.MetaData()
ledger_tree = sa.Table(
    "ledger_tree", metadata,
    sa.Column("level", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("idx", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("hash", sa.LargeBinary(merkle.HASH_SIZE), nullable=False),
)

Node = tuple[int, int]  # (level, idx)
Leaves = tuple[int, int]  # (start, size): the leaves start .. start + size - 1


class DamagedTree(RuntimeError):
    """A node the stored tree must hold is not there: it was not written with its entries, or
    was taken away beneath the table's triggers."""


def size(connection: sa.Connection) -> int:
    """How many leaves the stored tree holds: the ledger's entries, when all went through
    `ledger.Appender`."""
    last = connection.execute(
        sa.select(sa.func.max(ledger_tree.c.idx)).where(ledger_tree.c.level == 0)).scalar()
    return 0 if last is None else last + 1


def leaf(connection: sa.Connection, seq: int) -> bytes:
    """The leaf hash of entry `seq`: `merkle.leaf_hash` of its 32-byte hash."""
    _whole("seq", seq)
    found = _read(connection, [(0, seq - 1)]) if seq >= 1 else {}
    if (0, seq - 1) not in found:
        raise ValueError(f"seq {seq} is not in the ledger's tree of size {size(connection)}")
    return found[(0, seq - 1)]


def root(connection: sa.Connection, size: int) -> bytes:
    """MTH of the ledger's first `size` entries (RFC 9162 §2.1.1); EMPTY_ROOT for none."""
    _within(connection, size=size)
    if size == 0:
        return merkle.EMPTY_ROOT
    [hash_] = _hashes_of(connection, [(0, size)])
    return hash_


def inclusion_proof(connection: sa.Connection, seq: int, size: int) -> list[bytes]:
    """PATH(seq - 1, D[size]) (RFC 9162 §2.1.3.1): entry `seq`'s inclusion in the tree of the
    first `size` entries, its own sibling first."""
    _whole("seq", seq)
    _within(connection, size=size)
    if not 1 <= seq <= size:
        raise ValueError(f"seq {seq} is not in the tree of size {size} (seq runs 1..{size})")
    return _hashes_of(connection, inclusion_ranges(seq - 1, size))


def consistency_proof(connection: sa.Connection, m: int, n: int) -> list[bytes]:
    """PROOF(m, D[n]) (RFC 9162 §2.1.4.1): the tree of the first `n` entries extends that of the
    first `m`. Empty for m == 0 and m == n, as `merkle.consistency_proof`."""
    _whole("m", m)
    _within(connection, n=n)
    if not 0 <= m <= n:
        raise ValueError(f"no consistency proof from size m={m} to size n={n}: needs 0 <= m <= n")
    return _hashes_of(connection, consistency_ranges(m, n))


def frontier(connection: sa.Connection, size: int) -> merkle.Frontier:
    """The tree's right edge at `size` leaves (at most log n nodes, one SELECT), to append the
    next leaves onto."""
    wanted = merkle.right_edge(size)
    found = _read(connection, wanted)
    return merkle.Frontier.resume(size, [_needed(found, node) for node in wanted])


def insert(connection: sa.Connection, nodes: Sequence[tuple[int, int, bytes]]) -> None:
    """Store `nodes` ((level, idx, hash), as `merkle.Frontier.append` gives them) at once: one
    multi-row INSERT on PostgreSQL (SQLAlchemy's insertmanyvalues), one executemany on SQLite."""
    if nodes:
        connection.execute(ledger_tree.insert(),
                           [{"level": level, "idx": idx, "hash": hash_}
                            for level, idx, hash_ in nodes])


# ---------------------------------------------------------------------------------------------
# Plans: the ranges of leaves whose tree hashes an answer is made of, in the answer's order.


def inclusion_ranges(index: int, n: int) -> list[Leaves]:
    """PATH(index, D[n])'s elements as ranges of leaves: at each split of RFC 9162 §2.1.3.1 the
    half the leaf is not in; innermost first."""
    start, size, ranges = 0, n, []
    while size > 1:
        k = _split(size)
        if index < start + k:  # PATH(m, D[0:k]) : MTH(D[k:n])
            ranges.append((start + k, size - k))
            size = k
        else:  # PATH(m - k, D[k:n]) : MTH(D[0:k])
            ranges.append((start, k))
            start, size = start + k, size - k
    return ranges[::-1]


def consistency_ranges(m: int, n: int) -> list[Leaves]:
    """PROOF(m, D[n])'s elements as ranges of leaves: SUBPROOF's descent of RFC 9162 §2.1.4.1,
    as `merkle.consistency_proof` walks it; innermost first."""
    if m in (0, n):
        return []
    start, size, b, ranges = 0, n, True, []
    while m != size:
        k = _split(size)
        if m <= k:  # SUBPROOF(m, D[0:k], b) : MTH(D[k:n])
            ranges.append((start + k, size - k))
            size = k
        else:  # SUBPROOF(m - k, D[k:n], false) : MTH(D[0:k])
            ranges.append((start, k))
            start, size, m, b = start + k, size - k, m - k, False
    if not b:  # SUBPROOF(m, D[m], false) = {MTH(D[m])}
        ranges.append((start, size))
    return ranges[::-1]


# ---------------------------------------------------------------------------------------------
# Reading and folding.


def _hashes_of(connection: sa.Connection, ranges: Sequence[Leaves]) -> list[bytes]:
    """MTH of each range of leaves: the roots of its perfect subtrees, read together, folded
    from the right as MTH splits it."""
    plans = [merkle.subtrees(start, size) for start, size in ranges]
    found = _read(connection, [node for plan in plans for node in plan])
    hashes = []
    for (start, count), plan in zip(ranges, plans):
        roots = [_needed(found, node) for node in plan]
        folded = roots.pop()
        while roots:
            folded = merkle.node_hash(roots.pop(), folded)
        hashes.append(folded)
    return hashes


def _read(connection: sa.Connection, nodes: Iterable[Node]) -> dict[Node, bytes]:
    """The stored hashes of `nodes`, in one SELECT: per level, idx IN (...), so that each term
    is a lookup on the primary key on both stores."""
    by_level: dict[int, set[int]] = {}
    for level, idx in nodes:
        by_level.setdefault(level, set()).add(idx)
    if not by_level:
        return {}
    where = sa.or_(*(sa.and_(ledger_tree.c.level == level, ledger_tree.c.idx.in_(sorted(idxs)))
                     for level, idxs in sorted(by_level.items())))
    rows = connection.execute(
        sa.select(ledger_tree.c.level, ledger_tree.c.idx, ledger_tree.c.hash).where(where))
    return {(row.level, row.idx): bytes(row.hash) for row in rows}


def _needed(found: dict[Node, bytes], node: Node) -> bytes:
    if node not in found:
        level, idx = node
        raise DamagedTree(
            f"the ledger's stored tree lacks its node at level {level} index {idx} (over seq "
            f"{(idx << level) + 1}..{(idx + 1) << level}): the tree was not written with the "
            "entries, or was changed beneath its triggers")
    return found[node]


def _within(connection: sa.Connection, **sizes: int) -> None:
    """Each of `sizes` (by name) a size the stored tree has reached."""
    for name, value in sizes.items():
        _whole(name, value)
    stored = size(connection)
    for name, value in sizes.items():
        if not 0 <= value <= stored:
            raise ValueError(f"{name}={value} is not a size of the ledger's tree, which holds "
                             f"{stored} entries")


def _split(n: int) -> int:
    """k, the largest power of two smaller than n (n > 1), where RFC 9162 splits D[n]."""
    return 1 << ((n - 1).bit_length() - 1)


def _whole(name: str, value: object) -> None:
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValueError(f"{name} must be a whole number, not {value!r}")
