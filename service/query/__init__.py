"""Query: SPARQL 1.1 over the embedded or a remote store, safely, and the aggregate API."""
