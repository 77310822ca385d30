# Production image: gunicorn serving kyodo_center.wsgi as a non-root user.
# It expects an external PostgreSQL in DATABASE_URL (no embedded server inside the container)
# and SECRET_KEY / ALLOWED_HOSTS / CSRF_TRUSTED_ORIGINS from the environment (see README).

# --- Stage 1: front-end assets from npm (package-lock.json) ------------------------------------
FROM node:20-bookworm-slim AS assets
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error

# --- Stage 2: Python dependencies ---------------------------------------------------------------
FROM python:3.11-slim-bookworm AS python-deps
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app
COPY pyproject.toml README.md ./
COPY kyodo_center kyodo_center
COPY accounts accounts
COPY notices notices
COPY facilities facilities
COPY resources resources
COPY groups groups
COPY consultations consultations
COPY programs programs
COPY news news
COPY coordination coordination
COPY reports reports
COPY opendata opendata
RUN python -m venv /opt/venv && /opt/venv/bin/pip install .

# --- Stage 3: runtime ---------------------------------------------------------------------------
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/opt/venv/bin:$PATH \
    DJANGO_SETTINGS_MODULE=kyodo_center.settings.base \
    STATIC_ROOT=/app/staticfiles \
    MEDIA_ROOT=/var/lib/kyodo/media \
    WEB_CONCURRENCY=2
RUN groupadd --system kyodo && useradd --system --gid kyodo --home /app kyodo \
    && mkdir -p /var/lib/kyodo/media && chown kyodo:kyodo /var/lib/kyodo/media
WORKDIR /app
COPY --from=python-deps /opt/venv /opt/venv
COPY --chown=kyodo:kyodo . .
COPY --from=assets --chown=kyodo:kyodo /build/node_modules/bootstrap/dist node_modules/bootstrap/dist
COPY --from=assets --chown=kyodo:kyodo /build/node_modules/@digital-go-jp/design-tokens/dist node_modules/@digital-go-jp/design-tokens/dist
# Of the font package, only the two weights in WOFF2 the site serves (kyodo_center/staticfiles.py).
COPY --from=assets --chown=kyodo:kyodo /build/node_modules/@fontsource/noto-sans-jp/files/*-400-normal.woff2 /build/node_modules/@fontsource/noto-sans-jp/files/*-700-normal.woff2 node_modules/@fontsource/noto-sans-jp/files/
# collectstatic needs settings but no database or real secret.
RUN SECRET_KEY=collectstatic-only DATABASE_URL=postgresql://build@localhost/build \
    python manage.py collectstatic --noinput -v 0
USER kyodo
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).read() != b'ok')"
# Migrations run once per release, not in every container: `docker run … python manage.py migrate`.
# X-Forwarded-Proto is trusted only from FORWARDED_ALLOW_IPS (gunicorn reads it; default
# 127.0.0.1,::1): set it to the proxy's address as the container sees it, never to '*'.
# Client addresses come from X-Forwarded-For only with AXES_PROXY_COUNT set (README).
# The same image runs the background worker (e-mail, daily and periodic jobs), as many as
# wanted, on the same DATABASE_URL: `docker run --no-healthcheck … python manage.py procrastinate
# worker` (the HEALTHCHECK is the web server's; the worker has no port).
CMD ["sh", "-c", "exec gunicorn kyodo_center.wsgi --bind 0.0.0.0:8000 --workers ${WEB_CONCURRENCY} --access-logfile -"]
