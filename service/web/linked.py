"""Linked data: every IRI the build mints dereferences, with content negotiation.

Accept or a suffix (.jsonld .ttl .nt .rdf .html) picks the format; responses vary on
Accept. HTML goes to the page registered for that kind of resource (see pages.py).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote, unquote

from flask import Blueprint, Flask, Response, current_app, redirect, request, url_for
from pyoxigraph import Triple

from service.errors import Refusal
from service.formats import FORMATS, Format
from service.package.writer import slugify
from service.rdf.audit import moved_checks
from service.rdf.source import load_package
from service.rdf.terms import organization_key
from service.vocab import CODE
from service.web import iri_description as describing
from service.web.http import conditional
from service.web.negotiation import negotiate, render, split_extension
from service.web.site import site

bp = Blueprint("linked", __name__)
HtmlView = Callable[[str, list[Triple]], str]
HtmlViews = list[tuple[Callable[[str], bool], HtmlView]]


@dataclass(frozen=True)
class Pages:
    """The pages for people (service/web/pages.py): the page of each kind of resource, by the
    test its IRI passes (the first match draws it), the generic resource page for any other,
    and the home page (the list of datasets, drawn from the query string)."""

    views: HtmlViews
    generic: HtmlView
    home: Callable[[Mapping[str, str]], str]


def init_app(app: Flask, drawn_by: Pages) -> None:
    """Serve linked data, with the pages that draw its HTML."""
    app.extensions["budgetpub-pages"] = drawn_by
    app.register_blueprint(bp)


def pages() -> Pages:
    """The app's pages for people (create_app hands them to init_app)."""
    return current_app.extensions["budgetpub-pages"]


def iri_for(path: str) -> str:
    """Request path → the IRI it answers for (code lists and the vocabulary live at w3id)."""
    segments = [quote(segment, safe="") for segment in path.split("/")]
    if segments[0] == "code":
        return f"{CODE}{'/'.join(segments[1:])}"
    return site().base_url + "/".join(segments)


def triples_for(iri: str) -> list[Triple]:
    """What the store says of an IRI, remembered per build (pages and renderings share it)."""
    here = site()
    return list(_described(here.version(), here.base_url, iri))


@lru_cache(maxsize=128)
def _described(version: str, base: str, iri: str) -> tuple[Triple, ...]:
    return tuple(_describe(iri))


def _describe(iri: str) -> list[Triple]:
    store = site().store()
    if iri == describing.ONTOLOGY:
        return describing.describe_vocabulary(store)
    if iri.startswith(str(CODE)) and iri.count("/") == str(CODE).count("/"):
        return describing.describe_scheme(store, iri)
    return describing.describe(store, iri)


@lru_cache(maxsize=128)  # bounded: a rendered dataset can be ~300 KB
def _rendered(version: str, iri: str, extension: str, base: str) -> tuple[bytes, bool]:
    triples = triples_for(iri)
    if not triples:
        return b"", False
    return render(FORMATS[extension], triples, base), True


def respond(iri: str, chosen: Format) -> Response:
    """The answer for an IRI in the negotiated format: its page (404 when nothing is known about it)
    or its description, with the build's ETag.
    """
    here = site()
    version = here.version()
    if chosen.name == "html":
        triples = triples_for(iri)
        if not triples:
            raise Refusal(404, "unknown-iri", f"nothing is known about <{iri}>")
        drawn_by = pages()
        view = next((v for matches, v in drawn_by.views if matches(iri)), drawn_by.generic)
        body = view(iri, triples)
        response = Response(body, mimetype="text/html")
    else:
        body, found = _rendered(version, iri, chosen.name, here.base_url)
        if not found:
            raise Refusal(404, "unknown-iri", f"nothing is known about <{iri}>")
        response = Response(body, mimetype=chosen.media_type)
    response.headers["Link"] = f'<{iri}>; rel="canonical"'
    return conditional(
        response,
        tag_source=f"{version} {iri} {chosen.name}".encode()
        + (b"" if chosen.name != "html" else body.encode()),
        modified=here.modified(),
        vary_accept=True,
    )


@bp.get("/def")
@bp.get("/def.<extension>")
def vocabulary(extension: str | None = None) -> Response:
    """GET /def: the vocabulary in the negotiated format."""
    return respond(describing.ONTOLOGY, negotiate(extension, request.accept_mimetypes))


@bp.get("/<path:path>")
def resource(path: str) -> Response:
    """GET /<path>: any resource's IRI answered, its format negotiated or named by its extension."""
    stem, extension = split_extension(path)
    moved = _renamed_department(stem) or _moved_check(stem)
    if moved:
        return redirect(moved + (f".{extension}" if extension else ""), code=301)
    chosen = negotiate(extension, request.accept_mimetypes)
    return respond(iri_for(stem), chosen)


def _renamed_department(path: str) -> str | None:
    """Where an organisation IRI of the old kind (the department's full name, percent-
    encoded) now is: its readable key (rdf.terms.organization_key); the old IRI answers
    301, so links made before keep working."""
    if not path.startswith("organization/"):
        return None
    name = unquote(path.removeprefix("organization/"))
    if not name or "/" in name:
        return None
    departments = {p.department for p in site().packages().values()}
    if name in departments and organization_key(name) != name:
        return f"/organization/{organization_key(name)}"
    # the key before it led with the division's code (pinyin alone): one department only
    before = [d for d in departments if slugify(d) == name and organization_key(d) != name]
    return f"/organization/{organization_key(before[0])}" if len(before) == 1 else None


def _moved_check(path: str) -> str | None:
    """Where a check IRI of the old kind (dataset/<slug>/check/<its id, percent-encoded,
    line numbers and Chinese text in it>) now is (rdf.audit.moved_checks); an id always has
    a colon (family:…), a readable key never, so a new IRI is never taken for an old one."""
    slug, sep, old = path.removeprefix("dataset/").partition("/check/")
    if not (path.startswith("dataset/") and sep and ":" in old):
        return None
    here = site()
    if slug not in here.packages():
        return None
    moved = _moved_checks(here.version(), str(here.packages_dir / slug))
    found = moved.get(old) or moved.get(unquote(old))
    return f"/{found}" if found else None


@lru_cache(maxsize=16)
def _moved_checks(version: str, package: str) -> dict[str, str]:
    """A package's old check ids → new paths, read once per build (its tables and checks)."""
    return moved_checks(load_package(Path(package)))


@bp.get("/")
def home() -> Response:
    """GET /: the home page for people; RDF clients are sent to /catalog."""
    chosen = negotiate(None, request.accept_mimetypes)
    if chosen.name != "html":
        return redirect(url_for("catalog.catalog", extension=chosen.name), code=303)
    here = site()
    body = pages().home(request.args)
    return conditional(
        Response(body, mimetype="text/html"),
        tag_source=body.encode(),
        modified=here.modified(),
        vary_accept=True,
    )
