"""The kernel's service tests' fixtures: the shared appeals and waiting
(`tests/appeal_fixtures.py`), and the tickets' event exchange on the real broker
(`followers.py`)."""
from appeal_fixtures import appeal, office, wait_until  # noqa: F401
from followers import broker  # noqa: F401
