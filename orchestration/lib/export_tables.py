"""The exported tables of `spec/outputs.md`: which warehouse relation each comes from, its exact columns,
order and formats. Export assets are built from this list; nothing else names an export's columns.

Text that came from a source file (an organisation code, a file name, a header) and starts with `=`, `+`, `-`
or `@` is written with a leading apostrophe, so that a spreadsheet opening the CSV shows it as text instead of
running it as a formula (formula injection). Numbers are never touched: a negative gap stays a number."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ExportTable:
    name: str  # also the file's stem: <folder>/<name>.<format>
    folder: str
    relation: str  # schema.table in the warehouse
    columns: tuple[str, ...]
    order_by: tuple[str, ...]
    formats: tuple[str, ...] = ("csv", "parquet")
    description: str = ""
    source_text: tuple[str, ...] = ()  # text columns whose values came from source files

    def query(self, where: str | None = None) -> str:
        columns = ", ".join(neutralised(c) if c in self.source_text else f'"{c}"' for c in self.columns)
        order = ", ".join(f'"{c}"' for c in self.order_by)
        condition = f" where {where}" if where else ""
        return f"select {columns} from {self.relation}{condition} order by {order}"

    def path(self, fmt: str) -> str:
        """The file of one format, relative to the exports (or a staging) folder."""
        return f"{self.folder}/{self.name}.{fmt}"

    def paths(self) -> list[str]:
        return [self.path(fmt) for fmt in self.formats]


FORMULA_TRIGGERS = ("=", "+", "-", "@")


def neutralised(column: str) -> str:
    """SQL that prefixes an apostrophe to a text value a spreadsheet would read as a formula."""
    triggers = ", ".join(f"'{t}'" for t in FORMULA_TRIGGERS)
    return (f'case when left("{column}", 1) in ({triggers}) then \'\'\'\' || "{column}" '
            f'else "{column}" end as "{column}"')


RETURN_KEYS = ("organisation_code", "wres_year", "indicator", "breakdown")

WRES_RETURN = ExportTable(
    name="wres_return",
    folder="returns",
    relation="marts.rpt_wres_return",
    columns=RETURN_KEYS + ("ethnic_group", "numerator", "denominator", "value"),
    order_by=RETURN_KEYS + ("ethnic_group",),
    description="The machine-readable WRES return (confidential: exact counts).",
    source_text=("organisation_code",),
)

WRES_HEADLINE = ExportTable(
    name="wres_headline",
    folder="returns",
    relation="marts.rpt_wres_headline",
    columns=RETURN_KEYS
    + ("measure", "value", "ci_lower", "ci_upper", "assessment", "four_fifths_band", "previous_value"),
    order_by=RETURN_KEYS + ("measure",),
    description="The headline measure of every indicator and breakdown, with intervals and assessments.",
    source_text=("organisation_code",),
)

PUBLICATION_RETURN = ExportTable(
    name="wres_return",
    folder="publication",
    relation="marts.rpt_publication_wres_return",
    columns=WRES_RETURN.columns + ("suppressed",),
    order_by=WRES_RETURN.order_by,
    description="The WRES return with disclosure control: safe to publish.",
    source_text=("organisation_code",),
)

PUBLICATION_HEADLINE = ExportTable(
    name="wres_headline",
    folder="publication",
    relation="marts.rpt_publication_wres_headline",
    columns=WRES_HEADLINE.columns + ("suppressed",),
    order_by=WRES_HEADLINE.order_by,
    description="The headline measures with disclosure control: safe to publish.",
    source_text=("organisation_code",),
)

WRES_TREND = ExportTable(
    name="wres_trend",
    folder="trends",
    relation="marts.rpt_wres_trend",
    columns=("organisation_code", "indicator", "breakdown", "measure", "wres_year", "value",
             "change_from_previous", "change_from_first", "direction"),
    order_by=("organisation_code", "indicator", "breakdown", "measure", "wres_year"),
    description="Every headline measure by year, with the change from the previous and first year and its direction.",
    source_text=("organisation_code",),
)

WRES_BENCHMARK = ExportTable(
    name="wres_benchmark",
    folder="benchmark",
    relation="marts.rpt_wres_benchmark",
    columns=("wres_year", "indicator", "breakdown", "measure", "organisation_code", "region", "organisation_type",
             "value", "national_value", "national_median", "national_q1", "national_q3", "organisations_with_value",
             "rank", "percentile", "region_median", "organisation_type_median", "better_direction"),
    order_by=("wres_year", "indicator", "breakdown", "measure", "organisation_code"),
    description="Every organisation's headline measures against the nation: pooled value, quartiles, rank, "
                "region and type medians.",
    source_text=("organisation_code", "region", "organisation_type"),
)

WRES_NATIONAL_SUMMARY = ExportTable(
    name="wres_national_summary",
    folder="benchmark",
    relation="marts.rpt_wres_national_summary",
    columns=("wres_year", "indicator_2_organisations_assessed", "indicator_2_organisations_adverse",
             "indicator_2_pct_adverse", "indicator_3_organisations_computable",
             "indicator_3_organisations_at_or_above_1_25", "indicator_3_pct_at_or_above_1_25"),
    order_by=("wres_year",),
    description="Per year, the share of organisations with an adverse indicator 2 and with indicator 3 at 1.25+.",
)

LOAD_LOG = ExportTable(
    name="load_log",
    folder="quality",
    relation="raw.load_log",
    columns=(
        "source", "file_name", "content_sha256", "rows_read", "rows_loaded", "rows_quarantined", "encoding",
        "loaded_at", "status", "extra_columns",
    ),
    order_by=("source", "file_name", "loaded_at", "content_sha256"),
    formats=("csv",),
    description="One row per landing file version read, a rejected file too.",
    source_text=("file_name", "extra_columns"),
)

QUARANTINE = ExportTable(
    name="quarantine",
    folder="quality",
    relation="raw.quarantine",
    columns=("source", "file_name", "line_number", "column", "reason"),
    order_by=("source", "file_name", "line_number", "column"),
    formats=("csv",),
    description="One row per quarantined row, and one per rejected file (with an empty line_number).",
    source_text=("file_name", "column", "reason"),
)

CHECKS = ExportTable(
    name="checks",
    folder="quality",
    relation="quality.check_results",
    columns=("check", "target", "severity", "status", "failing_rows", "message"),
    order_by=("target", "check"),
    formats=("csv",),
    description="The result of every data-quality check of the last run (dbt tests and expectation suites alike).",
    source_text=("message",),
)

# The diversity scorecard (spec outputs.md section 5): published tables, disclosure control applied in the marts.
# Group names can come from source text (religion, sexual orientation, age band as recorded), so they are
# neutralised like organisation codes.

DIVERSITY_SCORECARD = ExportTable(
    name="diversity_scorecard",
    folder="scorecard",
    relation="marts.rpt_diversity_scorecard",
    columns=("organisation_code", "wres_year", "aim", "aim_title", "eds2_outcome", "measure", "measure_title",
             "standard", "characteristic", "group_name", "reference_group", "unit", "value", "target", "rating",
             "previous_value", "change_from_previous", "trend_arrow", "trend", "rating_rule", "value_basis",
             "suppressed"),
    order_by=("organisation_code", "wres_year", "aim_order", "sort_order", "measure", "group_name"),
    description="The diversity scorecard: one row per organisation, year, measure and group under the three aims, "
                "with its EDS2 outcome, value, target, red/amber/green rating and trend (published figures).",
    source_text=("organisation_code", "group_name"),
)

PSED_PROFILE = ExportTable(
    name="psed_profile",
    folder="scorecard",
    relation="marts.rpt_publication_psed_profile",
    columns=("organisation_code", "wres_year", "characteristic", "breakdown", "group_name", "headcount", "total",
             "share", "suppressed"),
    order_by=("organisation_code", "wres_year", "characteristic", "breakdown", "group_name"),
    description="The PSED workforce profile: headcount and share by each protected characteristic, overall and by "
                "band cluster, with disclosure control.",
    source_text=("organisation_code", "group_name"),
)

PAY_GAPS = ExportTable(
    name="pay_gaps",
    folder="scorecard",
    relation="marts.rpt_publication_pay_gaps",
    columns=("organisation_code", "wres_year", "characteristic", "reference_group", "comparison_group",
             "reference_headcount", "comparison_headcount", "mean_gap_pct", "median_gap_pct", "suppressed"),
    order_by=("organisation_code", "wres_year", "characteristic", "comparison_group"),
    description="Mean and median hourly pay gaps by ethnic group, disability and sex (EDS2 3.2), with disclosure "
                "control.",
    source_text=("organisation_code",),
)
