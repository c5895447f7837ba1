"""The Frictionless data packages: resources, schemas, the Fiscal Data Package model, writing."""
