"""nameko's RPC entrypoint as every Huiqi service exposes it.

One class, so that what every RPC must do — who is calling, what happens when the reply cannot
be sent — is written once, not in each service.
"""
from __future__ import annotations

import contextlib
import inspect

import eventlet
import structlog
from nameko.rpc import Rpc as NamekoRpc

from kernel import identity
from kernel.errors import Refused

log = structlog.get_logger(__name__)

# Seconds between tries of a reply the broker did not take, each try after kombu's own retries.
REPLY_RETRY_PAUSES = (1, 2, 4, 8)


class Rpc(NamekoRpc):
    """An RPC method of a Huiqi service.

    Who is calling: the method's first parameter receives the caller's signed assertion
    (`kernel.identity`). It is verified here, before a worker is spawned, and the method gets
    the verified actor as a dict in its place; a call without a valid assertion is refused
    (`Refused`, kind unauthenticated) and the method never runs. No service trusts an actor
    dict from the wire.

    Who may call it: the service's permission table (`kernel.permissions`, the class's
    `permissions`) names the roles of every RPC. A service with an RPC missing from its table
    does not start; a caller whose role the row does not name is refused (`Refused`, kind
    forbidden) here too, before a worker is spawned, so no work is done for it.
    """

    def setup(self):
        # A service that could not verify its callers must not start at all.
        identity.secret(identity.INTERNAL_SECRET)
        method = getattr(self.container.service_cls, self.method_name)
        parameters = list(inspect.signature(method).parameters)[1:]  # after self
        if not parameters:
            raise TypeError(f"{self.container.service_name}.{self.method_name}: every RPC takes "
                            "the caller (a verified assertion) as its first parameter")
        self.caller_parameter = parameters[0]
        self.permissions = getattr(self.container.service_cls, "permissions", None)
        if self.permissions is None or not self.permissions.covers(self.method_name):
            raise TypeError(f"{self.container.service_name}.{self.method_name}: every RPC has a "
                            "row in its service's permission table (`permissions`)")
        action = self.permissions.dispatch.get(self.method_name)
        self.action_index = parameters.index(action) if action else None
        self.action_parameter = action
        super().setup()

    def handle_message(self, body, message):
        if isinstance(body, dict) and "args" in body and "kwargs" in body:
            body = {**body, **self.identified(body["args"], body["kwargs"])}
            self.permitted(body["args"], body["kwargs"])
        super().handle_message(body, message)

    def permitted(self, args, kwargs) -> None:
        """Refuse a caller the permission table does not let call this method (or action)."""
        actor = args[0] if args else kwargs.get(self.caller_parameter)
        action = None
        if self.action_parameter is not None:
            index = self.action_index   # the parameters after self, as the call's args run
            action = args[index] if len(args) > index else kwargs.get(self.action_parameter)
        try:
            self.permissions.check(self.method_name, actor["role"], action)
        except Refused as refused:
            log.info("rpc refused by the permission table", service=self.container.service_name,
                     method=self.method_name, action=action, role=actor["role"],
                     rule=refused.rule)
            raise

    def identified(self, args, kwargs) -> dict:
        """The call's arguments with the caller's assertion replaced by the actor it names;
        `Refused` if there is none or it does not verify (nameko answers the caller with it)."""
        args, kwargs = list(args), dict(kwargs)
        try:
            if args:
                args[0] = identity.verify_assertion(args[0]).to_dict()
            else:
                kwargs[self.caller_parameter] = identity.verify_assertion(
                    kwargs.get(self.caller_parameter)).to_dict()
        except Refused as refused:
            # No worker runs, so this is the one trace a forged or stale call leaves.
            log.warning("rpc refused: caller not verified", service=self.container.service_name,
                        method=self.method_name, rule=refused.rule, reason=refused.message)
            raise
        return {"args": args, "kwargs": kwargs}

    def handle_result(self, message, worker_ctx, result, exc_info):
        """Send the reply. When the broker cannot take it (kombu's own quick retries spent), try
        again with backoff, then log and drop it: the command is committed, the caller times out
        and, retrying with the same command id, is answered from the record
        (`kernel.dependencies.Commands`). nameko would let the error kill the container, and
        with it every other worker and consumer of the service."""
        for attempt, pause in enumerate((*REPLY_RETRY_PAUSES, None), start=1):
            try:
                return super().handle_result(message, worker_ctx, result, exc_info)
            except Exception as exc:  # noqa: BLE001 - whatever it was, the reply is all at stake
                if pause is None:
                    log.error("rpc reply dropped: the broker did not take it",
                              service=self.container.service_name, method=self.method_name,
                              attempts=attempt, error=repr(exc))
                    # Acked if its channel still stands, so it is not carried out again; if the
                    # connection went, the broker redelivers it and the record answers.
                    with contextlib.suppress(Exception):
                        self.rpc_consumer.queue_consumer.ack_message(message)
                    return result, exc_info
                log.warning("rpc reply not sent; retrying", service=self.container.service_name,
                            method=self.method_name, attempt=attempt, retry_in=pause,
                            error=repr(exc))
                eventlet.sleep(pause)


rpc = Rpc.decorator
