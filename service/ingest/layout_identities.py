"""Row identities of the template's tables, which each Layout (service.ingest.layouts) names.

Part of a table kind's one declaration, kept in a module of their own only so that layouts.py
stays short enough to read; the audit (audit/tables.py ROW_IDENTITIES) derives from the
layouts, never from here directly, except for BASIC_PARTS, which holds in any table.
"""

from __future__ import annotations

Identity = tuple[str, tuple[str, ...]]  # a column, and the columns of each row that add up to it

# the parts of 财政拨款 and of 单位资金, wherever a table prints them beside their 小计
FISCAL_APPROPRIATION: Identity = (
    "fiscal_appropriation",
    ("general_public_budget", "government_fund", "state_capital"),
)
UNIT_FUNDS: Identity = (
    "unit_funds",
    (
        "business_income",
        "business_operating_income",
        "superior_subsidy",
        "subordinate_remittance",
        "other_income",
    ),
)

# Row identities: which columns of a row add up to which. The audit checks them row by row, and
# the analysis datasets pick columns that add up by them. A part a table does not print stands
# for its own parts; a part it prints nowhere is left out, as a blank column is.
BASIC_PARTS = ("basic_personnel", "basic_public")
EXPENDITURE_IDENTITIES: tuple[Identity, ...] = (
    (
        "total",
        (
            "basic_total",
            "project_total",
            "business_operating_expenditure",
            "remittance_to_superior",
            "subsidy_to_subordinates",
        ),
    ),
    ("basic_total", ("basic_personnel", "basic_public")),
    (
        "basic_total",
        (
            "basic_personnel_wages",
            "basic_personnel_household",
            "basic_public_goods_services",
            "basic_public_capital",
        ),
    ),
    ("project_total", ("project_operating", "project_specific")),
)
INCOME_IDENTITIES: tuple[Identity, ...] = (
    ("total", ("current_total", "carry_over_total")),
    (
        "current_total",
        (
            "general_public_budget",
            "government_fund",
            "state_capital",
            "fiscal_special_account",
            "business_income",
            "business_operating_income",
            "superior_subsidy",
            "subordinate_remittance",
            "other_income",
            "business_fund",
            "non_fiscal_balance",
        ),
    ),
    (
        "carry_over_total",
        (
            "carry_over_general_public_budget",
            "carry_over_government_fund",
            "carry_over_state_capital",
            "carry_over_fiscal_special_account",
            "carry_over_unit_funds",
        ),
    ),
)
BASIC_IDENTITIES: tuple[Identity, ...] = (("total", ("personnel", "public")),)
ECONOMIC_SUMMARY_IDENTITIES: tuple[Identity, ...] = (
    (
        "total",
        (
            "general_public_budget",
            "government_fund",
            "state_capital",
            "carry_over",
            "fiscal_special_account",
            "business_income",
            "superior_subsidy",
            "subordinate_remittance",
            "business_operating_income",
            "other_income",
        ),
    ),
)
THREE_PUBLIC_IDENTITIES: tuple[Identity, ...] = (
    ("total", ("overseas_travel", "vehicles_total", "official_reception")),
    ("vehicles_total", ("vehicle_purchase", "vehicle_operation")),
)
OPERATING_IDENTITIES: tuple[Identity, ...] = (
    (
        "total",
        (
            "general_public_budget_total",
            "government_fund_total",
            "state_capital",
            "fiscal_special_account",
            "unit_funds_total",
            "carry_over_fiscal",
            "carry_over_fiscal_special_account",
            "carry_over_unit_funds",
        ),
    ),
    (
        "general_public_budget_total",
        (
            "fiscal_appropriation",
            "administrative_fees",
            "special_revenue",
            "state_asset_income",
            "other_general_public_budget",
            "general_bonds",
        ),
    ),
    ("government_fund_total", ("government_fund_budget", "special_bonds")),
)
PROJECT_IDENTITIES: tuple[Identity, ...] = (
    (
        "total",
        (
            "general_public_budget",
            "government_fund",
            "state_capital",
            "carry_over_general_public_budget",
            "carry_over_government_fund",
            "carry_over_state_capital",
            "fiscal_special_account",
            "unit_funds",
            "other_funds",
            "non_fiscal_balance",
            "carry_over",
        ),
    ),
    (
        "total",
        (
            "fiscal_appropriation",
            "carry_over_general_public_budget",
            "carry_over_government_fund",
            "carry_over_state_capital",
            "fiscal_special_account",
            "unit_funds",
            "other_funds",
            "carry_over",
        ),
    ),
    FISCAL_APPROPRIATION,
    UNIT_FUNDS,
)
PROJECT_PERFORMANCE_IDENTITIES: tuple[Identity, ...] = (
    ("total", ("government_budget", "fiscal_special_account", "unit_funds")),
)
FISCAL_EXPENDITURE_IDENTITIES: tuple[Identity, ...] = (
    ("total", ("general_public_budget", "government_fund", "state_capital")),
)
ECONOMIC_SPENDING_IDENTITIES: tuple[Identity, ...] = (
    ("total", ("basic_total", "project_total")),
    ("basic_total", ("personnel", "public")),
)
FUND_IDENTITIES: tuple[Identity, ...] = (
    (
        "total",
        (
            "fiscal_appropriation",
            "fiscal_special_account",
            "unit_funds",
            "other_funds",
            "non_fiscal_balance",
            "carry_over",
        ),
    ),
    (  # the same, for a table that prints some of the appropriations and not their 小计
        "total",
        (
            "general_public_budget",
            "government_fund",
            "state_capital",
            "fiscal_special_account",
            "unit_funds",
            "other_funds",
            "non_fiscal_balance",
            "carry_over",
        ),
    ),
    ("total", ("personnel", "public")),
    FISCAL_APPROPRIATION,
    UNIT_FUNDS,
)
MEETING_TRAINING_IDENTITIES: tuple[Identity, ...] = (
    ("total", ("three_public_total", "meeting_fees", "training_fees")),
    ("three_public_total", ("overseas_travel", "vehicles_total", "official_reception")),
    ("vehicles_total", ("vehicle_purchase", "vehicle_operation")),
)
