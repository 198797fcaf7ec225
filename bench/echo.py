"""The end-to-end peer: a bare nameko HTTP entrypoint calling an RPC echo, nothing else, with the
worker count the project's services get (HUIQI_MAX_WORKERS, 20 by default).

`python -m bench.echo rpc|http PORT` runs one side in this process under eventlet, as `huiqi
serve` runs a service: `rpc` answers `echo(body)`, `http` serves POST /echo (calling it) and
GET /healthz.
"""
import warnings

warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")

import eventlet  # noqa: E402

eventlet.monkey_patch()  # noqa: E402 -- before anything opens a socket

import json  # noqa: E402
import os  # noqa: E402
import signal  # noqa: E402
import sys  # noqa: E402

from nameko.rpc import RpcProxy, rpc  # noqa: E402
from nameko.runners import ServiceRunner  # noqa: E402
from nameko.web.handlers import http  # noqa: E402


class Echo:
    name = "bench_echo"

    @rpc
    def echo(self, body):
        return body


class Front:
    name = "bench_front"
    backend = RpcProxy("bench_echo")

    @http("POST", "/echo")
    def post(self, request):
        answer = self.backend.echo(json.loads(request.get_data(as_text=True)))
        return 201, {"Content-Type": "application/json"}, json.dumps(answer)

    @http("GET", "/healthz")
    def healthz(self, request):
        return 200, {"Content-Type": "application/json"}, '{"status": "ok"}'


def main(side: str, port: int) -> None:
    config = {"AMQP_URI": os.environ["AMQP_URI"], "WEB_SERVER_ADDRESS": f"127.0.0.1:{port}",
              "max_workers": int(os.environ.get("HUIQI_MAX_WORKERS", "20"))}
    runner = ServiceRunner(config)
    runner.add_service(Echo if side == "rpc" else Front)
    signal.signal(signal.SIGTERM, lambda *_: eventlet.spawn_n(runner.stop))
    runner.start()
    runner.wait()


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
