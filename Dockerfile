# One image for web, worker, beat and migrate (docker-compose.yml chooses the command).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# WeasyPrint renders PDFs with Pango; DejaVu covers å, ä and ö.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
# Requirements first, so a code change does not reinstall them.
COPY requirements/base.txt requirements/base.txt
RUN pip install --require-hashes -r requirements/base.txt

COPY . .
# Static files are collected at build time. No secret exists during the build: the settings import in
# demo mode (embedded throwaway key, SQLite path unused), which is all collectstatic needs.
RUN HLT_DEMO=true HLT_VAR_DIR=/tmp/build-var python manage.py collectstatic --no-input --verbosity 0 \
    && rm -rf /tmp/build-var

# The code stays owned by root and read-only for the app; the home directory holds gunicorn's control socket.
RUN useradd --system --create-home --uid 10001 --shell /usr/sbin/nologin hlt \
    && mkdir -p /data/private && chown hlt /data/private
USER hlt

EXPOSE 8000
CMD ["gunicorn", "hlt.wsgi", "--bind", "0.0.0.0:8000", "--workers", "2"]
