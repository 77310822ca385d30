"""/healthz, production settings (check --deploy) and the production command path (gunicorn).

No Docker engine runs here, so the Dockerfile's command is exercised directly: collectstatic,
gunicorn with production settings, /healthz, and a static file served by whitenoise.
"""

from __future__ import annotations

import http.client
import json
import os
import subprocess
import sys
import time
import urllib.parse

import pytest

from tests.processes import ROOT, current_database_url, free_port, start_gunicorn


def production_env(**overrides: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "SECURE_"))
        and key not in {"SECRET_KEY", "PYTEST_ADDOPTS"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="kyodo_center.settings.base",
        SECRET_KEY="production-like-secret-" + "x7Qp2Lm9Zr4Tk8Vb1Nc6Hd3Jf5Gs0Wy" * 2,
        ALLOWED_HOSTS="center.example.jp,127.0.0.1",
        CSRF_TRUSTED_ORIGINS="https://center.example.jp",
    )
    env.update(overrides)
    return env


@pytest.mark.django_db
def test_healthz_says_ok_after_a_database_round_trip(client, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"


@pytest.mark.django_db
def test_check_deploy_is_clean_with_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production_env(DATABASE_URL=current_database_url()),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in result.stderr


def test_production_settings_refuse_to_start_without_a_secret_key():
    env = production_env(DATABASE_URL="postgresql://nobody@127.0.0.1:1/none")
    del env["SECRET_KEY"]
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def fetch(url: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
    """One GET, redirects not followed (we assert on them)."""
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        connection.request("GET", parts.path or "/", headers=headers)
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def wait_for(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            fetch(url, {})
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"{url} did not answer within {timeout}s")


def start_image_server(env: dict[str, str], port: int) -> subprocess.Popen:
    """gunicorn as the Dockerfile's command runs it (access log on stdout, discarded here)."""
    return start_gunicorn(
        env,
        port,
        "--access-logfile",
        "-",
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


@pytest.mark.slow
@pytest.mark.django_db
def test_gunicorn_with_production_settings_serves_healthz_and_cached_static(tmp_path):
    env = production_env(DATABASE_URL=current_database_url(), STATIC_ROOT=str(tmp_path / "static"))
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=120,
    )
    manifest = json.loads((tmp_path / "static" / "staticfiles.json").read_text())
    hashed_css = manifest["paths"]["css/site.css"]
    port = free_port()
    server = start_image_server(env, port)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for(f"{base}/healthz")
        # The container probe speaks plain HTTP to its own address: no redirect, no host check.
        status, _, body = fetch(f"{base}/healthz", {})
        assert (status, body) == (200, b"ok")
        # Behind the TLS proxy, static files come with a long cache lifetime from whitenoise.
        proxied = {"Host": "center.example.jp", "X-Forwarded-Proto": "https"}
        status, headers, body = fetch(f"{base}/static/{hashed_css}", proxied)
        assert status == 200
        assert b"skip-link" in body
        assert "max-age=315360000" in headers["Cache-Control"]
        # Plain HTTP to a page is redirected to HTTPS; HTTPS pages carry HSTS.
        status, headers, _ = fetch(f"{base}/", {"Host": "center.example.jp"})
        assert status == 301
        assert headers["Location"] == "https://center.example.jp/"
        status, headers, body = fetch(f"{base}/", proxied)
        assert status == 200
        assert "max-age=31536000" in headers["Strict-Transport-Security"]
        assert "練馬区立区民協働交流センター" in body.decode()
        # An unknown host is refused.
        status, _, _ = fetch(f"{base}/", {"Host": "evil.example.com", "X-Forwarded-Proto": "https"})
        assert status == 400
    finally:
        server.terminate()
        server.wait(timeout=20)


@pytest.mark.slow
def test_healthz_answers_503_when_the_database_does_not_answer():
    port = free_port()
    closed_port = free_port()  # nothing listens there
    env = production_env(DATABASE_URL=f"postgresql://nobody@127.0.0.1:{closed_port}/nothing")
    server = start_image_server(env, port)
    try:
        wait_for(f"http://127.0.0.1:{port}/healthz")
        status, _, body = fetch(f"http://127.0.0.1:{port}/healthz", {})
        assert status == 503
        assert body == b"database unavailable"
    finally:
        server.terminate()
        server.wait(timeout=20)
