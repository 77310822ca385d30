"""deploy/nginx.conf says what the app expects of its proxy (no nginx started here: `make bench`
starts it in front of gunicorn and measures it under slow clients, bench/slow_clients.py)."""

from __future__ import annotations

import re

from django.conf import settings

from bench.slow_clients import NGINX_CONF, loopback_site


def directive(name: str, text: str) -> list[str]:
    return re.findall(rf"^\s*{name}\s+([^;]+);", text, flags=re.MULTILINE)


def test_body_limit_matches_the_apps_own():
    (limit,) = directive("client_max_body_size", NGINX_CONF.read_text())
    assert limit == f"{settings.REQUEST_BODY_MAX_BYTES // 1024 // 1024}m"


def test_proxy_sets_the_headers_the_app_trusts_and_buffers_slow_clients():
    conf = NGINX_CONF.read_text()
    headers = directive("proxy_set_header", conf)
    assert "X-Forwarded-Proto $scheme" in headers
    # Appended, so the right-most entry is nginx's (AXES_PROXY_COUNT=1, kyodo_center/client_ip.py).
    assert "X-Forwarded-For $proxy_add_x_forwarded_for" in headers
    assert directive("proxy_request_buffering", conf) == ["on"]
    assert directive("proxy_buffering", conf) == ["on"]
    assert directive("client_header_timeout", conf)
    # The app compresses the pages that are safe to compress; nginx leaves proxied HTML alone.
    assert "off" in directive("gzip", conf)


def test_the_bench_runs_the_shipped_server_block_on_loopback(tmp_path):
    site = loopback_site(8081, 8082, tmp_path)
    assert directive("listen", site) == ["127.0.0.1:8081"]
    assert "server 127.0.0.1:8082" in site
    assert not directive("ssl_certificate", site)
    assert "return 301" not in site
    # Everything else is the shipped file's: timeouts, limits and proxy headers.
    for name in ("client_header_timeout", "client_max_body_size", "proxy_set_header"):
        assert directive(name, site) == directive(name, NGINX_CONF.read_text())
