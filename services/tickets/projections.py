"""The tickets service's read models: the appeal ledger's (`appeals.views`); the routing table
has none (it is one stream, read whole). One projector refolds the appeals a command touched in
the command's transaction, and `rebuild` folds them all again from the log."""
from __future__ import annotations

from services.tickets.appeals import views as appeals

AREAS = (appeals,)

project = appeals.project
rebuild = appeals.rebuild
