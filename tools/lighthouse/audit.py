"""`make audit`: Lighthouse (phone profile) on the public pages, served as in production.

1. Creates a separate database ``kyodo_audit`` on the configured PostgreSQL (the embedded one
   when DATABASE_URL is unset), migrates it, loads the demo data, collects the static files.
2. Starts gunicorn with production settings (DEBUG off, whitenoise with compressed, hashed
   static files) on loopback.
3. Runs Lighthouse 12.2.3 (tools/lighthouse/package.json, installed there by `make audit`, never
   by `make test`) with Debian's chromium on the home page, the month and day views, events,
   groups and news: the default mobile profile (Moto G Power, slow 4G simulated), one run each.
4. Prints accessibility / best practices / SEO / performance per page, the audits that cost
   points, and exits 1 when a page is under the targets (100 / 95 / 95 / 95).
JSON reports are kept in bench/results/lighthouse/ (gitignored).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT))

from tests.processes import database_url, free_port, start_gunicorn  # noqa: E402

AUDIT_DB = os.environ.get("AUDIT_DATABASE", "kyodo_audit")
SECRET = "audit-only-secret-key-" + "p7Rw2Kx9Lm4Tq8Vz3Nb6Hd1Jf5Gs0Yc" * 2
LIGHTHOUSE = HERE / "node_modules" / ".bin" / "lighthouse"
CHROME = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
OUT = ROOT / "bench" / "results" / "lighthouse"
CATEGORIES = ("accessibility", "best-practices", "seo", "performance")
TARGETS = {"accessibility": 100, "best-practices": 95, "seo": 95, "performance": 95}


def pages() -> list[tuple[str, str]]:
    from django.utils import timezone

    today = timezone.localdate()
    return [
        ("ホーム", "/"),
        ("空き状況（月）", "/facilities/availability/"),
        ("空き状況（日）", f"/facilities/availability/{today:%Y-%m-%d}/"),
        ("講座・イベント", "/programs/"),
        ("登録団体", "/groups/"),
        ("お知らせ", "/news/"),
    ]


def fresh_database() -> str:
    import psycopg
    from psycopg import sql

    from kyodo_center.database import database_settings

    settings = database_settings(ROOT)
    conninfo = {
        "host": settings["HOST"] or settings.get("OPTIONS", {}).get("host", ""),
        "port": settings["PORT"] or None,
        "user": settings["USER"],
        "password": settings["PASSWORD"] or None,
        "dbname": settings["NAME"],
    }
    with psycopg.connect(**{k: v for k, v in conninfo.items() if v}, autocommit=True) as db:
        name = sql.Identifier(AUDIT_DB)
        db.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        db.execute(sql.SQL("CREATE DATABASE {} ENCODING 'UTF8' TEMPLATE template0").format(name))
    return database_url(settings, name=AUDIT_DB)


def production_environment(url: str, static_root: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DATABASE_URL=url,
        DJANGO_SETTINGS_MODULE="kyodo_center.settings.base",
        SECRET_KEY=SECRET,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="0",  # loopback has no TLS proxy in front
        LOG_LEVEL="WARNING",
        STATIC_ROOT=static_root,
    )
    return env


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def lighthouse(url: str, report: Path) -> dict:
    subprocess.run(
        [
            str(LIGHTHOUSE),
            url,
            "--quiet",
            "--output=json",
            f"--output-path={report}",
            f"--only-categories={','.join(CATEGORIES)}",
            "--chrome-flags=--headless --no-sandbox --disable-gpu --disable-dev-shm-usage",
        ],
        check=True,
        env={**os.environ, "CHROME_PATH": CHROME},
    )
    return json.loads(report.read_text(encoding="utf-8"))


def main() -> int:
    if not LIGHTHOUSE.exists():
        sys.exit("Lighthouse is not installed: run `make audit` (npm ci in tools/lighthouse)")
    url = fresh_database()
    static_root = tempfile.mkdtemp(prefix="kyodo-audit-static-")
    env = production_environment(url, static_root)
    os.environ.clear()
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command

    print(f"audit database: {AUDIT_DB}; migrating, loading demo data, collecting static…")
    call_command("migrate", verbosity=0)
    call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    call_command("collectstatic", interactive=False, verbosity=0)

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_gunicorn(env, port, "--log-level", "warning", start_new_session=True)
    OUT.mkdir(parents=True, exist_ok=True)
    rows, failures = [], []
    try:
        wait_for(f"{base}/healthz")
        for number, (name, path) in enumerate(pages(), start=1):
            urllib.request.urlopen(base + path, timeout=30).read()  # warm the page cache
            result = lighthouse(base + path, OUT / f"{number}.json")
            scores = {c: round(result["categories"][c]["score"] * 100) for c in CATEGORIES}
            rows.append((name, path, scores))
            for category in CATEGORIES:
                if scores[category] < TARGETS[category]:
                    failures.append(f"{name} {category} {scores[category]}")
                    for ref in result["categories"][category]["auditRefs"]:
                        audit = result["audits"][ref["id"]]
                        if ref["weight"] and audit["score"] is not None and audit["score"] < 1:
                            shown = audit.get("displayValue", "")
                            failures.append(f"    {audit['id']}: {audit['title']} {shown}")
    finally:
        server.terminate()
        server.wait(timeout=30)

    print(f"\nLighthouse 12.2.3, mobile profile, {base} (gunicorn, production settings)\n")
    print(f"{'path':<36}{'a11y':>6}{'BP':>6}{'SEO':>6}{'perf':>6}  page")
    for name, path, s in rows:
        print(f"{path:<36}" + "".join(f"{s[c]:>6}" for c in CATEGORIES) + f"  {name}")
    print(f"{'targets':<36}" + "".join(f"{TARGETS[c]:>6}" for c in CATEGORIES))
    if failures:
        print("\nUnder target:\n" + "\n".join(failures))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
