"""SPARQL 1.1 results in JSON, XML, CSV and TSV, written here so a row cap can truncate them.

Each follows its W3C Recommendation; CSV is RFC 4180 (quotes where needed, CRLF).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from pyoxigraph import BlankNode, NamedNode

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
Row = Sequence[Any]


def _json_term(term: Any) -> dict[str, str]:
    if isinstance(term, NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, BlankNode):
        return {"type": "bnode", "value": term.value}
    out = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype and term.datatype.value not in (XSD_STRING, RDF_LANG_STRING):
        out["datatype"] = term.datatype.value
    return out


def _xml_term(term: Any) -> str:
    if isinstance(term, NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    attributes = ""
    if term.language:
        attributes = f" xml:lang={quoteattr(term.language)}"
    elif term.datatype and term.datatype.value not in (XSD_STRING, RDF_LANG_STRING):
        attributes = f" datatype={quoteattr(term.datatype.value)}"
    return f"<literal{attributes}>{escape(term.value)}</literal>"


def _tsv_term(term: Any) -> str:
    if isinstance(term, NamedNode):
        return f"<{term.value}>"
    if isinstance(term, BlankNode):
        return f"_:{term.value}"
    value = term.value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    value = value.replace("\r", "\\r").replace("\t", "\\t")
    if term.language:
        return f'"{value}"@{term.language}'
    if term.datatype and term.datatype.value not in (XSD_STRING, RDF_LANG_STRING):
        return f'"{value}"^^<{term.datatype.value}>'
    return f'"{value}"'


def solutions(variables: list[str], rows: list[Row], result_format: str, truncated: bool) -> bytes:
    """A SELECT answer written in a SPARQL results format (json, xml, csv or tsv); `truncated` marks
    an answer cut at the row limit.
    """
    if result_format == "json":
        document: dict[str, Any] = {
            "head": {"vars": variables},
            "results": {
                "bindings": [
                    {v: _json_term(t) for v, t in zip(variables, row, strict=True) if t is not None}
                    for row in rows
                ]
            },
        }
        if truncated:
            document["truncated"] = True
        return json.dumps(document, ensure_ascii=False).encode("utf-8")
    if result_format == "xml":
        parts = [
            '<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">',
            "<head>",
            *(f"<variable name={quoteattr(v)}/>" for v in variables),
            "</head>",
            "<results>",
        ]
        for row in rows:
            parts.append("<result>")
            parts += [
                f"<binding name={quoteattr(v)}>{_xml_term(t)}</binding>"
                for v, t in zip(variables, row, strict=True)
                if t is not None
            ]
            parts.append("</result>")
        parts += ["</results>", "</sparql>"]
        return "\n".join(parts).encode("utf-8")
    if result_format == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(variables)
        for row in rows:
            writer.writerow(["" if t is None else t.value for t in row])
        return buffer.getvalue().encode("utf-8")
    if result_format == "tsv":
        lines = ["\t".join(f"?{v}" for v in variables)]
        lines += ["\t".join("" if t is None else _tsv_term(t) for t in row) for row in rows]
        return ("\n".join(lines) + "\n").encode("utf-8")
    raise ValueError(result_format)


def boolean(value: bool, result_format: str) -> bytes:
    """An ASK answer written in a SPARQL results format (json or xml)."""
    if result_format == "json":
        return json.dumps({"head": {}, "boolean": value}).encode()
    if result_format == "xml":
        return (
            '<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'
            f"<head/><boolean>{'true' if value else 'false'}</boolean></sparql>"
        ).encode()
    raise ValueError(result_format)
