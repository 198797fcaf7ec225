"""The audit service's permission table: a row for every RPC of the service, every gateway
route of the ledger and its evidence naming a row of it, and the rows the campaign's rules call
for (supervision's own table is `tests/supervision/test_supervision_permissions.py`)."""
from __future__ import annotations

import pytest

from kernel.rpc import Rpc
from kernel.permissions import Scope
from services.audit.permissions import PERMISSIONS
from services.audit.service import AuditService

# It reads the service class's entrypoints: the nameko shell is loaded, so not the pure ring.
pytestmark = pytest.mark.service


def rpc_methods(service_cls) -> set[str]:
    found = set()
    for klass in service_cls.__mro__:
        for name, value in vars(klass).items():
            if any(isinstance(e, Rpc) for e in getattr(value, "nameko_entrypoints", ())):
                found.add(name)
    return found


def test_every_rpc_has_its_row_and_the_service_carries_the_table():
    assert AuditService.permissions is PERMISSIONS
    methods = rpc_methods(AuditService)
    assert {"verify", "evidence", "ledger_after", "events_after"} <= methods
    assert not {"assessment", "act_on_assessment", "tracked_matters"} & methods
    assert PERMISSIONS.missing(methods) == []


def test_every_audit_route_of_the_gateway_names_a_row():
    from gateway.audit import AuditApi
    from gateway.evidence import EvidenceApi
    from gateway.operations import operations_of

    for api in (AuditApi, EvidenceApi):
        for operation in operations_of(api):
            assert operation.service == "audit", operation.operation_id
            assert operation.permission in PERMISSIONS, operation.operation_id


def test_the_rows_follow_the_campaign_s_rules():
    public = PERMISSIONS.row("checkpoint")
    assert public.scope("public") is Scope.PUBLISHED
    assert PERMISSIONS.row("key").scope("public") is Scope.PUBLISHED
    assert PERMISSIONS.row("verify").roles == ("office", "supervisor")
    assert PERMISSIONS.row("events_after").roles == ("system",)
    # the ledger by seq, whole payloads: for a service following it, never a person
    assert PERMISSIONS.row("ledger_after").roles == ("system",)
