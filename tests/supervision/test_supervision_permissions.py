"""The supervision service's permission table: a row for every RPC of the service (and one per
action of those that dispatch on an action), every gateway route of supervision, evaluations
and assessments naming a row of it, and the rows the campaign's rules call for."""
from __future__ import annotations

from kernel.permissions import Scope
from kernel.rpc import Rpc
from services.supervision import contract
from services.supervision.permissions import PERMISSIONS
from services.supervision.service import SupervisionService
import pytest

# It loads the service classes (the nameko shell), so it is of the service ring, not the pure one.
pytestmark = pytest.mark.service


def rpc_methods(service_cls) -> set[str]:
    found = set()
    for klass in service_cls.__mro__:
        for name, value in vars(klass).items():
            if any(isinstance(e, Rpc) for e in getattr(value, "nameko_entrypoints", ())):
                found.add(name)
    return found


def test_every_rpc_has_its_row_and_the_service_carries_the_table():
    assert SupervisionService.permissions is PERMISSIONS
    methods = rpc_methods(SupervisionService)
    assert {"assessment", "act_on_assessment", "tracked_matters", "export_job",
            "events_after"} <= methods
    assert PERMISSIONS.missing(methods) == []


def test_dispatching_rpcs_have_a_row_per_wire_action():
    assert set(PERMISSIONS.actions("act_on_supervision_case")) == set(
        contract.SUPERVISION_CASE_ACTIONS)
    assert set(PERMISSIONS.actions("act_on_assessment")) == set(contract.ASSESSMENT_ACTIONS)
    assert set(PERMISSIONS.actions("act_on_delivery")) == set(contract.DELIVERY_ACTIONS)
    assert "act_on_assessment.hold-accountable" in PERMISSIONS


def test_every_supervision_route_of_the_gateway_names_a_row():
    from gateway.assessments import AssessmentsApi
    from gateway.evaluations import EvaluationsApi
    from gateway.operations import operations_of
    from gateway.supervision import SupervisionApi

    for api in (SupervisionApi, EvaluationsApi, AssessmentsApi):
        for operation in operations_of(api):
            assert operation.service == "supervision", operation.operation_id
            assert operation.permission in PERMISSIONS, operation.operation_id


def test_the_rows_follow_the_campaign_s_rules():
    # a unit officer reads his own figures and his rank among all, never other units'
    assert PERMISSIONS.row("assessment").scope("unit_officer") is Scope.OWN_FIGURES
    assert PERMISSIONS.row("act_on_assessment.publish").roles == ("office",)
    assert PERMISSIONS.row("act_on_delivery.accept").roles == ("office",)
    assert PERMISSIONS.row("rate_evaluated_unit").roles == ("enterprise",)
    assert "enterprise" not in PERMISSIONS.row("assessment").roles
    assert PERMISSIONS.row("events_after").roles == ("system",)
