"""The audit service's permission table: who may call each RPC of the ledger and its evidence
(`kernel.permissions`; the scope itself is applied where the service reads, `access`).

- The ledger, its proofs, evidence and verification are the office's and the supervision
  group's (督查考核组); the latest checkpoint and the verifier key are public, the portal's
  public actor included, so anyone can check what they are shown. The ledger by seq
  (`ledger_after`) is for a service following it: whole payloads, a system caller only.

Plain Python, no I/O.
"""
from __future__ import annotations

from kernel.permissions import (
    KERNEL_ROWS, OFFICE, OVERSIGHT, SYSTEM, Scope, Table, allow, published,
)

# The ledger's jobs (a verification or an export run apart): their starter, and oversight.
JOB_READERS = {**OVERSIGHT, "unit_officer": Scope.SELF, "leader": Scope.SELF}

LEDGER = (
    published("checkpoint", "the latest signed checkpoint", public=True),
    published("key", "the verifier key of the log's checkpoints", public=True),
    allow("make_checkpoint", OFFICE),
    allow("verify", OVERSIGHT),
    allow("start_verification", OVERSIGHT),
    allow("entries", OVERSIGHT),
    allow("entry", OVERSIGHT),
    allow("inclusion_proof", OVERSIGHT),
    allow("consistency_proof", OVERSIGHT),
    allow("evidence", OVERSIGHT),
    allow("ledger_job", JOB_READERS, note="a job is seen by who started it and by oversight"),
    allow("ledger_job_result", JOB_READERS),
    allow("ledger_after", SYSTEM, note="a service following the ledger by seq (supervision)"),
)

PERMISSIONS = Table("audit", LEDGER, KERNEL_ROWS)
