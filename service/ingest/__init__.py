"""Ingest: read a budget disclosure document into typed tables, narrative and indicators."""

from service.ingest.reader import read_document, read_text

__all__ = ["read_document", "read_text"]
