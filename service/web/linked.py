"""Linked data: every IRI the build mints dereferences, with content negotiation.

Accept or a suffix (.jsonld .ttl .nt .rdf .html) picks the format; responses vary on
Accept. HTML goes to the page registered for that kind of resource (see pages.py).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from urllib.parse import quote

from flask import Blueprint, Flask, Response, current_app, redirect, request, url_for
from pyoxigraph import Triple

from service.errors import Refusal
from service.formats import FORMATS, Format
from service.vocab import CODE
from service.web import describe as describing
from service.web.http import conditional
from service.web.negotiation import negotiate, render, split_extension
from service.web.site import site

bp = Blueprint("linked", __name__)
HtmlView = Callable[[str, list[Triple]], str]
HtmlViews = list[tuple[Callable[[str], bool], HtmlView]]


def init_app(app: Flask, views: HtmlViews) -> None:
    """Serve linked data, drawing an IRI's page with the first of `views` whose test
    matches it (service/web/pages.py lists them), else the generic resource page."""
    app.extensions["budgetpub-html-views"] = list(views)
    app.register_blueprint(bp)


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
    here = site()
    version = here.version()
    if chosen.name == "html":
        triples = triples_for(iri)
        if not triples:
            raise Refusal(404, "unknown-iri", f"nothing is known about <{iri}>")
        views: HtmlViews = current_app.extensions["budgetpub-html-views"]
        view = next((v for matches, v in views if matches(iri)), None)
        body = view(iri, triples) if view else generic_page(iri, triples)
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


def generic_page(iri: str, triples: list[Triple]) -> str:
    from service.web.pages import resource_page

    return resource_page(iri, triples)


@bp.get("/def")
@bp.get("/def.<extension>")
def vocabulary(extension: str | None = None) -> Response:
    return respond(describing.ONTOLOGY, negotiate(extension, request.accept_mimetypes))


@bp.get("/<path:path>")
def resource(path: str) -> Response:
    stem, extension = split_extension(path)
    chosen = negotiate(extension, request.accept_mimetypes)
    return respond(iri_for(stem), chosen)


@bp.get("/")
def home() -> Response:
    chosen = negotiate(None, request.accept_mimetypes)
    if chosen.name != "html":
        return redirect(url_for("catalog.catalog", extension=chosen.name), code=303)
    from service.web.pages import home_page

    here = site()
    body = home_page(request.args)
    return conditional(
        Response(body, mimetype="text/html"),
        tag_source=body.encode(),
        modified=here.modified(),
        vary_accept=True,
    )
