"""What supervision's tests share (`ledger_fold.py`): a database holding the audit's ledger and
supervision's tables, and tracking folded again from that ledger."""
from ledger_fold import ledger_engine  # noqa: F401
