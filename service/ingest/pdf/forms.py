"""绩效目标表 printed as forms: a project's (or the department's) name, its funds and its goal
as labelled cells, then its indicators in rows (一级 / 二级 / 三级指标, 指标值).

Whatever the region's form, its labels are words (项目名称, 主管部门, 资金总额, 财政拨款, 年度
目标…, declared in FORM_LABELS) and its indicator block starts at a row of the indicator words
(一级指标 … 指标值, INDICATOR_HEADERS). A project's labels may also head columns (北京: 项目名称 |
项目总额 | 绩效目标 | 一级指标 …): a row naming a project there starts it. Every indicator is a
row of the targets resource, its target parsed (≥ 90 %); every project a row of the budgets
resource, its amounts in yuan.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from service.ingest.cells import normalise, to_yuan
from service.ingest.header_terms import FORM_LABELS, INDICATOR_HEADERS
from service.ingest.layouts import Layout
from service.ingest.model import Row, Table
from service.ingest.pdf.generic import place_cells
from service.ingest.pdf.segment import Printed
from service.ingest.reasons import NotTyped
from service.ingest.targets import parse_target

_NUMBER = re.compile(r"^-?\d+(?:\.\d+)?$")
_AMOUNT_ROLES = ("total", "fiscal_appropriation", "other_funds")
_LEVELS = re.compile(r"^(成本指标|产出指标|效益指标|满意度指标)(\S{2,12}?指标)(.+)$")
_OPERATORS = ("≤", "≥", "=", "<", ">", "<=", ">=")


@dataclass
class _Project:
    line: int
    values: dict[str, str] = field(default_factory=dict)
    amounts: dict[str, Decimal] = field(default_factory=dict)


def form_tables(printed: Printed, unit: str, layout: Layout) -> list[Table]:
    """The targets and budgets of a printed performance form, or NotTyped."""
    unit = "万元" if _mentions_wan(printed) else (unit or "万元")
    if unit not in ("万元", "元"):
        raise NotTyped(f"amounts in {unit}", code="unit")
    budgets_name, targets_name = layout.resources
    targets = printed.new_table(targets_name, layout.kind, unit, list(TARGET_FIELDS))
    budgets = printed.new_table(budgets_name, layout.kind, unit, list(BUDGET_FIELDS))
    reader = _Reader(unit)
    reference: tuple[list[float], int] | None = None  # the columns of the last indicator header
    for piece in printed.pieces:
        grid = piece.grid
        own = any(_indicator_header([_clean(c) for c in row]) for row in grid.texts)
        if own or reference is None:
            reference = (grid.column_centres(), max(len(row) for row in grid.texts))
        for index, raw in enumerate(grid.texts):
            if own:
                cells = [_clean(cell) for cell in raw]
            else:  # a page with no header of its own: its cells under the header's columns
                cells = [_clean(cell) for cell in place_cells(grid, index, *reference)]
            line = piece.page.line_for(grid.row_boxes[index])
            if line is not None and any(cells):
                reader.row(cells, line.number)
    named = _title_name(printed.title.key if printed.title else "")
    for project in reader.projects:
        project.values.setdefault("project_name", named)
        row: Row = {"source_line": project.line, "row_type": "item"}
        for name in BUDGET_FIELDS[3:]:
            row[name] = (
                project.amounts.get(name) if name in _AMOUNT_ROLES else project.values.get(name)
            )
        budgets.rows.append(row)
    for line, project, indicator in reader.indicators:
        name = project.values.get("project_name") if project else named
        targets.rows.append(
            {"source_line": line, "row_type": "item", "project_name": name, **indicator}
        )
    if not reader.headed:
        raise NotTyped("no indicator block (一级指标 … 指标值)", code="no-indicators")
    if len({row["source_line"] for row in budgets.rows}) != len(budgets.rows):
        raise NotTyped("two projects on one text line", code="two-rows-one-line")
    for table in (targets, budgets):
        seen: dict[int, int] = {}
        for row in table.rows:  # a form's cells may share a text line: told apart by position
            seen[row["source_line"]] = seen.get(row["source_line"], 0) + 1
            row["position"] = seen[row["source_line"]]
    return [budgets, targets]


class _Reader:
    """Reads a form row by row: labelled cells fill the current project, a row of indicator
    words starts an indicator block, rows under it are indicators."""

    def __init__(self, unit: str):
        self.unit = unit
        self.projects: list[_Project] = []
        self.indicators: list[tuple[int, _Project | None, dict]] = []
        self.blocks: dict[str, int] = {}  # indicator field → grid column
        self.heads: dict[int, str] = {}  # a project label heading a column (北京) → its role
        self.levels: dict[str, str] = {}
        self.headed = False  # an indicator block's header was seen (an empty form has no rows)

    def row(self, cells: list[str], line: int) -> None:
        found = _indicator_header(cells)
        if found:
            self.blocks, self.levels, self.headed = found, {}, True
            left = {j: role for j, c in enumerate(cells) if (role := _label(c))}
            self.heads = left if "project_name" in left.values() else {}
            return
        labelled = _labelled(cells)
        if labelled and not any(value for _, value in labelled):
            if self.heads:  # the header's second row (其中：财政资金 | 其他资金)
                self.heads.update({j: role for j, c in enumerate(cells) if (role := _label(c))})
            return
        if self.heads and any(
            role == "project_name" and cells[j] for j, role in self.heads.items()
        ):
            labelled = [(role, cells[j]) for j, role in self.heads.items() if j < len(cells)]
        if labelled:
            if any(role == "project_name" for role, _ in labelled) or not self.projects:
                self.projects.append(_Project(line))
            _fill(self.projects[-1], labelled, self.unit)
        if self.blocks and (not labelled or self.heads):
            indicator = _indicator(cells, self.blocks, self.levels)
            if indicator:
                project = self.projects[-1] if self.projects else None
                self.indicators.append((line, project, indicator))


def _title_name(key: str) -> str | None:
    """A project named by its table's title alone (福建: …项目绩效目标表)."""
    name = re.sub(r"(?:项目)?(?:支出)?绩效目标(?:申报)?表$", "", normalise(key))
    name = re.sub(r"^\d{4}年度?", "", name)
    return name or None


TARGET_FIELDS = (
    "source_line",
    "position",
    "row_type",
    "project_name",
    "level1",
    "level2",
    "level3",
    "nature",
    "value_text",
    "operator",
    "value",
    "measure_unit",
    "qualitative",
)
BUDGET_FIELDS = (
    "source_line",
    "position",
    "row_type",
    "project_name",
    "department_name",
    "unit_name",
    "goal",
    "total",
    "fiscal_appropriation",
    "other_funds",
)


def _clean(cell: str | None) -> str:
    return re.sub(r"\s*\n\s*", "", cell or "").strip()


def _mentions_wan(printed: Printed) -> bool:
    texts = [c or "" for piece in printed.pieces for row in piece.grid.texts for c in row]
    return any("万元" in text for text in texts) or "万元" in (printed.unit or "")


def _label(text: str) -> str | None:
    """The role a form label names (项目名称 → project_name), or None for a value."""
    key = re.sub(r"^其中[:：]?", "", normalise(text).rstrip(":："))
    key = re.sub(r"[(（][^)）]*[)）]$", "", key)
    for pattern, role in FORM_LABELS:
        if re.fullmatch(pattern, key):
            return role
    return None


def _labelled(cells: list[str]) -> list[tuple[str, str]]:
    """(role, value) for each label of a row and the value printed right of it, or after its
    colon in the same cell (资金总额：57.00)."""
    found = []
    for j, cell in enumerate(cells):
        role = _label(cell)
        value = ""
        if role is None:
            parts = re.split(r"[:：]", cell, maxsplit=1)
            if len(parts) == 2 and parts[1].strip():
                role = _label(parts[0])
                value = parts[1].strip() if role else ""
        if role is None or role == "skip":
            continue
        if not value:
            value = next((c for c in cells[j + 1 :] if c and _label(c) is None), "")
        found.append((role, value))
    return found


def _fill(project: _Project, labelled: list[tuple[str, str]], unit: str) -> None:
    for role, value in labelled:
        if role in _AMOUNT_ROLES:
            bare = value.replace(",", "").replace(" ", "")
            if _NUMBER.match(bare):
                project.amounts.setdefault(role, to_yuan(Decimal(bare), unit))
        elif value and role != "skip":
            project.values.setdefault(role, value)


def _indicator_header(cells: list[str]) -> dict[str, int]:
    """The grid column of each indicator field, when the row is the indicator block's header."""
    found: dict[str, int] = {}
    for j, cell in enumerate(cells):
        key = normalise(cell)
        for pattern, name in INDICATOR_HEADERS:  # at the cell's end: text may overlap before
            if name not in found and re.search(rf"(?:{pattern})$", key):
                found[name] = j
                break
    return found if "level3" in found and "value_text" in found else {}


def _indicator(cells: list[str], blocks: dict[str, int], levels: dict[str, str]) -> dict | None:
    """An indicator row's fields, levels carried down from the rows above when left blank."""
    got = {name: cells[j] if j < len(cells) else "" for name, j in blocks.items()}
    for level in ("level1", "level2"):
        if got.get(level):
            levels[level] = got[level]
            if level == "level1":
                levels.pop("level2", None)
    if not got.get("level3") and not got.get("value_text"):
        return None
    if "level1" not in blocks and got.get("level3"):
        split = _LEVELS.match(normalise(got["level3"]))  # 北京: 产出指标数量指标按期完成率
        if split:
            got.update(level1=split[1], level2=split[2], level3=split[3])
            levels.update(level1=split[1], level2=split[2])
    nature = got.get("nature", "")
    if normalise(nature) in _OPERATORS:  # 北京: the operator printed as the indicator's 性质
        target = parse_target(normalise(nature) + got.get("value_text", ""))
    else:
        target = parse_target(got.get("value_text", ""))
    return {
        "level1": levels.get("level1"),
        "level2": levels.get("level2"),
        "level3": got.get("level3") or None,
        "nature": got.get("nature") or None,
        "value_text": got.get("value_text") or None,
        "operator": target.operator,
        "value": target.value,
        "measure_unit": got.get("measure_unit") or target.unit,
        "qualitative": target.qualitative,
    }
