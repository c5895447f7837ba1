"""绩效目标表: indicators with their levels, and targets parsed into operator, number and unit.

In the project table each project's first line carries its code and amounts and one indicator
per category; the lines after it, with the first cells blank, add more indicators.
In the department table merged 一级/二级 cells appear on one line of their block, so levels
are carried forward (and back to the first rows when the first label sits mid-block).
"""

from __future__ import annotations

import re

from service.ingest.cells import looks_like_amount, normalise
from service.ingest.layouts import Layout
from service.ingest.model import Indicator, Row, Table
from service.ingest.rows import Context, fill_amounts, fit, header_text, new_table, resolve_columns
from service.ingest.sections import Section
from service.ingest.targets import parse_target

_DIGITS = re.compile(r"^\d+$")
CATEGORIES = (
    ("cost", "成本指标"),
    ("output", "产出指标"),
    ("benefit", "效益指标"),
    ("satisfaction", "满意度指标"),
)


def _indicator(
    line: int, scope: str, l1: str | None, l2: str | None, l3: str, value: str, **extra: str | None
) -> Indicator:
    target = parse_target(value)
    return Indicator(
        line,
        scope,
        l1,
        l2,
        l3.strip(),
        value.strip(),
        target.operator,
        target.value,
        target.unit,
        target.qualitative,
        **extra,
    )


def build_project_performance(
    layout: Layout, section: Section, ctx: Context, indicators: list[Indicator]
) -> list[Table]:
    """The project performance tables of a section (one row an indicator of a project), from its
    header and data lines.
    """

    def is_data(cells: list[str]) -> bool:
        return bool(cells and _DIGITS.match(normalise(cells[0])))

    body = section.body
    start = next((i for i, line in enumerate(body) if is_data(line.cells)), len(body))
    header, data = body[:start], body[start:]
    columns = resolve_columns(layout.columns, header_text(header), ctx, section.title.number)
    if len(columns) != len(layout.columns):
        raise ctx.error(
            "garbled-header",
            "project performance header is incomplete",
            section.title.number,
            "all four indicator categories",
        )
    amounts = [c for c in columns if c.kind == "amount"]
    table = new_table(
        layout,
        layout.resources[0],
        section,
        "万元",
        amounts,
        ["source_line", "row_type", "unit_code", "project_code", "project_name", "project_type"],
    )
    # amounts in this table are stated in the header (项目金额（万元）)
    ctx_wan = Context(ctx.file, section, "万元" if "万元" in header_text(header) else ctx.unit)
    table.unit = ctx_wan.unit
    current: str | None = None
    for line in data:
        cells = fit(line.cells, len(columns), ctx, line)
        code = normalise(cells[0])
        if code:
            current = None
            row: Row = {
                "source_line": line.number,
                "unit_code": None,
                "project_code": None,
                "project_name": cells[1].strip() or None,
                "project_type": cells[2].strip() or None,
            }
            if len(code) > 8:
                row.update(row_type="item", project_code=code)
                current = code
            else:
                row.update(
                    row_type=("department" if len(code) <= 3 else "unit"),
                    unit_code=code,
                    project_type=None,
                )
            fill_amounts(row, cells[3:7], columns[3:7], ctx_wan, line)
            table.rows.append(row)
        elif any(looks_like_amount(c) for c in cells[3:7]):
            raise ctx.error(
                "missing-project-code",
                "amounts on a line without a project code",
                line.number,
                "a 项目编码 in the first column",
            )
        if current is None:
            if any(cells[7:]):
                raise ctx.error(
                    "orphan-indicator",
                    "indicator line before any project",
                    line.number,
                    "a project line with its code first",
                )
            continue
        for position, (category, title) in enumerate(CATEGORIES):
            name, value = cells[7 + 2 * position], cells[8 + 2 * position]
            if name.strip() or value.strip():
                indicators.append(
                    _indicator(
                        line.number,
                        "project",
                        title,
                        None,
                        name,
                        value,
                        project_code=current,
                        category=category,
                    )
                )
    return [table]


def build_department_performance(
    layout: Layout, section: Section, ctx: Context, indicators: list[Indicator]
) -> tuple[list[Table], dict]:
    """Returns the task table and what the narrative part states (goals, budget figures)."""
    facts: dict = {"goals": None, "budget": []}
    tasks = Table(
        layout.resources[1],
        layout.kind,
        section.title.text.strip(),
        section.title.number,
        section.department,
        ctx.unit,
        ["source_line", "task", "content"],
    )
    found: list[Indicator] = []
    mode = "head"
    level1 = level2 = None
    for line in section.body:
        cells = [c.strip() for c in line.cells]
        first = normalise(cells[0]) if cells else ""
        if first.startswith("部门名称"):
            continue
        if first == "年度履职目标":
            facts["goals"] = next((c for c in cells[1:] if c), None)
            continue
        if first == "年度主要任务":
            mode = "tasks"
            continue
        if first == "预算情况":
            mode = "budget"
        if first == "一级指标":
            mode = "indicators"
            continue
        if mode == "tasks":
            texts = [c for c in cells if c]
            if len(texts) >= 2:
                tasks.rows.append(
                    {"source_line": line.number, "task": texts[0], "content": texts[1]}
                )
        elif mode == "budget":
            texts = [c for c in cells if c]
            if texts and looks_like_amount(texts[-1]):
                facts["budget"].append((line.number, " ".join(texts[:-1]), texts[-1]))
        elif mode == "indicators":
            filled = [i for i, c in enumerate(cells) if c]
            if not filled:
                continue
            if filled[:3] == [0, 1, 2] and (len(filled) == 3 or (len(cells) > 3 and not cells[3])):
                l3, value, description = cells[0], cells[1], cells[2]  # shifted merged row
            else:
                cells = (cells + [""] * 5)[:5]
                if cells[0]:
                    level1 = cells[0]
                if cells[1]:
                    level2 = cells[1]
                l3, value, description = cells[2], cells[3], cells[4]
            if not l3:
                raise ctx.error(
                    "missing-indicator",
                    "indicator row without a 三级指标",
                    line.number,
                    "一级指标, 二级指标, 三级指标, 指标值, 指标值说明",
                )
            found.append(
                _indicator(
                    line.number,
                    "department",
                    level1,
                    level2,
                    l3,
                    value,
                    description=description or None,
                )
            )
    first_level1 = next((i.level1 for i in found if i.level1), None)
    for indicator in found:  # a merged cell printed mid-block also covers the rows above it
        if indicator.level1 is None:
            indicator.level1 = first_level1
        else:
            break
    indicators.extend(found)
    return [tasks], facts
