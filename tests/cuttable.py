"""A TCP proxy a test can cut: what a broker or database outage looks like from a client, without
touching the server other tests share.

`cut()` drops every open connection and refuses new ones; `restore()` accepts again; `freeze()`
keeps connections open but stops forwarding (a peer that hangs without closing). Runs on threads,
which are green threads in the tests' eventlet-patched process.
"""
from __future__ import annotations

import contextlib
import socket
import threading
import time


class CuttableProxy:
    def __init__(self, target_host: str, target_port: int):
        self.target = (target_host, target_port)
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(128)
        self.port = self._listener.getsockname()[1]
        self._lock = threading.Lock()
        self._pairs: list[tuple[socket.socket, socket.socket]] = []
        self._up = True
        self._frozen = False
        self._closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    # -- control ---------------------------------------------------------------------------

    def cut(self) -> None:
        """Drop every connection and refuse new ones until `restore()`."""
        with self._lock:
            self._up = False
            pairs, self._pairs = self._pairs, []
        for pair in pairs:
            for sock in pair:
                _shutdown(sock)

    def restore(self) -> None:
        with self._lock:
            self._up = True
            self._frozen = False

    def freeze(self) -> None:
        """Keep connections open but forward nothing: a peer that stops answering."""
        self._frozen = True

    @contextlib.contextmanager
    def outage(self, seconds: float):
        self.cut()
        try:
            time.sleep(seconds)
            yield
        finally:
            self.restore()

    def close(self) -> None:
        self._closed = True
        self.cut()
        _shutdown(self._listener)  # wakes the accepting thread, which closes it

    # -- forwarding --------------------------------------------------------------------------

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self._listener.accept()
            except OSError:
                _close(self._listener)
                return
            if not self._up:
                _close(client)
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=5)
                upstream.settimeout(None)
            except OSError:
                _close(client)
                continue
            with self._lock:
                if not self._up:
                    _close(client)
                    _close(upstream)
                    continue
                self._pairs.append((client, upstream))
            finished: list[bool] = []
            threading.Thread(target=self._pump, args=(client, upstream, finished),
                             daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, client, finished),
                             daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket, finished: list[bool]) -> None:
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                while self._frozen and self._up and not self._closed:
                    time.sleep(0.05)
                sink.sendall(data)
        except (OSError, EOFError):  # EOFError: eventlet's word for a socket closed under it
            pass
        finally:
            # Wake the pump going the other way; the last of the two closes the pair.
            _shutdown(source)
            _shutdown(sink)
            with self._lock:
                finished.append(True)
                last = len(finished) == 2
            if last:
                _close(source)
                _close(sink)


def _shutdown(sock: socket.socket) -> None:
    # Shut down, not closed: the pumps waiting on the socket wake up and close it themselves. A
    # socket closed under a green thread that waits on it leaves that wait registered with
    # eventlet's hub, and the next socket to reuse the descriptor fails with "second simultaneous
    # read".
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)


def _close(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    with contextlib.suppress(OSError):
        sock.close()
