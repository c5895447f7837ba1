# budgetpub: a plain wheel install (the vocabulary, templates and static files travel in the
# package), the committed packages and sources; the entry point ingests, builds and serves at
# start, so BUDGETPUB_BASE_URL and the publisher settings are those of `docker run`:
#   docker build -t budgetpub .
#   docker run -p 8080:8000 -e BUDGETPUB_BASE_URL=https://budget.example.org/ \
#     -e BUDGETPUB_PUBLISHER_NAME="Open Budget Lab" -e BUDGETPUB_PUBLISHER_EMAIL=data@example.org \
#     -v budgetpub-var:/app/var budgetpub
FROM python:3.11-slim
WORKDIR /app
ENV PYTHONDONTWRITEBYTECODE=1 PIP_NO_CACHE_DIR=1 \
    BUDGETPUB_DATA=/app/var BUDGETPUB_PACKAGES=/app/datapackages BUDGETPUB_SOURCES=/app/sources
COPY pyproject.toml setup.py README.md /src/
COPY service /src/service
COPY vocab /src/vocab
RUN pip install /src && rm -rf /src
COPY sources ./sources
COPY datapackages ./datapackages
COPY docker-entrypoint.sh /usr/local/bin/budgetpub-entrypoint
EXPOSE 8000
# gunicorn runs service:create_app() with gevent workers (see `budgetpub serve`): slow clients
# hold a greenlet, not a worker, so no buffering proxy is needed in front
# (README, "Hostile queries cost the service little")
ENTRYPOINT ["budgetpub-entrypoint"]
