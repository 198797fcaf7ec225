"""The ledger number an appeal is given (台账编号): GZ-<year>-<six digits>, counted per year without
gaps in the transaction that raises it. Shared by the service's own raising and its reactions
(`services.tickets.appeals.reactions`)."""
from __future__ import annotations

from kernel.clock import OFFICE_TIME
from kernel.store import UnitOfWork


def ledger_number(uow: UnitOfWork, at) -> str:
    """GZ-<year>-<six digits>, counted per year without gaps in the same transaction."""
    year = at.astimezone(OFFICE_TIME).year
    return f"GZ-{year}-{uow.next_number(f'ledger-{year}'):06d}"
