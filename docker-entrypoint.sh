#!/bin/sh
# What the container runs at start (Dockerfile ENTRYPOINT), with the environment `docker run`
# gives it: the IRIs (BUDGETPUB_BASE_URL) and the publisher (BUDGETPUB_PUBLISHER_NAME, _URL,
# _EMAIL) are read now, not when the image was built. New or changed documents in sources/
# are read; the build converts what changed (all of it when the base IRI changed) and keeps
# the store otherwise. Mount a volume on $BUDGETPUB_DATA to keep builds and release dates
# across containers. Arguments replace the default `serve` options.
set -eu
sources="${BUDGETPUB_SOURCES:-sources}"
packages="${BUDGETPUB_PACKAGES:-datapackages}"
data="${BUDGETPUB_DATA:-var}"
# One document that cannot be read (a scanned PDF) must not keep the others off the web:
# ingest lists each failure (FAILED, the file, why) and the documents read are published.
if [ -d "$sources" ] && [ -n "$(ls -A "$sources")" ]; then
  if ! budgetpub ingest "$sources" --out "$packages" --quiet; then
    echo "docker-entrypoint: the documents listed FAILED above were not read;" \
      "publishing the others" >&2
  fi
fi
# a build that fails keeps the previous store, which is served; without one there is nothing
if ! budgetpub build --out "$data" --packages "$packages"; then
  [ -e "$data/store" ] || exit 1
  echo "docker-entrypoint: the build failed (above); serving the previous build" >&2
fi
if [ "$#" -eq 0 ]; then
  set -- --host 0.0.0.0 --port "${PORT:-8000}" --workers "${WORKERS:-2}"
fi
exec budgetpub serve --data "$data" --packages "$packages" "$@"
