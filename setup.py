"""The package list, which pyproject.toml cannot say: every `service*` package found, plus
`service.vocabulary` and its sub-folders, which are the top-level vocab/ folder (the Turtle
stays the source of truth there, and the wheel still carries it; service/vocab.py reads it
as package data). Each sub-folder of vocab/ is listed as a package of its own, so setuptools
knows the wheel carries it on purpose."""

from setuptools import find_namespace_packages, setup

VOCABULARY = "service.vocabulary"

setup(
    packages=[
        *find_namespace_packages(include=["service*"]),
        VOCABULARY,
        *(f"{VOCABULARY}.{name}" for name in find_namespace_packages(where="vocab")),
    ],
    package_dir={VOCABULARY: "vocab"},
)
