"""gunicorn configuration for the bench's rush (``-c bench/gunicorn_stats.py``): each worker
logs its page-cache hits and misses (kyodo_center.cache.PAGE_CACHE_COUNTS) as it exits, one
line on stderr that bench/run.py reads once the server has stopped. Nothing is exposed over
HTTP; production runs without this file."""

from __future__ import annotations

import sys
from typing import Any


def worker_exit(server: Any, worker: Any) -> None:
    from kyodo_center.cache import PAGE_CACHE_COUNTS

    print(
        f"BENCH_PAGE_CACHE pid={worker.pid} hits={PAGE_CACHE_COUNTS['hits']} "
        f"misses={PAGE_CACHE_COUNTS['misses']} revalidated={PAGE_CACHE_COUNTS['revalidated']}",
        file=sys.stderr,
        flush=True,
    )
