"""What the tracking tests that fold a real ledger share: a database migrated for the audit's
ledger and supervision's tables (`ledger_engine`), and tracking emptied and folded again from
that ledger by seq (`refold`), as the follower takes it in anew after a rebuild."""
import pytest

from kernel.database import make_engine, migrate
from kernel.envelope import Event
from kernel.store import write_checkpoint
from services.audit import ledger
from services.registry import SERVICES
from services.supervision.tracking import views as tracking


def refold(connection, chunk: int = 1000) -> int:
    """Tracking emptied and folded again from the ledger by seq, as the follower takes the
    ledger in anew after a rebuild (`ledger.relayed_after`, the audit's `ledger_after`)."""
    tracking.rebuild(connection)
    read = 0
    while batch := ledger.relayed_after(connection, read, chunk):
        for message in batch:
            tracking.track(connection, message["position"], message["origin"],
                           Event.from_dict(message["event"]))
            read = message["position"]
        write_checkpoint(connection, tracking.CHECKPOINT, read)
    return read


@pytest.fixture
def ledger_engine(db_url):
    """An engine on a fresh database holding the audit's ledger and supervision's tables."""
    engine = make_engine(db_url)
    migrate(engine, SERVICES["audit"].migrations_path, SERVICES["supervision"].migrations_path)
    yield engine
    engine.dispose()

