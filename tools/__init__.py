"""Tools run beside the package: the figures-captured measure (vendored) for tests and reports."""
