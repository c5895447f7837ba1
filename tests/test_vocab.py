"""Tests for the budgetpub vocabulary in vocab/ (Turtle ontology, code lists, JSON-LD context)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pyoxigraph import RdfFormat, Store
from rdflib import OWL, RDF, RDFS, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, SKOS

from service.rdf.integrity import normalise, violations

VOCAB = Path(__file__).parents[1] / "vocab"
CODELISTS = VOCAB / "codelists"

BP = Namespace("https://w3id.org/budgetpub/def#")
CODE = "https://w3id.org/budgetpub/code/"
ONTOLOGY = URIRef("https://w3id.org/budgetpub/def")
# a plain Namespace: rdflib's closed XSD namespace warns when pytest inspects module globals
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
QB = Namespace("http://purl.org/linked-data/cube#")
ORG = Namespace("http://www.w3.org/ns/org#")
OBEU_DIM = Namespace("http://data.openbudgets.eu/ontology/dsd/dimension/")
OBEU_MEASURE = Namespace("http://data.openbudgets.eu/ontology/dsd/measure/")
SDMX_MEASURE = Namespace("http://purl.org/linked-data/sdmx/2009/measure#")
SDMX_ATTR = Namespace("http://purl.org/linked-data/sdmx/2009/attribute#")
SDMX_DIM = Namespace("http://purl.org/linked-data/sdmx/2009/dimension#")

SCHEMES = [
    "functional",
    "economic-departmental",
    "economic-government",
    "expenditure-type",
    "fund-source",
    "budget-phase",
    "operation-character",
    "row-type",
]
# the analysis data sets' structures and kinds, and the OpenBudgets.eu terms they use
ANALYSIS_FILES = [VOCAB / "analysis.ttl", CODELISTS / "analysis.ttl", VOCAB / "audit.ttl"]
EXTERNAL_FILES = [VOCAB / "external" / "openbudgets.ttl"]
TTL_FILES = (
    [VOCAB / "budget.ttl"]
    + [CODELISTS / f"{s}.ttl" for s in SCHEMES]
    + ANALYSIS_FILES
    + EXTERNAL_FILES
)

# dimension -> code list (None: not coded): the published tables' (bp:dsd-budget)
DIMENSIONS = {
    BP.department: None,
    BP.fiscalYear: None,
    BP.budgetPhase: "budget-phase",
    BP.operationCharacter: "operation-character",
    BP.sourceLine: None,  # the printed row and column: a cell of a published table
    BP.sourceColumn: None,
}
# attached to the table, not to each cell
TABLE_DIMENSIONS = {BP.department, BP.fiscalYear, BP.budgetPhase, BP.operationCharacter}
# the codes a cell states where its row prints them: dimensions of the analysis data sets
CODED = {
    BP.functionalClassification: "functional",
    BP.economicClassificationDepartmental: "economic-departmental",
    BP.economicClassificationGovernment: "economic-government",
    BP.expenditureType: "expenditure-type",
    BP.fundSource: "fund-source",
}

CLASSES = {
    "BudgetDocument",
    "BudgetTable",
    "Project",
    "PerformanceIndicator",
    "NarrativeFigure",
    "AuditCheck",
}
PROPERTIES = {
    # cube components
    "department",
    "fiscalYear",
    "budgetPhase",
    "operationCharacter",
    "rowType",
    "functionalClassification",
    "economicClassificationDepartmental",
    "economicClassificationGovernment",
    "expenditureType",
    "fundSource",
    "project",
    "amount",
    "sourceUnit",
    "sourceLine",
    "sourceColumn",
    # others
    "projectCode",
    "projectType",
    "responsibility",
    "unitCode",
    "sourceDocument",
    "auditCheck",
    "narrativeFigure",
    "performanceIndicator",
    "tableKind",
    "indicatorLevel1",
    "indicatorLevel2",
    "indicatorLevel3",
    "operator",
    "targetValue",
    "targetUnit",
    "qualitativeTarget",
    "targetText",
    "statedValue",
    "statedUnit",
    "figureKind",
    "sentence",
    "checkId",
    "status",
    "expected",
    "found",
    "table",
    "checkedTable",
    "expectedText",
    "foundText",
    "message",
}
PROPERTY_TYPES = (
    RDF.Property,
    OWL.ObjectProperty,
    OWL.DatatypeProperty,
    QB.DimensionProperty,
    QB.MeasureProperty,
    QB.AttributeProperty,
)


def code(scheme: str, notation: str | None = None) -> URIRef:
    return URIRef(CODE + scheme + ("" if notation is None else "/" + notation))


def langs(g: Graph, s, p) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for o in g.objects(s, p):
        if isinstance(o, Literal) and o.language:
            out.setdefault(o.language, []).append(str(o))
    return out


@pytest.fixture(scope="module")
def graphs() -> dict[str, Graph]:
    """budgetpub's own vocabulary (the external copy says only what OpenBudgets.eu says)."""
    own = [p for p in TTL_FILES if p not in EXTERNAL_FILES]
    return {str(p.relative_to(VOCAB)): Graph().parse(p, format="turtle") for p in own}


@pytest.fixture(scope="module")
def g(graphs) -> Graph:
    union = Graph()
    for part in graphs.values():
        union += part
    return union


@pytest.fixture(scope="module")
def context() -> dict:
    return json.loads((VOCAB / "context.jsonld").read_text(encoding="utf-8"))


# --------------------------------------------------------------------------- files


@pytest.mark.parametrize("path", TTL_FILES, ids=lambda p: p.name)
def test_turtle_parses(path):
    graph = Graph().parse(path, format="turtle")
    assert len(graph) > 10


def test_no_unexpected_turtle_files():
    found = {p.resolve() for p in VOCAB.rglob("*.ttl")}
    assert found == {p.resolve() for p in TTL_FILES}


def test_readme_exists():
    text = (VOCAB / "README.md").read_text(encoding="utf-8")
    assert "https://w3id.org/budgetpub/def#" in text


# ------------------------------------------------------------------------ ontology


def test_ontology_header(g):
    assert (ONTOLOGY, RDF.type, OWL.Ontology) in g
    titles = langs(g, ONTOLOGY, DCTERMS.title)
    assert set(titles) >= {"zh", "en"}
    assert (ONTOLOGY, DCTERMS.license, URIRef("https://creativecommons.org/licenses/by/4.0/")) in g
    assert g.value(ONTOLOGY, OWL.versionInfo) is not None


def _bp_terms(g: Graph, types) -> set[URIRef]:
    return {
        s
        for t in types
        for s in g.subjects(RDF.type, t)
        if isinstance(s, URIRef) and s.startswith(str(BP))
    }


def test_expected_classes_and_properties_declared(g):
    classes = _bp_terms(g, (OWL.Class, RDFS.Class))
    props = _bp_terms(g, PROPERTY_TYPES)
    assert {BP[c] for c in CLASSES} <= classes
    assert {BP[p] for p in PROPERTIES} <= props
    # nothing declared twice as both class and property
    assert not classes & props


def test_every_bp_term_labelled_in_zh_and_en(g):
    terms = _bp_terms(g, (OWL.Class, RDFS.Class, *PROPERTY_TYPES))
    assert len(terms) >= len(CLASSES) + len(PROPERTIES)
    problems = []
    for t in sorted(terms):
        for p in (RDFS.label, RDFS.comment):
            got = langs(g, t, p)
            for lang in ("zh", "en"):
                if len(got.get(lang, [])) != 1:
                    problems.append(f"{t} {p} @{lang}: {got.get(lang)}")
        if (t, RDFS.isDefinedBy, ONTOLOGY) not in g:
            problems.append(f"{t} lacks rdfs:isDefinedBy")
    assert not problems, "\n".join(problems)


def test_class_hierarchy(g):
    FOAF = Namespace("http://xmlns.com/foaf/0.1/")
    PROV = Namespace("http://www.w3.org/ns/prov#")
    assert (BP.BudgetDocument, RDFS.subClassOf, FOAF.Document) in g
    assert (BP.BudgetDocument, RDFS.subClassOf, PROV.Entity) in g
    assert (BP.BudgetTable, RDFS.subClassOf, QB.DataSet) in g


def test_ranges_of_value_properties(g):
    expected = {
        BP.amount: XSD.decimal,
        BP.fiscalYear: XSD.gYear,
        BP.sourceLine: XSD.integer,
        BP.targetValue: XSD.decimal,
        BP.statedValue: XSD.decimal,
        BP.department: ORG.Organization,
        BP.project: BP.Project,
        BP.performanceIndicator: BP.PerformanceIndicator,
        BP.narrativeFigure: BP.NarrativeFigure,
        BP.auditCheck: BP.AuditCheck,
        BP.table: BP.BudgetTable,
        BP.sourceDocument: BP.BudgetDocument,
        BP.sourceUnit: XSD.string,
        BP.checkedTable: BP.BudgetTable,
    }
    for prop, rng in expected.items():
        assert list(g.objects(prop, RDFS.range)) == [rng], prop


def test_no_placeholders(g):
    """No placeholder concept or project: a cell states the codes its row prints, only."""
    assert not list(g.subjects(RDF.type, BP.Project))
    assert not [c for c in g.subjects(RDF.type, SKOS.Concept) if str(c).endswith("/_none")]


# ---------------------------------------------------------------------- code lists


def test_every_scheme_declared(g):
    for s in SCHEMES:
        scheme = code(s)
        assert (scheme, RDF.type, SKOS.ConceptScheme) in g, s
        assert set(langs(g, scheme, SKOS.prefLabel)) >= {"zh", "en"}, s


def test_every_concept_well_formed(g):
    concepts = set(g.subjects(RDF.type, SKOS.Concept))
    assert len(concepts) > 250
    problems = []
    for c in sorted(concepts):
        labels = langs(g, c, SKOS.prefLabel)
        if sorted(labels) != ["en", "zh"] or any(len(v) != 1 for v in labels.values()):
            problems.append(f"{c}: prefLabels {labels}")
        notations = list(g.objects(c, SKOS.notation))
        if len(notations) != 1 or notations[0].datatype or notations[0].language:
            problems.append(f"{c}: notation {notations}")
        schemes = list(g.objects(c, SKOS.inScheme))
        if len(schemes) != 1 or (schemes[0], RDF.type, SKOS.ConceptScheme) not in g:
            problems.append(f"{c}: inScheme {schemes}")
            continue
        scheme = schemes[0]
        # IRI is <scheme>/<notation>
        if notations and str(c) != f"{scheme}/{notations[0]}":
            problems.append(f"{c}: IRI does not match scheme/notation")
        tops = list(g.objects(c, SKOS.topConceptOf))
        broader = list(g.objects(c, SKOS.broader))
        if tops:
            if tops != [scheme] or broader:
                problems.append(f"{c}: top concept with topConceptOf {tops} broader {broader}")
            if (scheme, SKOS.hasTopConcept, c) not in g:
                problems.append(f"{c}: missing from hasTopConcept")
        else:
            if len(broader) != 1:
                problems.append(f"{c}: non-top concept needs one broader, has {broader}")
            for b in broader:
                if (b, RDF.type, SKOS.Concept) not in g or (b, SKOS.inScheme, scheme) not in g:
                    problems.append(f"{c}: broader {b} is not a concept of {scheme}")
    # hasTopConcept only points at concepts that say they are top concepts
    for scheme, top in g.subject_objects(SKOS.hasTopConcept):
        if (top, SKOS.topConceptOf, scheme) not in g:
            problems.append(f"{scheme} hasTopConcept {top} without topConceptOf")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("scheme", SCHEMES)
def test_codelist_file_holds_only_its_scheme(graphs, scheme):
    graph = graphs[f"codelists/{scheme}.ttl"]
    concepts = set(graph.subjects(RDF.type, SKOS.Concept))
    assert concepts
    assert {graph.value(c, SKOS.inScheme) for c in concepts} == {code(scheme)}


@pytest.mark.parametrize("scheme", ["functional", "economic-departmental", "economic-government"])
def test_classification_hierarchy_follows_codes(g, scheme):
    """A 5-digit code's broader is its 3-digit prefix; a 7-digit code's is its 5-digit prefix."""
    seen = 0
    for c in g.subjects(SKOS.inScheme, code(scheme)):
        n = str(g.value(c, SKOS.notation))
        if n == "_T":  # SDMX's total code, the list's one non-numeric concept
            assert (c, SKOS.topConceptOf, code(scheme)) in g
            continue
        assert n.isdigit() and len(n) in (3, 5, 7), n
        if len(n) == 3:
            assert g.value(c, SKOS.broader) is None
        else:
            assert g.value(c, SKOS.broader) == code(scheme, n[:-2]), n
            seen += 1
    assert seen > 0


FUNCTIONAL_CLASSES = {
    "201": "一般公共服务支出",
    "202": "外交支出",
    "203": "国防支出",
    "204": "公共安全支出",
    "205": "教育支出",
    "206": "科学技术支出",
    "207": "文化旅游体育与传媒支出",
    "208": "社会保障和就业支出",
    "209": "社会保险基金支出",
    "210": "卫生健康支出",
    "211": "节能环保支出",
    "212": "城乡社区支出",
    "213": "农林水支出",
    "214": "交通运输支出",
    "215": "资源勘探工业信息等支出",
    "216": "商业服务业等支出",
    "217": "金融支出",
    "219": "援助其他地区支出",
    "220": "自然资源海洋气象等支出",
    "221": "住房保障支出",
    "222": "粮油物资储备支出",
    "223": "国有资本经营预算支出",
    "224": "灾害防治及应急管理支出",
    "227": "预备费",
    "229": "其他支出",
    "230": "转移性支出",
    "231": "债务还本支出",
    "232": "债务付息支出",
    "233": "债务发行费用支出",
    "234": "抗疫特别国债安排的支出",
}
ECON_DEPT_CLASSES = {
    "301": "工资福利支出",
    "302": "商品和服务支出",
    "303": "对个人和家庭的补助",
    "307": "债务利息及费用支出",
    "309": "资本性支出（基本建设）",
    "310": "资本性支出",
    "311": "对企业补助（基本建设）",
    "312": "对企业补助",
    "313": "对社会保障基金补助",
    "399": "其他支出",
}
ECON_GOV_CLASSES = {
    "501": "机关工资福利支出",
    "502": "机关商品和服务支出",
    "503": "机关资本性支出（一）",
    "504": "机关资本性支出（二）",
    "505": "对事业单位经常性补助",
    "506": "对事业单位资本性补助",
    "507": "对企业补助",
    "508": "对企业资本性支出",
    "509": "对个人和家庭的补助",
    "510": "对社会保障基金补助",
    "511": "债务利息及费用支出",
    "512": "债务还本支出",
    "513": "转移性支出",
    "514": "预备费及预留",
    "599": "其他支出",
}


@pytest.mark.parametrize(
    "scheme,classes",
    [
        ("functional", FUNCTIONAL_CLASSES),
        ("economic-departmental", ECON_DEPT_CLASSES),
        ("economic-government", ECON_GOV_CLASSES),
    ],
)
def test_all_classes_present_with_zh_labels(g, scheme, classes):
    tops = {str(g.value(c, SKOS.notation)): c for c in g.objects(code(scheme), SKOS.hasTopConcept)}
    assert set(tops) == {*classes, "_T"}  # the classes, and SDMX's total
    for notation, zh in {**classes, "_T": "合计"}.items():
        assert langs(g, tops[notation], SKOS.prefLabel)["zh"] == [zh], notation


@pytest.mark.parametrize(
    "scheme,notation,zh,en",
    [
        ("functional", "201", "一般公共服务支出", "General public services"),
        ("functional", "20103", "政府办公厅（室）及相关机构事务", None),
        ("functional", "2010301", "行政运行", "Administrative operation"),
        ("functional", "20805", "行政事业单位养老支出", None),
        ("functional", "2080505", "机关事业单位基本养老保险缴费支出", None),
        ("functional", "21011", "行政事业单位医疗", None),
        ("functional", "2210201", "住房公积金", "Housing provident fund"),
        ("economic-departmental", "30107", "绩效工资", "Performance-based pay"),
        ("economic-departmental", "30211", "差旅费", "Travel"),
        ("economic-departmental", "30231", "公务用车运行维护费", None),
        ("economic-departmental", "30302", "退休费", "Retirement pay"),
        ("economic-government", "50501", "工资福利支出", "Wages and welfare"),
        ("economic-government", "50999", "其他对个人和家庭补助", None),
        ("expenditure-type", "personnel", "人员经费", "Personnel expenses"),
        ("fund-source", "fiscal-appropriation", "财政拨款", None),
        ("budget-phase", "approved", "年初预算（批复）", "Approved"),
        ("operation-character", "revenue", "收入", "Revenue"),
        ("row-type", "subtotal", "小计", "Subtotal"),
    ],
)
def test_known_labels(g, scheme, notation, zh, en):
    labels = langs(g, code(scheme, notation), SKOS.prefLabel)
    assert labels["zh"] == [zh]
    if en is not None:
        assert labels["en"] == [en]


@pytest.mark.parametrize(
    "scheme,child,parent",
    [
        ("functional", "20103", "201"),
        ("functional", "2010301", "20103"),
        ("functional", "2101101", "21011"),
        ("functional", "22102", "221"),
        ("economic-departmental", "30107", "301"),
        ("economic-departmental", "31013", "310"),
        ("economic-government", "50501", "505"),
        ("economic-government", "50101", "501"),
        ("expenditure-type", "personnel", "basic"),
        ("expenditure-type", "public", "basic"),
        ("expenditure-type", "operating", "project"),
        ("expenditure-type", "specific", "project"),
        # 财政拨款 includes the appropriations of the three budgets (the documents' glossary)
        ("fund-source", "general-public-budget", "fiscal-appropriation"),
        ("fund-source", "government-fund", "fiscal-appropriation"),
        ("fund-source", "state-capital", "fiscal-appropriation"),
    ],
)
def test_broader(g, scheme, child, parent):
    assert list(g.objects(code(scheme, child), SKOS.broader)) == [code(scheme, parent)]


@pytest.mark.parametrize(
    "scheme,expected",
    [
        (
            "expenditure-type",
            {
                "all",
                "basic",
                "project",
                "business-operating",
                "remittance",
                "subsidy",
                "carry-forward",
            },
        ),
        ("budget-phase", {"draft", "approved", "revised", "executed"}),
        ("operation-character", {"expenditure", "revenue"}),
        ("row-type", {"total", "department", "unit", "item", "subtotal", "of-which"}),
    ],
)
def test_small_scheme_top_concepts(g, scheme, expected):
    tops = {str(g.value(c, SKOS.notation)) for c in g.objects(code(scheme), SKOS.hasTopConcept)}
    assert tops == expected


def test_fund_source_notations(g):
    concepts = g.subjects(SKOS.inScheme, code("fund-source"))
    notations = {str(g.value(c, SKOS.notation)) for c in concepts}
    assert notations == {
        "all",
        "general-public-budget",
        "fiscal-appropriation",
        "government-fund",
        "state-capital",
        "fiscal-special-account",
        "business-income",
        "business-operating-income",
        "superior-subsidy",
        "subordinate-remittance",
        "other-income",
        "unit-funds",
        "carry-over",
        "general-bonds",
        "special-bonds",
        "current-year",
        "year-end-carry-over",
        "carry-over-general-public-budget",
        "carry-over-government-fund",
        "carry-over-state-capital",
        "carry-over-fiscal-special-account",
        "carry-over-unit-funds",
        "administrative-fees",
        "special-revenue",
        "state-asset-income",
        "other-general-budget",
        "government-fund-budget",
        "general-transfer",
        "business-fund",
        "government-budget",
        # the funds the header grammar declares (service/ingest/header_terms.py)
        "other-funds",
        "non-fiscal",
        "non-fiscal-balance",
        "unit-reserve",
        "funding-appropriation",
        "education-fees",
        "other-special-account",
        "special-funds-in-budget",
    }


@pytest.mark.parametrize(
    "scheme,obeu",
    [
        ("budget-phase", ["draft", "approved", "revised", "executed"]),
        ("operation-character", ["expenditure", "revenue"]),
    ],
)
def test_obeu_exact_match(g, scheme, obeu):
    for n in obeu:
        target = URIRef(f"http://data.openbudgets.eu/resource/codelist/{scheme}/{n}")
        assert list(g.objects(code(scheme, n), SKOS.exactMatch)) == [target]


# --------------------------------------------------------------------------- DSD


def _components(g):
    dsd = BP["dsd-budget"]
    assert (dsd, RDF.type, QB.DataStructureDefinition) in g
    return list(g.objects(dsd, QB.component))


def test_dsd_components(g):
    comps = _components(g)
    assert len(comps) == 11
    dims, measures, attrs, orders = set(), set(), set(), []
    for cs in comps:
        kinds = [(k, v) for k in (QB.dimension, QB.measure, QB.attribute) for v in g.objects(cs, k)]
        assert len(kinds) == 1, cs
        kind, prop = kinds[0]
        {QB.dimension: dims, QB.measure: measures, QB.attribute: attrs}[kind].add(prop)
        order = g.value(cs, QB.order)
        assert order is not None and order.datatype == XSD.integer, cs
        orders.append(int(order))
        if kind == QB.dimension:
            assert g.value(cs, QB.componentRequired) is None, cs
            attached = g.value(cs, QB.componentAttachment)
            assert (attached == QB.DataSet) == (prop in TABLE_DIMENSIONS), cs
    assert sorted(orders) == list(range(1, 12))
    assert dims == set(DIMENSIONS)
    assert measures == {BP.amount}
    assert attrs == {BP.rowType, SDMX_ATTR.unitMeasure, SDMX_ATTR.unitMult, BP.sourceUnit}


def test_dimensions_ic4_ic5(g):
    for dim, scheme in {**DIMENSIONS, **CODED}.items():
        assert (dim, RDF.type, QB.DimensionProperty) in g, dim
        assert (dim, RDF.type, RDF.Property) in g, dim
        ranges = list(g.objects(dim, RDFS.range))
        assert len(ranges) == 1, f"IC-4: {dim} needs one range"
        code_lists = list(g.objects(dim, QB.codeList))
        if scheme is None:
            assert ranges[0] != SKOS.Concept and not code_lists, dim
        else:
            assert ranges == [SKOS.Concept], dim
            assert code_lists == [code(scheme)], f"IC-5: {dim}"
            assert (code(scheme), RDF.type, SKOS.ConceptScheme) in g
    assert list(g.objects(BP.fiscalYear, RDFS.range)) == [XSD.gYear]
    assert list(g.objects(BP.department, RDFS.range)) == [ORG.Organization]
    assert list(g.objects(BP.project, RDFS.range)) == [BP.Project]


def test_measure_and_attributes(g):
    """Amounts are yuan: the unit is the currency (an IRI) with multiplier 0, stated on the
    data set; the unit the table printed is informational (bp:sourceUnit), never a factor."""
    assert (BP.amount, RDF.type, QB.MeasureProperty) in g
    assert any("in yuan (CNY)" in str(c) for c in g.objects(BP.amount, RDFS.comment))
    assert (BP.sourceUnit, RDF.type, QB.AttributeProperty) in g
    by_prop = {g.value(cs, QB.attribute): cs for cs in _components(g) if g.value(cs, QB.attribute)}
    for a in (SDMX_ATTR.unitMeasure, SDMX_ATTR.unitMult):
        assert g.value(by_prop[a], QB.componentAttachment) == QB.DataSet
        assert g.value(by_prop[a], QB.componentRequired) == Literal(True)
    assert g.value(by_prop[BP.sourceUnit], QB.componentAttachment) == QB.DataSet
    assert g.value(by_prop[BP.sourceUnit], QB.componentRequired) == Literal(False)
    for old in (BP.currency, BP.publishedUnit):  # kept for old queries, said to be replaced
        assert (old, OWL.deprecated, Literal(True)) in g
        assert old not in by_prop


@pytest.mark.parametrize(
    "prop,parent",
    [
        (BP.amount, SDMX_MEASURE.obsValue),
        (BP.functionalClassification, OBEU_DIM.functionalClassification),
        (BP.economicClassificationDepartmental, OBEU_DIM.economicClassification),
        (BP.economicClassificationGovernment, OBEU_DIM.classification),
        (BP.fiscalYear, SDMX_DIM.refPeriod),
        (BP.budgetPhase, OBEU_DIM.budgetPhase),
        (BP.operationCharacter, OBEU_DIM.operationCharacter),
        (BP.department, OBEU_DIM.organization),
        (BP.project, OBEU_DIM.project),
    ],
)
def test_alignment(g, prop, parent):
    assert (prop, RDFS.subPropertyOf, parent) in g


@pytest.mark.parametrize(
    "prop,parent",
    [
        (BP.amount, OBEU_MEASURE.amount),  # published cells are no OBEU amounts
        (BP.economicClassificationGovernment, OBEU_DIM.economicClassification),
        (BP.fiscalYear, OBEU_DIM.fiscalYear),  # a literal under an object property
    ],
)
def test_no_false_alignment(g, prop, parent):
    assert (prop, RDFS.subPropertyOf, parent) not in g


def test_external_terms_not_redefined(g):
    """The vocabulary references OBEU / SDMX / qb terms but says nothing about them."""
    for s in set(g.subjects()):
        if isinstance(s, URIRef):
            assert str(s).startswith(("https://w3id.org/budgetpub/",)), s


# ------------------------------------------------------- sample cube: integrity

SAMPLE = """
@prefix bp:   <https://w3id.org/budgetpub/def#> .
@prefix qb:   <http://purl.org/linked-data/cube#> .
@prefix xsd:  <http://www.w3.org/2001/XMLSchema#> .
@prefix org:  <http://www.w3.org/ns/org#> .
@prefix fc:   <https://w3id.org/budgetpub/code/functional/> .
@prefix ecd:  <https://w3id.org/budgetpub/code/economic-departmental/> .
@prefix ecg:  <https://w3id.org/budgetpub/code/economic-government/> .
@prefix et:   <https://w3id.org/budgetpub/code/expenditure-type/> .
@prefix fs:   <https://w3id.org/budgetpub/code/fund-source/> .
@prefix ph:   <https://w3id.org/budgetpub/code/budget-phase/> .
@prefix oc:   <https://w3id.org/budgetpub/code/operation-character/> .
@prefix rt:   <https://w3id.org/budgetpub/code/row-type/> .
@prefix ex:   <https://example.org/> .
@prefix sdmx-attribute: <http://purl.org/linked-data/sdmx/2009/attribute#> .

ex:dept a org:Organization .
ex:table1 a bp:BudgetTable , qb:DataSet ;
    qb:structure bp:dsd-budget ;
    bp:department ex:dept ; bp:fiscalYear "2024"^^xsd:gYear ;
    bp:budgetPhase ph:approved ; bp:operationCharacter oc:expenditure ;
    sdmx-attribute:unitMeasure <http://publications.europa.eu/resource/authority/currency/CNY> ;
    sdmx-attribute:unitMult 0 ;
    bp:sourceUnit "万元" .

# an item cell states its row's codes; the total cell has none to state
ex:o1 a qb:Observation ; qb:dataSet ex:table1 ; bp:rowType rt:item ;
    bp:functionalClassification fc:2010301 ; bp:economicClassificationDepartmental ecd:30107 ;
    bp:economicClassificationGovernment ecg:50101 ; bp:expenditureType et:personnel ;
    bp:fundSource fs:general-public-budget ;
    bp:amount 12.34 ; bp:sourceLine 40 ; bp:sourceColumn "total" .

ex:o2 a qb:Observation ; qb:dataSet ex:table1 ; bp:rowType rt:total ;
    bp:amount 100.00 ; bp:sourceLine 41 ; bp:sourceColumn "total" .
"""

PREFIXES = """
PREFIX qb: <http://purl.org/linked-data/cube#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
"""


def _cube(g: Graph, extra: str = "") -> Store:
    """The vocabulary plus the sample cube in an Oxigraph store, normalised as the spec says."""
    cube = Graph()
    cube += g
    for path in EXTERNAL_FILES:  # loaded with the vocabulary, as the build does
        cube.parse(path, format="turtle")
    cube.parse(data=SAMPLE + extra, format="turtle")
    store = Store()
    store.load(cube.serialize(format="nt").encode(), format=RdfFormat.N_TRIPLES)
    normalise(store)
    return store


def _violations(cube: Store) -> list[str]:
    """The build's own checker (service.rdf.integrity): IC-1 … IC-21 as the spec's ASKs."""
    return violations(cube)


def test_sample_cube_meets_integrity_constraints(g):
    assert _violations(_cube(g)) == []


@pytest.mark.parametrize(
    "extra,violated",
    [
        # no printed column: IC-11 must catch it
        (
            """ex:o3 a qb:Observation ; qb:dataSet ex:table1 ; bp:rowType rt:item ;
          bp:amount 1 ; bp:sourceLine 42 .""",
            "IC-11",
        ),
        # a table whose budget phase is not in the code list: IC-19 must catch it
        (
            """ex:table2 a bp:BudgetTable , qb:DataSet ; qb:structure bp:dsd-budget ;
          bp:department ex:dept ; bp:fiscalYear "2024"^^xsd:gYear ;
          bp:budgetPhase <https://w3id.org/budgetpub/code/budget-phase/999> ;
          bp:operationCharacter oc:expenditure ;
          sdmx-attribute:unitMeasure <http://publications.europa.eu/resource/authority/currency/CNY> ;
          sdmx-attribute:unitMult 0 .
          ex:o4 a qb:Observation ; qb:dataSet ex:table2 ; bp:rowType rt:item ;
          bp:amount 1 ; bp:sourceLine 42 ; bp:sourceColumn "total" .""",
            "IC-19",
        ),
        # the same printed cell as ex:o2: IC-12 must catch it
        (
            """ex:o5 a qb:Observation ; qb:dataSet ex:table1 ; bp:rowType rt:total ;
          bp:amount 99 ; bp:sourceLine 41 ; bp:sourceColumn "total" .""",
            "IC-12",
        ),
    ],
)
def test_integrity_checks_catch_bad_observations(g, extra, violated):
    assert violated in _violations(_cube(g, extra))


# ----------------------------------------------------------------- JSON-LD context


def test_context_is_jsonld_11(context):
    ctx = context["@context"]
    assert ctx["@version"] == 1.1
    assert ctx["bp"] == str(BP)
    assert ctx["id"] == "@id" and ctx["type"] == "@type"
    # the summable measure has the obvious name; a printed cell's is named for what it is
    assert ctx["amount"] == {"@id": "obeu-measure:amount", "@type": "xsd:decimal"}
    assert ctx["printedAmount"] == {"@id": "bp:amount", "@type": "xsd:decimal"}


def test_context_terms_point_at_defined_bp_terms(g, context):
    defined = {str(s) for s in g.subjects() if isinstance(s, URIRef)}
    ctx = context["@context"]
    for term, value in ctx.items():
        iri = value["@id"] if isinstance(value, dict) else value
        if isinstance(iri, str) and iri.startswith("bp:"):
            assert str(BP) + iri[3:] in defined, term
    for p in PROPERTIES:
        assert p in ctx, f"context lacks a term for bp:{p}"


# rdflib's JSON-LD parser uses the deprecated ConjunctiveGraph internally
@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_context_expands_a_document(context):
    doc = {
        "@context": context["@context"],
        "@graph": [
            {
                "id": "https://example.org/obs/1",
                "type": "Observation",
                "dataSet": "https://example.org/table/1",
                "printedAmount": "1234.50",
                "fiscalYear": "2024",
                "department": "https://example.org/org/1",
                "functionalClassification": "code:functional/2010301",
                "economicClassificationDepartmental": "code:economic-departmental/30107",
                "project": "bp:noProject",
                "rowType": "code:row-type/item",
                "sourceLine": 12,
            },
            {
                "id": "code:functional/201",
                "type": "Concept",
                "notation": "201",
                "prefLabel": {"zh": "一般公共服务支出", "en": "General public services"},
                "inScheme": "code:functional",
            },
            {
                "id": "https://example.org/table/1",
                "type": ["DataSet", "BudgetTable"],
                "title": {"zh": "收支总表"},
                "structure": "bp:dsd-budget",
            },
        ],
    }
    graph = Graph().parse(data=json.dumps(doc), format="json-ld")
    obs = URIRef("https://example.org/obs/1")
    assert (obs, RDF.type, QB.Observation) in graph
    assert (obs, QB.dataSet, URIRef("https://example.org/table/1")) in graph
    assert (obs, BP.amount, Literal("1234.50", datatype=XSD.decimal)) in graph
    assert (obs, BP.fiscalYear, Literal("2024", datatype=XSD.gYear)) in graph
    assert (obs, BP.department, URIRef("https://example.org/org/1")) in graph
    assert (obs, BP.functionalClassification, code("functional", "2010301")) in graph
    ecd_30107 = code("economic-departmental", "30107")
    assert (obs, BP.economicClassificationDepartmental, ecd_30107) in graph
    assert (obs, BP.project, BP.noProject) in graph
    assert (obs, BP.rowType, code("row-type", "item")) in graph
    assert (obs, BP.sourceLine, Literal(12, datatype=XSD.integer)) in graph
    c201 = code("functional", "201")
    assert (c201, SKOS.prefLabel, Literal("一般公共服务支出", lang="zh")) in graph
    assert (c201, SKOS.notation, Literal("201")) in graph
    assert (c201, SKOS.inScheme, code("functional")) in graph
    table = URIRef("https://example.org/table/1")
    assert (table, RDF.type, BP.BudgetTable) in graph
    assert (table, DCTERMS.title, Literal("收支总表", lang="zh")) in graph
    assert (table, QB.structure, BP["dsd-budget"]) in graph
