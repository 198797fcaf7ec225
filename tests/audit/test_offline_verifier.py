"""The offline verifier, `huiqi verify entry|consistency|ledger|bundle`, on what the audit service
gives out (an entry, its proofs, signed checkpoints, the exported ledger, a bundle) from a real
ledger on SQLite and PostgreSQL: it passes what holds, names what fails (the seq, the check) for
every way the files can be rewritten, and runs with no database, no broker and no network."""
import argparse
import json
import os
import shutil
import subprocess
import sys

import pytest
import sqlalchemy as sa

from huiqi import export, verify
from kernel import settings
from kernel.database import make_engine, migrate
from kernel.envelope import Event, canonical_json, parse_time
from services.audit import bundles, checkpoint, checkpoints, ledger, merkle, note
from services.audit.chain import FIELDS, GENESIS, Entry
from services.registry import SERVICES

ORIGIN = "huiqi.test/audit"
FIRST, SIZE = 13, 40  # the two checkpoints' sizes
FIRST_AT, SECOND_AT = "2026-05-06T09:00:00.000000Z", "2026-05-06T10:00:00.000000Z"
IO_PACKAGES = ("sqlalchemy", "nameko", "kombu", "psycopg2", "eventlet", "alembic")


def event(n: int) -> Event:
    return Event(event_id=f"00000000-0000-0000-0000-{n:012d}", stream_id=f"t-{n % 4}",
                 stream_type="ticket", version=n, type="ProgressNoted",
                 occurred_at=f"2026-05-06T08:{n:02d}:00.000000Z",
                 actor="unit_officer:tax:officer-zhao", correlation_id=f"c-{n}",
                 causation_id=f"k-{n}", payload={"note": f"第{n}次跟进", "n": n, "unit": "tax"})


@pytest.fixture(scope="module")
def signer():
    return note.Signer.generate(ORIGIN)


@pytest.fixture
def audit_db(db_url, signer):
    """A ledger of SIZE entries with checkpoints at FIRST and SIZE."""
    engine = make_engine(db_url)
    migrate(engine, SERVICES["audit"].migrations_path)
    with engine.begin() as connection:
        for n in range(1, SIZE + 1):
            ledger.append(connection, "tickets", n, event(n))
            if n in (FIRST, SIZE):
                checkpoints.make(connection, signer, ORIGIN,
                                 parse_time(FIRST_AT if n == FIRST else SECOND_AT))
    yield engine
    engine.dispose()


@pytest.fixture
def files(audit_db, db_url, signer, tmp_path, monkeypatch, capsys):
    """What a reviewer is handed: the key, both checkpoints, the exported ledger."""
    monkeypatch.setenv("AUDIT_DATABASE_URL", db_url)
    out = tmp_path / "ledger.jsonl"
    assert run(export, "--out", str(out)) == 0
    printed = capsys.readouterr()
    assert f"{SIZE} entries written to {out}" in printed.out
    assert "exporting: 100%" in printed.err and f"{SIZE}/{SIZE}" in printed.err  # the bar
    with audit_db.connect() as connection:
        notes = checkpoints.kept(connection)
    paths = {"ledger": out, "key": tmp_path / "audit.vkey", "old": tmp_path / "first.checkpoint",
             "new": tmp_path / "second.checkpoint"}
    paths["key"].write_text(signer.verifier_key() + "\n")
    paths["old"].write_text(notes[0])
    paths["new"].write_text(notes[1])
    return paths


def run(module, *argv) -> int:
    parser = argparse.ArgumentParser(prog="huiqi")
    module.add_arguments(parser)
    return module.run(parser.parse_args(argv))


def verifies(capsys, *argv) -> str:
    code = run(verify, *argv)
    printed = capsys.readouterr()
    assert code == 0, printed.err
    return printed.out


def fails(capsys, *argv, code: int = 1) -> str:
    assert run(verify, *argv) == code
    printed = capsys.readouterr()
    assert printed.out == ""
    return printed.err


def lines(path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def write_lines(path, entries: list[dict]) -> None:
    path.write_bytes(b"".join(canonical_json(e) + b"\n" for e in entries))


def rechained(entries: list[dict], start: int, change) -> list[dict]:
    """`entries` with those from seq `start` rewritten by `change(event)` and chained again: what
    an administrator holding the table can do, hashes and all."""
    out, prev = [dict(e) for e in entries[:start - 1]], (
        GENESIS if start == 1 else entries[start - 2]["hash"])
    for entry in entries[start - 1:]:
        fact = json.loads(entry["event"])
        change(fact)
        made = Entry.make(prev, seq=entry["seq"], service=entry["service"],
                          source_position=entry["source_position"], event=fact,
                          recorded_at=entry["recorded_at"])
        out.append({name: getattr(made, name) for name in FIELDS})
        prev = made.hash
    return out


def _reword(fact):
    fact["payload"]["note"] = "已办结"


# ---------------------------------------------------------------------------------------------
# The exported ledger.


def test_the_export_is_every_entry_in_seq_order_as_the_contract_has_it(files, audit_db):
    exported = files["ledger"].read_bytes().splitlines()
    with audit_db.connect() as connection:
        rows = connection.execute(sa.select(ledger.ledger).order_by(ledger.ledger.c.seq)).all()
    assert len(exported) == len(rows) == SIZE
    for line, row in zip(exported, rows):
        assert line == canonical_json(dict(row._mapping))
    assert not files["ledger"].with_name("ledger.jsonl.part").exists()


def test_a_whole_ledger_verifies_against_its_checkpoints(files, signer, capsys):
    said = verifies(capsys, "ledger", "--key", str(files["key"]), "--checkpoint",
                    str(files["old"]), "--checkpoint", str(files["new"]), "--ledger",
                    str(files["ledger"]), "--quiet")
    assert f"holds {SIZE} entries, chained from seq 1 to {SIZE}" in said
    assert f"size {FIRST} made at {FIRST_AT}, size {SIZE} made at {SECOND_AT}" in said
    assert f"{ORIGIN}+{signer.key_id.hex()}" in said
    # a checkpoint older than the export covers less of it, and says so
    said = verifies(capsys, "ledger", "--key", signer.verifier_key(), "--checkpoint",
                    str(files["old"]), "--ledger", str(files["ledger"]), "--quiet")
    assert f"seq {FIRST + 1}..{SIZE} hold as a chain but no checkpoint given covers them" in said


def _edit(entries):
    fact = json.loads(entries[6]["event"])
    fact["payload"]["note"] = "已办结"
    entries[6]["event"] = canonical_json(fact).decode("utf-8")
    return entries


def _swap(entries):
    entries[8], entries[9] = entries[9], entries[8]
    return entries


@pytest.mark.parametrize("tamper, expected", [
    (_edit, "seq 7: hash does not match the entry's columns"),
    (lambda e: e[:4] + e[5:], "seq 5: column seq: no entry at seq 5 (the next is seq 6)"),
    (_swap, "seq 9: column seq: no entry at seq 9 (the next is seq 10)"),
    (lambda e: e[:30], f"it holds 30 entries, the checkpoint of size {SIZE} made at {SECOND_AT} "
                       f"has {SIZE}: seq 31..{SIZE} are gone (the last that holds is size "
                       f"{FIRST}, made at {FIRST_AT})"),
    (lambda e: rechained(e, 20, _reword),
     f"the entries seq {FIRST + 1}..{SIZE} differ from the checkpoint of size {SIZE} made at "
     f"{SECOND_AT}"),
    (lambda e: rechained(e, 1, _reword),
     f"the entries seq 1..{FIRST} differ from the checkpoint of size {FIRST} made at "
     f"{FIRST_AT}"),
    (lambda e: [{**x, "seq": str(x["seq"])} if x["seq"] == 3 else x for x in e],
     "line 3: seq is not a whole number"),
])
def test_each_rewrite_of_the_exported_ledger_is_named(files, capsys, tamper, expected):
    write_lines(files["ledger"], tamper(lines(files["ledger"])))
    said = fails(capsys, "ledger", "--key", str(files["key"]), "--checkpoint", str(files["old"]),
                 "--checkpoint", str(files["new"]), "--ledger", str(files["ledger"]), "--quiet")
    assert said.startswith("huiqi verify ledger: FAILED: ledger ")
    assert expected in said
    if "differ" in expected:
        assert "the chain holds, so the ledger was rewritten and re-chained" in said


def test_a_ledger_file_that_is_not_json_lines_or_not_there(files, capsys):
    files["ledger"].write_bytes(files["ledger"].read_bytes() + b"{not json\n")
    said = fails(capsys, "ledger", "--key", str(files["key"]), "--checkpoint", str(files["new"]),
                 "--ledger", str(files["ledger"]), "--quiet")
    assert f"line {SIZE + 1} is not JSON" in said
    said = fails(capsys, "ledger", "--key", str(files["key"]), "--checkpoint", str(files["new"]),
                 "--ledger", str(files["ledger"].with_name("absent.jsonl")), "--quiet", code=2)
    assert "cannot read" in said


def test_a_checkpoint_by_another_key_or_changed_is_refused(files, capsys):
    other = note.Signer.generate(ORIGIN)
    said = fails(capsys, "ledger", "--key", other.verifier_key(), "--checkpoint",
                 str(files["new"]), "--ledger", str(files["ledger"]), "--quiet")
    assert f"checkpoint {files['new']}: the note has no signature by {ORIGIN}+" in said
    text = files["new"].read_text()
    files["new"].write_text(text.replace(f"\n{SIZE}\n", f"\n{SIZE - 1}\n", 1))
    said = fails(capsys, "ledger", "--key", str(files["key"]), "--checkpoint",
                 str(files["new"]), "--ledger", str(files["ledger"]), "--quiet")
    assert "does not verify: the note was changed after it was signed" in said
    said = fails(capsys, "ledger", "--key", "not-a-key", "--checkpoint", str(files["new"]),
                 "--ledger", str(files["ledger"]), "--quiet")
    assert "--key holds no verifier key" in said


# ---------------------------------------------------------------------------------------------
# One entry, and one checkpoint against another, by the proofs the service answers.


def answered(audit_db, tmp_path, seq: int, size: int) -> tuple:
    """The entry and its inclusion proof as GET /audit/entries/{seq} and
    /audit/proofs/inclusion answer them, written to files."""
    with audit_db.connect() as connection:
        entry = checkpoints.entry(connection, seq)
        proof = checkpoints.inclusion(connection, seq, size)
    entry_file, proof_file = tmp_path / f"entry-{seq}.json", tmp_path / f"proof-{seq}.json"
    entry_file.write_text(json.dumps(entry, ensure_ascii=False))
    proof_file.write_text(json.dumps(proof))
    return entry_file, proof_file


def test_an_entry_verifies_by_its_inclusion_proof(files, audit_db, tmp_path, signer, capsys):
    entry, proof = answered(audit_db, tmp_path, 7, SIZE)
    said = verifies(capsys, "entry", "--key", str(files["key"]), "--checkpoint",
                    str(files["new"]), "--entry", str(entry), "--proof", str(proof))
    assert "entry seq 7 (ProgressNoted of ticket t-3, occurred at 2026-05-06T08:07:00.000000Z)" \
        in said
    assert f"leaf 6 of the tree of size {SIZE}" in said and SECOND_AT in said
    assert f"{ORIGIN}+{signer.key_id.hex()}" in said


def test_an_entry_that_does_not_verify_is_named(files, audit_db, tmp_path, capsys):
    entry, proof = answered(audit_db, tmp_path, 7, SIZE)
    args = ("entry", "--key", str(files["key"]), "--checkpoint", str(files["new"]),
            "--entry", str(entry), "--proof", str(proof))
    original_entry, original_proof = json.loads(entry.read_text()), json.loads(proof.read_text())

    def check(expected, entry_=None, proof_=None, checkpoint=None):
        entry.write_text(json.dumps(entry_ or original_entry, ensure_ascii=False))
        proof.write_text(json.dumps(proof_ or original_proof))
        chosen = args if checkpoint is None else (*args[:4], str(checkpoint), *args[5:])
        said = fails(capsys, *chosen)
        assert expected in said, said

    fact = json.loads(original_entry["event"])
    fact["payload"]["note"] = "已办结"
    check("entry seq 7: hash does not match the entry's columns",
          {**original_entry, "event": canonical_json(fact).decode("utf-8")})
    # a genuine entry, re-chained after a rewrite: its own hash holds, the signed tree says no
    forged = rechained(lines(files["ledger"]), 1, _reword)[6]
    check("entry seq 7: the inclusion proof does not lead to the root of the checkpoint of size "
          f"{SIZE}", forged, {**original_proof, "leaf_hash": None})
    check("it gives leaf_hash", forged)
    eighth = json.loads(answered(audit_db, tmp_path, 8, SIZE)[1].read_text())
    check("it is for seq=8, but the checkpoint gives 7", proof_=eighth)  # seq 8's, with seq 7
    check(f"it is for size={FIRST}, but the checkpoint gives {SIZE}: ask for the proof at {SIZE}",
          proof_=json.loads(answered(audit_db, tmp_path, 7, FIRST)[1].read_text()))
    check("it gives root", proof_={**original_proof, "root": original_proof["leaf_hash"]})
    hashes = list(original_proof["proof"])
    hashes[2] = original_proof["leaf_hash"]
    check("the inclusion proof does not lead to the root",
          proof_={**original_proof, "proof": hashes})
    check("proof: hash 1 is not base64", proof_={**original_proof, "proof": ["%%"]})
    check("lacks hash", {k: v for k, v in original_entry.items() if k != "hash"})
    later, later_proof = answered(audit_db, tmp_path, 20, SIZE)
    said = fails(capsys, "entry", "--key", str(files["key"]), "--checkpoint", str(files["old"]),
                 "--entry", str(later), "--proof", str(later_proof))
    assert f"entry seq 20 is not in the checkpoint's tree of size {FIRST}" in said


def consistency_file(audit_db, tmp_path, first: int, second: int):
    with audit_db.connect() as connection:
        proof = checkpoints.consistency(connection, first, second)
    path = tmp_path / f"consistency-{first}-{second}.json"
    path.write_text(json.dumps(proof))
    return path


def test_a_later_checkpoint_extends_an_earlier_one(files, audit_db, tmp_path, signer, capsys):
    proof = consistency_file(audit_db, tmp_path, FIRST, SIZE)
    args = ("consistency", "--key", str(files["key"]), "--old", str(files["old"]), "--new",
            str(files["new"]), "--proof", str(proof))
    said = verifies(capsys, *args)
    assert f"only grew: its tree of size {SIZE} (checkpoint made at {SECOND_AT}) extends its " \
           f"tree of size {FIRST} (made at {FIRST_AT})" in said

    said = fails(capsys, "consistency", "--key", str(files["key"]), "--old", str(files["new"]),
                 "--new", str(files["old"]), "--proof", str(proof))
    assert f"has size {SIZE}, more than the new one's {FIRST}" in said

    # A second history the key also signed (a split view): the genuine proof does not join them.
    leaves = [merkle.leaf_hash(bytes.fromhex(e["hash"]))
              for e in rechained(lines(files["ledger"]), 5, _reword)]
    fork = tmp_path / "fork.checkpoint"
    fork.write_text(checkpoint.sign(checkpoint.Checkpoint(ORIGIN, SIZE, merkle.root(leaves),
                                                          SECOND_AT), signer))
    document = json.loads(proof.read_text())
    document.pop("to_root")
    proof.write_text(json.dumps(document))
    said = fails(capsys, "consistency", "--key", str(files["key"]), "--old", str(files["old"]),
                 "--new", str(fork), "--proof", str(proof))
    assert f"the tree of size {SIZE} (checkpoint made at {SECOND_AT}) does not extend the tree " \
           f"of size {FIRST}" in said
    document["to_root"] = json.loads(consistency_file(audit_db, tmp_path, FIRST, SIZE)
                                     .read_text())["to_root"]
    proof.write_text(json.dumps(document))
    said = fails(capsys, "consistency", "--key", str(files["key"]), "--old", str(files["old"]),
                 "--new", str(fork), "--proof", str(proof))
    assert "it gives to_root" in said and "not the one it signed" in said

    wrong_sizes = consistency_file(audit_db, tmp_path, 12, SIZE)
    said = fails(capsys, *args[:-1], str(wrong_sizes))
    assert f"it is for from=12, but the checkpoint gives {FIRST}" in said


# ---------------------------------------------------------------------------------------------
# A bundle, offline: no database, no broker, no network.


@pytest.fixture
def bundle_file(audit_db, signer, tmp_path):
    with audit_db.connect() as connection:
        data = bundles.build(connection, signer, stream_id="t-1")
    path = tmp_path / "evidence.json"
    path.write_bytes(data)
    return path


def test_a_bundle_verifies_with_the_command(bundle_file, signer, tmp_path, capsys):
    key = tmp_path / "audit.vkey"
    key.write_text(signer.verifier_key())
    said = verifies(capsys, "bundle", str(bundle_file), "--key", str(key))
    assert "the bundle verifies: 10 entries about the matter of stream t-1" in said
    assert f"checkpoint of size {SIZE}" in said
    data = bundle_file.read_bytes()
    at = data.index(b'"made_at":"') + 12
    bundle_file.write_bytes(data[:at] + bytes([data[at] ^ 1]) + data[at + 1:])
    said = fails(capsys, "bundle", str(bundle_file), "--key", str(key))
    assert "the bundle does not verify" in said and "seal" in said


def offline(argv: list[str], tmp_path) -> subprocess.CompletedProcess:
    """`argv` run in a network namespace of its own (no interface but a loopback that is down),
    with no database URL, no broker URI and an empty var directory."""
    if shutil.which("unshare") is None:
        pytest.fail("unshare (util-linux) is needed to run the verifier without a network")
    env = {name: value for name, value in os.environ.items()
           if not name.endswith("_DATABASE_URL") and name != "AMQP_URI"}
    env["HUIQI_VAR_DIR"] = str(tmp_path / "empty-var")
    return subprocess.run(["unshare", "-rn", *argv], cwd=settings.ROOT, env=env,
                          capture_output=True, text=True, timeout=120, check=False)


def test_the_namespace_has_no_network(tmp_path):
    probe = offline([sys.executable, "-c", (
        "import socket\n"
        "for host, port in (('127.0.0.1', 5432), ('127.0.0.1', 5672), ('1.1.1.1', 443)):\n"
        "    try:\n"
        "        socket.create_connection((host, port), timeout=3).close()\n"
        "    except OSError as error:\n"
        "        print('unreachable', host, port, error.errno)\n"
        "    else:\n"
        "        print('REACHED', host, port)\n")], tmp_path)
    assert probe.returncode == 0, probe.stderr
    assert probe.stdout.count("unreachable") == 3 and "REACHED" not in probe.stdout


def test_a_bundle_verifies_offline(bundle_file, signer, tmp_path):
    from huiqi.__main__ import COMMANDS
    assert COMMANDS.get("verify", ("",))[0] == "huiqi.verify", \
        "huiqi/__main__.py must register the command: COMMANDS['verify'] = ('huiqi.verify', …)"
    key = tmp_path / "audit.vkey"
    key.write_text(signer.verifier_key() + "\n")
    done = offline([sys.executable, "-m", "huiqi", "verify", "bundle", str(bundle_file),
                    "--key", str(key)], tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "the bundle verifies: 10 entries about the matter of stream t-1" in done.stdout
    # and the same file with one byte changed does not
    data = bundle_file.read_bytes()
    bundle_file.write_bytes(data[:100] + bytes([data[100] ^ 1]) + data[101:])
    done = offline([sys.executable, "-m", "huiqi", "verify", "bundle", str(bundle_file),
                    "--key", str(key)], tmp_path)
    assert done.returncode == 1
    assert "FAILED" in done.stderr


LOADED = ("\nloaded = sorted({m.split('.')[0] for m in sys.modules} & set(" + repr(IO_PACKAGES)
          + "))\nprint('LOADED', loaded)\nsys.exit(code)\n")


def test_the_verifier_imports_no_database_broker_or_rpc(bundle_file, files, signer, tmp_path):
    key = signer.verifier_key()
    ledger_argv = ["ledger", "--key", key, "--checkpoint", str(files["new"]), "--ledger",
                   str(files["ledger"])]
    direct = offline([sys.executable, "-c", (
        "import argparse, sys\n"
        "from huiqi import verify\n"
        "parser = argparse.ArgumentParser()\n"
        "verify.add_arguments(parser)\n"
        "code = 0\n"
        f"for argv in ({['bundle', str(bundle_file), '--key', key]!r},\n"
        f"             {ledger_argv!r}):\n"
        "    code = code or verify.run(parser.parse_args(argv))\n") + LOADED], tmp_path)
    assert direct.returncode == 0, direct.stdout + direct.stderr
    assert "LOADED []" in direct.stdout
    through_main = offline([sys.executable, "-c", (
        "import sys\n"
        "from huiqi.__main__ import main\n"
        f"code = main({['verify', 'bundle', str(bundle_file), '--key', key]!r})\n") + LOADED],
        tmp_path)
    assert through_main.returncode == 0, through_main.stdout + through_main.stderr
    assert "LOADED []" in through_main.stdout
