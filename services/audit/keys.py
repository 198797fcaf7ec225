"""The log's signing key, kept apart from the database: whoever holds the audit database must not
hold the key that signs its checkpoints.

- `origin()`: the log's name, HUIQI_AUDIT_ORIGIN (default `huiqi.local/audit`); the key bears it.
- `signer()`: the key given in HUIQI_AUDIT_SIGNING_KEY (its `PRIVATE+KEY+…` text) wins; else the
  key file, HUIQI_AUDIT_KEY_FILE (default `<var>/keys/audit-signing.key`); else a new key is made
  on first call and written there, mode 0600 from the first byte, and never replaced afterwards
  (checkpoints already witnessed stay verifiable only with the key that signed them).
- `verifier_key_text()`: the public verifier key, in the signed-note form others pin.

The key file holds the private key text alone, the form Go's golang.org/x/mod/sumdb/note reads.
"""
from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

from kernel import settings
from services.audit import note

ORIGIN = "HUIQI_AUDIT_ORIGIN"
KEY_FILE = "HUIQI_AUDIT_KEY_FILE"
SIGNING_KEY = "HUIQI_AUDIT_SIGNING_KEY"
DEFAULT_ORIGIN = "huiqi.local/audit"


class KeyConfigError(ValueError):
    """A signing key or origin that cannot be used; the message names the setting or the file."""


def origin() -> str:
    name = os.environ.get(ORIGIN) or DEFAULT_ORIGIN
    try:
        return note.check_name(name)
    except note.NoteError as error:
        raise KeyConfigError(f"{ORIGIN}: {error}") from None


def key_file() -> Path:
    given = os.environ.get(KEY_FILE)
    return Path(given) if given else settings.var_dir() / "keys" / "audit-signing.key"


def signer() -> note.Signer:
    """The log's signer: from the environment, else the key file, else made now (and kept)."""
    name = origin()
    given = os.environ.get(SIGNING_KEY)
    if given:
        return _named(_parse(given, SIGNING_KEY), name, SIGNING_KEY)
    file = key_file()
    if not file.exists():
        _make(file, name)
    return _named(_read(file), name, str(file))


def verifier() -> note.Verifier:
    return signer().verifier()


def verifier_key_text() -> str:
    return signer().verifier_key()


def _parse(text: str, where: str) -> note.Signer:
    try:
        return note.Signer.from_private_key(text)
    except note.NoteError as error:
        raise KeyConfigError(f"{where}: not a signing key: {error}") from None


def _named(signer: note.Signer, name: str, where: str) -> note.Signer:
    if signer.name != name:
        raise KeyConfigError(f"{where}: the signing key is named {signer.name!r}, but the log's "
                             f"origin is {name!r} (set {ORIGIN}={signer.name} to use this key, or "
                             "give the key of this origin)")
    return signer


def _read(file: Path) -> note.Signer:
    mode = stat.S_IMODE(file.stat().st_mode)
    if mode & 0o077:
        print(f"huiqi: the audit signing key {file} is readable by others (mode {mode:04o}); "
              "chmod 600 it", file=sys.stderr, flush=True)
    return _parse(file.read_text(encoding="utf-8"), str(file))


def _make(file: Path, name: str) -> None:
    """A new key, written to `file` if no key is there yet; a key some other process wrote first
    is kept (link(2) never replaces a file), so two first starts agree on one key."""
    signer = note.Signer.generate(name)
    file.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    draft = file.with_name(f".{file.name}.{os.getpid()}.new")
    # Created with mode 0600 from the first byte: no moment when others could read it.
    descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as out:
            out.write(signer.private_key_text() + "\n")
            out.flush()
            os.fsync(out.fileno())
        try:
            os.link(draft, file)
        except FileExistsError:
            return
    finally:
        draft.unlink(missing_ok=True)
    _sync_directory(file.parent)
    print(f"huiqi: made the audit signing key {name}+{signer.key_id.hex()} in {file} (keep it "
          f"private and apart from the database); its verifier key is {signer.verifier_key()}",
          file=sys.stderr, flush=True)


def _sync_directory(directory: Path) -> None:
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
