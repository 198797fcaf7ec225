"""A third party agrees with the ledger's signatures and proofs: Go's golang.org/x/mod/sumdb/note
(the signed-note implementation the C2SP spec grew from) opens our signed checkpoints and signs
with our private key text exactly as we do, and its sumdb/tlog accepts our RFC 9162 inclusion and
consistency proofs. (tlog.ParseTree is not used: it reads the Go checksum database's own tree
note, whose first line is fixed, not a C2SP checkpoint.)

Go and x/mod come from Debian's packages (`bin/ensure-go`, run once per session) and the program
in tests/audit/thirdparty/ is built with GO111MODULE=off against them: nothing is fetched. If
they cannot be installed the tests fail saying why: they are never skipped.
"""
import base64
import hashlib
import os
import random
import subprocess

import pytest

from kernel import settings
from services.audit import checkpoint, merkle, note
from services.audit.checkpoint import Checkpoint

GOPATH = "/usr/share/gocode"
SOURCE = settings.ROOT / "tests" / "audit" / "thirdparty" / "note_verify.go"
ORIGIN = "huiqi.local/audit"


@pytest.fixture(scope="session")
def go_tool(tmp_path_factory):
    """The built note_verify program: Go installed first if it is not there."""
    done = subprocess.run([str(settings.ROOT / "bin" / "ensure-go")], check=False,
                          capture_output=True, text=True, timeout=1200)
    if done.returncode != 0:
        pytest.fail("Go and golang.org/x/mod could not be installed for the third-party check "
                    f"(bin/ensure-go exited {done.returncode}):\n{done.stderr[-3000:]}")
    out = tmp_path_factory.mktemp("go")
    env = {**os.environ, "GO111MODULE": "off", "GOPATH": GOPATH, "GOPROXY": "off",
           "GOFLAGS": "", "GOCACHE": str(out / "cache"), "CGO_ENABLED": "0"}
    built = subprocess.run(["go", "build", "-o", str(out / "note_verify"), str(SOURCE)],
                           check=False, capture_output=True, text=True, env=env,
                           cwd=SOURCE.parent, timeout=600)
    if built.returncode != 0:
        pytest.fail(f"the Go program {SOURCE} did not build:\n{built.stderr[-3000:]}")
    return str(out / "note_verify")


def go(tool, *args, stdin=b""):
    return subprocess.run([tool, *args], check=False, input=stdin, capture_output=True,
                          timeout=60)


@pytest.fixture(scope="module")
def signer():
    return note.Signer.generate(ORIGIN)


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def test_go_opens_our_signed_checkpoint(go_tool, signer):
    cp = Checkpoint(ORIGIN, 1042, hashlib.sha256(b"root").digest(), "2024-05-01T08:00:00.000000Z")
    signed = checkpoint.sign(cp, signer)
    opened = go(go_tool, "open", signer.verifier_key(), stdin=signed.encode())
    assert opened.returncode == 0, opened.stderr
    assert opened.stdout.decode() == cp.body()
    # Go's check is a real one: a changed size, or another key, is refused.
    changed = go(go_tool, "open", signer.verifier_key(),
                 stdin=signed.replace("\n1042\n", "\n1043\n").encode())
    assert changed.returncode == 1 and b"invalid signature" in changed.stderr
    stranger = note.Signer.generate(ORIGIN)
    other_key = go(go_tool, "open", stranger.verifier_key(), stdin=signed.encode())
    assert other_key.returncode == 1 and b"no verifiable signatures" in other_key.stderr


def test_go_signs_with_our_private_key_text_as_we_do(go_tool, signer):
    body = Checkpoint(ORIGIN, 7, bytes(32), "2024-05-01T08:00:00.000000Z").body()
    signed = go(go_tool, "sign", signer.private_key_text(), stdin=body.encode())
    assert signed.returncode == 0, signed.stderr
    assert note.open_note(signed.stdout.decode(), signer.verifier()) == body
    assert checkpoint.open(signed.stdout, signer.verifier()).size == 7
    assert signed.stdout.decode() == checkpoint.sign(checkpoint.parse(body), signer)  # Ed25519


def test_keys_go_makes_are_ours_to_read(go_tool):
    made = go(go_tool, "generate", "witness.example/w1")
    assert made.returncode == 0, made.stderr
    private, public = made.stdout.decode().splitlines()
    theirs = note.Signer.from_private_key(private)
    assert theirs.verifier_key() == public
    assert note.Verifier.from_text(public).key_id == theirs.key_id
    # What we sign with Go's key, Go verifies.
    opened = go(go_tool, "open", public, stdin=theirs.sign("a witnessed text\n").encode())
    assert opened.returncode == 0, opened.stderr


def test_a_cosigned_checkpoint_opens_for_each_key_in_go(go_tool, signer):
    cosigner = note.Signer.generate("witness.example/w2")
    body = Checkpoint(ORIGIN, 3, bytes(range(32)), "2024-05-01T08:00:00.000000Z").body()
    cosigned = signer.sign(body) + cosigner.signature_line(body)
    for key in (signer.verifier_key(), cosigner.verifier_key()):
        opened = go(go_tool, "open", key, stdin=cosigned.encode())
        assert opened.returncode == 0 and opened.stdout.decode() == body, opened.stderr


def test_go_accepts_our_inclusion_and_consistency_proofs(go_tool):
    rng = random.Random(12)
    leaves = [merkle.leaf_hash(hashlib.sha256(str(i).encode()).digest()) for i in range(70)]
    sizes = [1, 2, 3, 5, 8, 13, 31, 32, 33, 64, 70]
    for size in sizes:
        tree = leaves[:size]
        root = merkle.root(tree)
        for index in sorted({0, size - 1, rng.randrange(size)}):
            proof = merkle.inclusion_proof(index, tree)
            checked = go(go_tool, "inclusion", str(size), str(index), b64(root),
                         b64(tree[index]), *map(b64, proof))
            assert checked.returncode == 0, (size, index, checked.stderr)
            if proof:  # a changed proof is refused, so the agreement above means something
                wrong = [proof[0][::-1], *proof[1:]]
                refused = go(go_tool, "inclusion", str(size), str(index), b64(root),
                             b64(tree[index]), *map(b64, wrong))
                assert refused.returncode == 1, (size, index)
        for old in sorted({1, size // 2 or 1, rng.randrange(1, size + 1)}):
            proof = merkle.consistency_proof(old, tree)
            checked = go(go_tool, "consistency", str(old), b64(merkle.root(leaves[:old])),
                         str(size), b64(root), *map(b64, proof))
            assert checked.returncode == 0, (old, size, checked.stderr)
            if proof:
                refused = go(go_tool, "consistency", str(old), b64(merkle.root(leaves[:old])),
                             str(size), b64(root), *map(b64, proof[:-1]))
                assert refused.returncode == 1, (old, size)
