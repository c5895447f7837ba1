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
# the dependencies from the committed runtime lock (every release pinned, with hashes), then
# the project itself, built by the locked setuptools and resolving nothing of its own
COPY requirements/runtime.lock /src/requirements/runtime.lock
RUN pip install --require-hashes -r /src/requirements/runtime.lock
COPY pyproject.toml setup.py README.md LICENSE /src/
COPY service /src/service
COPY vocab /src/vocab
RUN pip install --no-deps --no-build-isolation /src && pip check && rm -rf /src
COPY sources ./sources
COPY datapackages ./datapackages
COPY docker-entrypoint.sh /usr/local/bin/budgetpub-entrypoint
EXPOSE 8000
# gunicorn runs service:create_app() with gevent workers (see `budgetpub serve`): slow clients
# hold a greenlet, not a worker, so no buffering proxy is needed in front
# (README, "Hostile queries cost the service little")
ENTRYPOINT ["budgetpub-entrypoint"]
