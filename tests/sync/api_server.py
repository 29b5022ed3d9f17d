"""The clinic's API under uvicorn in a thread of the test process, on a free port of 127.0.0.1."""
from __future__ import annotations

import socket
import threading
import time


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ApiServer:
    """The clinic's API (``coach.sync.api``) under uvicorn in a thread; stop and start it again on
    the same port (the clinic going away and coming back)."""

    def __init__(self, store):
        self.store = store
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._server = self._thread = None

    def start(self, timeout_s: float = 20.0) -> None:
        import uvicorn

        from coach.sync.api import build_app

        config = uvicorn.Config(build_app(self.store), host="127.0.0.1", port=self.port, log_level="warning",
                                lifespan="off")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True, name="clinic-api")
        self._thread.start()
        deadline = time.monotonic() + timeout_s
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("the clinic API did not start")
            time.sleep(0.05)

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
            self._thread.join(10)
            self._server = None
