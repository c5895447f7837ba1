"""The generated budget as numbers before any text: every amount an exact Decimal in yuan.

Leaves are drawn at random (economic items, projects, 三公 components) and every total is
summed from them, so the document is consistent by construction; the renderer only formats.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from service.synthetic import names

ZERO = Decimal(0)
WAN = Decimal(10000)
GROUP_OF_CLASS = {"301": "wages", "303": "household", "302": "goods", "310": "capital"}
BASIC_RANGES = {
    "301": (20000, 600000),
    "302": (2000, 80000),
    "303": (1000, 50000),
    "310": (5000, 100000),
}


def rounded(value: Decimal, places: int) -> Decimal:
    """Half-up rounding, the rule the audit applies to stated figures."""
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def in_wan(value: Decimal, places: int = 2) -> Decimal:
    """An amount in yuan as 万元, rounded as the documents print it."""
    return rounded(value / WAN, places)


@dataclass
class FunctionalRow:
    code: str
    name: str
    fund: str  # gpb (一般公共预算) | gf (政府性基金)
    wages: Decimal = ZERO
    household: Decimal = ZERO
    goods: Decimal = ZERO
    capital: Decimal = ZERO
    operating: Decimal = ZERO  # 项目支出·其他运转类
    specific: Decimal = ZERO  # 项目支出·特定目标类

    @property
    def personnel(self) -> Decimal:
        """人员经费: wages and payments to households."""
        return self.wages + self.household

    @property
    def public(self) -> Decimal:
        """公用经费: goods and services and capital."""
        return self.goods + self.capital

    @property
    def basic(self) -> Decimal:
        """基本支出: personnel and public expenses."""
        return self.personnel + self.public

    @property
    def project(self) -> Decimal:
        """项目支出: operating and specific projects."""
        return self.operating + self.specific

    @property
    def total(self) -> Decimal:
        """The row's total: basic and project expenditure."""
        return self.basic + self.project


@dataclass
class EconomicRow:
    code: str
    name: str
    gov_code: str
    gov_name: str
    basic: Decimal = ZERO  # 一般公共预算基本支出
    project_gpb: Decimal = ZERO
    project_gf: Decimal = ZERO

    @property
    def personnel(self) -> bool:
        """Whether the class is a personnel expense (301, 303)."""
        return self.code.startswith(("301", "303"))

    @property
    def total(self) -> Decimal:
        """The class's total: basic and project expenditure of both funds."""
        return self.basic + self.project_gpb + self.project_gf


@dataclass
class Project:
    code: str  # 20 digits, the link between the project and performance tables
    name: str
    kind: str  # 其他运转类 | 特定目标类
    fund: str  # gpb | gf
    amount: Decimal
    functional: str
    economic: dict[str, Decimal]
    cap_text: str
    cap_name: str
    cap_warns: bool
    outputs: list[tuple[str, str]]
    benefit: tuple[str, str]
    satisfaction: tuple[str, str]


@dataclass
class Narrative:
    """Prior-year figures and counts the text states (all in 万元, 2 decimals)."""

    prior_total: Decimal
    prior_general: Decimal
    prior_three: Decimal
    prior_operating: Decimal
    procurement: tuple[Decimal, Decimal, Decimal]
    vehicles: tuple[int, int]
    equipment: int
    reasons: dict[str, str]  # 增加 | 减少 → the reason the text gives


@dataclass
class Budget:
    seed: int
    year: int
    unit: str  # 万元 | 元
    city: str
    district: str
    department: str  # e.g. 政务服务中心
    region_code: str  # 6 digits
    dept_code: str  # 3 digits
    functional: list[FunctionalRow]
    economic: list[EconomicRow]  # the basic table's rows and the project-only codes
    projects: list[Project]
    three_public: dict[str, Decimal]
    narrative: Narrative
    duties: list[str] = field(default_factory=list)
    tasks: list[tuple[str, str]] = field(default_factory=list)

    @property
    def full_name(self) -> str:
        """The department's name with its city and district, as titles print it."""
        return f"{self.city}{self.district}{self.department}"

    @property
    def short_name(self) -> str:
        """The department's name as the prose shortens it."""
        return f"{self.district[-1]}{self.department}"

    @property
    def unit_code(self) -> str:
        """The code of the department's own unit."""
        return f"{self.dept_code}001"

    def rows(self, fund: str | None = None) -> list[FunctionalRow]:
        """The functional rows of one fund (gpb, gf), or of every fund."""
        return [r for r in self.functional if fund is None or r.fund == fund]

    def sum(self, attr: str, fund: str | None = None) -> Decimal:
        """The sum of one amount of the functional rows, of one fund or every fund."""
        return sum((getattr(r, attr) for r in self.rows(fund)), ZERO)

    @property
    def basic_rows(self) -> list[EconomicRow]:
        """The economic classes with basic expenditure."""
        return [r for r in self.economic if r.basic]

    @property
    def operating_rows(self) -> list[EconomicRow]:
        """The basic economic classes that are no personnel expense (the operating expenses)."""
        return [r for r in self.basic_rows if not r.personnel]


def _amount(rng: random.Random, low: int, high: int, quantum: Decimal) -> Decimal:
    q = int(quantum)
    return Decimal(rng.randint(max(1, low // q), max(1, high // q))) * quantum


def split(
    total: Decimal, parts: int, rng: random.Random, quantum: Decimal, minimum: int = 0
) -> list[Decimal]:
    """Cut `total` into `parts` multiples of `quantum`, each at least `minimum` quanta."""
    units = int(total / quantum)
    if parts <= 0:
        return []
    reserve = minimum * parts
    free = units - reserve
    if free < 0:
        raise ValueError("total too small to split")
    weights = [rng.random() + 0.05 for _ in range(parts)]
    scale = sum(weights)
    shares = [int(free * w / scale) for w in weights]
    shares[rng.randrange(parts)] += free - sum(shares)
    return [Decimal(s + minimum) * quantum for s in shares]


def build(seed: int, *, department_index: int, year: int, unit: str, rows_per_table: int) -> Budget:
    """Draw one department's budget; `rows_per_table` item rows in the variable tables."""
    rng = random.Random(seed)
    n = rows_per_table
    city, city_code, districts = names.CITIES[
        (department_index // len(names.DEPARTMENTS)) % len(names.CITIES)
    ]
    district_no = (department_index // (len(names.DEPARTMENTS) * len(names.CITIES))) % len(
        districts
    )
    department, own_classes = names.DEPARTMENTS[department_index % len(names.DEPARTMENTS)]
    basic_quantum = Decimal(100) if unit == "万元" else Decimal(1)
    project_quantum = Decimal(100)

    # 功能分类 rows: n in all, a few of them 政府性基金
    n_fund = max(1, n // 8)
    general = [
        FunctionalRow(code, names.functional_name(code), "gpb")
        for code in names.functional_codes(rng, n - n_fund, own_classes)
    ]
    fund = [
        FunctionalRow(code, names.functional_name(code), "gf")
        for code in names.fund_codes(rng, n_fund)
    ]
    standard = {code for code, _ in names.STANDARD_ITEMS}
    roles: dict[str, str] = {}
    for row in general:
        if row.code in standard:
            roles[row.code] = "basic"
        else:
            roles[row.code] = rng.choices(("basic", "project", "mixed"), (5, 3, 2))[0]
    n_gpb_projects = n - n_fund
    bearing = [r for r in general if roles[r.code] != "basic"]
    if not bearing:
        candidate = next(r for r in reversed(general) if r.code not in standard)
        roles[candidate.code] = "project"
        bearing = [candidate]
    while len(bearing) > n_gpb_projects:
        roles[bearing.pop().code] = "basic"
    if not any(roles[r.code] != "project" for r in general):
        roles[general[0].code] = "mixed"

    # 基本支出 by 经济分类: the basic table's n rows, then spread over the 功能分类 rows
    economic: dict[str, EconomicRow] = {}
    for code in names.economic_codes(rng, n):
        name, gov, gov_name = names.economic_entry(code)
        low, high = BASIC_RANGES[code[:3]]
        economic[code] = EconomicRow(
            code, name, gov, gov_name, _amount(rng, low, high, basic_quantum)
        )
    basic_rows = [r for r in general if roles[r.code] != "project"]
    for cls, group in GROUP_OF_CLASS.items():
        class_total = sum((e.basic for e in economic.values() if e.code.startswith(cls)), ZERO)
        minimum = 1 if cls == "301" else 0
        for row, share in zip(
            basic_rows,
            split(class_total, len(basic_rows), rng, basic_quantum, minimum),
            strict=True,
        ):
            setattr(row, group, share)

    # projects: one per 政府性基金 row, the rest over the 一般公共预算 rows that carry projects
    region_code = f"{city_code}{(district_no + 1):02d}"
    dept_code = f"{(department_index % 299) + 1:03d}"
    spare_codes = [c for c in ("30227", "30226", "31007", "30305") if c not in economic]
    spare_codes = spare_codes[: max(0, min(4, 200 - n))]
    for code in spare_codes:
        name, gov, gov_name = names.economic_entry(code)
        economic[code] = EconomicRow(code, name, gov, gov_name)
    project_codes = sorted(c for c in economic if not c.startswith("301"))
    owners = [r for r in fund] + bearing
    owners += [rng.choice(bearing) for _ in range(n - len(owners))]
    projects: list[Project] = []
    # like the seed, some documents state one cost cap a little under its project's budget
    warned = rng.randrange(n_fund, n) if rng.random() < 0.3 else -1
    for number, owner in enumerate(owners):
        scale = rng.choices(((5000, 50000), (30000, 300000), (100000, 800000)), (3, 5, 2))[0]
        amount = _amount(rng, *scale, project_quantum)
        kind = "其他运转类" if owner.fund == "gf" or rng.random() < 0.3 else "特定目标类"
        picked = rng.sample(project_codes, min(len(project_codes), rng.randint(1, 3)))
        parts = split(amount, len(picked), rng, basic_quantum, 1)
        for code, part in zip(picked, parts, strict=True):
            if owner.fund == "gf":
                economic[code].project_gf += part
            else:
                economic[code].project_gpb += part
        if kind == "其他运转类":
            owner.operating += amount
        else:
            owner.specific += amount
        topic = names.PROJECT_TOPICS[number % len(names.PROJECT_TOPICS)]
        batch = number // len(names.PROJECT_TOPICS)
        name = f"{year}年{topic}{'经费' if kind == '其他运转类' else '项目'}"
        if batch:
            name = f"{name}（{batch + 1}期）"
        warns = number == warned
        cap = amount - rng.randint(51, 99) if warns else amount
        cap_text = (
            f"≤{cap:f}元" if warns or rng.random() < 0.7 else f"≤{(amount / WAN).normalize():f}万元"
        )
        outputs = []
        for label, value in rng.sample(names.OUTPUTS, rng.randint(1, 3)):
            outputs.append((label, value.format(n=rng.randint(2, 500))))
        projects.append(
            Project(
                code=f"{region_code}{year % 100:02d}{dept_code}{number + 1:09d}",
                name=name,
                kind=kind,
                fund=owner.fund,
                amount=amount,
                functional=owner.code,
                economic=dict(zip(picked, parts, strict=True)),
                cap_text=cap_text,
                cap_name=rng.choice(names.CAP_NAMES),
                cap_warns=warns,
                outputs=outputs,
                benefit=rng.choice(names.BENEFITS),
                satisfaction=(
                    rng.choice(names.SATISFACTION),
                    rng.choice(("≥90%", "≥95%", "≥98%")),
                ),
            )
        )
    economic_rows = [economic[c] for c in sorted(economic) if economic[c].total]

    three = {
        "overseas_travel": _amount(rng, 20000, 100000, basic_quantum)
        if rng.random() < 0.1
        else ZERO,
        "vehicle_purchase": _amount(rng, 100000, 250000, basic_quantum)
        if rng.random() < 0.15
        else ZERO,
        "vehicle_operation": _amount(rng, 5000, 60000, basic_quantum)
        if rng.random() < 0.8
        else ZERO,
        "official_reception": _amount(rng, 1000, 30000, basic_quantum),
    }
    functional = sorted(general + fund, key=lambda r: r.code)
    budget = Budget(
        seed=seed,
        year=year,
        unit=unit,
        city=city,
        district=districts[district_no],
        department=department,
        region_code=region_code,
        dept_code=dept_code,
        functional=functional,
        economic=economic_rows,
        projects=projects,
        three_public=three,
        narrative=_narrative(rng, functional, three, economic_rows),
    )
    budget.tasks = _duties(rng, department)
    budget.duties = [duty for _, duty in budget.tasks]
    return budget


def _prior(rng: random.Random, stated: Decimal) -> Decimal:
    """A prior-year amount (万元, 2 decimals) that differs from `stated` and is positive."""
    while True:
        factor = Decimal(rng.randint(60, 140)) / 100
        prior = rounded(stated * factor, 2)
        if prior > 0 and prior != stated:
            return prior
        if stated == 0:
            return Decimal(rng.randint(1, 500)) / 100


def _narrative(
    rng: random.Random,
    rows: list[FunctionalRow],
    three: dict[str, Decimal],
    economic: list[EconomicRow],
) -> Narrative:
    total = in_wan(sum((r.total for r in rows), ZERO))
    general = in_wan(sum((r.total for r in rows if r.fund == "gpb"), ZERO))
    operating = in_wan(sum((e.basic for e in economic if e.basic and not e.personnel), ZERO))
    three_total = in_wan(sum(three.values(), ZERO))
    goods, works, services = (Decimal(rng.randint(0, 5000)) / 100 for _ in range(3))
    official, enforcement = rng.randint(0, 4), rng.randint(0, 3)
    return Narrative(
        prior_total=_prior(rng, total),
        prior_general=_prior(rng, general),
        prior_three=_prior(rng, three_total),
        prior_operating=_prior(rng, operating),
        procurement=(goods, works, services),
        vehicles=(official, enforcement),
        equipment=rng.randint(0, 3),
        reasons={verb: rng.choice(reasons) for verb, reasons in names.REASONS.items()},
    )


def _duties(rng: random.Random, department: str) -> list[tuple[str, str]]:
    """(task name, duty sentence) pairs: the 主要职责 list and the 年度主要任务 rows."""
    verbs = ("负责", "统筹", "组织实施", "指导协调", "监督管理")
    areas = (
        ("政策研究", "本部门职责范围内的政策研究和规划编制工作"),
        ("行业管理", "全区相关领域的行业管理和公共服务"),
        ("资金管理", "专项资金的分配、使用和绩效管理"),
        ("信息化建设", "相关信息化建设和数据资源管理"),
        ("安全应急", "安全生产和应急处置的有关工作"),
        ("宣传培训", "相关领域的宣传教育和人员培训"),
        ("交办任务", "区委、区政府交办的其他任务"),
    )
    picked = rng.sample(areas, rng.randint(3, 6))
    return [(f"{task}工作", f"{rng.choice(verbs)}{area}。") for task, area in picked]
