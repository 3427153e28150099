"""The landing-folder contract of `spec/sources.md`, as data.

Each source is a sub-folder of the landing folder; its columns, types, required flags, row rules and key are
declared here once and turned into SQL by `orchestration.lib.validation`. Nothing else in the code base
repeats these names.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

ColumnType = Literal["text", "organisation", "date", "flag", "integer", "decimal"]

# SQL type of each column type in the raw tables.
SQL_TYPES: dict[ColumnType, str] = {
    "text": "varchar",
    "organisation": "varchar",
    "date": "date",
    "flag": "boolean",
    "integer": "bigint",
    "decimal": "double precision",
}


@dataclass(frozen=True)
class Column:
    name: str
    type: ColumnType = "text"
    required: bool = False


@dataclass(frozen=True)
class RowRule:
    """A rule of one source: `fails` is a SQL condition over the typed row, true when the row breaks it.

    The condition may use `:run_date` (the day of the run) and the temporary seed tables the loader
    creates (`seed_staff_groups`). `column` is the column the quarantine entry names.
    """

    column: str
    fails: str
    reason: str


@dataclass(frozen=True)
class Source:
    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    identifier: str  # the column a duplicate-key quarantine entry names
    rules: tuple[RowRule, ...] = ()
    has_questions: bool = False  # staff_survey: q... columns kept as answers
    personal_identifiers: tuple[str, ...] = ()  # replaced by a keyed hash outside the raw schema
    description: str = ""

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


def _c(name: str, type_: ColumnType = "text", required: bool = False) -> Column:
    return Column(name, type_, required)


ORGANISATIONS = Source(
    name="organisations",
    description="Reference list of organisations (optional).",
    columns=(
        _c("organisation_code", "organisation", True),
        _c("organisation_name", required=True),
        _c("region"),
        _c("organisation_type"),
    ),
    key=("organisation_code",),
    identifier="organisation_code",
)

STAFF_IN_POST = Source(
    name="staff_in_post",
    description="HR snapshots (ESR staff in post): one row per assignment held on snapshot_date.",
    columns=(
        _c("organisation_code", "organisation", True),
        _c("snapshot_date", "date", True),
        _c("employee_number", required=True),
        _c("assignment_number", required=True),
        _c("primary_assignment", "flag"),
        _c("assignment_category", required=True),
        _c("staff_group", required=True),
        _c("occupation_code"),
        _c("pay_band"),
        _c("grade"),
        _c("fte", "decimal"),
        _c("ethnic_origin"),
        _c("disability"),
        _c("sex"),
        _c("age_band"),
        _c("religious_belief"),
        _c("sexual_orientation"),
        _c("hourly_rate", "decimal"),
    ),
    key=("organisation_code", "snapshot_date", "assignment_number"),
    identifier="assignment_number",
    personal_identifiers=("employee_number", "assignment_number"),
    rules=(
        RowRule("snapshot_date", "snapshot_date > :run_date", "snapshot_date is after the day of the run"),
        RowRule("fte", "fte is not null and not (fte > 0 and fte <= 1.5)", "fte must be above 0 and at most 1.5"),
        RowRule(
            "staff_group",
            "lower(staff_group) not in (select lower(staff_group) from seed_staff_groups)",
            "staff_group is not one of the ESR staff groups of the staff_groups seed",
        ),
    ),
)

RECRUITMENT = Source(
    name="recruitment",
    description="One row per application to a vacancy (NHS Jobs / Trac).",
    columns=(
        _c("organisation_code", "organisation", True),
        _c("application_id", required=True),
        _c("vacancy_id", required=True),
        _c("applicant_id"),
        _c("ethnic_origin"),
        _c("disability"),
        _c("sex"),
        _c("shortlisted", "flag", True),
        _c("shortlisted_date", "date"),
        _c("appointed", "flag", True),
        _c("appointed_date", "date"),
        _c("staff_group"),
        _c("pay_band"),
    ),
    key=("organisation_code", "application_id"),
    identifier="application_id",
    personal_identifiers=("application_id", "applicant_id"),
    rules=(
        RowRule("appointed", "appointed and not shortlisted", "appointed = Y but shortlisted = N"),
        RowRule(
            "shortlisted_date",
            "shortlisted and shortlisted_date is null",
            "shortlisted = Y without a shortlisted_date",
        ),
    ),
)

EMPLOYEE_RELATIONS = Source(
    name="employee_relations",
    description="One row per employee-relations case (disciplinary, capability, grievance ...).",
    columns=(
        _c("organisation_code", "organisation", True),
        _c("case_id", required=True),
        _c("employee_number", required=True),
        _c("case_type", required=True),
        _c("formal_start_date", "date"),
        _c("informal_start_date", "date"),
        _c("outcome"),
        _c("ethnic_origin"),
    ),
    key=("organisation_code", "case_id"),
    identifier="case_id",
    personal_identifiers=("case_id", "employee_number"),
)

TRAINING = Source(
    name="training",
    description="One row per training activity of one person (learning management system).",
    columns=(
        _c("organisation_code", "organisation", True),
        _c("record_id", required=True),
        _c("employee_number", required=True),
        _c("course_code"),
        _c("course_name"),
        _c("category", required=True),
        _c("activity_date", "date", True),
    ),
    key=("organisation_code", "record_id"),
    identifier="record_id",
    personal_identifiers=("employee_number",),
)

STAFF_SURVEY = Source(
    name="staff_survey",
    description="One row per respondent of the NHS Staff Survey (anonymised); q... columns are answers.",
    columns=(
        _c("organisation_code", "organisation", True),
        _c("survey_year", "integer", True),
        _c("respondent_id", required=True),
        _c("ethnic_origin"),
        _c("disability"),
        _c("sex"),
        _c("occupational_group"),
    ),
    key=("organisation_code", "survey_year", "respondent_id"),
    identifier="respondent_id",
    personal_identifiers=("respondent_id",),
    has_questions=True,
)

BOARD = Source(
    name="board",
    description="The board register: everyone who sat on the board, with dates.",
    columns=(
        _c("organisation_code", "organisation", True),
        _c("member_id", required=True),
        _c("role_title"),
        _c("member_type", required=True),
        _c("voting", "flag", True),
        _c("ethnic_origin"),
        _c("disability"),
        _c("sex"),
        _c("start_date", "date", True),
        _c("end_date", "date"),
    ),
    key=("organisation_code", "member_id", "start_date"),
    identifier="member_id",
    personal_identifiers=("member_id",),
    rules=(RowRule("end_date", "end_date < start_date", "end_date is before start_date"),),
)

SOURCES: tuple[Source, ...] = (
    ORGANISATIONS,
    STAFF_IN_POST,
    RECRUITMENT,
    EMPLOYEE_RELATIONS,
    TRAINING,
    STAFF_SURVEY,
    BOARD,
)
SOURCES_BY_NAME: dict[str, Source] = {s.name: s for s in SOURCES}

# A staff-survey column is a question when its (lower-case) name matches this pattern, e.g. q14a, q16b.
QUESTION_COLUMN_PATTERN = r"^q[0-9]+[a-z0-9_]*$"

