FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY service ./service
COPY vocab ./vocab
COPY sources ./sources
COPY datapackages ./datapackages
RUN pip install --no-cache-dir -e . && budgetpub ingest sources/*.txt --out datapackages
ENV BUDGETPUB_BASE_URL=http://127.0.0.1:8000/
EXPOSE 8000
CMD ["gunicorn", "--bind", "0.0.0.0:8000", "--workers", "2", "service:create_app()"]
