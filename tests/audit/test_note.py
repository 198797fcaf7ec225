"""Signed notes follow C2SP's signed-note specification: the published examples verify and are
reproduced byte for byte, the key id is the spec's hash (computed here with hashlib alone), any
changed, dropped or added byte of a signed note is refused, other keys' signatures are left
alone but a bad one by our key is not, and every malformed line is named."""
import base64
import hashlib

import pytest

from services.audit import note
from services.audit.note import NoteError, Signer, Verifier, open_note

# Published vectors. Go's golang.org/x/mod/sumdb/note documentation example: its private key,
# verifier key and signed note.
GO_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
GO_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
GO_TEXT = ("If you think cryptography is the answer to your problem,\n"
           "then you don't know what your problem is.\n")
GO_NOTE = GO_TEXT + ("\n\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1"
                     "FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n")
# c2sp.org/signed-note's example verifier key and the note it verifies.
C2SP_VKEY = "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k"
C2SP_NOTE = ("This is an example message.\n\n\u2014 example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1Y"
             "Eq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n")

TEXT = "huiqi.local/audit\n3\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\ntimestamp 2024-05-01T08:00:00.000000Z\n"


@pytest.fixture(scope="module")
def signer():
    return Signer(name="huiqi.local/audit", private_seed=bytes(range(32)))


@pytest.fixture(scope="module")
def other():
    return Signer(name="witness.example/w1", private_seed=bytes(range(1, 33)))


# --- the published vectors -------------------------------------------------------------------


def test_go_example_verifies_and_is_reproduced_byte_for_byte():
    verifier = Verifier.from_text(GO_VKEY)
    assert open_note(GO_NOTE, verifier) == GO_TEXT
    # Ed25519 is deterministic: the same key over the same text gives the published note.
    assert Signer.from_private_key(GO_SKEY).sign(GO_TEXT) == GO_NOTE


def test_c2sp_example_verifies():
    assert open_note(C2SP_NOTE, Verifier.from_text(C2SP_VKEY)) == "This is an example message.\n"


def test_key_id_is_the_spec_hash_computed_by_hand():
    public = base64.b64decode(GO_VKEY.split("+")[2])[1:]
    by_hand = hashlib.sha256(b"PeterNeumann" + b"\x0a" + b"\x01" + public).digest()[:4]
    assert by_hand.hex() == "c74f20a3"
    assert note.key_id("PeterNeumann", public) == by_hand
    signer = Signer.from_private_key(GO_SKEY)
    assert signer.public_key == public and signer.key_id == by_hand
    assert signer.verifier_key() == GO_VKEY
    assert note.verifier_key("PeterNeumann", public) == GO_VKEY


def test_signature_is_key_id_then_ed25519_over_the_text(signer):
    signed = signer.sign(TEXT)
    assert signed.startswith(TEXT + "\n\u2014 huiqi.local/audit ")
    assert signed.count("\n") == TEXT.count("\n") + 2
    raw = base64.b64decode(signed.rsplit(" ", 1)[1])
    assert len(raw) == 4 + 64
    expected_id = hashlib.sha256(b"huiqi.local/audit\n\x01" + signer.public_key).digest()[:4]
    assert raw[:4] == expected_id
    assert signer.verifier().verify(TEXT.encode(), raw[4:])
    assert not signer.verifier().verify(TEXT.encode() + b"x", raw[4:])


# --- keys in text -----------------------------------------------------------------------------


def test_private_and_verifier_key_texts_round_trip(signer):
    text = signer.private_key_text()
    assert text.startswith(f"PRIVATE+KEY+huiqi.local/audit+{signer.key_id.hex()}+")
    again = Signer.from_private_key(text + "\n")  # a key file's final newline is no matter
    assert again.public_key == signer.public_key and again.key_id == signer.key_id
    verifier = Verifier.from_text(signer.verifier_key())
    assert (verifier.name, verifier.key_id, verifier.public_key) == \
        ("huiqi.local/audit", signer.key_id, signer.public_key)
    assert verifier.text() == signer.verifier_key()
    assert "PRIVATE" not in repr(signer) and base64.b64encode(bytes(range(32))).decode() not in \
        repr(signer)


def test_generated_keys_differ_and_sign():
    first, second = Signer.generate("a.example/log"), Signer.generate("a.example/log")
    assert first.public_key != second.public_key
    assert open_note(first.sign("hello\n"), first.verifier()) == "hello\n"


@pytest.mark.parametrize("text, fragment", [
    ("huiqi.local/audit+00000000+AQ==", "has 0 bytes, not 32"),
    ("huiqi.local/audit+c74f20a3", "<name>+<hex key id>+<base64 key>"),
    ("huiqi.local/audit+c74f20a+" + "A" * 44, "not 8 hexadecimal digits"),
    ("huiqi.local/audit+c74f20a3+not base64!", "not standard base64"),
    ("huiqi.local/audit+c74f20a3+" + base64.b64encode(b"\x02" + bytes(32)).decode(),
     "signature type 0x02"),
    ("huiqi.local/audit+c74f20a3+" + base64.b64encode(b"\x01" + bytes(31)).decode(),
     "has 31 bytes"),
    ("PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", "is not the id"),
    ("Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", "no spaces"),
    ("+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", "non-empty"),
])
def test_bad_verifier_keys_are_refused(text, fragment):
    with pytest.raises(NoteError) as raised:
        Verifier.from_text(text)
    assert fragment in str(raised.value)


@pytest.mark.parametrize("text, fragment", [
    ("PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz", "starts with"),
    ("PRIVATE+KEY+PeterNeumann+c74f20a4+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz",
     "is not the id of its own key"),
    ("PRIVATE+KEY+PeterNeumann+c74f20a3+AoEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz",
     "signature type 0x02"),
    ("PRIVATE+KEY+PeterNeumann+c74f20a3", "PRIVATE+KEY+<name>"),
])
def test_bad_private_keys_are_refused(text, fragment):
    with pytest.raises(NoteError) as raised:
        Signer.from_private_key(text)
    assert fragment in str(raised.value)


@pytest.mark.parametrize("name", ["", "has space", "has+plus", "tab\there", "nbsp\u00a0",
                                  "ideographic\u3000space", "line\u2028sep"])
def test_key_names_without_spaces_or_plus(name):
    with pytest.raises(NoteError):
        Signer(name, bytes(32))


# --- signing and opening ----------------------------------------------------------------------


def test_text_must_end_in_newline_and_hold_no_control_character(signer):
    with pytest.raises(NoteError, match="end in a newline"):
        signer.sign("no newline")
    with pytest.raises(NoteError, match="control character"):
        signer.sign("a\tb\n")
    with pytest.raises(NoteError, match="control character"):
        signer.sign("a\r\n")
    with pytest.raises(NoteError, match="UTF-8"):
        signer.sign("lone \udc80 surrogate\n")


def test_text_may_hold_blank_lines_the_last_one_separates(signer):
    text = "first\n\nthird, after a blank line\n\n"
    assert open_note(signer.sign(text), signer.verifier()) == text


def test_round_trip_of_non_ascii_text(signer):
    text = "会期 — 审计\n"
    signed = signer.sign(text)
    assert open_note(signed, signer.verifier()) == text
    assert open_note(signed.encode("utf-8"), signer.verifier()) == text


def test_every_changed_dropped_or_added_byte_is_refused(signer):
    signed = signer.sign(TEXT).encode("utf-8")
    verifier = signer.verifier()
    assert open_note(signed, verifier) == TEXT
    for index in range(len(signed)):
        for changed in (signed[index] ^ 0x01, signed[index] ^ 0x20, signed[index] ^ 0x80):
            tampered = signed[:index] + bytes([changed]) + signed[index + 1:]
            with pytest.raises(NoteError):
                open_note(tampered, verifier)
        with pytest.raises(NoteError):
            open_note(signed[:index] + signed[index + 1:], verifier)
        with pytest.raises(NoteError):
            open_note(signed[:index] + b"x" + signed[index:], verifier)


def test_wrong_key_is_refused_naming_the_key(signer, other):
    signed = signer.sign(TEXT)
    with pytest.raises(NoteError, match=f"no signature by witness.example/w1\\+{other.key_id.hex()}"):
        open_note(signed, other.verifier())
    # Same name, another key: its id differs, so this is not its signature either.
    impostor = Signer("huiqi.local/audit", bytes(range(2, 34)))
    with pytest.raises(NoteError, match="no signature by huiqi.local/audit"):
        open_note(signed, impostor.verifier())


def test_a_forged_signature_under_our_key_id_is_a_bad_signature(signer):
    impostor = Signer("huiqi.local/audit", bytes(range(2, 34)))
    forged_raw = signer.key_id + base64.b64decode(impostor.sign(TEXT).rsplit(" ", 1)[1])[4:]
    forged = TEXT + f"\n\u2014 huiqi.local/audit {base64.b64encode(forged_raw).decode()}\n"
    with pytest.raises(NoteError, match="line 6 .* does not verify"):
        open_note(forged, signer.verifier())


def test_two_signatures_each_key_finds_its_own(signer, other):
    cosigned = signer.sign(TEXT) + other.signature_line(TEXT)
    assert open_note(cosigned, signer.verifier()) == TEXT
    assert open_note(cosigned, other.verifier()) == TEXT
    third = Signer("third.example/x", bytes(range(3, 35)))
    with pytest.raises(NoteError) as raised:
        open_note(cosigned, third.verifier())
    assert "huiqi.local/audit" in str(raised.value) and "witness.example/w1" in str(raised.value)


def test_another_keys_bad_signature_is_left_alone_but_ours_is_not(signer, other):
    bad_other = other.signature_line("some other text\n")
    cosigned = signer.sign(TEXT) + bad_other
    assert open_note(cosigned, signer.verifier()) == TEXT  # unknown keys are ignored (spec)
    with pytest.raises(NoteError, match="does not verify"):
        open_note(cosigned, other.verifier())
    # A second line by our own key that does not verify spoils the note, even after a good one.
    twice = signer.sign(TEXT) + signer.signature_line("not the text\n")
    with pytest.raises(NoteError, match="line 7 .* does not verify"):
        open_note(twice, signer.verifier())


@pytest.mark.parametrize("mangle, fragment", [
    (lambda s: s.replace("\n\n", "\n"), "no blank line"),
    (lambda s: s.split("\n\u2014")[0] + "\n\n", "no signature line"),
    (lambda s: s[:-1], "does not end in a newline"),
    (lambda s: s.replace("\u2014 ", "-- "), "line 6 of the note is not a signature line"),
    (lambda s: s.replace("\u2014 ", "\u2014"), "line 6 of the note is not a signature line"),
    (lambda s: s.replace("\u2014 huiqi.local/audit ", "\u2014 huiqi.local/audit"),
     "line 6: a signature line has a key name, a space"),
    (lambda s: s.replace("\u2014 huiqi.local/audit ", "\u2014 huiqi+local/audit "), "line 6: key"),
    (lambda s: s.replace("\u2014 huiqi.local/audit ", "\u2014  "), "line 6: a key name"),
    (lambda s: s[:-3] + "!=\n", "not standard base64"),
    (lambda s: s.rsplit(" ", 1)[0] + " AAAAAA==\n", "too few"),
    (lambda s: s.rsplit(" ", 1)[0] + " \n", "too few"),
    (lambda s: s.replace("\n3\n", "\n3\r\n"), "line 2 of the note holds the control character"),
    (lambda s: s + "trailing\n", "line 7 of the note is not a signature line"),
])
def test_malformed_notes_are_refused_naming_the_line(signer, mangle, fragment):
    with pytest.raises(NoteError) as raised:
        open_note(mangle(signer.sign(TEXT)), signer.verifier())
    assert fragment in str(raised.value)


def test_non_canonical_base64_in_a_signature_is_refused(signer):
    signed = signer.sign(TEXT)
    encoded = signed.rsplit(" ", 1)[1].rstrip("\n")
    assert encoded.endswith("=") and not encoded.endswith("==")  # 68 bytes: two unused bits
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    last = alphabet.index(encoded[-2])
    sloppy = encoded[:-2] + alphabet[last | 1] + "="  # same bytes to a lenient decoder
    assert base64.b64decode(sloppy) == base64.b64decode(encoded) and sloppy != encoded
    with pytest.raises(NoteError, match="canonical"):
        open_note(signed.replace(encoded, sloppy), signer.verifier())


def test_invalid_utf8_is_refused(signer):
    signed = signer.sign(TEXT).encode("utf-8")
    with pytest.raises(NoteError, match="not valid UTF-8"):
        open_note(signed.replace(b"audit\n3", b"audit\xff\n3"), signer.verifier())


def test_more_than_a_hundred_signatures_are_refused(signer):
    line = signer.signature_line(TEXT)
    assert open_note(signer.sign(TEXT) + line * 99, signer.verifier()) == TEXT
    with pytest.raises(NoteError, match="101 signatures"):
        open_note(signer.sign(TEXT) + line * 100, signer.verifier())


def test_parse_reads_every_signature_without_verifying(signer, other):
    text, signatures = note.parse(signer.sign(TEXT) + other.signature_line("x\n"))
    assert text == TEXT
    assert [(s.line, s.name, s.key_id) for s in signatures] == [
        (6, "huiqi.local/audit", signer.key_id), (7, "witness.example/w1", other.key_id)]
    assert all(len(s.signature) == 64 for s in signatures)
