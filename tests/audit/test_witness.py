"""Witnesses keep every signed checkpoint where the database cannot reach it: a directory writes
each once and never overwrites it, an HTTP endpoint takes POSTed notes and lists them as JSON,
and reading a witness back gives the checkpoints that verify and names every note that does not."""
import http.server
import json
import os
import threading

import pytest

from services.audit import checkpoint, note, witness
from services.audit.checkpoint import Checkpoint
from services.audit.witness import DirectoryWitness, HttpWitness, WitnessError

ORIGIN = "huiqi.local/audit"


@pytest.fixture(scope="module")
def signer():
    return note.Signer(ORIGIN, bytes(range(32)))


def cp(size, minute=0, root=None):
    root = root or bytes([size % 256]) * 32
    return Checkpoint(ORIGIN, size, root, f"2024-05-01T08:{minute:02d}:00.000000Z")


def publish(target, signer, checkpoints):
    notes = []
    for each in checkpoints:
        signed = checkpoint.sign(each, signer)
        target.publish(signed, each)
        notes.append(signed)
    return notes


# --- a directory ---------------------------------------------------------------------------------


def test_directory_writes_one_file_per_checkpoint_and_lists_them_oldest_first(tmp_path, signer):
    target = DirectoryWitness(tmp_path / "deep" / "witness")  # made on first use
    notes = publish(target, signer, [cp(10, 1), cp(2, 0), cp(10, 0), cp(300, 5)])
    names = sorted(p.name for p in (tmp_path / "deep" / "witness").iterdir())
    assert names == ["000000000002-20240501T080000.000000Z.checkpoint",
                     "000000000010-20240501T080000.000000Z.checkpoint",
                     "000000000010-20240501T080100.000000Z.checkpoint",
                     "000000000300-20240501T080500.000000Z.checkpoint"]
    assert target.notes() == [notes[1], notes[2], notes[0], notes[3]]
    assert (tmp_path / "deep" / "witness" / names[0]).read_text() == notes[1]
    assert [r.where for r in target.records()] == \
        [str(tmp_path / "deep" / "witness" / name) for name in names]


def test_directory_never_overwrites(tmp_path, signer):
    target = DirectoryWitness(tmp_path)
    first = cp(5)
    signed = publish(target, signer, [first])[0]
    file = target.file_for(first)
    target.publish(signed, first)  # the same note again: nothing changes
    assert file.read_text() == signed
    # Another note under the same name (a second key, the same size and time) is refused.
    other = note.Signer(ORIGIN, bytes(range(1, 33)))
    with pytest.raises(WitnessError, match="already holds a different checkpoint"):
        target.publish(checkpoint.sign(first, other), first)
    assert file.read_text() == signed
    assert [p.name for p in tmp_path.iterdir()] == [file.name]  # no draft left behind


def test_a_note_must_carry_its_checkpoint(tmp_path, signer):
    with pytest.raises(WitnessError, match="size 6"):
        DirectoryWitness(tmp_path).publish(checkpoint.sign(cp(5), signer), cp(6))
    assert list(tmp_path.iterdir()) == []


def test_an_empty_or_missing_directory_holds_nothing(tmp_path, signer):
    missing = DirectoryWitness(tmp_path / "none")
    assert missing.notes() == []
    assert witness.witnessed(missing, signer.verifier()) == ([], [])
    assert witness.newest(missing, signer.verifier()) is None


def test_witnessed_gives_good_checkpoints_in_order_and_names_each_bad_file(tmp_path, signer):
    target = DirectoryWitness(tmp_path)
    publish(target, signer, [cp(7, 3), cp(3), cp(7, 1)])
    # An attacker edits one file, another key signs a second, and a third is garbage.
    edited = target.file_for(cp(7, 3))
    edited.write_text(edited.read_text().replace("\n7\n", "\n8\n"))
    stranger = note.Signer("stranger.example/log", bytes(range(9, 41)))
    stray = Checkpoint("stranger.example/log", 4, bytes(32), "2024-05-01T09:00:00.000000Z")
    (tmp_path / "000000000004-x.checkpoint").write_text(checkpoint.sign(stray, stranger))
    (tmp_path / "000000000005-x.checkpoint").write_bytes(b"\xff\xfe not a note")
    (tmp_path / "unrelated.txt").write_text("not a checkpoint file")

    good, failures = witness.witnessed(target, signer.verifier())
    assert [(c.size, c.timestamp[11:16]) for c in good] == [(3, "08:00"), (7, "08:01")]
    reasons = {os.path.basename(f.where): f.reason for f in failures}
    assert set(reasons) == {edited.name, "000000000004-x.checkpoint", "000000000005-x.checkpoint"}
    assert "does not verify" in reasons[edited.name]
    assert "no signature by huiqi.local/audit" in reasons["000000000004-x.checkpoint"]
    assert "not valid UTF-8" in reasons["000000000005-x.checkpoint"]
    assert witness.newest(target, signer.verifier()) == cp(7, 1)


# --- an HTTP endpoint ----------------------------------------------------------------------------


class _Endpoint(http.server.BaseHTTPRequestHandler):
    """A second party's witness as the module documents it: POST keeps, GET lists as JSON."""
    kept: list
    fail_with: int | None = None
    listing: bytes | None = None

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if self.fail_with:
            self.send_error(self.fail_with)
            return
        assert self.headers["Content-Type"] == "text/plain; charset=utf-8"
        self.kept.append(body.decode("utf-8"))
        self.send_response(201)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self):
        data = self.listing if self.listing is not None else json.dumps(self.kept).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def endpoint():
    handler = type("Handler", (_Endpoint,), {"kept": []})
    server = http.server.HTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield handler, f"http://127.0.0.1:{server.server_address[1]}/witness/huiqi"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.service  # a witness served over HTTP on this host
def test_http_witness_keeps_and_lists(endpoint, signer):
    handler, url = endpoint
    target = HttpWitness(url)
    notes = publish(target, signer, [cp(1), cp(4, 2)])
    assert handler.kept == notes
    assert target.notes() == notes
    assert [r.where for r in target.records()] == [f"{url} [0]", f"{url} [1]"]
    handler.kept.append(handler.kept[0].replace("\n1\n", "\n2\n"))  # tampered at the witness
    good, failures = witness.witnessed(target, signer.verifier())
    assert [c.size for c in good] == [1, 4]
    assert [f.where for f in failures] == [f"{url} [2]"]
    assert "does not verify" in failures[0].reason
    assert witness.newest(target, signer.verifier()).size == 4


@pytest.mark.service  # a witness served over HTTP on this host
def test_http_witness_refusal_and_bad_listing_are_named(endpoint, signer):
    handler, url = endpoint
    handler.fail_with = 503
    with pytest.raises(WitnessError, match="would not keep the checkpoint: HTTP 503"):
        publish(HttpWitness(url), signer, [cp(1)])
    handler.listing = b"<html>not json</html>"
    with pytest.raises(WitnessError, match="no JSON list"):
        HttpWitness(url).notes()
    handler.listing = b'{"notes": []}'
    with pytest.raises(WitnessError, match="JSON list of notes"):
        HttpWitness(url).notes()


@pytest.mark.service  # a witness served over HTTP on this host
def test_http_witness_unreachable_is_named(signer):
    import socket
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/w"
    with pytest.raises(WitnessError, match=f"witness {url} could not be reached"):
        HttpWitness(url, timeout=2).notes()


# --- configuration -------------------------------------------------------------------------------


def test_default_witness_is_a_directory_under_var(monkeypatch, tmp_path):
    monkeypatch.setenv("HUIQI_VAR_DIR", str(tmp_path))
    monkeypatch.delenv(witness.WITNESS, raising=False)
    [only] = witness.witnesses()
    assert isinstance(only, DirectoryWitness) and only.path == tmp_path / "witness"


def test_witnesses_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv(witness.WITNESS,
                       f" dir:{tmp_path}/a , {tmp_path}/b,https://w.example/log, ,http://h:8/x")
    found = witness.witnesses()
    assert [type(w).__name__ for w in found] == \
        ["DirectoryWitness", "DirectoryWitness", "HttpWitness", "HttpWitness"]
    assert found[0].path == tmp_path / "a" and found[1].path == tmp_path / "b"
    assert found[2].url == "https://w.example/log" and found[3].url == "http://h:8/x"
    monkeypatch.setenv(witness.WITNESS, "s3://bucket/witness")
    with pytest.raises(ValueError, match="HUIQI_AUDIT_WITNESS: 's3://bucket/witness'"):
        witness.witnesses()
    monkeypatch.setenv(witness.WITNESS, "dir:")
    with pytest.raises(ValueError, match="names no directory"):
        witness.witnesses()
