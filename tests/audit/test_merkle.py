"""The ledger's Merkle tree is RFC 9162's: its tree hashes and proofs are held to a reference written
here from the RFC's recursive definitions (MTH, PATH, SUBPROOF) for every size up to 64 and random
pairs up to 1,000, its proofs verify, tampered ones do not, and it gives the published Certificate
Transparency values."""
import hashlib
import random

import pytest

from services.audit import merkle

# ---------------------------------------------------------------------------------------------
# The reference: RFC 9162 §2.1.1, §2.1.3.1 and §2.1.4.1 as written, recursive, over the entries
# themselves and with hashlib directly, sharing nothing with the module but the definitions.


def sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def largest_power_of_two_below(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def mth(d: list[bytes]) -> bytes:
    n = len(d)
    if n == 0:
        return sha256(b"")
    if n == 1:
        return sha256(b"\x00" + d[0])
    k = largest_power_of_two_below(n)
    return sha256(b"\x01" + mth(d[:k]) + mth(d[k:]))


def path(m: int, d: list[bytes]) -> list[bytes]:
    n = len(d)
    if n == 1:
        return []
    k = largest_power_of_two_below(n)
    if m < k:
        return path(m, d[:k]) + [mth(d[k:])]
    return path(m - k, d[k:]) + [mth(d[:k])]


def proof(m: int, d: list[bytes]) -> list[bytes]:
    return subproof(m, d, True)


def subproof(m: int, d: list[bytes], b: bool) -> list[bytes]:
    n = len(d)
    if m == n:
        return [] if b else [mth(d)]
    k = largest_power_of_two_below(n)
    if m <= k:
        return subproof(m, d[:k], b) + [mth(d[k:])]
    return subproof(m - k, d[k:], False) + [mth(d[:k])]


# ---------------------------------------------------------------------------------------------
# The ledger: entry seq's leaf is its 32-byte hash; leaf index seq - 1.

ENTRIES = [sha256(b"entry %d" % seq) for seq in range(1, 1001)]
LEAF_HASHES = [sha256(b"\x00" + entry) for entry in ENTRIES]
SMALL = range(1, 65)
ROOTS = {n: mth(ENTRIES[:n]) for n in range(0, 66)}


def flipped(value: bytes, at: int = 0) -> bytes:
    return value[:at] + bytes([value[at] ^ 0x01]) + value[at + 1:]


def test_leaf_and_node_hashes_are_the_rfcs():
    entry = ENTRIES[0]
    assert merkle.leaf_hash(entry) == sha256(b"\x00" + entry) == LEAF_HASHES[0]
    left, right = LEAF_HASHES[:2]
    assert merkle.node_hash(left, right) == sha256(b"\x01" + left + right)
    assert merkle.node_hash(left, right) != merkle.node_hash(right, left)


def test_the_empty_tree_is_the_hash_of_nothing():
    assert merkle.root([]) == merkle.EMPTY_ROOT == sha256(b"") == bytes.fromhex(
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")


@pytest.mark.parametrize("n", SMALL)
def test_the_root_is_mth(n):
    assert merkle.root(LEAF_HASHES[:n]) == ROOTS[n]


@pytest.mark.parametrize("n", SMALL)
def test_every_inclusion_proof_is_path_and_verifies(n):
    tree, root = LEAF_HASHES[:n], ROOTS[n]
    for index in range(n):
        got = merkle.inclusion_proof(index, tree)
        assert got == path(index, ENTRIES[:n]), (index, n)
        assert merkle.verify_inclusion(index, n, tree[index], got, root), (index, n)


@pytest.mark.parametrize("n", SMALL)
def test_every_consistency_proof_is_proof_and_verifies(n):
    tree, root = LEAF_HASHES[:n], ROOTS[n]
    for m in range(1, n + 1):
        got = merkle.consistency_proof(m, tree)
        assert got == proof(m, ENTRIES[:n]), (m, n)
        assert merkle.verify_consistency(m, n, ROOTS[m], root, got), (m, n)


def test_random_pairs_up_to_a_thousand():
    rng = random.Random(9162)
    for _ in range(60):
        n = rng.randint(65, len(ENTRIES))
        tree, entries = LEAF_HASHES[:n], ENTRIES[:n]
        root = mth(entries)
        assert merkle.root(tree) == root
        for index in {rng.randrange(n), 0, n - 1}:
            got = merkle.inclusion_proof(index, tree)
            assert got == path(index, entries), (index, n)
            assert merkle.verify_inclusion(index, n, tree[index], got, root), (index, n)
        for m in {rng.randint(1, n - 1), rng.randint(1, 64), 1, n - 1, n}:
            got = merkle.consistency_proof(m, tree)
            assert got == proof(m, entries), (m, n)
            root_m = merkle.root(LEAF_HASHES[:m])
            assert merkle.verify_consistency(m, n, root_m, root, got), (m, n)
            assert not merkle.verify_consistency(m, n, root_m, flipped(root, 31), got), (m, n)


# ---------------------------------------------------------------------------------------------
# Tampering: every change to a proof, a leaf, a root, an index or a size is caught.


@pytest.mark.parametrize("n", SMALL)
def test_a_tampered_inclusion_proof_fails(n):
    tree, root = LEAF_HASHES[:n], ROOTS[n]
    stranger = sha256(b"not in the ledger")
    for index in range(n):
        good = merkle.inclusion_proof(index, tree)
        leaf = tree[index]

        def holds(i=index, size=n, leaf=leaf, proof=good, root=root):
            return merkle.verify_inclusion(i, size, leaf, proof, root)

        assert holds()
        for at in range(len(good)):  # one byte of any node
            for byte in (0, 31):
                assert not holds(proof=good[:at] + [flipped(good[at], byte)] + good[at + 1:])
        assert not holds(leaf=flipped(leaf)) and not holds(leaf=stranger)
        assert not holds(root=flipped(root, 17))
        if good:
            assert not holds(proof=good[1:]) and not holds(proof=good[:-1])
        assert not holds(proof=good + [stranger]) and not holds(proof=[stranger] + good)
        assert not holds(proof=good + [root])
        for other in range(n):  # any other index: the leaf is not there
            if other != index:
                assert not holds(i=other)
        assert not holds(i=n) and not holds(i=n + 1) and not holds(i=-1)
        # another size, against that size's own root: the proof is not that tree's
        for size in (n - 1, n + 1):
            if index < size:
                assert not holds(size=size, root=ROOTS[size]), (index, n, size)
        assert not holds(size=index) and not holds(size=0)


@pytest.mark.parametrize("n", SMALL)
def test_a_tampered_consistency_proof_fails(n):
    tree, root_n = LEAF_HASHES[:n], ROOTS[n]
    stranger = sha256(b"not in the ledger")
    for m in range(1, n):
        good = merkle.consistency_proof(m, tree)
        root_m = ROOTS[m]

        def holds(first=m, second=n, root_m=root_m, root_n=root_n, proof=good):
            return merkle.verify_consistency(first, second, root_m, root_n, proof)

        assert holds()
        for at in range(len(good)):
            for byte in (0, 31):
                assert not holds(proof=good[:at] + [flipped(good[at], byte)] + good[at + 1:])
        assert not holds(root_m=flipped(root_m)) and not holds(root_n=flipped(root_n, 31))
        assert not holds(root_m=root_n, root_n=root_m)
        assert not holds(proof=good[1:]) and not holds(proof=good[:-1]) and not holds(proof=[])
        assert not holds(proof=good + [stranger]) and not holds(proof=[stranger] + good)
        assert not holds(proof=[root_m] + good)
        # other sizes, each with its own root: the proof is not theirs
        for first in (m - 1, m + 1):
            if 0 < first < n:
                assert not holds(first=first, root_m=ROOTS[first]), (m, n, first)
        for second in (n - 1, n + 1):
            if m < second <= 64:
                assert not holds(second=second, root_n=ROOTS[second]), (m, n, second)
        assert not holds(first=n, second=m, root_m=root_n, root_n=root_m)  # backwards
        # a tree that is not an extension of the first: a rewritten entry below m
        forged = list(tree)
        forged[m - 1] = stranger
        assert not holds(root_n=merkle.root(forged))
        assert not holds(root_n=merkle.root(forged), proof=merkle.consistency_proof(m, forged))


def test_the_edges_outside_zero_below_m_below_n():
    root4, root5 = ROOTS[4], ROOTS[5]
    # m == n: nothing to prove, so an empty proof, and it holds iff the roots are one.
    assert merkle.consistency_proof(4, LEAF_HASHES[:4]) == []
    assert merkle.verify_consistency(4, 4, root4, root4, [])
    assert not merkle.verify_consistency(4, 4, root4, root5, [])
    assert not merkle.verify_consistency(4, 4, root4, root4, [root4])
    # m == 0: the empty tree is a prefix of every tree; its hash must be the empty tree's.
    assert merkle.consistency_proof(0, LEAF_HASHES[:5]) == []
    assert merkle.verify_consistency(0, 5, merkle.EMPTY_ROOT, root5, [])
    assert not merkle.verify_consistency(0, 5, root4, root5, [])
    assert not merkle.verify_consistency(0, 5, merkle.EMPTY_ROOT, root5, [root5])
    assert merkle.verify_consistency(0, 0, merkle.EMPTY_ROOT, merkle.EMPTY_ROOT, [])
    # m > n, negative sizes
    assert not merkle.verify_consistency(5, 4, root5, root4, [])
    assert not merkle.verify_consistency(-1, 4, merkle.EMPTY_ROOT, root4, [])
    # index >= size, negative index, an empty tree
    only = LEAF_HASHES[0]
    assert merkle.verify_inclusion(0, 1, only, [], ROOTS[1])
    assert not merkle.verify_inclusion(1, 1, only, [], ROOTS[1])
    assert not merkle.verify_inclusion(-1, 1, only, [], ROOTS[1])
    assert not merkle.verify_inclusion(0, 0, only, [], merkle.EMPTY_ROOT)
    # hashes that are not 32 bytes prove nothing, and do not raise
    assert not merkle.verify_inclusion(0, 1, only + b"\x00", [], ROOTS[1])
    assert not merkle.verify_inclusion(0, 2, only, [LEAF_HASHES[1][:31]], ROOTS[2])
    assert not merkle.verify_consistency(1, 2, ROOTS[1], ROOTS[2], [LEAF_HASHES[1][:31]])
    # the generators refuse what they cannot prove
    for index in (-1, 4, 5):
        with pytest.raises(ValueError):
            merkle.inclusion_proof(index, LEAF_HASHES[:4])
    with pytest.raises(ValueError):
        merkle.inclusion_proof(0, [])
    for m in (-1, 5):
        with pytest.raises(ValueError):
            merkle.consistency_proof(m, LEAF_HASHES[:4])


# ---------------------------------------------------------------------------------------------
# The published vectors of Certificate Transparency (transparency-dev/merkle, testonly): any
# RFC 6962/9162 log agrees with these, so this tree is one other tooling can check.

CT_LEAVES = [bytes.fromhex(h) for h in (
    "", "00", "10", "2021", "3031", "40414243", "5051525354555657",
    "606162636465666768696a6b6c6d6e6f")]
CT_ROOTS = [bytes.fromhex(h) for h in (
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328")]
CT_INCLUSION = {
    (0, 8): ("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
             "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
             "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"),
    (5, 8): ("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
             "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
             "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
}
CT_CONSISTENCY = {
    (2, 8): ("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
             "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"),
    (6, 8): ("0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
             "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
             "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
    (2, 5): ("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
             "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"),
}


def test_the_published_certificate_transparency_vectors():
    leaf_hashes = [merkle.leaf_hash(leaf) for leaf in CT_LEAVES]
    for n, want in enumerate(CT_ROOTS):
        assert merkle.root(leaf_hashes[:n]) == want == mth(CT_LEAVES[:n]), n
    for (index, n), hexes in CT_INCLUSION.items():
        want = [bytes.fromhex(h) for h in hexes]
        assert merkle.inclusion_proof(index, leaf_hashes[:n]) == want == path(index, CT_LEAVES[:n])
        assert merkle.verify_inclusion(index, n, leaf_hashes[index], want, CT_ROOTS[n])
    for (m, n), hexes in CT_CONSISTENCY.items():
        want = [bytes.fromhex(h) for h in hexes]
        assert merkle.consistency_proof(m, leaf_hashes[:n]) == want == proof(m, CT_LEAVES[:n])
        assert merkle.verify_consistency(m, n, CT_ROOTS[m], CT_ROOTS[n], want)


# ---------------------------------------------------------------------------------------------
# The frontier: the tree hash at every size in one pass, from the right edge alone.


def test_the_frontier_gives_mth_at_every_size_and_each_complete_node_once():
    frontier = merkle.Frontier()
    assert frontier.size == 0 and frontier.root() == merkle.EMPTY_ROOT
    completed = {}
    for n, leaf in enumerate(LEAF_HASHES, start=1):
        nodes = frontier.append(leaf)
        assert nodes[0] == (0, n - 1, leaf)
        for level, index, hash_ in nodes:
            assert (level, index) not in completed
            completed[level, index] = hash_
        assert frontier.size == n
        assert frontier.root() == (ROOTS[n] if n in ROOTS else merkle.root(LEAF_HASHES[:n])), n
    # every perfect subtree of the thousand leaves, each the MTH of its leaves
    assert len(completed) == sum(len(LEAF_HASHES) >> level for level in range(10))
    for (level, index), hash_ in completed.items():
        assert hash_ == merkle.root(LEAF_HASHES[index << level:(index + 1) << level])


def test_a_frontier_resumed_from_the_right_edge_goes_on_alike():
    full = merkle.Frontier()
    nodes = {}
    for leaf in LEAF_HASHES[:300]:
        nodes.update({(level, index): h for level, index, h in full.append(leaf)})
    for size in (0, 1, 2, 3, 7, 8, 64, 100, 255, 256, 257, 299):
        edge = merkle.right_edge(size)
        assert [1 << level for level, _ in edge] == [1 << b for b in range(9, -1, -1)
                                                   if size >> b & 1]
        resumed = merkle.Frontier.resume(size, [nodes[node] for node in edge])
        assert resumed.size == size and resumed.root() == merkle.root(LEAF_HASHES[:size])
        for n in range(size + 1, min(size + 40, 300) + 1):
            for level, index, h in resumed.append(LEAF_HASHES[n - 1]):
                assert nodes[level, index] == h
            assert resumed.root() == merkle.root(LEAF_HASHES[:n]), (size, n)


def test_the_frontier_and_subtrees_refuse_what_is_not_a_tree():
    with pytest.raises(ValueError, match="3 subtrees on its right edge, not 1"):
        merkle.Frontier.resume(7, [LEAF_HASHES[0]])
    with pytest.raises(ValueError, match="32 bytes"):
        merkle.Frontier.resume(1, [b"short"])
    with pytest.raises(ValueError, match="negative"):
        merkle.Frontier.resume(-1, [])
    with pytest.raises(ValueError, match="leaf hash is 32 bytes"):
        merkle.Frontier().append(b"\x00" * 31)
    assert merkle.subtrees(8, 5) == [(2, 2), (0, 12)]
    assert merkle.subtrees(12, 4) == [(2, 3)] and merkle.subtrees(0, 0) == []
    with pytest.raises(ValueError, match="not on the tree's splits"):
        merkle.subtrees(4, 5)
    with pytest.raises(ValueError, match="not on the tree's splits"):
        merkle.subtrees(1, 2)
