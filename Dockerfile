# Rapport in a container: `docker build -t rapport-bot .`, then see compose.yaml.
# The image holds the bot and its runtime dependencies only (no test or lint tools) and
# runs as an unprivileged user; every secret comes from the environment at run time.
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    MPLCONFIGDIR=/tmp/matplotlib

RUN groupadd --system --gid 10001 rapport \
 && useradd --system --uid 10001 --gid rapport --home-dir /srv/rapport \
      --shell /usr/sbin/nologin rapport \
 && install -d -o rapport -g rapport -m 0700 /srv/rapport /srv/rapport/rapport-files

# the charts extra draws the monthly recap's chart; build with --build-arg EXTRAS= to leave
# it (and matplotlib) out
ARG EXTRAS=charts
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY adapters ./adapters
COPY storage ./storage
RUN pip install "/src${EXTRAS:+[$EXTRAS]}" && rm -rf /src

WORKDIR /srv/rapport
USER rapport
ENTRYPOINT ["rapport"]
CMD ["--help"]
