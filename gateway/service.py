"""The gateway: HTTP for front-end systems, translated to RPC on the services. It establishes who
is calling and checks the shape of what they send against each service's wire contract; every
rule belongs to a service.

One class composes the routes of each part of the API (`gateway.tickets`, `gateway.audit`,
`gateway.policy`, and the public portal `gateway.portal`) with
the gateway's own: health, metrics, the caller's identity and the OpenAPI document, which is
built from the routes the class mounts (`gateway.openapi`).
"""
from __future__ import annotations

from pydantic import BaseModel, Field

from gateway import openapi
from gateway.assessments import AssessmentsApi
from gateway.audit import AuditApi
from gateway.auth import Caller, identify
from gateway.edge import Edge
from gateway.evaluations import EvaluationsApi
from gateway.evidence import EvidenceApi
from gateway.http import json_response
from gateway.liaison.fieldwork import LiaisonFieldworkApi
from gateway.liaison.linkage import LiaisonLinkageApi
from gateway.liaison.registry import LiaisonRegistryApi
from gateway.operations import API, Answer, Routes
from gateway.policy import PolicyApi
from gateway.portal import PortalApi
from gateway.supervision import SupervisionApi
from gateway.tickets import TicketsApi
from kernel import metrics
from kernel.broker import BrokerHealth, health
from kernel.dependencies import LogContext

own = Routes("gateway", "The gateway itself: health, metrics, the caller, this document",
             prefix="", calls_service=False)


class Health(BaseModel):
    status: str = Field(description="ok, or degraded while the broker cannot be reached")
    service: str
    broker: str = Field(description="reachable or unreachable")


class Gateway(TicketsApi, AuditApi, EvidenceApi, PolicyApi, PortalApi, LiaisonRegistryApi,
              LiaisonLinkageApi, LiaisonFieldworkApi, SupervisionApi, EvaluationsApi,
              AssessmentsApi):
    name = "gateway"

    log_context = LogContext()
    broker = BrokerHealth()
    # CORS and rate limits, before any route (`gateway.edge`).
    edge = Edge()

    @own("GET", "/healthz", "healthz", "Whether the gateway is up and reaches the broker",
         secured=False, answers=(Answer(200, "up", Health),
                                 Answer(503, "up, but the broker cannot be reached", Health)))
    def healthz(self, request):
        return json_response(*health(self.name, self.broker.reachable()))

    @own("GET", "/metrics", "metrics", "Prometheus metrics of the gateway", secured=False,
         answers=Answer(200, "the exposition", media_type="text/plain",
                        schema={"type": "string"}))
    def metrics(self, request):
        body, content_type = metrics.exposition()
        return 200, {"Content-Type": content_type}, body.decode("utf-8")

    @own("GET", f"{API}/openapi.json", "openapi_document", "This document", secured=False,
         answers=Answer(200, "the OpenAPI document", schema={"type": "object"}))
    def openapi_document(self, request):
        return json_response(200, openapi.document(type(self)))

    @own("GET", f"{API}/me", "who_am_i", "Who the bearer token says is calling",
         answers=Answer(200, "the caller", Caller))
    def who_am_i(self, request):
        return json_response(200, identify(request))
