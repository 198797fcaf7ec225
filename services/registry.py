"""Every process of the stack, in one table: adding a service is one entry here plus its package.

Everything else follows from this table: ports and databases (`kernel.settings`), what
`huiqi up`, `huiqi serve` and `huiqi rebuild-projections` run, the services the audit follows,
and the deployment files (checked against it by `tests/deploy`). It names modules and
directories as strings, so reading it imports no service.
"""
from __future__ import annotations

from kernel.registry import Registry, ServiceEntry

SERVICES = Registry(
    # The audit first: it follows every service's events, so its queues should exist before
    # the others publish (anything published earlier comes back through its catch-up).
    ServiceEntry("audit", "services.audit.service:AuditService", port=8104,
                 migrations="services/audit/migrations",
                 singletons=("checkpoints",)),
    ServiceEntry("policy", "services.policy.service:PolicyService", port=8101,
                 migrations="services/policy/migrations",
                 projections="services.policy.projections",
                 singletons=("watch_policy_dates",)),
    ServiceEntry("tickets", "services.tickets.service:TicketsService", port=8102,
                 migrations="services/tickets/migrations",
                 projections="services.tickets.projections",
                 singletons=("watch_deadlines",)),
    ServiceEntry("liaison", "services.liaison.service:LiaisonService", port=8103,
                 migrations="services/liaison/migrations",
                 projections="services.liaison.projections",
                 singletons=("watch_fieldwork",)),
    # Supervision follows the ledger by seq (the audit's `ledger_after`), and publishes its
    # cases, deliverables, rounds and assessments, which the audit appends like any others.
    ServiceEntry("supervision", "services.supervision.service:SupervisionService", port=8105,
                 migrations="services/supervision/migrations",
                 projections="services.supervision.projections",
                 singletons=("supervision_round",)),
    # The HTTP face: no store of its own; it starts after the services it calls.
    ServiceEntry("gateway", "gateway.service:Gateway", port=8000, event_store=False),
)

# The services that keep an event store and publish "<name>.events"; the audit follows each.
EVENT_SOURCES = SERVICES.event_sources
