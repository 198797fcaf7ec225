"""`huiqi verify`: the ledger's offline verifier. It needs the log's public key and the files, no
database and no network, and trusts neither: sizes and roots come from the signed checkpoint.

- `huiqi verify entry --key K --checkpoint C --entry E.json --proof P.json`: one entry (as
  GET /api/v1/audit/entries/{seq} answers it) is in the tree the checkpoint signs, by its
  inclusion proof (as GET /api/v1/audit/proofs/inclusion?seq=&size= answers it);
- `huiqi verify consistency --key K --old C1 --new C2 --proof P.json`: the later checkpoint's
  tree extends the earlier's (GET /api/v1/audit/proofs/consistency?from=&to=): nothing was
  rewritten between them;
- `huiqi verify ledger --key K --checkpoint C [--checkpoint C2 …] --ledger FILE.jsonl`: a whole
  exported ledger (`huiqi export-ledger`) holds as a chain, and its tree at each checkpoint's
  size is the one the checkpoint signs;
- `huiqi verify bundle FILE [--key K]`: an evidence bundle (services.audit.evidence).

K is the verifier key text (`<name>+<hex id>+<base64 key>`, GET /api/v1/audit/key) or a file
holding it. Each check names what fails (the file, the seq, the rule) and exits 1; one that holds
prints what it proved and exits 0. A file that cannot be read exits 2.

Imported for argparse on every `huiqi` call: everything else is imported when it runs.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

KEY_HELP = "the log's verifier key (<name>+<hex id>+<base64 key>), or a file holding it"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    checks = parser.add_subparsers(dest="check", required=True, metavar="CHECK")
    entry = checks.add_parser("entry",
                              help="one entry against a checkpoint, by its inclusion proof")
    entry.add_argument("--key", required=True, help=KEY_HELP)
    entry.add_argument("--checkpoint", required=True, type=Path, help="the signed checkpoint")
    entry.add_argument("--entry", required=True, type=Path, help="the entry, as JSON")
    entry.add_argument("--proof", required=True, type=Path, help="its inclusion proof, as JSON")
    consistency = checks.add_parser(
        "consistency", help="a later checkpoint extends an earlier one, by a consistency proof")
    consistency.add_argument("--key", required=True, help=KEY_HELP)
    consistency.add_argument("--old", required=True, type=Path, help="the earlier checkpoint")
    consistency.add_argument("--new", required=True, type=Path, help="the later checkpoint")
    consistency.add_argument("--proof", required=True, type=Path,
                             help="the consistency proof, as JSON")
    ledger = checks.add_parser("ledger", help="a whole exported ledger against checkpoints")
    ledger.add_argument("--key", required=True, help=KEY_HELP)
    ledger.add_argument("--checkpoint", required=True, type=Path, action="append",
                        help="a signed checkpoint (repeat it for several)")
    ledger.add_argument("--ledger", required=True, type=Path,
                        help="the ledger as JSON lines (huiqi export-ledger)")
    ledger.add_argument("--quiet", action="store_true", help="no progress bar")
    bundle = checks.add_parser("bundle", help="an evidence bundle")
    bundle.add_argument("file", type=Path, help="the bundle")
    bundle.add_argument("--key", help=KEY_HELP + "; without it, the key the bundle carries "
                                                 "(which proves nothing about who signed)")


class Failed(Exception):
    """What does not verify: the message names it."""


class Unreadable(Exception):
    """A file or key that cannot be read at all."""


def run(args: argparse.Namespace) -> int:
    check = {"entry": verify_entry, "consistency": verify_consistency,
             "ledger": verify_ledger, "bundle": verify_bundle}[args.check]
    try:
        print(check(args))
    except Failed as failed:
        print(f"huiqi verify {args.check}: FAILED: {failed}", file=sys.stderr)
        return 1
    except Unreadable as unreadable:
        print(f"huiqi verify {args.check}: {unreadable}", file=sys.stderr)
        return 2
    return 0


# ---------------------------------------------------------------------------------------------
# Reading the inputs.


def read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise Unreadable(f"cannot read {path}: {error.strerror or error}") from None


def read_json(path: Path):
    import json
    try:
        return json.loads(read_bytes(path).decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise Failed(f"{path} is not JSON: {error or 'nested too deep'}") from None


def verifier_of(key: str):
    """The verifier of `key`: a file holding the key text, or the text itself."""
    from services.audit import note
    path = Path(key)
    try:
        text = path.read_text(encoding="utf-8") if path.is_file() else key
    except (OSError, UnicodeDecodeError) as error:
        raise Unreadable(f"--key: cannot read {path}: {error}") from None
    try:
        return note.Verifier.from_text(text)
    except note.NoteError as error:
        where = f"the file {path}" if path.is_file() else "--key"
        raise Failed(f"{where} holds no verifier key: {error}") from None


def checkpoint_of(path: Path, verifier):
    """The checkpoint a file holds, once its signature by `verifier` holds."""
    from services.audit import checkpoint, note
    try:
        return checkpoint.open(read_bytes(path), verifier)
    except (note.NoteError, checkpoint.CheckpointError) as error:
        raise Failed(f"checkpoint {path}: {error}") from None


def key_named(verifier) -> str:
    return f"{verifier.name}+{verifier.key_id.hex()}"


def proof_hashes(data, path: Path, sizes: dict[str, int], roots: dict[str, bytes]) -> list[bytes]:
    """The hashes (`proof`) of a proof document as the audit service answers it
    (services.audit.contract.InclusionProof, ConsistencyProof), once the sizes it names agree
    with the signed checkpoints (`sizes`: field -> the checkpoint's): a proof for another size
    proves nothing here. The hashes it may carry besides (roots, the leaf hash) are the log's
    word only and prove nothing; where they differ from what they must be (`roots`), that is
    named."""
    import base64
    import binascii

    from services.audit import evidence
    if not isinstance(data, dict):
        raise Failed(f"proof {path}: not a JSON object")
    for name, expected in sizes.items():
        given = data.get(name)
        if type(given) is not int:
            raise Failed(f"proof {path}: {name} is not a whole number")
        if given != expected:
            raise Failed(f"proof {path}: it is for {name}={given}, but the checkpoint gives "
                         f"{expected}: ask for the proof at {expected}")
    for name, signed in roots.items():
        given = data.get(name)
        if given is None:
            continue
        try:
            stated = base64.b64decode(str(given), validate=True)
        except binascii.Error:
            raise Failed(f"proof {path}: {name} is not base64") from None
        if stated != signed:
            why = ("the proof is for another entry than this one" if name == "leaf_hash" else
                   "the log's tree at that size is not the one it signed")
            raise Failed(f"proof {path}: it gives {name} {given}, where it should be "
                         f"{base64.b64encode(signed).decode('ascii')}: {why}")
    hashes = evidence.decode_hashes(data.get("proof"))
    if isinstance(hashes, str):
        raise Failed(f"proof {path}: proof: {hashes}")
    return hashes


# ---------------------------------------------------------------------------------------------
# The checks.


def verify_entry(args) -> str:
    from services.audit import evidence, merkle
    verifier = verifier_of(args.key)
    cp = checkpoint_of(args.checkpoint, verifier)
    entry = read_json(args.entry)
    problem = evidence.shape_problem(entry)
    if problem is not None:
        raise Failed(f"entry {args.entry}: {problem}")
    seq = entry["seq"]
    reason = evidence.entry_fault(entry)
    if reason is not None:
        raise Failed(f"entry seq {seq}: {reason}")
    if not 1 <= seq <= cp.size:
        raise Failed(f"entry seq {seq} is not in the checkpoint's tree of size {cp.size}")
    leaf = merkle.leaf_hash(bytes.fromhex(entry["hash"]))
    proof = read_json(args.proof)
    hashes = proof_hashes(proof, args.proof, {"seq": seq, "size": cp.size},
                          {"root": cp.root, "leaf_hash": leaf})
    if not merkle.verify_inclusion(seq - 1, cp.size, leaf, hashes, cp.root):
        raise Failed(f"entry seq {seq}: the inclusion proof does not lead to the root of the "
                     f"checkpoint of size {cp.size} made at {cp.timestamp}: the entry is not the "
                     f"one the signed tree holds at seq {seq}")
    return (f"entry seq {seq} ({entry['type']} of {entry['stream_type']} {entry['stream_id']}, "
            f"occurred at {entry['occurred_at']}) holds its own hash and is in the ledger "
            f"{cp.origin}: leaf {seq - 1} of the tree of size {cp.size} whose root the checkpoint "
            f"made at {cp.timestamp} signs, by key {key_named(verifier)}")


def verify_consistency(args) -> str:
    from services.audit import merkle
    verifier = verifier_of(args.key)
    old = checkpoint_of(args.old, verifier)
    new = checkpoint_of(args.new, verifier)
    if old.size > new.size:
        raise Failed(f"the old checkpoint ({args.old}) has size {old.size}, more than the new "
                     f"one's {new.size}: the log shrank, or --old and --new are swapped")
    hashes = proof_hashes(read_json(args.proof), args.proof,
                          {"from": old.size, "to": new.size},
                          {"from_root": old.root, "to_root": new.root})
    if not merkle.verify_consistency(old.size, new.size, old.root, new.root, hashes):
        raise Failed(f"the tree of size {new.size} (checkpoint made at {new.timestamp}) does not "
                     f"extend the tree of size {old.size} (made at {old.timestamp}) by this "
                     "proof: entries 1.."
                     f"{old.size} were rewritten between them, or the proof is not theirs")
    return (f"the ledger {new.origin} only grew: its tree of size {new.size} (checkpoint made at "
            f"{new.timestamp}) extends its tree of size {old.size} (made at {old.timestamp}), "
            f"both signed by key {key_named(verifier)}")


def verify_ledger(args) -> str:
    from services.audit import chain, merkle
    verifier = verifier_of(args.key)
    signed = sorted((checkpoint_of(path, verifier) for path in args.checkpoint),
                    key=lambda cp: (cp.size, cp.timestamp))
    wanted = {cp.size for cp in signed}
    roots = {0: merkle.EMPTY_ROOT} if 0 in wanted else {}
    frontier = merkle.Frontier()
    rows = _ledger_rows(args.ledger, frontier, wanted, roots, quiet=args.quiet)
    verdict = chain.verify_rows(rows)
    if not verdict.ok:
        raise Failed(f"ledger {args.ledger}: seq {verdict.first_bad_seq}: {verdict.reason} "
                     f"(the {verdict.entries} entries before it hold)")
    held = None  # the largest checkpoint that holds so far
    for cp in signed:
        what = f"the checkpoint of size {cp.size} made at {cp.timestamp}"
        since = (f" (the last that holds is size {held.size}, made at {held.timestamp})"
                 if held else "")
        if cp.size > verdict.entries:
            raise Failed(f"ledger {args.ledger}: it holds {verdict.entries} entries, {what} has "
                         f"{cp.size}: seq {verdict.entries + 1}..{cp.size} are gone{since}")
        if roots[cp.size] != cp.root:
            first = held.size + 1 if held else 1
            raise Failed(f"ledger {args.ledger}: the entries seq {first}..{cp.size} differ from "
                         f"{what}: their tree hash is {roots[cp.size].hex()}, the signed one "
                         f"{cp.root.hex()}; the chain holds, so the ledger was rewritten and "
                         f"re-chained{since}")
        held = cp
    newest = signed[-1]
    beyond = (f"; seq {newest.size + 1}..{verdict.entries} hold as a chain but no checkpoint "
              "given covers them" if verdict.entries > newest.size else "")
    return (f"the ledger {args.ledger} holds {verdict.entries} entries, chained from seq 1 to "
            f"{verdict.entries} (head hash {verdict.head_hash}); its tree matches the "
            f"checkpoint{'s' if len(signed) > 1 else ''} of "
            + ", ".join(f"size {cp.size} made at {cp.timestamp}" for cp in signed)
            + f", signed by key {key_named(verifier)}{beyond}")


def _ledger_rows(path: Path, frontier, wanted: set[int], roots: dict, *, quiet: bool):
    """The ledger file's entries as rows (chain.FIELDS order), each appended to `frontier` as it
    passes, the tree hash kept at each size in `wanted`."""
    import orjson
    from tqdm import tqdm

    from services.audit import chain, evidence, merkle
    try:
        stream = path.open("rb")
    except OSError as error:
        raise Unreadable(f"cannot read {path}: {error.strerror or error}") from None
    with stream, tqdm(desc="verifying", unit=" entries", disable=quiet,
                      file=sys.stderr) as progress:
        for number, line in enumerate(stream, 1):
            try:
                entry = orjson.loads(line)
            except orjson.JSONDecodeError as error:
                raise Failed(f"ledger {path}: line {number} is not JSON: {error}") from None
            problem = evidence.shape_problem(entry)
            if problem is not None:
                raise Failed(f"ledger {path}: line {number}: {problem}")
            try:
                frontier.append(merkle.leaf_hash(bytes.fromhex(entry["hash"])))
            except ValueError:
                pass  # not a hash: the chain stops at this entry
            else:
                if frontier.size in wanted:
                    roots[frontier.size] = frontier.root()
            progress.update()
            yield tuple(entry[name] for name in chain.FIELDS)


def verify_bundle(args) -> str:
    from services.audit import evidence
    pinned = verifier_of(args.key).text() if args.key else None
    verdict = evidence.verify_bundle(read_bytes(args.file), pinned)
    if not verdict.ok:
        raise Failed(f"{args.file}: " + verdict.report())
    return verdict.report()
