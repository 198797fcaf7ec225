FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# The compendium's PDF embeds a CJK font with TrueType outlines (documents.py, HUIQI_CJK_FONT).
RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-wqy-microhei \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /src
COPY pyproject.toml ./
COPY kernel/ kernel/
COPY services/ services/
COPY gateway/ gateway/
COPY huiqi/ huiqi/
RUN pip install . \
    && useradd --system --create-home --home-dir /var/lib/huiqi --uid 10001 huiqi \
    && install -d -o huiqi -m 0700 /var/lib/huiqi/keys \
    && install -d -o huiqi -m 0755 /var/lib/huiqi/witness

# The code runs from site-packages, where the default var/ (SQLite when no database URL is set)
# would not be writable: keep it in the user's home instead, and run from there so that /src is
# never on the import path.
ENV HUIQI_BIND=0.0.0.0 \
    HUIQI_VAR_DIR=/var/lib/huiqi/var
WORKDIR /var/lib/huiqi
USER huiqi

EXPOSE 8000 8101 8102 8103 8104 8105
ENTRYPOINT ["python", "-m", "huiqi", "serve"]
