"""Row builders: a table section's lines become typed rows with codes joined and kept by level."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from service.errors import InputError
from service.ingest.cells import (
    looks_like_amount,
    normalise,
    parse_amount,
    to_yuan,
)
from service.ingest.layouts import Column, Layout
from service.ingest.model import Row, Table
from service.ingest.sections import Line, Section

_DIGITS = re.compile(r"^\d+$")

FUND_KEYWORDS: tuple[tuple[str, str], ...] = (
    ("财政专户", "fiscal-special-account"),
    ("事业单位经营", "business-operating-income"),
    ("用事业基金弥补", "business-fund"),
    ("非财政拨款结余", "business-fund"),  # 使用非财政拨款结余: the same line's newer name
    ("事业收入", "business-income"),
    ("上级补助", "superior-subsidy"),
    ("附属单位上缴", "subordinate-remittance"),
    ("其他收入", "other-income"),
    ("政府性基金", "government-fund"),
    ("国有资本经营", "state-capital"),
    ("财政拨款", "fiscal-appropriation"),
    ("一般公共预算", "general-public-budget"),
    ("单位资金", "unit-funds"),
)
EXPENDITURE_KEYWORDS: tuple[tuple[str, str], ...] = (
    ("基本支出", "basic"),
    ("人员经费", "personnel"),
    ("公用经费", "public"),
    ("项目支出", "project"),
)


# the fields before the amounts in every 功能分类 table, from text or from PDF
FUNCTIONAL_LEADING = [
    "source_line",
    "row_type",
    "unit_code",
    "functional_code",
    "functional_class",
    "functional_subclass",
    "name",
]


class Context:
    """What every builder needs: the file name for errors and the section being read."""

    def __init__(self, file: str, section: Section, unit: str):
        self.file = file
        self.section = section
        self.unit = unit

    def error(self, type_: str, message: str, line: int | None, expected: str) -> InputError:
        """An InputError at `line` of this document."""
        return InputError(type_, message, self.file, line, expected)

    def amount(self, cell: str, line: Line, column: Column) -> Any:
        """A printed amount cell parsed and converted to yuan from the document's unit."""
        value = parse_amount(cell, file=self.file, line=line.number, column=column.title)
        return to_yuan(value, self.unit)


def functional_row(
    line: int, row_type: str, unit_code: str | None, code: str, name: str | None
) -> Row:
    """The leading fields of a 功能分类 row (FUNCTIONAL_LEADING), text or PDF: its code, the 类
    and 款 it is under, and `name` as given."""
    return {
        "source_line": line,
        "row_type": row_type,
        "unit_code": unit_code,
        "functional_code": code or None,
        "functional_class": code[:3] or None,
        "functional_subclass": code[:5] if len(code) >= 5 else None,
        "name": name,
    }


def header_text(lines: Iterable[Line]) -> str:
    """A table's header lines as one normalised string, which the layouts' column keywords are found
    in.
    """
    return "".join(normalise(line.text) for line in lines)


def resolve_columns(
    columns: Iterable[Column], header: str, ctx: Context, line: int
) -> list[Column]:
    """Keep the columns whose header keyword is present; a missing required one is an error."""
    present = []
    for column in columns:
        keyword = normalise(column.keyword or column.title)
        if keyword in header:
            present.append(column)
        elif not column.optional:
            raise ctx.error(
                "garbled-header",
                f"header of table {ctx.section.title.text!r} has no column {column.title!r}",
                line,
                f"a header cell containing {column.keyword!r}",
            )
    return present


def fit(cells: list[str], width: int, ctx: Context, line: Line) -> list[str]:
    """Pad short rows; refuse a value beyond the template's columns."""
    for position in range(width, len(cells)):
        if cells[position].strip():
            raise ctx.error(
                "unexpected-cell",
                f"value {cells[position]!r} in column {position + 1} of table "
                f"{ctx.section.title.text!r}",
                line.number,
                f"at most {width} columns",
            )
    return (cells + [""] * width)[:width]


def split_header(
    section: Section, is_data: Callable[[list[str]], bool]
) -> tuple[list[Line], list[Line]]:
    """A section's body split where the first data line (by `is_data`) starts: (header lines, data
    lines).
    """
    for index, line in enumerate(section.body):
        if is_data(line.cells):
            return section.body[:index], section.body[index:]
    return section.body, []


def start_table(
    layout: Layout,
    section: Section,
    ctx: Context,
    is_data: Callable[[list[str]], bool],
    skip: int,
    leading: list[str],
) -> tuple[Table, list[Column], list[Line]]:
    """How reading a one-table section starts: its header and data lines split where `is_data`
    says, the layout's columns its header prints, and an empty table of the layout's resource
    whose fields are `leading`, then the printed columns after the first `skip`."""
    header, data = split_header(section, is_data)
    columns = resolve_columns(layout.columns, header_text(header), ctx, section.title.number)
    table = new_table(layout, layout.resources[0], section, ctx.unit, columns[skip:], leading)
    return table, columns, data


def new_table(
    layout: Layout,
    resource: str,
    section: Section,
    unit: str,
    columns: list[Column],
    leading: list[str],
) -> Table:
    """An empty table of `layout` for a section: its resource, title, unit and the leading fields
    before the amount columns.
    """
    return Table(
        resource=resource,
        kind=layout.kind,
        title=section.title.text.strip(),
        line=section.title.number,
        department=section.department,
        unit=unit,
        fields=leading + [column.name for column in columns],
        notes=list(section.notes),
    )


def fill_amounts(
    row: Row, cells: list[str], columns: list[Column], ctx: Context, line: Line
) -> None:
    """The amount cells of a data line parsed into `row`, one for each amount column."""
    for cell, column in zip(cells, columns, strict=True):
        if column.kind == "amount":
            row[column.name] = ctx.amount(cell, line, column)


def _unit_row_type(code: str) -> str:
    return "department" if len(code) <= 3 else "unit"


def _filled(cells: list[str]) -> int:
    """Width of a row without its trailing blank cells."""
    return max((i + 1 for i, cell in enumerate(cells) if cell.strip()), default=0)


def _any_amount(cells: list[str]) -> bool:
    return any(looks_like_amount(cell) for cell in cells)


# --- 部门支出预算表 and siblings ------------------------------------------------------------


def build_functional(layout: Layout, section: Section, ctx: Context) -> list[Table]:
    """A 部门支出预算表 (or a sibling classified by function) read: one row a unit's or a
    function's (类/款/项) amounts.
    """

    def is_data(cells: list[str]) -> bool:
        cells = cells + [""] * 5
        return bool(
            _DIGITS.match(cells[0])
            or _DIGITS.match(cells[3])
            or (normalise(cells[4]) == "合计" and not any(cells[:4]))
        )

    table, columns, data = start_table(layout, section, ctx, is_data, 5, FUNCTIONAL_LEADING)
    for line in data:
        cells = fit(line.cells, len(columns), ctx, line)
        code = "".join(normalise(c) for c in cells[:3])
        unit_code = normalise(cells[3]) or None
        name = cells[4].strip()
        if code and not _DIGITS.match(code):
            raise ctx.error(
                "invalid-code",
                f"functional code {code!r} is not numeric",
                line.number,
                "digits such as 201 03 01",
            )
        if normalise(name) == "合计" and not code and not unit_code:
            row_type = "total"
        elif unit_code and not code:
            row_type = _unit_row_type(unit_code)
        elif len(code) == 7:
            row_type = "item"
        elif len(code) in (3, 5):
            row_type = "subtotal"
        else:
            raise ctx.error(
                "invalid-code",
                f"functional code {code!r} has {len(code)} digits",
                line.number,
                "类 (3 digits), 款 (+2) and 项 (+2)",
            )
        row = functional_row(line.number, row_type, unit_code, code, name or None)
        fill_amounts(row, cells[5:], columns[5:], ctx, line)
        table.rows.append(row)
    return [table]


# --- 部门收入预算表 ---------------------------------------------------------------------------


def build_coded(layout: Layout, section: Section, ctx: Context) -> list[Table]:
    """A 部门收入预算表 section read: one row a unit (unit code, name) with its income amounts."""

    def is_data(cells: list[str]) -> bool:
        return _any_amount(cells) or bool(cells and _DIGITS.match(cells[0]))

    table, columns, data = start_table(
        layout, section, ctx, is_data, 2, ["source_line", "row_type", "unit_code", "name"]
    )
    for line in data:
        cells = fit(line.cells, len(columns), ctx, line)
        code, name = normalise(cells[0]), cells[1].strip()
        if "合计" in (code, normalise(name)):
            row_type, code = "total", ""
        elif _DIGITS.match(code):
            row_type = _unit_row_type(code)
        else:
            raise ctx.error(
                "invalid-code",
                f"unit code {cells[0]!r} is not numeric",
                line.number,
                "a unit code such as 015001 or 合计",
            )
        row: Row = {
            "source_line": line.number,
            "row_type": row_type,
            "unit_code": code or None,
            "name": name or None,
        }
        fill_amounts(row, cells[2:], columns[2:], ctx, line)
        table.rows.append(row)
    return [table]


# --- 一般公共预算基本支出预算表 (codes already joined) -----------------------------------------


def build_economic(layout: Layout, section: Section, ctx: Context) -> list[Table]:
    """A 一般公共预算基本支出预算表 read (economic codes printed joined): one row an economic
    class's amounts.
    """

    def is_data(cells: list[str]) -> bool:
        return normalise(cells[0]) == "合计" or bool(_DIGITS.match(cells[0]))

    table, columns, data = start_table(
        layout,
        section,
        ctx,
        is_data,
        4,
        [
            "source_line",
            "row_type",
            "economic_departmental_code",
            "economic_departmental_class",
            "economic_departmental_name",
            "economic_government_code",
            "economic_government_class",
            "economic_government_name",
        ],
    )
    for line in data:
        cells = fit(line.cells, len(columns), ctx, line)
        dept, gov = normalise(cells[0]), normalise(cells[2])
        if dept == "合计":
            row_type, dept = "total", ""
        else:
            _check_code(dept, (3, 5), ctx, line, "部门预算经济分类")
            row_type = "item" if len(dept) == 5 else "subtotal"
        if gov:
            _check_code(gov, (3, 5), ctx, line, "政府预算经济分类")
        row: Row = {
            "source_line": line.number,
            "row_type": row_type,
            "economic_departmental_code": dept or None,
            "economic_departmental_class": dept[:3] or None,
            "economic_departmental_name": cells[1].strip() or None,
            "economic_government_code": gov or None,
            "economic_government_class": gov[:3] or None,
            "economic_government_name": cells[3].strip() or None,
        }
        fill_amounts(row, cells[4:], columns[4:], ctx, line)
        table.rows.append(row)
    return [table]


def _check_code(code: str, lengths: tuple[int, ...], ctx: Context, line: Line, what: str) -> None:
    if not _DIGITS.match(code) or len(code) not in lengths:
        raise ctx.error(
            "invalid-code",
            f"{what} code {code!r} is not a class or subclass code",
            line.number,
            f"digits, {' or '.join(map(str, lengths))} long",
        )


# --- 支出经济分类汇总表 (类 and 款 in separate columns) -------------------------------------


def build_economic_split(layout: Layout, section: Section, ctx: Context) -> list[Table]:
    """A 支出经济分类汇总表 read (类 and 款 in separate columns): one row a departmental and
    government economic class's amounts.
    """

    def is_data(cells: list[str]) -> bool:
        cells = cells + [""] * 3
        return _any_amount(cells) or bool(_DIGITS.match(cells[0])) or normalise(cells[2]) == "合计"

    table, columns, data = start_table(
        layout,
        section,
        ctx,
        is_data,
        6,
        [
            "source_line",
            "row_type",
            "unit_code",
            "economic_departmental_code",
            "economic_departmental_class",
            "economic_departmental_name",
            "economic_government_code",
            "economic_government_class",
            "economic_government_name",
        ],
    )
    for line in data:
        cells = fit(line.cells, len(columns), ctx, line)
        dept = normalise(cells[0]) + normalise(cells[1])
        gov = normalise(cells[3]) + normalise(cells[4])
        unit_code = None
        if normalise(cells[2]) == "合计" and not dept:
            row_type = "total"
        elif dept and not cells[1].strip() and not gov and not dept.startswith(("3", "5")):
            row_type, unit_code, dept = _unit_row_type(dept), dept, ""
        else:
            _check_code(dept, (3, 5), ctx, line, "部门预算经济分类")
            row_type = "item" if len(dept) == 5 else "subtotal"
        if gov:
            _check_code(gov, (3, 5), ctx, line, "政府预算经济分类")
        row: Row = {
            "source_line": line.number,
            "row_type": row_type,
            "unit_code": unit_code,
            "economic_departmental_code": dept or None,
            "economic_departmental_class": dept[:3] or None,
            "economic_departmental_name": cells[2].strip() if dept else None,
            "economic_government_code": gov or None,
            "economic_government_class": gov[:3] or None,
            "economic_government_name": cells[5].strip() or None,
        }
        if row_type != "item" and row_type != "subtotal":
            row["economic_departmental_name"] = None
            row["name"] = cells[2].strip() or None
        fill_amounts(row, cells[6:], columns[6:], ctx, line)
        table.rows.append(row)
    table.fields.insert(3, "name")
    for row in table.rows:
        row.setdefault("name", None)
    return [table]


# --- 三公经费表: one row of amounts, sometimes after a unit code and name --------------------


def build_flat(layout: Layout, section: Section, ctx: Context) -> list[Table]:
    """A 三公经费表 read: one row of amounts, sometimes after a unit code and name."""
    table, columns, data = start_table(
        layout, section, ctx, _any_amount, 0, ["source_line", "row_type", "unit_code", "name"]
    )
    for line in data:
        cells = [c for c in line.cells]
        lead: list[str] = []
        while cells and cells[0].strip() and not looks_like_amount(cells[0]):
            lead.append(cells.pop(0).strip())
        if (
            not lead
            and cells
            and _DIGITS.match(normalise(cells[0]))
            and _filled(cells) > len(columns)
        ):
            # a unit code (015001) looks like an amount: a row wider than the header leads with it
            lead.append(cells.pop(0).strip())
            while cells and cells[0].strip() and not looks_like_amount(cells[0]):
                lead.append(cells.pop(0).strip())
        cells = fit(cells, len(columns), ctx, line)
        code = next((c for c in lead if _DIGITS.match(normalise(c))), None)
        name = next((c for c in lead if not _DIGITS.match(normalise(c))), None)
        row_type = _unit_row_type(code) if code else "total"
        row: Row = {
            "source_line": line.number,
            "row_type": row_type,
            "unit_code": code,
            "name": name,
        }
        fill_amounts(row, cells, columns, ctx, line)
        table.rows.append(row)
    return [table]


# --- 行政（事业）单位机构运转经费预算表 --------------------------------------------------------


def build_operating(layout: Layout, section: Section, ctx: Context) -> list[Table]:
    """A 行政（事业）单位机构运转经费预算表 section read: one row a unit with its operating
    expenses.
    """

    def is_data(cells: list[str]) -> bool:
        return _any_amount(cells) or bool(cells and _DIGITS.match(normalise(cells[0])))

    table, columns, data = start_table(
        layout,
        section,
        ctx,
        is_data,
        3,
        [
            "source_line",
            "row_type",
            "unit_code",
            "economic_departmental_code",
            "economic_departmental_class",
            "name",
            "category",
        ],
    )
    for line in data:
        cells = fit(line.cells, len(columns), ctx, line)
        code, name = normalise(cells[0]), cells[1].strip()
        unit_code = econ = None
        if "合计" in (code, normalise(name), normalise(cells[2])):
            row_type = "total"
        elif len(code) == 5 and code.startswith("3"):
            row_type, econ = "item", code
        elif _DIGITS.match(code):
            row_type, unit_code = _unit_row_type(code), code
        else:
            raise ctx.error(
                "invalid-code",
                f"code {cells[0]!r} is neither a unit nor an economic classification",
                line.number,
                "e.g. 015001 or 30201",
            )
        row: Row = {
            "source_line": line.number,
            "row_type": row_type,
            "unit_code": unit_code,
            "economic_departmental_code": econ,
            "economic_departmental_class": econ[:3] if econ else None,
            "name": name if row_type != "total" else None,
            "category": cells[2].strip() if row_type == "item" else None,
        }
        fill_amounts(row, cells[3:], columns[3:], ctx, line)
        table.rows.append(row)
    return [table]


# --- 项目支出预算表 -------------------------------------------------------------------------


def build_projects(layout: Layout, section: Section, ctx: Context) -> list[Table]:
    """A 项目支出预算表 read: one row a project with its unit and amounts."""
    table, columns, data = start_table(
        layout,
        section,
        ctx,
        _any_amount,
        3,
        [
            "source_line",
            "row_type",
            "unit_code",
            "project_code",
            "project_type",
            "project_name",
            "project_unit",
        ],
    )
    for line in data:
        cells = fit(line.cells, len(columns), ctx, line)
        kind, name, unit = (normalise(c) for c in cells[:3])
        row: Row = {
            "source_line": line.number,
            "unit_code": None,
            "project_code": None,
            "project_type": None,
            "project_name": None,
            "project_unit": None,
        }
        if (not kind and not name and not unit) or "合计" in (kind, name):
            row["row_type"] = "total"
        elif not kind and _DIGITS.match(name):
            row.update(row_type=_unit_row_type(name), unit_code=name, project_unit=unit)
        elif name:
            row.update(
                row_type="item",
                project_type=cells[0].strip() or None,
                project_name=cells[1].strip(),
                project_unit=cells[2].strip() or None,
            )
        else:
            raise ctx.error(
                "missing-project-name",
                "project row without a name",
                line.number,
                "类型, 项目名称 and 项目单位",
            )
        fill_amounts(row, cells[3:], columns[3:], ctx, line)
        table.rows.append(row)
    return [table]
