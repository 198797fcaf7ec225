"""Who may do what with the ledger: the office and the supervision group (督查考核组) read it,
its proofs and its evidence; only the office makes a checkpoint on demand. The checkpoint and
the verifier key are public, so they need no rule here."""
from __future__ import annotations

from kernel.actor import Actor
from kernel.errors import FORBIDDEN, Refused

AUDITORS = {"office", "supervisor"}
CHECKPOINT_MAKERS = {"office"}


def may_audit(actor: Actor) -> None:
    if actor.role not in AUDITORS:
        raise Refused("forbidden", FORBIDDEN,
                      "only the office and the supervision group read the ledger")


def may_read_evidence(actor: Actor) -> None:
    if actor.role not in AUDITORS:
        raise Refused("forbidden", FORBIDDEN,
                      "only the office and the supervision group take evidence from the ledger")


def may_make_checkpoints(actor: Actor) -> None:
    if actor.role not in CHECKPOINT_MAKERS:
        raise Refused("forbidden", FORBIDDEN,
                      "only the office makes a checkpoint on demand; the service makes one "
                      "every interval while the ledger grows")
