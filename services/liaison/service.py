"""The liaison service: thin entrypoints over the registry, the linkage and the field work, each
area's in a mixin of its own (`<area>.rpc`). Each command loads, decides (the aggregate checks the
rules) and appends; the read models follow in the same transaction."""
from __future__ import annotations

from kernel.base_service import EventSourcedService
from kernel.dependencies import EventSourcing
from services.liaison import projections
from services.liaison.fieldwork.rpc import FieldworkRpc
from services.liaison.linkage.rpc import LinkageRpc
from services.liaison.permissions import PERMISSIONS
from services.liaison.registry.rpc import RegistryRpc


class LiaisonService(RegistryRpc, LinkageRpc, FieldworkRpc, EventSourcedService):
    name = "liaison"
    permissions = PERMISSIONS

    store = EventSourcing(projectors=[projections.project])
