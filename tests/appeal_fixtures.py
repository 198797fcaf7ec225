"""What the in-process service tests share: appeals of distinct enterprises, and waiting for
something that happens asynchronously (a relay, a consumer) without sleeping blindly. A folder's
conftest.py imports the fixtures it needs from here."""
import time

import pytest

# Valid unified social credit codes (check character computed with python-stdnum).
CREDIT_CODES = ["91360702MA35G0QX4J", "91360700MA35F1AB2W", "91360702MA38ABCD1D",
                "91360781MA35XY123U", "91360703MA37K8L9PN"]


@pytest.fixture
def office():
    return {"sub": "clerk-li", "role": "office"}


@pytest.fixture
def appeal():
    """The n-th enterprise's appeal about `topic`."""
    def make(n: int, topic: str = "用工难题", category: str = "labour") -> dict:
        return {"enterprise_name": f"企业{n}", "uscc": CREDIT_CODES[n], "title": f"{topic}{n}",
                "description": f"第{n}家企业反映：{topic}。", "channel": "hotline",
                "category": category, "county": "ganxian"}
    return make


@pytest.fixture
def wait_until():
    def wait(predicate, timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() > deadline:
                raise AssertionError("condition not met in time")
            time.sleep(0.1)
    return wait
