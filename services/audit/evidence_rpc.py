"""The evidence bundle's RPC entrypoint (a mixin of AuditService): everything the ledger holds about
one matter, or about one unit in a window of time, with the inclusion proofs against the latest
checkpoint and the log's key, for the office and the supervision group (services.audit.evidence
says what a bundle proves, and what it does not).

Needs the service's `store` (EventSourcing) and `signing` (the log's signer) dependencies.
"""
from __future__ import annotations

from kernel.actor import Actor
from kernel.rpc import rpc
from services.audit import bundles, evidence
from services.audit.access import may_read_evidence

class EvidenceRpc:

    @rpc
    def evidence(self, actor: dict, stream_id: str | None = None, unit: str | None = None,
                 since: str | None = None, until: str | None = None) -> dict:
        """The bundle of one matter (`stream_id`), or of `unit` from `since` until `until`
        (ISO 8601 with their zone), as {"filename", "bundle"}: the bundle's canonical text,
        which is its bytes in UTF-8."""
        may_read_evidence(Actor.from_dict(actor))
        signer = self.signing.signer
        data = self.store.query("evidence", lambda uow: bundles.build(
            uow.connection, signer, stream_id=stream_id, unit=unit, since=since, until=until))
        return {"filename": evidence.file_name(data), "bundle": data.decode("utf-8")}
