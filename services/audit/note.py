"""Signed notes, as C2SP's signed-note specification (c2sp.org/signed-note) defines them, with
Ed25519 keys: the envelope a checkpoint travels in, so that any transparency-log tool verifies it.

A signed note is a text ending in a newline, a blank line, then one or more signature lines
`— <key name> <base64(key id ‖ signature)>`; the signature is over the text, its final newline
included, the blank line not. The text may hold blank lines of its own: the last blank line of
the note is the one that separates it from the signatures. The whole note is valid UTF-8 with
no ASCII control character other than the newline.

- A key name is non-empty, without Unicode spaces and without '+';
- the key id is the first four bytes of SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key) (0x01 is the
  Ed25519 signature type);
- a verifier key reads `<name>+<hex key id>+<base64(0x01 ‖ public key)>`, and a private key, in
  the form Go's golang.org/x/mod/sumdb/note reads and writes it,
  `PRIVATE+KEY+<name>+<hex key id>+<base64(0x01 ‖ seed)>`.

Opening a note takes the one key it is checked against: signatures by other keys are left alone
(a note may be cosigned by witnesses), every signature that names this key must verify, and at
least one must be there. Plain Python, no I/O.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import re
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

KEY_TYPE_ED25519 = 0x01
KEY_ID_SIZE = 4
PUBLIC_KEY_SIZE = 32
SEED_SIZE = 32
SIGNATURE_SIZE = 64
# The spec asks verifiers to accept at least 16; Go's implementation refuses beyond 100.
MAX_SIGNATURES = 100
SIGNATURE_PREFIX = "\u2014 "  # em dash, space
PRIVATE_KEY_PREFIX = "PRIVATE+KEY+"

_HEX_KEY_ID = re.compile(r"[0-9a-fA-F]{8}")
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f]")


class NoteError(ValueError):
    """A note, a key or a signature that does not hold; the message says which rule it breaks."""


def check_name(name: str) -> str:
    """The key name itself, if the spec allows it: non-empty, no Unicode space, no '+'."""
    if not isinstance(name, str) or not name:
        raise NoteError("a key name must be a non-empty string")
    for char in name:
        if char.isspace() or char == "+" or ord(char) < 0x20:
            raise NoteError(f"key name {name!r} holds {char!r}: a key name has no spaces, "
                            "no '+' and no control characters")
    _utf8(name, "key name")
    return name


def key_id(name: str, public_key: bytes) -> bytes:
    """SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key)[:4], the id the spec recommends for Ed25519 keys."""
    check_name(name)
    if len(public_key) != PUBLIC_KEY_SIZE:
        raise NoteError(f"an Ed25519 public key has {PUBLIC_KEY_SIZE} bytes, not {len(public_key)}")
    digest = hashlib.sha256(name.encode("utf-8") + b"\n" + bytes([KEY_TYPE_ED25519]) + public_key)
    return digest.digest()[:KEY_ID_SIZE]


def verifier_key(name: str, public_key: bytes) -> str:
    """The verifier key text `<name>+<hex key id>+<base64(0x01 ‖ public key)>`."""
    encoded = base64.b64encode(bytes([KEY_TYPE_ED25519]) + public_key).decode("ascii")
    return f"{name}+{key_id(name, public_key).hex()}+{encoded}"


class Signer:
    """An Ed25519 signing key with its name. Its text form (`private_key_text`) is a secret."""

    def __init__(self, name: str, private_seed: bytes):
        check_name(name)
        if len(private_seed) != SEED_SIZE:
            raise NoteError(f"an Ed25519 private key seed has {SEED_SIZE} bytes, "
                            f"not {len(private_seed)}")
        self.name = name
        self._seed = bytes(private_seed)
        self._key = Ed25519PrivateKey.from_private_bytes(self._seed)
        self.public_key = self._key.public_key().public_bytes_raw()
        self.key_id = key_id(name, self.public_key)

    @classmethod
    def generate(cls, name: str) -> Signer:
        return cls(name, Ed25519PrivateKey.generate().private_bytes_raw())

    @classmethod
    def from_private_key(cls, text: str) -> Signer:
        """The signer of a `PRIVATE+KEY+<name>+<hex id>+<base64(0x01 ‖ seed)>` text (surrounding
        whitespace, such as a key file's final newline, is ignored)."""
        text = text.strip()
        if not text.startswith(PRIVATE_KEY_PREFIX):
            raise NoteError("a private key starts with 'PRIVATE+KEY+'")
        # The name holds no '+' and the hex id none either; the base64 may.
        parts = text[len(PRIVATE_KEY_PREFIX):].split("+", 2)
        if len(parts) != 3:
            raise NoteError("a private key reads PRIVATE+KEY+<name>+<hex key id>+<base64 key>")
        name, hex_id, encoded = parts
        check_name(name)
        claimed = _parse_hex_id(hex_id, "private key")
        seed = _key_material(encoded, SEED_SIZE, "private key")
        signer = cls(name, seed)
        if signer.key_id != claimed:
            raise NoteError(f"the private key's id {hex_id} is not the id of its own key "
                            f"({signer.key_id.hex()}): the key text is damaged")
        return signer

    def private_key_text(self) -> str:
        encoded = base64.b64encode(bytes([KEY_TYPE_ED25519]) + self._seed).decode("ascii")
        return f"{PRIVATE_KEY_PREFIX}{self.name}+{self.key_id.hex()}+{encoded}"

    def verifier_key(self) -> str:
        return verifier_key(self.name, self.public_key)

    def verifier(self) -> Verifier:
        return Verifier(self.name, self.public_key)

    def signature_line(self, text: str) -> str:
        """`— <name> <base64(key id ‖ signature)>` and its newline, for `text` as it stands."""
        raw = _note_text_bytes(text)
        signature = self._key.sign(raw)
        encoded = base64.b64encode(self.key_id + signature).decode("ascii")
        return f"{SIGNATURE_PREFIX}{self.name} {encoded}\n"

    def sign(self, text: str) -> str:
        """The signed note: `text` (ending in a newline), a blank line, this key's signature."""
        return f"{text}\n{self.signature_line(text)}"

    def __repr__(self) -> str:  # never the seed
        return f"Signer({self.name}+{self.key_id.hex()})"


class Verifier:
    """An Ed25519 public key with its name: what checks a note's signature."""

    def __init__(self, name: str, public_key: bytes):
        self.name = check_name(name)
        self.public_key = bytes(public_key)
        self.key_id = key_id(name, self.public_key)
        self._key = Ed25519PublicKey.from_public_bytes(self.public_key)

    @classmethod
    def from_text(cls, vkey: str) -> Verifier:
        """The verifier of a `<name>+<hex key id>+<base64(0x01 ‖ public key)>` text."""
        parts = vkey.strip().split("+", 2)
        if len(parts) != 3:
            raise NoteError("a verifier key reads <name>+<hex key id>+<base64 key>")
        name, hex_id, encoded = parts
        check_name(name)
        claimed = _parse_hex_id(hex_id, "verifier key")
        verifier = cls(name, _key_material(encoded, PUBLIC_KEY_SIZE, "verifier key"))
        if verifier.key_id != claimed:
            raise NoteError(f"the verifier key's id {hex_id} is not the id of its name and key "
                            f"({verifier.key_id.hex()})")
        return verifier

    def text(self) -> str:
        return verifier_key(self.name, self.public_key)

    def verify(self, text: bytes, signature: bytes) -> bool:
        """Whether `signature` (the bytes after the key id) is this key's over `text`."""
        try:
            self._key.verify(signature, text)
        except InvalidSignature:
            return False
        return True

    def __repr__(self) -> str:
        return f"Verifier({self.name}+{self.key_id.hex()})"


@dataclass(frozen=True)
class Signature:
    """One signature line of a note, not yet checked."""
    line: int  # its line number in the note, from 1
    name: str
    key_id: bytes
    signature: bytes


def parse(note: str | bytes) -> tuple[str, list[Signature]]:
    """A note's text and its signature lines, checked for form only (no signature is verified)."""
    if isinstance(note, bytes):
        try:
            note = note.decode("utf-8")
        except UnicodeDecodeError as error:
            raise NoteError(f"the note is not valid UTF-8 (byte {error.start})") from None
    _utf8(note, "note")
    _no_control_characters(note, "note")
    split = note.rfind("\n\n")
    if split < 0:
        raise NoteError("the note has no blank line before its signatures")
    text, block = note[:split + 1], note[split + 2:]
    if not block:
        raise NoteError("the note has no signature line after its last blank line")
    if not block.endswith("\n"):
        raise NoteError("the note's last signature line does not end in a newline")
    first_line = text.count("\n") + 2
    lines = block[:-1].split("\n")
    if len(lines) > MAX_SIGNATURES:
        raise NoteError(f"the note has {len(lines)} signatures; at most {MAX_SIGNATURES} are read")
    return text, [_signature(line, number) for number, line in enumerate(lines, first_line)]


def open_note(note: str | bytes, verifier: Verifier) -> str:
    """The note's text, once a signature by `verifier`'s key is found and holds.

    Raises NoteError when the note is malformed, when no signature names this key (name and key
    id), or when one that names it does not verify — a note with a bad signature by a key we
    trust is refused whole, whatever else it carries.
    """
    text, signatures = parse(note)
    raw = text.encode("utf-8")
    ours = [s for s in signatures if s.name == verifier.name and s.key_id == verifier.key_id]
    if not ours:
        others = ", ".join(f"{s.name}+{s.key_id.hex()}" for s in signatures)
        raise NoteError(f"the note has no signature by {verifier.name}+{verifier.key_id.hex()} "
                        f"(it is signed by {others})")
    for signature in ours:
        if not verifier.verify(raw, signature.signature):
            raise NoteError(f"the signature on line {signature.line} by {verifier.name}+"
                            f"{verifier.key_id.hex()} does not verify: the note was changed "
                            "after it was signed, or not signed by this key")
    return text


def decode_base64(text: str) -> bytes:
    """The bytes of `text` in standard base64 (RFC 4648 §4), padded, in its one spelling.

    Decoders commonly let the unused low bits of the last character vary; refusing that keeps a
    note byte for byte what its signer wrote, so that a changed byte is never an accepted one.
    Raises ValueError whose message follows the name of what was decoded ("… is not …").
    """
    try:
        raw = base64.b64decode(text.encode("ascii"), validate=True)
    except (UnicodeEncodeError, binascii.Error):
        raise ValueError("is not standard base64") from None
    if base64.b64encode(raw).decode("ascii") != text:
        raise ValueError("is not in canonical base64 (its unused bits are not zero)")
    return raw


def _signature(line: str, number: int) -> Signature:
    if not line.startswith(SIGNATURE_PREFIX):
        raise NoteError(f"line {number} of the note is not a signature line "
                        "('\u2014 <key name> <base64 signature>')")
    name, space, encoded = line[len(SIGNATURE_PREFIX):].partition(" ")
    if not space:
        raise NoteError(f"line {number}: a signature line has a key name, a space, then the "
                        "base64 signature")
    try:
        check_name(name)
    except NoteError as error:
        raise NoteError(f"line {number}: {error}") from None
    try:
        raw = decode_base64(encoded)
    except ValueError as error:
        raise NoteError(f"line {number}: the signature {error}") from None
    if len(raw) <= KEY_ID_SIZE:
        raise NoteError(f"line {number}: the signature has {len(raw)} bytes, too few for a key "
                        "id and a signature")
    return Signature(number, name, raw[:KEY_ID_SIZE], raw[KEY_ID_SIZE:])


def _note_text_bytes(text: str) -> bytes:
    """The text to sign, as bytes, if a note may carry it."""
    if not isinstance(text, str) or not text.endswith("\n"):
        raise NoteError("a note's text must end in a newline")
    raw = _utf8(text, "note text")
    _no_control_characters(text, "note text")
    return raw


def _no_control_characters(text: str, what: str) -> None:
    found = _CONTROL.search(text)
    if found:
        line = text.count("\n", 0, found.start()) + 1
        raise NoteError(f"line {line} of the {what} holds the control character "
                        f"{found.group()!r}: a note holds none but the newline")


def _utf8(text: str, what: str) -> bytes:
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError as error:
        raise NoteError(f"the {what} is not valid UTF-8 (character {error.start} is a lone "
                        "surrogate)") from None


def _parse_hex_id(text: str, what: str) -> bytes:
    if not _HEX_KEY_ID.fullmatch(text):
        raise NoteError(f"the {what}'s key id {text!r} is not 8 hexadecimal digits")
    return bytes.fromhex(text)


def _key_material(encoded: str, size: int, what: str) -> bytes:
    try:
        raw = decode_base64(encoded)
    except ValueError as error:
        raise NoteError(f"the {what}'s key {error}") from None
    if not raw:
        raise NoteError(f"the {what}'s key is empty")
    if raw[0] != KEY_TYPE_ED25519:
        raise NoteError(f"the {what} is of signature type {raw[0]:#04x}; only Ed25519 (0x01) "
                        "is known")
    if len(raw) != 1 + size:
        raise NoteError(f"the {what}'s Ed25519 key has {len(raw) - 1} bytes, not {size}")
    return raw[1:]
