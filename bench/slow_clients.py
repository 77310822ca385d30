"""Slow clients against gunicorn's sync workers, through deploy/nginx.conf and without it.

gunicorn (production settings, 2 sync workers) runs on loopback, and Debian's nginx in front of
it with the server block of deploy/nginx.conf (plain HTTP on a free loopback port instead of
TLS; the same buffering, limits and timeouts). 50 clients then send a request header one byte a
second for 20 s (a slowloris), while /healthz and a clerk's booking POST are sent every 0.5 s;
each must answer within 1 s. The same is done straight at gunicorn, to show the difference.

``make bench`` runs it last, on its database; on its own, ``python bench/slow_clients.py``
prepares the bench database first (demo data and a few groups, as ``make bench`` does). It
installs Debian's nginx when it is missing (with sudo unless run as root), binds only to
127.0.0.1, takes about a minute and stops every process it started.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import os
import re
import select
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.processes import free_port, start_gunicorn  # noqa: E402

SLOW_CLIENTS = 50
SLOW_SECONDS = 20
DEADLINE_S = 1.0  # every probe must be answered within this
PROBE_TIMEOUT_S = 3.0  # a probe gives up (and counts as a timeout) after this
PROBE_INTERVAL_S = 0.5
NGINX_CONF = ROOT / "deploy" / "nginx.conf"


# --- nginx ---------------------------------------------------------------------------------------
def ensure_nginx() -> str:
    """Debian's nginx, installed when missing (sudo only when not root, as the Makefile does)."""
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else "")
    if found:
        return found
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    print("installing Debian's nginx…", flush=True)
    subprocess.run([*sudo, "apt-get", "update", "-qq"], check=True)
    subprocess.run(
        [
            *sudo,
            "env",
            "DEBIAN_FRONTEND=noninteractive",
            "apt-get",
            "install",
            "-y",
            "-qq",
            "nginx",
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return "/usr/sbin/nginx"


def _replace(pattern: str, replacement: str, text: str, *, count: int = 0) -> str:
    """re.sub that insists on a match: a renamed line in deploy/nginx.conf must not silently
    turn the bench into a test of some other configuration."""
    new, found = re.subn(pattern, replacement, text, count=count, flags=re.MULTILINE)
    if not found:
        raise SystemExit(f"deploy/nginx.conf: nothing matches {pattern!r}; update {__file__}")
    return new


def loopback_site(port: int, upstream_port: int, static_root: Path) -> str:
    """deploy/nginx.conf for loopback: plain HTTP on ``port`` instead of the redirect and TLS,
    gunicorn on ``upstream_port``, STATIC_ROOT ``static_root``; everything else as shipped."""
    site = NGINX_CONF.read_text()
    site = _replace(r"^server \{[^{}]*return 301[^{}]*\}\n", "", site)  # the HTTP → HTTPS server
    site = _replace(
        r"^(\s*)listen 443 ssl[^;]*;$", rf"\g<1>listen 127.0.0.1:{port};", site, count=1
    )
    site = _replace(r"^\s*listen \[::\]:443[^;]*;\n", "", site)
    site = _replace(r"^\s*ssl_\w+ [^;]*;\n", "", site)
    site = _replace(r"server 127\.0\.0\.1:8000;", f"server 127.0.0.1:{upstream_port};", site)
    return _replace(r"alias /srv/kyodo/staticfiles/;", f"alias {static_root}/;", site)


def nginx_main_config(site: str, scratch: Path) -> str:
    """A whole nginx.conf around ``site``, as Debian's /etc/nginx/nginx.conf has it (mime
    types, sendfile, `gzip on`), with its files under ``scratch``."""
    temp_paths = "\n".join(
        f"    {name}_temp_path {scratch / name};"
        for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    # As root, nginx would switch its workers to `nobody`, which may not read the checkout.
    user = "user root;\n" if os.geteuid() == 0 else ""
    return f"""{user}worker_processes 1;
daemon off;
pid {scratch / "nginx.pid"};
error_log {scratch / "error.log"} warn;
events {{
    worker_connections 1024;
}}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    tcp_nopush on;
    gzip on;
    access_log off;
{temp_paths}
{site}
}}
"""


def start_nginx(nginx: str, config: str, scratch: Path) -> subprocess.Popen:
    conf = scratch / "nginx.conf"
    conf.write_text(config)
    command = [nginx, "-p", str(scratch), "-e", str(scratch / "error.log"), "-c", str(conf)]
    checked = subprocess.run([*command, "-t"], capture_output=True, text=True)
    if checked.returncode:
        raise SystemExit(f"nginx -t refused the configuration:\n{checked.stderr}")
    return subprocess.Popen(command, start_new_session=True, stderr=subprocess.DEVNULL)


def wait_for_port(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"nothing answers on 127.0.0.1:{port}")


def stop(process: subprocess.Popen) -> None:
    """SIGTERM to the process group we started (gunicorn or nginx and their workers)."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


# --- Slow clients --------------------------------------------------------------------------------
@dataclass
class SlowClients:
    """``count`` connections that each send a request header one byte a second."""

    port: int
    count: int
    seconds: int
    cut_off_after: list[float] = field(default_factory=list)  # when the server closed each one
    connected: int = 0

    def run(self) -> None:
        # Never completed within `seconds`: the request line alone is longer.
        header = b"GET /healthz?" + b"s" * 64 + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        sockets = []
        for _ in range(self.count):
            try:
                sockets.append(socket.create_connection(("127.0.0.1", self.port), timeout=5))
            except OSError:
                continue
        self.connected = len(sockets)
        started = time.monotonic()
        open_ones = list(sockets)
        try:
            for second in range(self.seconds):
                # A server that gave up on a client closes it (nginx may answer 408 first).
                readable, _, _ = select.select(open_ones, [], [], 0)
                for sock in readable:
                    open_ones.remove(sock)
                    self.cut_off_after.append(round(time.monotonic() - started, 1))
                for sock in list(open_ones):
                    try:
                        sock.send(header[second : second + 1])
                    except OSError:
                        open_ones.remove(sock)
                        self.cut_off_after.append(round(time.monotonic() - started, 1))
                time.sleep(max(0.0, started + second + 1 - time.monotonic()))
        finally:
            for sock in sockets:
                sock.close()


# --- Probes --------------------------------------------------------------------------------------
@dataclass
class Probe:
    """One kind of request sent over and over; each answer's time, or a timeout."""

    name: str
    send: Callable[[], int]  # sends one request, returns the status
    expected: tuple[int, ...]
    latencies: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    late_or_failed: int = 0  # not answered, answered after the deadline, or wrongly

    def once(self) -> None:
        started = time.monotonic()
        try:
            status = self.send()
        except OSError as error:  # socket.timeout included
            self.latencies.append(PROBE_TIMEOUT_S)
            self.failures.append(type(error).__name__)
            self.late_or_failed += 1
            return
        latency = time.monotonic() - started
        self.latencies.append(latency)
        if status not in self.expected:
            self.failures.append(f"HTTP {status}")
        if status not in self.expected or latency > DEADLINE_S:
            self.late_or_failed += 1

    def loop(self, stop_at: float) -> None:
        while time.monotonic() < stop_at:
            started = time.monotonic()
            self.once()
            time.sleep(max(0.0, started + PROBE_INTERVAL_S - time.monotonic()))

    def summary(self) -> dict[str, Any]:
        return {
            "requests": len(self.latencies),
            "p50_ms": round(statistics.median(self.latencies) * 1000, 1)
            if self.latencies
            else None,
            "max_ms": round(max(self.latencies) * 1000, 1) if self.latencies else None,
            "late_or_failed": self.late_or_failed,
            "failures": sorted(set(self.failures)),
        }


def healthz_probe(port: int) -> Probe:
    def send() -> int:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=PROBE_TIMEOUT_S)
        try:
            connection.request("GET", "/healthz")
            response = connection.getresponse()
            body = response.read()
            return response.status if body == b"ok" else 599
        finally:
            connection.close()

    return Probe("healthz", send, (200,))


Slot = tuple[int, dt.date, str, str]  # room, day, start, end


def booking_slots(rooms: list[int], days: list[dt.date]) -> Iterator[Slot]:
    """Every 30-minute slot 9:00–22:00 of ``rooms`` on ``days``, each once."""
    for day in days:
        for minutes in range(9 * 60, 22 * 60, 30):
            for room in rooms:
                start = f"{minutes // 60:02d}:{minutes % 60:02d}"
                end = f"{(minutes + 30) // 60:02d}:{(minutes + 30) % 60:02d}"
                yield room, day, start, end


def booking_probe(
    port: int, cookie: str, csrf_token: str, group: int, slots: Iterator[Slot]
) -> Probe:
    """The counter's booking form saved by a signed-in clerk, each time a new slot (bench/
    booking_post.lua sends the same); a saved booking answers with a redirect."""
    lock = threading.Lock()

    def send() -> int:
        with lock:
            room, day, start, end = next(slots)
        body = urllib.parse.urlencode(
            {
                "csrfmiddlewaretoken": csrf_token,
                "action": "save",
                "room": room,
                "date": day.isoformat(),
                "start_time": start,
                "end_time": end,
                "group": group,
                "booker_name": "",
                "booker_contact": "",
                "purpose": "bench",
                "attendees": 5,
                "notes": "",
                "group_query": "",
            }
        )
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=PROBE_TIMEOUT_S)
        try:
            connection.request(
                "POST",
                "/counter/bookings/new/",
                body=body,
                headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie},
            )
            response = connection.getresponse()
            response.read()
            return response.status
        finally:
            connection.close()

    return Probe("booking", send, (302, 303))


def under_slow_clients(
    port: int, probes: list[Probe], clients: int, seconds: int
) -> dict[str, Any]:
    """``clients`` slow clients at ``port`` for ``seconds``; the probes run meanwhile."""
    slow = SlowClients(port, clients, seconds)
    slow_thread = threading.Thread(target=slow.run)
    slow_thread.start()
    time.sleep(1.5)  # the slow clients are connected and have sent their first bytes
    stop_at = time.monotonic() + seconds - 2
    threads = [threading.Thread(target=probe.loop, args=(stop_at,)) for probe in probes]
    for thread in threads:
        thread.start()
    for thread in [*threads, slow_thread]:
        thread.join()
    return {
        "slow_clients": slow.connected,
        "cut_off": len(slow.cut_off_after),
        "cut_off_after_s": min(slow.cut_off_after) if slow.cut_off_after else None,
        **{probe.name: probe.summary() for probe in probes},
    }


# --- The step ------------------------------------------------------------------------------------
def measure_slow_clients(
    env: dict[str, str],
    *,
    cookie: str,
    csrf_token: str,
    group: int,
    rooms: list[int],
    days: list[dt.date],
    workers: int = 2,
    clients: int = SLOW_CLIENTS,
    seconds: int = SLOW_SECONDS,
) -> dict[str, Any]:
    """gunicorn (``workers`` sync workers) and nginx on loopback; the probes under slow clients
    through nginx, then straight at gunicorn. ``days``: days free for the booking probes."""
    nginx = ensure_nginx()
    slots = booking_slots(rooms, days)
    gunicorn_port, nginx_port = free_port(), free_port()
    results: dict[str, Any] = {
        "clients": clients,
        "seconds": seconds,
        "deadline_ms": DEADLINE_S * 1000,
        "workers": workers,
    }
    server = start_gunicorn(
        env, gunicorn_port, "--log-level", "error", workers=workers, start_new_session=True
    )
    proxy = None
    try:
        with tempfile.TemporaryDirectory(prefix="kyodo-nginx-") as scratch_dir:
            scratch = Path(scratch_dir)
            site = loopback_site(nginx_port, gunicorn_port, Path(env["STATIC_ROOT"]))
            proxy = start_nginx(nginx, nginx_main_config(site, scratch), scratch)
            wait_for_port(gunicorn_port)
            wait_for_port(nginx_port)
            for name, port in (("nginx", nginx_port), ("direct", gunicorn_port)):
                probes = [
                    healthz_probe(port),
                    booking_probe(port, cookie, csrf_token, group, slots),
                ]
                for probe in probes:  # both answer at all before the slow clients come
                    probe.once()
                    if probe.failures:
                        raise SystemExit(
                            f"{name}: {probe.name} failed before the slow clients: {probe.failures}"
                        )
                    probe.latencies.clear()
                    probe.late_or_failed = 0
                print(f"  slow clients → {name}…", flush=True)
                results[name] = under_slow_clients(port, probes, clients, seconds)
                time.sleep(2)  # gunicorn drains the abandoned connections
            results["nginx_version"] = (
                subprocess.run([nginx, "-v"], capture_output=True, text=True)
                .stderr.strip()
                .removeprefix("nginx version: ")
            )
    finally:
        if proxy is not None:
            stop(proxy)
        stop(server)
    return results


def print_slow_clients(results: dict[str, Any]) -> None:
    print(
        f"\n{results['clients']} slow clients (a header byte a second, {results['seconds']} s), "
        f"{results['workers']} sync workers; each probe must answer within "
        f"{results['deadline_ms']:.0f} ms ({results.get('nginx_version', 'nginx')})"
    )
    header = (
        f"{'':<14}{'healthz p50':>12}{'max':>11}{'booking p50':>13}{'max':>11}"
        f"{'late/failed':>13}{'cut off':>16}"
    )
    print(header)
    print("-" * len(header))

    def ms(value: float) -> str:
        return "no answer" if value >= PROBE_TIMEOUT_S * 1000 else f"{value:.1f}"

    for name, label in (("nginx", "through nginx"), ("direct", "direct")):
        row = results[name]
        health, booking = row["healthz"], row["booking"]
        late = health["late_or_failed"] + booking["late_or_failed"]
        total = health["requests"] + booking["requests"]
        cut_off = f"{row['cut_off']}" + (
            f" after {row['cut_off_after_s']:.0f} s" if row["cut_off"] else ""
        )
        print(
            f"{label:<14}{ms(health['p50_ms']):>12}{ms(health['max_ms']):>11}"
            f"{ms(booking['p50_ms']):>13}{ms(booking['max_ms']):>11}"
            f"{f'{late}/{total}':>13}{cut_off:>16}"
        )
    print(
        f"(ms; 'no answer': none within {PROBE_TIMEOUT_S:.0f} s; 'cut off': slow clients the "
        "server closed before they gave up)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--clients", type=int, default=SLOW_CLIENTS)
    parser.add_argument("--seconds", type=int, default=SLOW_SECONDS)
    args = parser.parse_args()
    ensure_nginx()
    from bench.run import (
        add_groups,
        bench_site_group,
        clerk_session,
        post_day_offsets,
        prepare_database,
    )

    env = prepare_database()
    from django.utils import timezone

    from facilities.models import Facility

    today = timezone.localdate()
    add_groups(20, today)
    facility = Facility.objects.get()
    cookie, csrf_token = clerk_session()
    results = measure_slow_clients(
        env,
        cookie=cookie,
        csrf_token=csrf_token,
        group=bench_site_group().pk,
        rooms=list(facility.rooms.order_by("pk").values_list("pk", flat=True)[:2]),
        days=[today + dt.timedelta(days=offset) for offset in post_day_offsets(facility)[:3]],
        workers=args.workers,
        clients=args.clients,
        seconds=args.seconds,
    )
    print_slow_clients(results)


if __name__ == "__main__":
    main()
