"""The audit service's permission table: a row for every RPC of the service (and one per action
of those that dispatch on an action), every gateway route of the ledger, supervision,
evaluations and assessments naming a row of it, and the rows the campaign's rules call for."""
from __future__ import annotations

from kernel.rpc import Rpc
from kernel.permissions import Scope
from services.audit.permissions import PERMISSIONS
from services.audit.service import AuditService
from services.supervision import contract


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
    assert {"verify", "evidence", "assessment", "act_on_assessment", "events_after"} <= methods
    assert PERMISSIONS.missing(methods) == []


def test_dispatching_rpcs_have_a_row_per_wire_action():
    assert set(PERMISSIONS.actions("act_on_supervision_case")) == set(
        contract.SUPERVISION_CASE_ACTIONS)
    assert set(PERMISSIONS.actions("act_on_assessment")) == set(contract.ASSESSMENT_ACTIONS)
    assert set(PERMISSIONS.actions("act_on_delivery")) == set(contract.DELIVERY_ACTIONS)
    assert "act_on_assessment.hold-accountable" in PERMISSIONS


def test_every_audit_route_of_the_gateway_names_a_row():
    from gateway.assessments import AssessmentsApi
    from gateway.audit import AuditApi
    from gateway.evaluations import EvaluationsApi
    from gateway.evidence import EvidenceApi
    from gateway.operations import operations_of
    from gateway.supervision import SupervisionApi

    for api in (AuditApi, EvidenceApi, SupervisionApi, EvaluationsApi, AssessmentsApi):
        for operation in operations_of(api):
            assert operation.service == "audit", operation.operation_id
            assert operation.permission in PERMISSIONS, operation.operation_id


def test_the_rows_follow_the_campaign_s_rules():
    public = PERMISSIONS.row("checkpoint")
    assert public.scope("public") is Scope.PUBLISHED
    assert PERMISSIONS.row("key").scope("public") is Scope.PUBLISHED
    assert PERMISSIONS.row("verify").roles == ("office", "supervisor")
    # a unit officer reads his own figures and his rank among all, never other units'
    assert PERMISSIONS.row("assessment").scope("unit_officer") is Scope.OWN_FIGURES
    assert PERMISSIONS.row("act_on_assessment.publish").roles == ("office",)
    assert PERMISSIONS.row("act_on_delivery.accept").roles == ("office",)
    assert PERMISSIONS.row("rate_evaluated_unit").roles == ("enterprise",)
    assert "enterprise" not in PERMISSIONS.row("assessment").roles
    assert PERMISSIONS.row("events_after").roles == ("system",)
