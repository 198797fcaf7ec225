"""Checkpoints are C2SP tlog-checkpoints with one timestamp extension line: they format and parse
back exactly, every malformed line is refused by its number, and signing and opening go through
the log's key. The log's key itself (services/audit/keys.py) is made once, 0600, kept apart from
the database, reused, and given way to by the environment."""
import base64
import datetime as dt
import os
import stat

import pytest

from kernel.envelope import format_time
from services.audit import checkpoint, keys, note
from services.audit.checkpoint import Checkpoint, CheckpointError

ROOT = bytes(range(32))
ROOT64 = base64.b64encode(ROOT).decode()
TIME = "2024-05-01T08:00:00.000000Z"
ORIGIN = "huiqi.local/audit"


@pytest.fixture(scope="module")
def signer():
    return note.Signer(ORIGIN, bytes(range(32)))


def test_body_is_the_four_lines():
    cp = Checkpoint(ORIGIN, 1042, ROOT, TIME)
    assert cp.body() == f"huiqi.local/audit\n1042\n{ROOT64}\ntimestamp {TIME}\n"


@pytest.mark.parametrize("size", [0, 1, 9, 10, 1_000_000, 2**63 - 1])
def test_parse_reverses_body(size):
    cp = Checkpoint(ORIGIN, size, ROOT, TIME)
    assert checkpoint.parse(cp.body()) == cp


def test_a_timestamp_from_format_time_round_trips():
    now = format_time(dt.datetime(2025, 1, 2, 3, 4, 5, 6789, tzinfo=dt.UTC))
    cp = Checkpoint("例え.example/log", 7, ROOT, now)
    assert checkpoint.parse(cp.body()) == cp


def body(origin=ORIGIN, size="5", root=ROOT64, *extension):
    lines = [origin, size, root, *(extension or (f"timestamp {TIME}",))]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("text, fragment", [
    (body(origin=""), "line 1 is empty"),
    (body(origin="huiqi\tlocal"), "line 1 (origin)"),
    (body(size=""), "line 2 is empty"),
    (body(size="05"), "line 2 (tree size) '05' is not a decimal number without leading zeros"),
    (body(size="00"), "line 2 (tree size)"),
    (body(size="-1"), "line 2 (tree size)"),
    (body(size="+5"), "line 2 (tree size)"),
    (body(size=" 5"), "line 2 (tree size)"),
    (body(size="5.0"), "line 2 (tree size)"),
    (body(size="\u0663"), "line 2 (tree size)"),  # ARABIC-INDIC DIGIT THREE: a digit, not ASCII
    (body(size="0x10"), "line 2 (tree size)"),
    (body(size=str(2**63)), "line 2 (tree size) 9223372036854775808 is beyond 2^63-1"),
    (body(root="not base64!"), "line 3 (root hash)"),
    (body(root=base64.b64encode(bytes(31)).decode()), "line 3 (root hash) holds 31 bytes"),
    (body(root=base64.b64encode(bytes(33)).decode()), "line 3 (root hash) holds 33 bytes"),
    (body(root=ROOT64.rstrip("=")), "line 3 (root hash)"),
    (body(root=ROOT64[:-2] + "9="), "canonical"),  # '8' → '9': same bytes, stray low bit
    (body(root=ROOT.hex()), "line 3 (root hash)"),
    (body(ORIGIN, "5", ROOT64, "time 2024-05-01T08:00:00.000000Z"), "line 4"),
    (body(ORIGIN, "5", ROOT64, "timestamp"), "line 4"),
    (body(ORIGIN, "5", ROOT64, "timestamp 2024-05-01T08:00:00Z"), "line 4 (timestamp)"),
    (body(ORIGIN, "5", ROOT64, "timestamp 2024-05-01T08:00:00.000000+00:00"), "line 4 (timestamp)"),
    (body(ORIGIN, "5", ROOT64, "timestamp 2024-02-30T08:00:00.000000Z"), "not a real time"),
    (body(ORIGIN, "5", ROOT64, f"timestamp {TIME}", "extra line"), "line 5: unexpected extension"),
    (f"{ORIGIN}\n5\n{ROOT64}\n", "four lines"),
    (f"{ORIGIN}\n5\n{ROOT64}\n\ntimestamp {TIME}\n", "line 4 is empty"),
    (body()[:-1], "ends in a newline"),
    ("", "ends in a newline"),
])
def test_malformed_checkpoints_are_refused_naming_the_line(text, fragment):
    with pytest.raises(CheckpointError) as raised:
        checkpoint.parse(text)
    assert fragment in str(raised.value)


def test_root_with_canonical_base64_is_the_body_root():
    # The fixture's last base64 group really has an unused low bit set to test above.
    assert ROOT64.endswith("8=") and base64.b64decode(ROOT64[:-2] + "9=") == ROOT


@pytest.mark.parametrize("fields, fragment", [
    (("", 1, ROOT, TIME), "origin is empty"),
    ((ORIGIN, -1, ROOT, TIME), "tree size"),
    ((ORIGIN, True, ROOT, TIME), "tree size"),
    ((ORIGIN, 2**63, ROOT, TIME), "tree size"),
    ((ORIGIN, "5", ROOT, TIME), "tree size"),
    ((ORIGIN, 1, ROOT[:31], TIME), "32 bytes"),
    ((ORIGIN, 1, ROOT.hex(), TIME), "32 bytes"),
    ((ORIGIN, 1, ROOT, "2024-05-01 08:00:00"), "timestamp"),
    ((ORIGIN, 1, ROOT, TIME + "\nsize 9"), "timestamp"),
    (("a\nb", 1, ROOT, TIME), "origin"),
])
def test_checkpoints_are_built_only_from_valid_fields(fields, fragment):
    with pytest.raises(CheckpointError, match=fragment):
        Checkpoint(*fields)


def test_sign_and_open(signer):
    cp = Checkpoint(ORIGIN, 12, ROOT, TIME)
    signed = checkpoint.sign(cp, signer)
    assert signed.startswith(cp.body() + "\n\u2014 huiqi.local/audit ")
    assert checkpoint.open(signed, signer.verifier()) == cp
    assert checkpoint.open(signed.encode(), signer.verifier()) == cp


def test_open_refuses_another_key_and_a_changed_checkpoint(signer):
    signed = checkpoint.sign(Checkpoint(ORIGIN, 12, ROOT, TIME), signer)
    other = note.Signer(ORIGIN, bytes(range(5, 37)))
    with pytest.raises(note.NoteError, match="no signature by"):
        checkpoint.open(signed, other.verifier())
    with pytest.raises(note.NoteError, match="does not verify"):
        checkpoint.open(signed.replace("\n12\n", "\n13\n"), signer.verifier())


def test_a_key_signs_only_its_own_origin(signer):
    with pytest.raises(CheckpointError, match="does not sign for the origin 'elsewhere/log'"):
        checkpoint.sign(Checkpoint("elsewhere/log", 1, ROOT, TIME), signer)
    # A note of another origin, signed by our key by other means, is refused on opening.
    stray = signer.sign(Checkpoint("elsewhere/log", 1, ROOT, TIME).body())
    with pytest.raises(CheckpointError, match="line 1: the checkpoint's origin 'elsewhere/log'"):
        checkpoint.open(stray, signer.verifier())


def test_open_refuses_a_signed_text_that_is_no_checkpoint(signer):
    with pytest.raises(CheckpointError, match="line 2 .tree size."):
        checkpoint.open(signer.sign(body(size="007")), signer.verifier())


# --- the log's key ------------------------------------------------------------------------------


@pytest.fixture
def var(tmp_path, monkeypatch):
    monkeypatch.setenv("HUIQI_VAR_DIR", str(tmp_path / "var"))
    for name in (keys.ORIGIN, keys.KEY_FILE, keys.SIGNING_KEY):
        monkeypatch.delenv(name, raising=False)
    return tmp_path / "var"


def test_key_is_made_once_0600_apart_from_the_database_and_reused(var, capsys):
    previous = os.umask(0)  # the mode must come from the open, not from a kind umask
    try:
        made = keys.signer()
    finally:
        os.umask(previous)
    file = var / "keys" / "audit-signing.key"
    assert keys.key_file() == file
    assert stat.S_IMODE(file.stat().st_mode) == 0o600
    assert stat.S_IMODE(file.parent.stat().st_mode) == 0o700
    assert file.read_text() == made.private_key_text() + "\n"
    assert made.name == ORIGIN == keys.origin()
    told = capsys.readouterr()
    assert str(file) in told.err and made.verifier_key() in told.err and told.out == ""
    assert [p.name for p in file.parent.iterdir()] == ["audit-signing.key"]  # no draft left

    again = keys.signer()
    assert again.private_key_text() == made.private_key_text()
    assert capsys.readouterr().err == ""
    assert keys.verifier_key_text() == made.verifier_key()
    signed = checkpoint.sign(Checkpoint(ORIGIN, 1, ROOT, TIME), again)
    assert checkpoint.open(signed, note.Verifier.from_text(keys.verifier_key_text())).size == 1


def test_a_key_already_there_is_never_replaced(var, signer):
    file = var / "keys" / "audit-signing.key"
    file.parent.mkdir(parents=True)
    file.write_text(signer.private_key_text() + "\n")
    file.chmod(0o600)
    keys._make(file, ORIGIN)  # as a second process starting at the same moment would
    assert file.read_text() == signer.private_key_text() + "\n"
    assert keys.signer().public_key == signer.public_key
    assert sorted(p.name for p in file.parent.iterdir()) == ["audit-signing.key"]


def test_the_environment_key_wins(var, monkeypatch, signer):
    keys.signer()  # a key file exists
    monkeypatch.setenv(keys.SIGNING_KEY, signer.private_key_text())
    assert keys.signer().public_key == signer.public_key
    assert keys.verifier_key_text() == signer.verifier_key()


def test_key_file_and_origin_from_the_environment(var, monkeypatch, tmp_path):
    monkeypatch.setenv(keys.KEY_FILE, str(tmp_path / "elsewhere" / "log.key"))
    monkeypatch.setenv(keys.ORIGIN, "audit.example.org/huiqi")
    made = keys.signer()
    assert made.name == "audit.example.org/huiqi"
    assert (tmp_path / "elsewhere" / "log.key").exists()
    assert not (var / "keys").exists()


def test_a_key_of_another_name_is_refused(var, monkeypatch):
    keys.signer()
    monkeypatch.setenv(keys.ORIGIN, "renamed.example/log")
    with pytest.raises(keys.KeyConfigError) as raised:
        keys.signer()
    message = str(raised.value)
    assert str(var / "keys" / "audit-signing.key") in message
    assert "'huiqi.local/audit'" in message and "'renamed.example/log'" in message
    monkeypatch.setenv(keys.SIGNING_KEY, note.Signer("other/log", bytes(32)).private_key_text())
    with pytest.raises(keys.KeyConfigError, match="HUIQI_AUDIT_SIGNING_KEY: the signing key is "
                                                  "named 'other/log'"):
        keys.signer()


def test_bad_key_text_and_origin_are_named(var, monkeypatch):
    monkeypatch.setenv(keys.SIGNING_KEY, "not a key")
    with pytest.raises(keys.KeyConfigError, match="HUIQI_AUDIT_SIGNING_KEY: not a signing key"):
        keys.signer()
    monkeypatch.delenv(keys.SIGNING_KEY)
    monkeypatch.setenv(keys.ORIGIN, "has space/log")
    with pytest.raises(keys.KeyConfigError, match="HUIQI_AUDIT_ORIGIN"):
        keys.signer()


def test_a_key_file_others_can_read_is_reported(var, capsys):
    keys.signer()
    keys.key_file().chmod(0o644)
    capsys.readouterr()
    keys.signer()
    assert "readable by others (mode 0644)" in capsys.readouterr().err
