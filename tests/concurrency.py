"""Real threads for the concurrency tests, each with its own PostgreSQL connection.

Django gives every thread its own connection; each thread here closes it when its work is done,
so no test leaves connections open behind it. What the work returned, or the exception it
raised, is kept: the outcome is what the tests assert on.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from django.db import connection


class DatabaseThread(threading.Thread):
    """One callable in its own thread and database connection; ``outcome`` is what it
    returned or raised (``None`` until it has finished)."""

    def __init__(self, work: Callable[[], object]) -> None:
        super().__init__()
        self.work = work
        self.outcome: object = None

    def run(self) -> None:
        try:
            self.outcome = self.work()
        except Exception as error:  # the outcome is what the tests assert on
            self.outcome = error
        finally:
            connection.close()


def run_together(*works: Callable[[], object], timeout: float = 60) -> list[object]:
    """Run each callable in its own thread and connection, all released at the same moment by
    a barrier; return what each returned or raised, in order. A thread still running after
    ``timeout`` seconds is left behind with ``None`` as its outcome."""
    barrier = threading.Barrier(len(works))

    def released_together(work: Callable[[], object]) -> Callable[[], object]:
        def run() -> object:
            barrier.wait(timeout=timeout)
            return work()

        return run

    threads = [DatabaseThread(released_together(work)) for work in works]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    return [thread.outcome for thread in threads]


def run_indexed_together(
    work: Callable[[int], object], count: int, *, timeout: float = 60
) -> list[object]:
    """``run_together`` for ``count`` copies of one callable, each given its index 0…count-1
    (clerk ``i`` books as 利用者{i})."""
    return run_together(*(lambda i=i: work(i) for i in range(count)), timeout=timeout)
