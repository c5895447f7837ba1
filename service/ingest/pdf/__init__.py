"""PDF disclosures: pdfplumber text and ruled tables, read as a province's version of the template."""
