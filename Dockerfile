# One image for web, worker and beat (docker-compose.yml chooses the command).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
# WeasyPrint renders PDFs with Pango; DejaVu covers å, ä and ö.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements/base.txt requirements/base.txt
RUN pip install -r requirements/base.txt
COPY . .
# Static files are collected at build time; the demo settings suffice to import the project.
RUN HLT_DEMO=true HLT_VAR_DIR=/tmp/build python manage.py collectstatic --no-input --verbosity 0

RUN useradd --system --uid 10001 hlt
USER hlt
EXPOSE 8000
CMD ["gunicorn", "hlt.wsgi", "--bind", "0.0.0.0:8000", "--workers", "2"]
