"""budgetpub: government budget disclosures as open data."""

__version__ = "0.1.0"
