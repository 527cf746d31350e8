"""How the classroom screens write a KPI in a table cell (the console's board, the group debrief's runs)."""
from __future__ import annotations


def kpi_text(value) -> str:
    """Shares and rates with two decimals, whole numbers and large ones (counts, money) without, the rest to
    one decimal; "-" when missing."""
    if value is None:
        return "-"
    if value != 0 and abs(value) < 1:
        return f"{value:.2f}"
    return f"{value:,.0f}" if abs(value) >= 100 or float(value).is_integer() else f"{value:.1f}"
