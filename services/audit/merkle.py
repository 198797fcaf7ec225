"""The Merkle tree over the ledger, as RFC 9162 (Certificate Transparency v2) §2.1 defines it.

Ledger entry `seq` (from 1) is leaf index `seq - 1`, and its leaf is the 32 bytes of the entry's
hash; `leaf_hash` turns it into the tree's leaf hash. Everything else here works on the list of
leaf hashes, so a tree of any size is a prefix of the list: the tree as of entry `seq` is
`leaf_hashes[:seq]`.

- `leaf_hash(leaf)` = SHA-256(0x00 ‖ leaf), `node_hash(left, right)` = SHA-256(0x01 ‖ left ‖ right)
  (§2.1.1);
- `root` is MTH, the tree hash (§2.1.1); the empty tree's is SHA-256 of the empty string;
- `inclusion_proof` is PATH (§2.1.3.1), `consistency_proof` is PROOF (§2.1.4.1);
- `verify_inclusion` (§2.1.3.2) and `verify_consistency` (§2.1.4.2) are the RFC's algorithms step
  by step, needing only the sizes, the hashes and the proof: they trust nothing else.

These take the whole list of leaf hashes: they are the reference, and what a verifier holding the
entries uses. The ledger's service answers the same from the tree's stored nodes in logarithmic
reads (`services.audit.tree`), and `Frontier` gives the tree hash at every size in one pass over
the leaves, holding only the right edge of the tree. Plain Python, no I/O.
"""
from __future__ import annotations

import hashlib
from typing import Sequence

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()  # MTH({}), §2.1.1


def leaf_hash(leaf: bytes) -> bytes:
    """MTH({d}) = HASH(0x00 ‖ d) (RFC 9162 §2.1.1): for the ledger, d is the entry's 32-byte hash."""
    return hashlib.sha256(b"\x00" + leaf).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """HASH(0x01 ‖ left ‖ right), an interior node (RFC 9162 §2.1.1)."""
    return hashlib.sha256(b"\x01" + left + right).digest()


def root(leaf_hashes: Sequence[bytes]) -> bytes:
    """MTH(D[n]) (RFC 9162 §2.1.1), from the leaf hashes of D[n].

    Built level by level: pairs are hashed together and an odd node at the end of a level is
    carried up unchanged. That is the RFC's split at k, the largest power of two smaller than n:
    the left k leaves always form a complete subtree, and the lone right edge is carried up.
    """
    level = list(leaf_hashes)
    if not level:
        return EMPTY_ROOT
    while len(level) > 1:
        level = _parent_level(level)
    return level[0]


def inclusion_proof(index: int, leaf_hashes: Sequence[bytes]) -> list[bytes]:
    """PATH(m, D[n]) (RFC 9162 §2.1.3.1), m = `index`, n = len(leaf_hashes): the siblings on the
    way from the leaf up to the root, the leaf's own sibling first."""
    n = len(leaf_hashes)
    if not 0 <= index < n:
        raise ValueError(f"leaf index {index} is not in a tree of size {n}")
    proof = []
    level = list(leaf_hashes)
    while len(level) > 1:
        sibling = index ^ 1
        if sibling < len(level):  # else the node is the lone right edge, carried up unhashed
            proof.append(level[sibling])
        index //= 2
        level = _parent_level(level)
    return proof


def consistency_proof(m: int, leaf_hashes: Sequence[bytes]) -> list[bytes]:
    """PROOF(m, D[n]) = SUBPROOF(m, D[n], true) (RFC 9162 §2.1.4.1), n = len(leaf_hashes).

    The RFC defines it for 0 < m < n. For m == n it is SUBPROOF(n, D[n], true) = {}, and for
    m == 0 there is nothing to prove either (the empty tree is a prefix of every tree); both are
    empty, which is what `verify_consistency` accepts for them.

    SUBPROOF descends one subtree at a time and appends the sibling it leaves behind; this walks
    the same descent, collecting the siblings, and returns them innermost first as the RFC does.
    """
    n = len(leaf_hashes)
    if not 0 <= m <= n:
        raise ValueError(f"no consistency proof from size {m} to size {n}")
    if m in (0, n):
        return []
    start, size, b = 0, n, True  # the subtree D[start:start+size], with m counted within it
    siblings = []
    while m != size:
        k = _split(size)
        if m <= k:  # SUBPROOF(m, D[0:k], b) : MTH(D[k:n])
            siblings.append(root(leaf_hashes[start + k:start + size]))
            size = k
        else:  # SUBPROOF(m - k, D[k:n], false) : MTH(D[0:k])
            siblings.append(root(leaf_hashes[start:start + k]))
            start, size, m, b = start + k, size - k, m - k, False
    if not b:  # SUBPROOF(m, D[m], false) = {MTH(D[m])}; with b true, {}
        siblings.append(root(leaf_hashes[start:start + size]))
    return siblings[::-1]


def verify_inclusion(index: int, size: int, leaf_hash: bytes, proof: Sequence[bytes],
                     root: bytes) -> bool:
    """Whether `proof` proves leaf hash `leaf_hash` at `index` in the tree of `size` whose hash is
    `root`: RFC 9162 §2.1.3.2, step by step (the RFC's `hash` is `leaf_hash`, its
    `inclusion_path` is `proof`). Hashes that are not 32 bytes prove nothing."""
    if not _hashes(leaf_hash, root, *proof):
        return False
    # 1. If leaf_index is greater than or equal to tree_size, fail.
    if not 0 <= index < size:
        return False
    # 2. Set fn to leaf_index and sn to tree_size - 1.  3. Set r to hash.
    fn, sn, r = index, size - 1, leaf_hash
    # 4. For each value p in the inclusion_path array:
    for p in proof:
        # a. If sn is 0, stop the iteration and fail.
        if sn == 0:
            return False
        # b. If LSB(fn) is set, or if fn is equal to sn:
        if fn & 1 or fn == sn:
            # 1. Set r to HASH(0x01 ‖ p ‖ r).
            r = node_hash(p, r)
            # 2. If LSB(fn) is not set, right-shift fn and sn equally until either LSB(fn) is
            #    set or fn is 0.
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            # Otherwise: set r to HASH(0x01 ‖ r ‖ p).
            r = node_hash(r, p)
        # c. Finally, right-shift both fn and sn one time.
        fn >>= 1
        sn >>= 1
    # 5. Proven if sn is 0 and r equals root_hash.
    return sn == 0 and r == root


def verify_consistency(m: int, n: int, root_m: bytes, root_n: bytes,
                       proof: Sequence[bytes]) -> bool:
    """Whether `proof` proves the tree of size `n` with hash `root_n` extends the tree of size `m`
    with hash `root_m`: RFC 9162 §2.1.4.2 step by step for 0 < m < n (the RFC's first, second,
    first_hash, second_hash, consistency_path).

    Outside the RFC's 0 < m < n there is nothing to prove, so the proof must be empty: m == n
    holds iff the two hashes are equal, m == 0 iff `root_m` is the empty tree's hash; m > n or
    a negative size never holds. Hashes that are not 32 bytes prove nothing.
    """
    if not _hashes(root_m, root_n, *proof):
        return False
    if m < 0 or m > n:
        return False
    if m == n:
        return not proof and root_m == root_n
    if m == 0:
        return not proof and root_m == EMPTY_ROOT
    # 1. If consistency_path is an empty array, fail.
    if not proof:
        return False
    path = list(proof)
    # 2. If first is an exact power of 2, prepend first_hash to consistency_path.
    if m & (m - 1) == 0:
        path.insert(0, root_m)
    # 3. Set fn to first - 1 and sn to second - 1.
    fn, sn = m - 1, n - 1
    # 4. If LSB(fn) is set, right-shift both fn and sn equally until LSB(fn) is not set.
    while fn & 1:
        fn >>= 1
        sn >>= 1
    # 5. Set both fr and sr to the first value in consistency_path.
    fr = sr = path[0]
    # 6. For each subsequent value c in consistency_path:
    for c in path[1:]:
        # a. If sn is 0, stop the iteration and fail.
        if sn == 0:
            return False
        # b. If LSB(fn) is set, or if fn is equal to sn:
        if fn & 1 or fn == sn:
            # 1. Set fr to HASH(0x01 ‖ c ‖ fr).  2. Set sr to HASH(0x01 ‖ c ‖ sr).
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            # 3. If LSB(fn) is not set, right-shift fn and sn equally until either LSB(fn) is
            #    set or fn is 0.
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            # Otherwise: set sr to HASH(0x01 ‖ sr ‖ c).
            sr = node_hash(sr, c)
        # c. Finally, right-shift both fn and sn one time.
        fn >>= 1
        sn >>= 1
    # 7. Proven if fr equals first_hash, sr equals second_hash, and sn is 0.
    return fr == root_m and sr == root_n and sn == 0


class Frontier:
    """The tree hash of a growing list of leaves, holding only the tree's right edge: the roots of
    the perfect subtrees the leaves so far fall into, one for each bit set in the size, largest
    (leftmost) first. MTH(D[n]) is their fold from the right, since RFC 9162 splits D[n] at the
    largest power of two below n: a perfect left subtree and the rest. O(log n) memory.

    Each leaf completes the perfect subtrees whose last leaf it is: those are the nodes the
    ledger stores (`services.audit.tree`), and `append` returns them.
    """

    def __init__(self) -> None:
        self._size = 0
        self._peaks: list[bytes] = []

    @classmethod
    def resume(cls, size: int, peaks: Sequence[bytes]) -> "Frontier":
        """The frontier of a tree of `size` leaves from its right edge's subtree roots, largest
        first (the nodes `right_edge(size)` names)."""
        if size < 0:
            raise ValueError(f"size {size} is negative")
        if len(peaks) != size.bit_count():
            raise ValueError(f"a tree of size {size} has {size.bit_count()} subtrees on its "
                             f"right edge, not {len(peaks)}")
        if not _hashes(*peaks):
            raise ValueError(f"the right edge's hashes must be {HASH_SIZE} bytes each")
        frontier = cls()
        frontier._size, frontier._peaks = size, list(peaks)
        return frontier

    @property
    def size(self) -> int:
        return self._size

    def append(self, leaf_hash: bytes) -> list[tuple[int, int, bytes]]:
        """Add the next leaf (its leaf hash); the nodes it completes as (level, index, hash),
        the leaf itself first (level 0, its leaf index)."""
        if not _hashes(leaf_hash):
            raise ValueError(f"a leaf hash is {HASH_SIZE} bytes, not {len(leaf_hash)}")
        index, level, node = self._size, 0, leaf_hash
        completed = [(0, index, node)]
        # While the subtree just completed is a right child, its left sibling is the last peak.
        while index >> level & 1:
            node = node_hash(self._peaks.pop(), node)
            level += 1
            completed.append((level, index >> level, node))
        self._peaks.append(node)
        self._size += 1
        return completed

    def root(self) -> bytes:
        """MTH of the leaves appended so far; EMPTY_ROOT when there are none."""
        if not self._peaks:
            return EMPTY_ROOT
        node = self._peaks[-1]
        for peak in reversed(self._peaks[:-1]):
            node = node_hash(peak, node)
        return node


def right_edge(size: int) -> list[tuple[int, int]]:
    """The perfect subtrees a tree of `size` leaves falls into, as (level, index), largest
    first: one for each bit set in `size`."""
    return subtrees(0, size)


def subtrees(start: int, size: int) -> list[tuple[int, int]]:
    """The aligned perfect subtrees, as (level, index), that the leaves [start, start + size)
    fall into, largest first, so that MTH of those leaves is the fold of their roots from the
    right. `start` must be a multiple of a power of two at least `size`, as every subtree on
    RFC 9162's splits is; the tree's stored nodes are exactly such subtrees."""
    if size < 0 or start < 0:
        raise ValueError(f"no subtree of size {size} at leaf {start}")
    if size and start % (1 << (size - 1).bit_length()):
        raise ValueError(f"leaves {start}..{start + size - 1} are not on the tree's splits")
    nodes = []
    for level in reversed(range(size.bit_length())):
        if size >> level & 1:
            nodes.append((level, start >> level))
            start += 1 << level
    return nodes


def _parent_level(level: list[bytes]) -> list[bytes]:
    """The next level up: each pair hashed, an odd last node carried up as it is."""
    parents = [node_hash(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
    if len(level) % 2:
        parents.append(level[-1])
    return parents


def _split(n: int) -> int:
    """k, the largest power of two smaller than n (n > 1), where RFC 9162 §2.1.1 splits D[n]."""
    return 1 << ((n - 1).bit_length() - 1)


def _hashes(*values: object) -> bool:
    return all(isinstance(v, (bytes, bytearray)) and len(v) == HASH_SIZE for v in values)
