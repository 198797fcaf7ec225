"""Every supervision RPC checks who calls before it computes: a caller who may not compute the
assessment, issue a scheduling report, open a round or export is refused before the facts are
read or anything is rendered (the permission table refuses at the entrypoint too; this is the
service's own check, the same way, where the work is)."""
from __future__ import annotations

import pytest

from kernel import offload
from services.supervision.assessment import rpc as assessment_rpc
from services.supervision.tracking import views as tracking
from test_supervision_rpc import (  # noqa: F401 - the fixtures
    ENTERPRISE, LEADER, OFFICE, T0, TAX, appeal, audit, engine, refused, USCC_A,
)


@pytest.fixture
def no_work(monkeypatch):
    """Whatever computes fails the test if it is reached."""
    def reached(*_args, **_kwargs):
        raise AssertionError("work done for a caller who may not call")
    monkeypatch.setattr(assessment_rpc.AssessmentRpc, "_assess", staticmethod(reached))
    monkeypatch.setattr(tracking, "scheduling_snapshot", reached)
    monkeypatch.setattr(offload, "run", reached)
    monkeypatch.setattr(assessment_rpc.report, "dashboard", reached)
    return reached


def test_commands_refuse_the_role_before_computing(audit, no_work):
    for who in (TAX, LEADER, ENTERPRISE):
        no = refused(audit.compute_assessment, who, {"year": T0.year})
        assert (no.kind, no.rule) == ("forbidden", "supervision_role_not_allowed")
        assert refused(audit.issue_scheduling_report, who, {"title": "第1期"}).kind == \
            "forbidden"
        assert refused(audit.open_evaluation_round, who, {
            "title": "x", "opens": "2026-05-01", "closes": "2026-05-02",
            "units": ["city-land"]}).kind == "forbidden"


def test_exports_refuse_the_role_before_rendering(audit, monkeypatch):
    audit.ledger.take("tickets", appeal("t-1", "zhanggong-tax", USCC_A, T0,
                                        rating="satisfied", on_time=True))
    audit.compute_assessment(OFFICE, {"year": T0.year})

    def reached(*_args, **_kwargs):
        raise AssertionError("rendered for a caller who may not read it")
    monkeypatch.setattr(offload, "run", reached)
    monkeypatch.setattr(assessment_rpc.report, "dashboard", reached)
    monkeypatch.setattr(assessment_rpc.report, "from_assessment", reached)
    for call in (lambda: audit.assessment_export(ENTERPRISE, T0.year, "pdf"),
                 lambda: audit.assessment_dashboard(ENTERPRISE, T0.year)):
        assert refused(call).kind == "forbidden"
    # a leader the ledger knows nothing of sees no assessment, and nothing is rendered
    assert refused(audit.assessment_export, LEADER, T0.year, "xlsx").kind == "not_found"
