"""Two small concurrency helpers for file analysis: read ahead, write behind.

Decoding (OpenCV) and encoding (a pipe to ffmpeg) release the GIL, so running them beside the
pose model hides their cost on a second core. Both use bounded queues: memory stays flat and a
slow consumer slows the producer instead of piling up frames.
"""
from __future__ import annotations

import queue
import threading
from typing import Callable, Iterable, Iterator, TypeVar

T = TypeVar("T")
_DONE = object()


def read_ahead(items: Iterable[T], depth: int = 8) -> Iterator[T]:
    """Yields ``items`` while a thread produces the next ones; re-raises the producer's error."""
    q: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def produce() -> None:
        try:
            for item in items:
                while not stop.is_set():
                    try:
                        q.put(item, timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            q.put(_DONE)
        except BaseException as exc:  # noqa: BLE001 - handed to the consumer, raised there
            q.put(exc)
        finally:  # a generator read here is closed here (its own clean-up: threads, files)
            close = getattr(items, "close", None)
            if close is not None:
                close()

    thread = threading.Thread(target=produce, name="read-ahead", daemon=True)
    thread.start()
    try:
        while True:
            item = q.get()
            if item is _DONE:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        thread.join(timeout=5)


class WriteBehind:
    """Calls ``write(item)`` on a worker thread; ``close()`` waits for the queue to drain and
    re-raises the first error the worker met."""

    def __init__(self, write: Callable[[T], None], depth: int = 8):
        self._write = write
        self._q: queue.Queue = queue.Queue(maxsize=depth)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="write-behind", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while (item := self._q.get()) is not _DONE:
            if self._error is None:
                try:
                    self._write(item)
                except BaseException as exc:  # noqa: BLE001 - reported by put() and close()
                    self._error = exc

    def put(self, item: T) -> None:
        if self._error is not None:
            raise self._error
        self._q.put(item)

    def close(self) -> None:
        """Idempotent: a second call (e.g. from a ``finally``) only re-raises a worker error."""
        if self._thread.is_alive():
            self._q.put(_DONE)
            self._thread.join()
        if self._error is not None:
            raise self._error
