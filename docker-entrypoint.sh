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
if [ -d "$sources" ] && [ -n "$(ls -A "$sources")" ]; then
  budgetpub ingest "$sources" --out "$packages" --quiet
fi
budgetpub build --out "$data" --packages "$packages"
if [ "$#" -eq 0 ]; then
  set -- --host 0.0.0.0 --port "${PORT:-8000}" --workers "${WORKERS:-2}"
fi
exec budgetpub serve --data "$data" --packages "$packages" "$@"
