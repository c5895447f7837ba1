"""DCAT-AP 3.0.1 SHACL validation of the catalog, with the official shapes (vendored in
tests/fixtures/standards): a test helper, so pyshacl stays a test dependency.

The release's range shapes reference five property shapes it never defines; pyshacl refuses
such a graph, so those dangling sh:property links (which constrain nothing) are dropped.
"""

from __future__ import annotations

from pathlib import Path

import rdflib
from rdflib.namespace import SH

SHAPE_FILES = ("dcat-ap-3.0.1-shacl.ttl", "dcat-ap-3.0.1-shacl-ranges.ttl")


def dcat_ap_shapes(standards: Path) -> rdflib.Graph:
    """The DCAT-AP 3.0.1 shapes from the `standards` folder, without the dangling sh:property links
    pyshacl would refuse."""
    shapes = rdflib.Graph()
    for name in SHAPE_FILES:
        shapes.parse(standards / name, format="turtle")
    dangling = [
        (s, o) for s, o in shapes.subject_objects(SH.property) if (o, None, None) not in shapes
    ]
    for subject, shape in dangling:
        shapes.remove((subject, SH.property, shape))
    return shapes


def validate_dcat(data: rdflib.Graph, standards: Path) -> tuple[bool, str]:
    """(conforms, report text): zero violations is conformance; warnings are reported."""
    import pyshacl

    conforms, _, report = pyshacl.validate(
        data, shacl_graph=dcat_ap_shapes(standards), inference="none", allow_warnings=True
    )
    return bool(conforms), str(report)
