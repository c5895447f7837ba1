"""PDF disclosures: pdfplumber text and ruled tables, read as a province's version of the template.

Kept free of imports: service.ingest.layouts imports .layouts while it is itself loading.
"""
