"""Evidence bundles: which entries belong to a matter or to a unit's window, a bundle built from a
real ledger on SQLite and PostgreSQL and proved against a signed checkpoint, a verifier that names
each check that fails and refuses a bundle with any byte changed, and the bundle over RPC and
HTTP."""
import datetime as dt
import json
import random

import pytest
import requests
import sqlalchemy as sa
from nameko.standalone.rpc import ClusterRpcProxy

from callers import assertion
from kernel.database import make_engine, migrate
from kernel.envelope import Event, canonical_json, format_time
from kernel.errors import Refused
from services.audit import (bundles, checkpoint, checkpoints, contract, evidence, ledger, merkle,
                            note, tree)
from services.audit.chain import FIELDS, GENESIS, Entry
from services.registry import SERVICES

AT = dt.datetime(2026, 5, 6, 8, 0, tzinfo=dt.timezone.utc)
ORIGIN = "huiqi.test/audit"
USCC = "91360702MA35G0QX4J"


def hours(n: float) -> dt.datetime:
    return AT + dt.timedelta(hours=n)


def event(n: int, stream_id: str, stream_type: str, type_: str, *, actor: str, correlation: str,
          payload: dict, at: dt.datetime) -> Event:
    return Event(event_id=f"00000000-0000-0000-0000-{n:012d}", stream_id=stream_id,
                 stream_type=stream_type, version=1, type=type_, occurred_at=format_time(at),
                 actor=actor, correlation_id=correlation, causation_id=f"k-{n}", payload=payload)


# The matter (ticket t-1), what other services raised for it, another matter, and units' doings.
EVENTS = [
    ("tickets", "t-1", "ticket", "AppealRaised", f"enterprise:{USCC}:ent-1", "c-1",
     {"details": {"county_unit": "zhanggong"}, "title": "用地审批"}, hours(0)),
    ("tickets", "t-1", "ticket", "AppealDispatched", "office:clerk", "c-2",
     {"lead_unit": "tax", "assisting_units": ["land"]}, hours(1)),
    ("tickets", "t-2", "ticket", "AppealRaised", f"enterprise:{USCC}:ent-1", "c-3",
     {"details": {}, "title": "融资"}, hours(2)),
    ("policy", "w-9", "policy_work", "PolicyWorkRequested", "office:clerk", "c-2",
     {"ticket_id": "t-1"}, hours(3)),
    ("tickets", "t-1", "ticket", "AppealSigned", "unit_officer:tax:officer-zhao", "c-4",
     {"unit": "tax"}, hours(4)),
    ("liaison", "land", "unit", "UnitRegistered", "office:clerk", "c-5",
     {"code": "land", "name": "自然资源局", "kind": "city_department", "county": None}, hours(5)),
    ("tickets", "t-2", "ticket", "ProgressNoted", "unit_officer:land:officer-qian", "c-6",
     {"note": "tax 已联系"}, hours(10)),
    ("policy", "b-1", "briefing", "BriefingScheduled", "office:clerk", "c-7",
     {"organiser": "office", "units": ["tax", "land"]}, hours(6)),
]
MATTER_SEQS = [1, 2, 4, 5]        # t-1's own, and w-9 which shares c-2
TAX_SEQS = [2, 5, 8]              # lead unit, its officer and unit field, a briefing's units
LAND_SEQS = [2, 6, 8]             # assisting, its own stream, a briefing; seq 7 is after the window


def ledger_events() -> list[tuple[str, Event]]:
    return [(service, event(n, stream, kind, type_, actor=actor, correlation=cid, payload=payload,
                            at=at))
            for n, (service, stream, kind, type_, actor, cid, payload, at) in enumerate(EVENTS, 1)]


@pytest.fixture(scope="module")
def signer():
    return note.Signer.generate(ORIGIN)


def audit_engine(url: str) -> sa.Engine:
    engine = make_engine(url)
    migrate(engine, SERVICES["audit"].migrations_path)
    return engine


def fill(engine: sa.Engine, signer: note.Signer, extra: int = 2) -> str:
    """The ledger of EVENTS, a checkpoint signed at its size, then `extra` entries more of t-1
    that no checkpoint covers yet; the checkpoint's note."""
    with engine.begin() as connection:
        for position, (service, fact) in enumerate(ledger_events(), 1):
            ledger.append(connection, service, position, fact)
        signed = checkpoints.make(connection, signer, ORIGIN, hours(12))
        for n in range(extra):
            ledger.append(connection, "tickets", 100 + n, event(
                100 + n, "t-1", "ticket", "ProgressNoted", actor="unit_officer:tax:o",
                correlation="c-9", payload={"unit": "tax"}, at=hours(1)))
    return signed


@pytest.fixture
def filled(db_url, signer):
    engine = audit_engine(db_url)
    fill(engine, signer)
    yield engine
    engine.dispose()


def seqs_of(data: bytes) -> list[int]:
    return [entry["seq"] for entry in json.loads(data)["entries"]]


# ---------------------------------------------------------------------------------------------
# Which events name a unit; what a subject is.


@pytest.mark.parametrize("actor, payload, stream, expected", [
    ("unit_officer:tax:zhao", {}, ("t-1", "ticket"), True),        # an officer of the unit
    ("liaison:tax:cadre-1", {}, ("t-1", "ticket"), True),          # a cadre seconded from it
    ("enterprise:tax:ent-1", {}, ("t-1", "ticket"), False),        # a credit code, not a unit
    ("office:tax", {}, ("t-1", "ticket"), False),                  # a user called tax
    ("unit_officer:tax-2:zhao", {}, ("t-1", "ticket"), False),
    ("office:clerk", {}, ("tax", "unit"), True),                   # the unit's own stream
    ("office:clerk", {}, ("tax", "enterprise"), False),
    ("office:clerk", {"lead_unit": "tax"}, ("t-1", "ticket"), True),
    ("office:clerk", {"assisting_units": ["land", "tax"]}, ("t-1", "ticket"), True),
    ("office:clerk", {"previous_lead_unit": "tax"}, ("t-1", "ticket"), True),
    ("office:clerk", {"details": {"county_unit": "tax"}}, ("t-1", "ticket"), True),
    ("office:clerk", {"issuing_unit": "tax"}, ("p-1", "policy"), True),
    ("office:clerk", {"organiser": "tax", "units": []}, ("b-1", "briefing"), True),
    ("office:clerk", {"units": ["land", "tax"]}, ("v-1", "visit"), True),
    ("office:clerk", {"unit": "tax", "previous_unit": None}, ("r-1", "routes"), True),
    ("office:clerk", {"tier": "good", "rated_by": "tax"}, (USCC, "enterprise"), True),
    ("office:clerk", {"items": [{"unit": "tax"}]}, ("x-1", "thing"), True),  # at any depth
    ("office:clerk", {"unit_name": "tax", "note": "tax"}, ("t-1", "ticket"), False),
    ("office:clerk", {"lead_unit": "taxes", "units": ["land"]}, ("t-1", "ticket"), False),
    ("office:clerk", {"units": "tax"}, ("t-1", "ticket"), True),
])
def test_names_unit(actor, payload, stream, expected):
    fact = event(1, stream[0], stream[1], "Something", actor=actor, correlation="c",
                 payload=payload, at=AT).to_dict()
    assert evidence.names_unit(fact, "tax") is expected


def test_a_subject_is_a_matter_or_a_units_window():
    assert evidence.subject_of(stream_id="t-1") == {"kind": "matter", "stream_id": "t-1"}
    assert evidence.subject_of(unit="tax", since="2026-05-01T08:00:00+08:00",
                               until=hours(1)) == {
        "kind": "unit", "unit": "tax", "since": "2026-05-01T00:00:00.000000Z",
        "until": "2026-05-06T09:00:00.000000Z"}
    refusals = [
        ({}, "stream_id", "give stream_id"),
        ({"stream_id": "t-1", "unit": "tax"}, "stream_id", "not both"),
        ({"unit": "tax", "since": AT}, "until", "give since and until"),
        ({"unit": "tax", "until": AT}, "since", "give since and until"),
        ({"unit": "tax", "since": "2026-05-01T00:00:00", "until": AT}, "since", "its zone"),
        ({"unit": "tax", "since": "yesterday", "until": AT}, "since", "ISO 8601"),
        ({"unit": "tax", "since": AT, "until": AT}, "until", "the window is empty"),
        ({"stream_id": "x" * 121}, "stream_id", "at most 120"),
        ({"unit": "tax", "since": "0001-01-01T00:00:00+14:00", "until": AT}, "since", "years"),
        ({"unit": "tax", "since": AT, "until": "9999-12-31T23:00:00-14:00"}, "until", "years"),
    ]
    for given, field, words in refusals:
        with pytest.raises(evidence.SubjectError) as refused:
            evidence.subject_of(**given)
        assert refused.value.field == field and words in refused.value.message, given


def test_entries_are_the_contracts_ledger_entries():
    assert set(FIELDS) == set(contract.LedgerEntry.model_fields)


# ---------------------------------------------------------------------------------------------
# Bundles made in memory: every check the verifier makes, named.


def chained() -> tuple[list[dict], list[bytes]]:
    entries, prev = [], GENESIS
    for seq, (service, fact) in enumerate(ledger_events(), 1):
        made = Entry.make(prev, seq=seq, service=service, source_position=seq,
                          event=fact.to_dict(), recorded_at=format_time(hours(12)))
        entries.append({name: getattr(made, name) for name in FIELDS})
        prev = made.hash
    return entries, [merkle.leaf_hash(bytes.fromhex(e["hash"])) for e in entries]


def bundle_of(signer, subject: dict, seqs: list[int], *, entries=None, proofs=None,
              made_at=None, size=None) -> bytes:
    """A bundle sealed by `signer` of the given entries (by seq, or given whole), proved against
    a checkpoint of `size` (default: every entry) made at hours(12)."""
    chain, leaves = chained()
    size = len(leaves) if size is None else size
    signed = checkpoint.sign(checkpoint.Checkpoint(ORIGIN, size, merkle.root(leaves[:size]),
                                                   format_time(hours(12))), signer)
    if entries is None:
        entries = [chain[seq - 1] for seq in seqs]
    if proofs is None:
        proofs = {e["seq"]: merkle.inclusion_proof(e["seq"] - 1, leaves[:size]) for e in entries
                  if e["seq"] <= size}
    return evidence.make(subject=subject, made_at=made_at or format_time(hours(13)),
                         signer=signer, checkpoint_note=signed, entries=entries, proofs=proofs)


MATTER = {"kind": "matter", "stream_id": "t-1"}
TAX = {"kind": "unit", "unit": "tax", "since": format_time(AT), "until": format_time(hours(7))}


def test_a_matter_and_a_units_window_verify_and_say_what_was_proved(signer):
    key = signer.verifier_key()
    matter = evidence.verify_bundle(bundle_of(signer, MATTER, MATTER_SEQS), key)
    assert matter.ok, matter.problems
    assert matter.seqs == MATTER_SEQS and matter.pinned
    assert matter.checkpoint.size == len(EVENTS)
    report = matter.report()
    assert "4 entries about the matter of stream t-1" in report
    assert "seq 1..2, 4..5" in report
    assert f"size {len(EVENTS)} made at {format_time(hours(12))}" in report
    assert f"{ORIGIN}+{signer.key_id.hex()}" in report
    assert "membership, not completeness" in report
    unit = evidence.verify_bundle(bundle_of(signer, TAX, TAX_SEQS), key)
    assert unit.ok and unit.seqs == TAX_SEQS, unit.problems
    unpinned = evidence.verify_bundle(bundle_of(signer, TAX, TAX_SEQS), None)
    assert unpinned.ok and not unpinned.pinned
    assert "taken from the bundle itself" in unpinned.report()


def forged(signer, subject, seqs, change) -> bytes:
    """A bundle the key's holder made, changed by `change(entries, proofs)` (the bundle's lists
    and objects as they are written) and sealed again: the seal holds, so the check the change
    breaks is the one that must say so."""
    body = json.loads(bundle_of(signer, subject, seqs))
    change(body["entries"], body["proofs"])
    body["seal"] = signer.sign(evidence.sealed_text(body))
    return evidence.encode(body)


def _rewrite_payload(entries, proofs):
    fact = json.loads(entries[1]["event"])
    fact["payload"]["lead_unit"] = "land"
    entries[1]["event"] = canonical_json(fact).decode("utf-8")


def _swap_proofs(entries, proofs):
    proofs["1"], proofs["2"] = proofs["2"], proofs["1"]


@pytest.mark.parametrize("subject, seqs, change, expected", [
    (MATTER, [1, 2, 3], None, "entry seq 3: is not about stream t-1: it is of stream t-2"),
    (TAX, [2, 5, 7], None, "entry seq 7: occurred at 2026-05-06T18:00:00.000000Z, outside the "
                           "window"),
    (TAX, [2, 3, 5], None, "entry seq 3: does not name unit tax"),
    (MATTER, [1, 2], _rewrite_payload, "entry seq 2: hash does not match the entry's columns"),
    (MATTER, [1, 2], _swap_proofs, "entry seq 1: its inclusion proof does not lead to the root"),
    (MATTER, [1, 2], lambda e, p: p.pop("2"), "entry seq 2: inclusion proof: missing"),
    (MATTER, [1, 2], lambda e, p: p.update({"3": p["2"]}), "proofs: for seq 3, which the bundle "
                                                       "holds no entry of"),
    (MATTER, [1, 2], lambda e, p: e.reverse(), "entries[2]: seq 1 does not follow seq 2"),
    (MATTER, [1, 2], lambda e, p: e[1].update(prev_hash="0" * 64),
     "entry seq 2: hash does not match"),
    (MATTER, [1, 2], lambda e, p: e[1].update(prev_hash=e[1]["prev_hash"].upper()),
     "entry seq 2: column prev_hash is not 64 lowercase hexadecimal digits"),
    (MATTER, [1, 2], lambda e, p: e[0].update(seq="1"), "entries[1]: seq is not a whole number"),
    (MATTER, [1, 2], lambda e, p: e[0].pop("recorded_at"), "entries[1]: lacks recorded_at"),
    (MATTER, [1, 2], lambda e, p: p.update({"1": ["AA=="]}),
     "entry seq 1: inclusion proof: hash 1 holds 1 bytes, not 32"),
])
def test_each_check_names_what_fails(signer, subject, seqs, change, expected):
    data = forged(signer, subject, seqs, change or (lambda e, p: None))
    verdict = evidence.verify_bundle(data, signer.verifier_key())
    assert not verdict.ok
    assert any(expected in problem for problem in verdict.problems), verdict.problems
    assert expected in verdict.report()


def test_an_entry_past_the_checkpoint_has_nothing_to_be_proved_against(signer):
    _, leaves = chained()
    data = bundle_of(signer, MATTER, [1, 2, 5], size=4,
                     proofs={1: merkle.inclusion_proof(0, leaves[:4]),
                             2: merkle.inclusion_proof(1, leaves[:4]), 5: []})
    verdict = evidence.verify_bundle(data, signer.verifier_key())
    assert verdict.problems == ["entry seq 5: seq 5 is not in the checkpoint's tree of size 4"]


def test_another_key_a_stale_stamp_and_another_spelling_are_refused(signer):
    data = bundle_of(signer, MATTER, MATTER_SEQS)
    other = note.Signer.generate(ORIGIN)
    verdict = evidence.verify_bundle(data, other.verifier_key())
    assert verdict.problems == [
        f"key: the bundle carries key {ORIGIN}+{signer.key_id.hex()}, not the key you gave "
        f"({ORIGIN}+{other.key_id.hex()}): it was not made by that log"]
    # made by someone holding another key, carrying it: verifies only unpinned, and says so
    impostor = bundle_of(other, MATTER, MATTER_SEQS)
    assert not evidence.verify_bundle(impostor, signer.verifier_key()).ok
    assert "taken from the bundle itself" in evidence.verify_bundle(impostor).report()

    early = bundle_of(signer, MATTER, MATTER_SEQS, made_at=format_time(hours(11)))
    assert evidence.verify_bundle(early, signer.verifier_key()).problems == [
        "made_at: the bundle says it was made at 2026-05-06T19:00:00.000000Z, before its "
        "checkpoint (2026-05-06T20:00:00.000000Z)"]

    pretty = json.dumps(json.loads(data), indent=1, ensure_ascii=False).encode("utf-8") + b"\n"
    for respelled in (pretty, data.rstrip(b"\n"), data + b"\n", b" " + data,
                      json.dumps(json.loads(data)).encode("ascii") + b"\n"):
        verdict = evidence.verify_bundle(respelled, signer.verifier_key())
        assert verdict.problems[0].startswith("the bundle is not in its canonical form")
    for junk, said in [(b"[" * 100_000, "nests deeper"), (b"\xff\n", "not UTF-8"),
                       (b"[]\n", "not a JSON object"), (b"", "not JSON")]:
        assert said in evidence.verify_bundle(junk, signer.verifier_key()).problems[0]


def test_the_seal_binds_what_no_proof_covers(signer):
    """The subject and the time of making are no entry's: only the seal catches their change,
    even where the changed bundle would otherwise hold (a wider window holds the same entries)."""
    data = bundle_of(signer, TAX, TAX_SEQS)
    body = json.loads(data)
    body["subject"]["since"] = format_time(AT - dt.timedelta(days=30))
    body["made_at"] = format_time(hours(14))
    verdict = evidence.verify_bundle(evidence.encode(body), signer.verifier_key())
    assert verdict.problems == ["seal: the digest it signs is not this bundle's: something in "
                                "the bundle was changed after it was made"]


@pytest.mark.parametrize("pinned", [True, False], ids=["pinned", "unpinned"])
def test_any_changed_byte_fails(signer, pinned):
    data = bundle_of(signer, MATTER, [1, 2, 4])
    key = signer.verifier_key() if pinned else None
    assert evidence.verify_bundle(data, key).ok
    draw = random.Random(12)
    for position in range(len(data)):
        original = data[position]
        for value in {original ^ 0x01, draw.choice([b for b in range(256) if b != original])}:
            changed = data[:position] + bytes([value]) + data[position + 1:]
            verdict = evidence.verify_bundle(changed, key)
            assert not verdict.ok, (position, value, data[max(0, position - 30):position + 30])
            assert verdict.problems and all(verdict.problems)
    assert evidence.verify_bundle(data, key).ok


def test_file_name():
    assert evidence.file_name(evidence.encode(
        {"subject": {"kind": "matter", "stream_id": "t-1/诉求"},
         "made_at": "2026-05-06T08:00:01.500000Z"})) == "evidence-t-1-20260506T080001Z.json"
    assert evidence.file_name(evidence.encode(
        {"subject": {"kind": "unit", "unit": "税务局"}, "made_at": format_time(AT)})) \
        == "evidence-unit-20260506T080000Z.json"


# ---------------------------------------------------------------------------------------------
# Built from a real ledger, on both stores.


def test_a_matters_bundle_from_the_ledger(filled, signer):
    with filled.connect() as connection:
        data = bundles.build(connection, signer, stream_id="t-1", now=hours(13))
    verdict = evidence.verify_bundle(data, signer.verifier_key())
    assert verdict.ok, verdict.problems
    # the two entries past the checkpoint come with the next one
    assert verdict.seqs == MATTER_SEQS
    assert json.loads(data)["made_at"] == format_time(hours(13))


@pytest.mark.parametrize("unit, seqs", [("tax", TAX_SEQS), ("land", LAND_SEQS),
                                        ("zhanggong", [1]), ("nobody", [])])
def test_a_units_bundle_from_the_ledger(filled, signer, unit, seqs):
    with filled.connect() as connection:
        data = bundles.build(connection, signer, unit=unit, since=AT, until=hours(7))
    verdict = evidence.verify_bundle(data, signer.verifier_key())
    assert verdict.ok, verdict.problems
    assert verdict.seqs == seqs


def test_the_bundle_follows_the_latest_checkpoint(filled, signer):
    with filled.begin() as connection:
        checkpoints.make(connection, signer, ORIGIN, hours(14))
    with filled.connect() as connection:
        data = bundles.build(connection, signer, stream_id="t-1")
        assert tree.size(connection) == len(EVENTS) + 2
    assert seqs_of(data) == MATTER_SEQS + [len(EVENTS) + 1, len(EVENTS) + 2]
    assert evidence.verify_bundle(data, signer.verifier_key()).ok


def test_build_refusals(db_url, signer):
    engine = audit_engine(db_url)
    try:
        with engine.connect() as connection:
            with pytest.raises(checkpoints.NoCheckpoint):
                bundles.build(connection, signer, stream_id="t-1")
        fill(engine, signer)
        with engine.connect() as connection:
            with pytest.raises(bundles.TooManyEntries) as refused:
                bundles.build(connection, signer, stream_id="t-1", limit=3)
            assert refused.value.field == "stream_id"
            with pytest.raises(bundles.TooManyEntries):
                bundles.build(connection, signer, unit="tax", since=AT, until=hours(7), limit=2)
            with pytest.raises(evidence.SubjectError):
                bundles.build(connection, signer, unit="tax", since=AT)
            other = note.Signer.generate(ORIGIN)
            with pytest.raises(bundles.CheckpointUnverified):
                bundles.build(connection, other, stream_id="t-1")
    finally:
        engine.dispose()


def test_the_evidence_command(filled, db_url, signer, tmp_path, monkeypatch, capsys):
    from huiqi import evidence as command
    monkeypatch.setenv("AUDIT_DATABASE_URL", db_url)
    monkeypatch.setenv("HUIQI_AUDIT_ORIGIN", ORIGIN)
    monkeypatch.delenv("HUIQI_AUDIT_SIGNING_KEY", raising=False)
    monkeypatch.setenv("HUIQI_AUDIT_KEY_FILE", str(tmp_path / "keys" / "absent.key"))
    out = tmp_path / "t-1.json"
    # no key of the log's at hand: none is made up
    assert run_command(command, "--stream", "t-1", "--out", str(out)) == 2
    assert "no signing key" in capsys.readouterr().err
    assert not (tmp_path / "keys").exists() and not out.exists()
    monkeypatch.setenv("HUIQI_AUDIT_SIGNING_KEY", signer.private_key_text())
    assert run_command(command, "--stream", "t-1", "--out", str(out)) == 0
    assert evidence.verify_bundle(out.read_bytes(), signer.verifier_key()).seqs == MATTER_SEQS
    assert signer.verifier_key() in capsys.readouterr().out
    assert run_command(command, "--unit", "tax", "--since", "2026-05-06T16:00:00+08:00",
                       "--until", "2026-05-06T15:00:00Z", "--out", str(out)) == 0
    assert seqs_of(out.read_bytes()) == TAX_SEQS
    assert run_command(command, "--unit", "tax", "--since", "2026-05-06", "--until",
                       "2026-05-07T00:00:00Z", "--out", str(out)) == 2
    assert "since must carry its zone" in capsys.readouterr().err


def run_command(module, *argv) -> int:
    import argparse
    parser = argparse.ArgumentParser(prog="huiqi")
    module.add_arguments(parser)
    return module.run(parser.parse_args(argv))


# ---------------------------------------------------------------------------------------------
# Over RPC and HTTP.


@pytest.fixture
def evidence_stack(db_url, signer, container_factory, service_config, tmp_path, monkeypatch):
    """The audit service and the gateway with the evidence mixins, over a filled ledger."""
    from gateway.service import Gateway
    from services.audit.service import AuditService

    monkeypatch.setenv("HUIQI_AUDIT_ORIGIN", ORIGIN)
    monkeypatch.setenv("HUIQI_AUDIT_SIGNING_KEY", signer.private_key_text())
    monkeypatch.setenv("HUIQI_AUDIT_WITNESS", str(tmp_path / "witness"))
    engine = audit_engine(db_url)
    fill(engine, signer)
    engine.dispose()
    container_factory(AuditService, service_config(db_url)).start()
    gateway = service_config(None, RPC_TIMEOUT=20)
    container_factory(Gateway, gateway).start()
    return f"http://{gateway['WEB_SERVER_ADDRESS']}/api/v1", service_config()


def test_evidence_over_rpc_and_http(evidence_stack, signer):
    from gateway.auth import mint
    base, config = evidence_stack
    with ClusterRpcProxy(config) as cluster:
        made = cluster.audit.evidence(assertion("inspector", "supervisor"), stream_id="t-1")
        assert made["filename"].startswith("evidence-t-1-")
        assert evidence.verify_bundle(made["bundle"].encode("utf-8"),
                                      signer.verifier_key()).seqs == MATTER_SEQS
        with pytest.raises(Refused) as refused:
            cluster.audit.evidence(assertion("zhao", "unit_officer", unit="tax"), unit="tax",
                                   since=format_time(AT), until=format_time(hours(7)))
        assert refused.value.kind == "forbidden"
        with pytest.raises(Refused) as refused:
            cluster.audit.evidence(assertion("clerk", "office"), unit="tax")
        assert (refused.value.kind, refused.value.field) == ("invalid", "since")

    office = {"Authorization": f"Bearer {mint('clerk', 'office')}"}
    answer = requests.get(f"{base}/audit/evidence", headers=office, timeout=30, params={
        "unit": "tax", "since": "2026-05-06T16:00:00+08:00", "until": "2026-05-06T15:00:00Z"})
    assert answer.status_code == 200, answer.text
    assert answer.headers["Content-Type"] == "application/json"
    disposition = answer.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="evidence-tax-') and \
        '.json"' in disposition
    # the bytes as made: they verify
    verdict = evidence.verify_bundle(answer.content, signer.verifier_key())
    assert verdict.ok and verdict.seqs == TAX_SEQS, verdict.problems

    for params, status in [({"unit": "tax", "since": "2026-05-06T00:00:00"}, 422),
                           ({"stream_id": "t-1", "unit": "tax"}, 422),
                           ({"stream": "t-1"}, 422)]:
        refused = requests.get(f"{base}/audit/evidence", headers=office, params=params,
                               timeout=30)
        assert refused.status_code == status, (params, refused.text)
        assert refused.headers["Content-Type"].startswith("application/problem+json")
    supervisor = {"Authorization": f"Bearer {mint('w', 'unit_officer', unit='tax')}"}
    assert requests.get(f"{base}/audit/evidence", headers=supervisor, timeout=30,
                        params={"stream_id": "t-1"}).status_code == 403
    assert requests.get(f"{base}/audit/evidence", params={"stream_id": "t-1"},
                        timeout=30).status_code == 401


def test_the_openapi_document_describes_the_download():
    from openapi_spec_validator import validate

    from gateway import openapi
    from gateway.service import Gateway

    document = openapi.document(Gateway)
    validate(document)
    operation = document["paths"]["/api/v1/audit/evidence"]["get"]
    assert operation["operationId"] == "audit_evidence"
    assert {p["name"] for p in operation["parameters"]} == {"stream_id", "unit", "since", "until"}
    ok = operation["responses"]["200"]
    assert "Content-Disposition" in ok["headers"]
    assert ok["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/EvidenceBundle"}
    bundle = document["components"]["schemas"]["EvidenceBundle"]
    assert set(bundle["properties"]) == set(evidence.BUNDLE_FIELDS)
    assert {"401", "403", "404", "409", "422", "503"} <= set(operation["responses"])
