import threading
import time

import pytest

from coach.threads import WriteBehind, read_ahead


def test_read_ahead_keeps_order_and_reraises():
    assert list(read_ahead(range(100), depth=3)) == list(range(100))

    def broken():
        yield 1
        raise ValueError("decoder failed")

    it = read_ahead(broken())
    assert next(it) == 1
    with pytest.raises(ValueError, match="decoder failed"):
        next(it)


def test_read_ahead_stops_its_thread_when_the_consumer_stops():
    before = threading.active_count()
    for item in read_ahead(iter(range(10_000)), depth=2):
        if item == 3:
            break
    time.sleep(0.3)
    assert threading.active_count() == before


def test_write_behind_writes_everything_in_order_and_reports_errors():
    out = []
    wb = WriteBehind(out.append, depth=2)
    for i in range(50):
        wb.put(i)
    wb.close()
    assert out == list(range(50))

    def fail(item):
        raise OSError("disk full")

    wb = WriteBehind(fail)
    wb.put(1)
    with pytest.raises(OSError, match="disk full"):
        wb.close()
