"""nameko's RPC entrypoint as every Huiqi service exposes it.

One class, so that what every RPC must do — who is calling, what happens when the reply cannot
be sent — is written once, not in each service.
"""
from __future__ import annotations

from nameko.rpc import Rpc as NamekoRpc


class Rpc(NamekoRpc):
    """An RPC method of a Huiqi service."""


rpc = Rpc.decorator
