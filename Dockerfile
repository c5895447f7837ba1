# budgetpub: install, ingest the documents in sources/, build the RDF and store, serve.
FROM python:3.11-slim
WORKDIR /app
ENV PYTHONDONTWRITEBYTECODE=1 PIP_NO_CACHE_DIR=1 \
    BUDGETPUB_BASE_URL=http://127.0.0.1:8000/ \
    BUDGETPUB_DATA=/app/var BUDGETPUB_PACKAGES=/app/datapackages
COPY pyproject.toml README.md ./
COPY service ./service
COPY vocab ./vocab
COPY sources ./sources
COPY datapackages ./datapackages
# editable install keeps vocab/ beside the package, where the code reads it
RUN pip install -e . \
 && budgetpub ingest sources --out datapackages \
 && budgetpub build --out var
EXPOSE 8000
# gunicorn runs service:create_app() with gevent workers (see `budgetpub serve`): slow clients
# hold a greenlet, not a worker, so no buffering proxy is needed in front
# (README, "Hostile queries cost the service little")
CMD ["budgetpub", "serve", "--host", "0.0.0.0", "--port", "8000", "--workers", "2", "--data", "/app/var"]
