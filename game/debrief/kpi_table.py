"""The KPIs a debrief and the trainer's screens show, in order, with their number format (thousands separated)."""

KPI_ROWS = (  # (kpi, format); which way is better: scoring.HIGHER_IS_BETTER
    ("complaints", "{:,.1f}"),
    ("dissatisfied", "{:,.1f}"),
    ("left_dissatisfied", "{:,.1f}"),
    ("silent_dissatisfied", "{:,.1f}"),
    ("retention_rate", "{:.1%}"),
    ("customers_lost_wom", "{:,.0f}"),
    ("recovery_cost", "{:,.0f}"),
    ("revenue_lost", "{:,.0f}"),
    ("quality_score", "{:.3f}"),
)
