"""How the liaison tests catch a refusal over RPC: what the caller sees (`Refused`), for its rule
and field."""
import pytest

from kernel.errors import Refused


def refused(call, *args, **kwargs) -> Refused:
    with pytest.raises(Refused) as caught:
        call(*args, **kwargs)
    return caught.value
