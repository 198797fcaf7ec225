"""The permission tables hold every operation: each RPC of each service has its row, each gateway
operation names a row its service has, and docs/PERMISSIONS.md is what the tables give. The
matrix over HTTP is tests/e2e/test_permission_matrix.py; this ring needs no broker."""
import inspect

import pytest
from nameko.rpc import Rpc

from huiqi import permissions
from kernel.actor import ROLES
from services.registry import SERVICES

# It loads the service classes (the nameko shell), so it is of the service ring, not the pure one.
pytestmark = pytest.mark.service


def rpc_methods(service_cls) -> list[str]:
    found = []
    for name, member in inspect.getmembers(service_cls, callable):
        if any(isinstance(entrypoint, Rpc)
               for entrypoint in getattr(member, "nameko_entrypoints", ())):
            found.append(name)
    return found


@pytest.mark.parametrize("service", SERVICES.event_sources)
def test_every_rpc_has_a_row(service):
    service_cls = SERVICES[service].load()
    table = service_cls.permissions
    assert table is permissions.tables()[service]
    methods = rpc_methods(service_cls)
    assert len(methods) > 5
    assert table.missing(methods) == []
    # and no row names an RPC the service does not have
    for row in table:
        assert row.operation.split(".")[0] in methods, row.operation


def test_every_gateway_operation_names_a_row_of_its_service():
    from gateway.operations import operations_of
    from gateway.service import Gateway
    tables = permissions.tables()
    missing = [(op.operation_id, op.service, op.permission) for op in operations_of(Gateway)
               if op.service is not None and op.permission not in tables[op.service]]
    assert missing == []


def test_the_system_role_never_comes_from_a_token_and_rows_name_known_roles():
    for table in permissions.tables().values():
        for row in table:
            assert set(row.grants) <= set(ROLES)


def test_the_permissions_document_is_current():
    written = permissions.DOCUMENT.read_text(encoding="utf-8")
    assert written == permissions.document(), (
        "docs/PERMISSIONS.md is stale: run `bin/huiqi permissions`")
