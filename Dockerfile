# syntax=docker/dockerfile:1
# Integration Radar: a multi-stage image, non-root, configured only by RADAR_ variables.

FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /srv/radar
COPY pyproject.toml README.md ./
COPY app ./app
COPY scoring ./scoring
COPY migrations ./migrations
COPY questionnaires ./questionnaires
COPY templates ./templates
# Editable install: templates, migrations and questionnaires are read from /srv/radar.
RUN pip install -e . && python -m compileall -q app scoring

FROM python:3.11-slim AS runtime
RUN useradd --system --uid 10001 --home-dir /srv/radar --shell /usr/sbin/nologin radar \
    && mkdir -p /data && chown radar /data
COPY --from=build /opt/venv /opt/venv
COPY --from=build /srv/radar /srv/radar
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    RADAR_DATA_DIR=/data \
    RADAR_HOST=0.0.0.0 \
    RADAR_PORT=8000
WORKDIR /srv/radar
USER 10001
VOLUME ["/data"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('RADAR_PORT', '8000'), timeout=4)"]
CMD ["sh", "-c", "radar db upgrade && exec radar serve"]
