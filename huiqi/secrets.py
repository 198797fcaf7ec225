"""The stack's secrets on a machine of its own: `huiqi up` makes random ones on its first start,
in `<var>/secrets.env` (mode 0600), and hands them to its children; `huiqi token` signs with the
same file. A secret already in the environment wins, so an operator's own (or a deployment's)
is never replaced; development mode (`HUIQI_DEVELOPMENT=1`) is never entered silently.
"""
from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path

from kernel import identity, settings

NAMES = (identity.JWT_SECRET, identity.INTERNAL_SECRET)


def path() -> Path:
    return settings.var_dir() / "secrets.env"


def read(file: Path | None = None) -> dict[str, str]:
    """The `NAME=value` lines of the secrets file, if there is one."""
    file = file or path()
    if not file.exists():
        return {}
    values = {}
    for line in file.read_text(encoding="utf-8").splitlines():
        name, sep, value = line.strip().partition("=")
        if sep and name in NAMES and value:
            values[name] = value
    return values


def ensure(file: Path | None = None) -> dict[str, str]:
    """The secrets file's values, each secret it lacks made now and written (0600) first."""
    file = file or path()
    values = read(file)
    missing = [name for name in NAMES if name not in values]
    if missing:
        for name in missing:
            values[name] = secrets.token_urlsafe(48)
        file.parent.mkdir(parents=True, exist_ok=True)
        # Created with mode 0600 from the first byte: no moment when others could read it.
        descriptor = os.open(file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as out:
            out.write("# Huiqi's secrets, made by `huiqi up`; keep this file private.\n")
            out.writelines(f"{name}={values[name]}\n" for name in NAMES)
        os.chmod(file, 0o600)
        print(f"huiqi: made {', '.join(missing)} in {file}", file=sys.stderr, flush=True)
    return values


def for_stack() -> dict[str, str]:
    """What `huiqi up` adds to its children's environment: the secrets the environment does not
    already set, from the secrets file (made if need be)."""
    if all(os.environ.get(name) for name in NAMES):
        return {}
    return {name: value for name, value in ensure().items() if not os.environ.get(name)}


def for_token() -> dict[str, str]:
    """What `huiqi token` adds to its environment: the secrets file's, where the environment
    sets none (no file is made: a token no stack would accept is no use)."""
    return {name: value for name, value in read().items() if not os.environ.get(name)}
