"""Many documents and years: parallel ingest, combined yearly packages, incremental rebuilds."""
