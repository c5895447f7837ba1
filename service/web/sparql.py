"""/sparql: the SPARQL 1.1 Protocol (GET, POST form, POST application/sparql-query),
read-only and safe (see service.query.safety), with an HTML query page for people."""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Flask, Response, current_app, render_template, request

from service.errors import Refusal
from service.formats import GRAPH_FORMS, QUERY_FORMS, for_form, media_types, named
from service.query.runner import Answer, Formats, QueryRunner, runner_for
from service.web.errors import refused, wants_html
from service.web.site import site

bp = Blueprint("sparql", __name__)
# Sums are made on the analysis data sets (bp:AnalysisDataSet): their amounts are leaves,
# so a plain SUM is the published total; the published tables hold totals beside parts.
AN = "https://w3id.org/budgetpub/code/analysis/"
EXAMPLES = [
    (
        "按功能分类汇总支出 Spending by functional class",
        f"""PREFIX bp: <https://w3id.org/budgetpub/def#>
PREFIX qb: <http://purl.org/linked-data/cube#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX obeu-measure: <http://data.openbudgets.eu/ontology/dsd/measure/>
SELECT ?class ?label (SUM(?amount) AS ?total) WHERE {{
  ?ds bp:analysisKind <{AN}expenditure-by-function> .
  ?obs qb:dataSet ?ds ; bp:functionalClassification ?f ; obeu-measure:amount ?amount .
  ?f skos:notation ?code .
  BIND(SUBSTR(?code, 1, 3) AS ?class)
  BIND(IRI(CONCAT("https://w3id.org/budgetpub/code/functional/", ?class)) AS ?concept)
  OPTIONAL {{ ?concept skos:prefLabel ?label FILTER(LANG(?label) = "zh") }}
}}
GROUP BY ?class ?label
ORDER BY DESC(?total)""",
    ),
    (
        "按经济分类汇总支出 Spending by economic class",
        f"""PREFIX bp: <https://w3id.org/budgetpub/def#>
PREFIX qb: <http://purl.org/linked-data/cube#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX obeu-measure: <http://data.openbudgets.eu/ontology/dsd/measure/>
SELECT ?class ?label (SUM(?amount) AS ?total) WHERE {{
  ?ds bp:analysisKind <{AN}expenditure-by-economic-class> .
  ?obs qb:dataSet ?ds ; bp:economicClassificationDepartmental ?e ;
       obeu-measure:amount ?amount .
  ?e skos:notation ?code .
  BIND(SUBSTR(?code, 1, 3) AS ?class)
  BIND(IRI(CONCAT("https://w3id.org/budgetpub/code/economic-departmental/", ?class)) AS ?concept)
  OPTIONAL {{ ?concept skos:prefLabel ?label FILTER(LANG(?label) = "zh") }}
}}
GROUP BY ?class ?label
ORDER BY DESC(?total)""",
    ),
    (
        "收入来源 Where the money comes from",
        f"""PREFIX bp: <https://w3id.org/budgetpub/def#>
PREFIX qb: <http://purl.org/linked-data/cube#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX obeu-measure: <http://data.openbudgets.eu/ontology/dsd/measure/>
SELECT ?source ?label (SUM(?amount) AS ?total) WHERE {{
  ?ds bp:analysisKind <{AN}revenue-by-source> .
  ?obs qb:dataSet ?ds ; bp:fundSource ?source ; obeu-measure:amount ?amount .
  OPTIONAL {{ ?source skos:prefLabel ?label FILTER(LANG(?label) = "zh") }}
}}
GROUP BY ?source ?label
ORDER BY DESC(?total)""",
    ),
    (
        "分析数据集之和与公布的合计 Each analysis data set's sum beside its published total",
        """PREFIX bp: <https://w3id.org/budgetpub/def#>
PREFIX qb: <http://purl.org/linked-data/cube#>
PREFIX obeu-measure: <http://data.openbudgets.eu/ontology/dsd/measure/>
SELECT ?ds (SUM(?amount) AS ?sum) (SAMPLE(?printed) AS ?published) WHERE {
  ?ds a bp:AnalysisDataSet ; bp:publishedTotal/bp:amount ?printed .
  ?obs qb:dataSet ?ds ; obeu-measure:amount ?amount .
}
GROUP BY ?ds
ORDER BY ?ds""",
    ),
    (
        "项目及其绩效目标 Projects and their targets",
        """PREFIX bp: <https://w3id.org/budgetpub/def#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?code ?project ?indicator ?target ?operator ?value ?unit WHERE {
  ?p a bp:Project ; bp:projectCode ?code ; rdfs:label ?project ;
     bp:performanceIndicator ?i .
  ?i bp:indicatorLevel3 ?indicator ; bp:targetText ?target .
  OPTIONAL { ?i bp:operator ?operator }
  OPTIONAL { ?i bp:targetValue ?value }
  OPTIONAL { ?i bp:targetUnit ?unit }
}
ORDER BY ?code ?indicator""",
    ),
    (
        "项目成本上限与预算 Each project's cost cap beside its budget (exceeds: the cap is above it)",
        """PREFIX bp: <https://w3id.org/budgetpub/def#>
PREFIX qb: <http://purl.org/linked-data/cube#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?code ?project ?budget ?cap ?exceeds WHERE {
  ?p a bp:Project ; bp:projectCode ?code ; rdfs:label ?project ; bp:performanceIndicator ?i .
  ?i bp:indicatorLevel1 "成本指标"@zh ; bp:operator ?op ; bp:targetValue ?value ; bp:targetUnit ?unit .
  FILTER(?op IN ("≤", "<", "="))
  BIND(IF(?unit = "万元", ?value * 10000, ?value) AS ?cap)
  OPTIONAL {  # the project's budget, where the 项目支出表 prints the project
    ?table bp:tableKind "project_expenditure" .
    ?obs qb:dataSet ?table ; bp:project ?p ; bp:sourceColumn "total" ; bp:amount ?budget . }
  BIND(IF(BOUND(?budget), ?cap > ?budget, "no budget row") AS ?exceeds)
}
ORDER BY DESC(?exceeds) ?code""",
    ),
    (
        "各部门一般公共服务支出 Departments' general public services spending",
        f"""PREFIX bp: <https://w3id.org/budgetpub/def#>
PREFIX qb: <http://purl.org/linked-data/cube#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX obeu-dimension: <http://data.openbudgets.eu/ontology/dsd/dimension/>
PREFIX obeu-measure: <http://data.openbudgets.eu/ontology/dsd/measure/>
SELECT ?department ?year (SUM(?amount) AS ?total) WHERE {{
  ?ds bp:analysisKind <{AN}expenditure-by-function> ;
      obeu-dimension:organization/rdfs:label ?department ; obeu-dimension:fiscalYear ?y .
  BIND(STRAFTER(STR(?y), "/year/") AS ?year)
  ?obs qb:dataSet ?ds ; bp:functionalClassification ?f ; obeu-measure:amount ?amount .
  ?f skos:notation ?code FILTER(STRSTARTS(?code, "201"))
}}
GROUP BY ?department ?year
ORDER BY DESC(?total)""",
    ),
]


def runner() -> QueryRunner:
    """The application's query runner, started on first use."""
    app = current_app
    found = app.extensions.get("budgetpub-runner")
    if found is None:
        found = app.extensions["budgetpub-runner"] = runner_for(app.config)
    return found


def _query_text() -> str | None:
    if request.method in ("GET", "HEAD"):
        return request.args.get("query")
    content_type = request.mimetype
    if content_type == "application/sparql-update" or "update" in request.form:
        raise Refusal(
            403, "update-forbidden", "this endpoint is read-only: SPARQL Update is refused"
        )
    if content_type == "application/sparql-query":
        return request.get_data(as_text=True)
    if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        return request.form.get("query")
    raise Refusal(
        415, "unsupported-media-type", "POST a form (query=…) or application/sparql-query"
    )


def _formats() -> Formats:
    """The format for each query form, or why the client accepts none: the form is known
    only once the query process has parsed the query."""
    found: Formats = {}
    for form in QUERY_FORMS:
        try:
            found[form] = _format(form)
        except Refusal as refusal:
            found[form] = (refusal.status, refusal.kind, refusal.detail)
    return found


def _format(form: str) -> str:
    """The format of the registry (service/formats.py) that `format=` names, else the best
    for Accept among those the form can be answered in (its default when any will do)."""
    offered = for_form(form)
    by_type = media_types(offered)
    wanted = request.values.get("format")
    if wanted:
        chosen = named(wanted) or by_type.get(wanted)
        if chosen is None or chosen not in offered:
            raise Refusal(406, "not-acceptable", f"format {wanted!r} is not available for {form}")
        return chosen.name
    accept = request.accept_mimetypes
    best = accept.best_match(list(by_type)) if list(accept.values()) else None
    if best is None and list(accept.values()) and not accept.find("*/*") >= 0:
        raise Refusal(406, "not-acceptable", "acceptable: " + ", ".join(by_type))
    return by_type[best].name if best else offered[0].name


@bp.route("/sparql", methods=["GET", "POST"])
def sparql() -> Response:
    """GET or POST /sparql: the SPARQL 1.1 protocol endpoint; a query runs in its own process,
    guarded and limited, its answer in the negotiated results format.
    """
    query: str | None = None
    try:
        for parameter in (
            "default-graph-uri",
            "named-graph-uri",
            "using-graph-uri",
            "using-named-graph-uri",
        ):
            if parameter in request.values:
                raise Refusal(
                    403,
                    "from-forbidden",
                    f"{parameter} is refused: the endpoint queries its own data only",
                )
        query = _query_text()
        if query is None:
            if request.accept_mimetypes.accept_html:
                return Response(
                    render_template(
                        "sparql.html", query=EXAMPLES[0][1], examples=EXAMPLES, result=None
                    ),
                    mimetype="text/html",
                )
            raise Refusal(400, "missing-query", "give a SPARQL query in the query parameter")
        formats = _formats()
        page = "html" in formats.values()  # rendered here, in the web worker: a page's worth
        answer = runner().run(
            query,
            formats,
            int(current_app.config["SPARQL_MAX_LENGTH"]),
            max_rows=PAGE_ROWS if page else None,
        )
        if formats[answer.form] == "html":
            return _html(query, answer)
    except Refusal as refusal:
        if query is not None and _page_wanted():
            return _html_error(query, refusal)
        return refused(refusal)
    response = Response(answer.body, mimetype=answer.media_type)
    if answer.truncated:
        response.headers["Budgetpub-Truncated"] = str(answer.rows)
        response.headers["Warning"] = f'199 - "results truncated at {answer.rows} rows"'
    response.headers["Budgetpub-Store"] = site().version()
    response.vary.add("Accept")
    return response


def _page_wanted() -> bool:
    """The query page asked for: format=html, or a browser that named no format."""
    wanted = request.values.get("format")
    return wanted == "html" or (not wanted and wants_html())


def _html_error(query: str, refusal: Refusal) -> Response:
    """The query page with the query as typed and the error beside it, not a JSON document
    that loses the query."""
    error = {"status": refusal.status, "kind": refusal.kind, "detail": refusal.detail}
    response = Response(
        render_template("sparql.html", query=query, examples=EXAMPLES, result=None, error=error),
        status=refusal.status,
        mimetype="text/html",
    )
    response.headers["Cache-Control"] = "no-store"
    if refusal.retry_after:
        response.headers["Retry-After"] = str(refusal.retry_after)
    return response


# the query page is rendered in the web worker: a page's worth of rows, each cell and the
# graph text cut (the JSON, CSV and the other formats give everything, up to the row cap)
PAGE_ROWS = 500
PAGE_CELL = 2000  # characters
PAGE_TEXT = 512 * 1024  # characters of Turtle


def _shown(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit] + " …"


def _html(query: str, answer: Answer) -> Response:
    """The query page, the query as asked and its answer (a table, a yes/no or Turtle)."""
    result: dict[str, Any]
    form = answer.form
    if form in GRAPH_FORMS:
        text = answer.body.decode("utf-8")
        result = {
            "kind": "graph",
            "text": _shown(text, PAGE_TEXT),
            "truncated": answer.truncated or len(text) > PAGE_TEXT,
        }
    else:
        data = json.loads(answer.body)
        if form == "ask":
            result = {"kind": "boolean", "value": data["boolean"]}
        else:
            result = {
                "kind": "table",
                "vars": data["head"]["vars"],
                "rows": [
                    [_shown(b.get(v, {}).get("value", ""), PAGE_CELL) for v in data["head"]["vars"]]
                    for b in data["results"]["bindings"]
                ],
                "truncated": answer.truncated,
            }
    return Response(
        render_template("sparql.html", query=query, examples=EXAMPLES, result=result),
        mimetype="text/html",
    )


def init_app(app: Flask) -> None:
    """Serve /sparql; its limits are the app's SPARQL_* settings (create_app reads them)."""
    app.register_blueprint(bp)
