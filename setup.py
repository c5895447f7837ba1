"""The package list, which pyproject.toml cannot say: every `service*` package found, plus
`service.vocabulary`, which is the top-level vocab/ folder (the Turtle stays the source of
truth there, and the wheel still carries it; service/vocab.py reads it as package data)."""

from setuptools import find_namespace_packages, setup

setup(
    packages=[*find_namespace_packages(include=["service*"]), "service.vocabulary"],
    package_dir={"service.vocabulary": "vocab"},
)
