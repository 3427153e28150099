"""Synthetic landing data for the WRES warehouse: every source of `spec/sources.md`, for a few trusts or for England.

`generate(out, options)` writes a landing folder (one sub-folder per source) and a manifest, `_generator.json`,
next to the source folders. It is deterministic: the same options give byte-identical files.

What the data holds (WRES year Y: staff in post on 31 March Y, events 1 April Y-1 to 31 March Y, staff survey of
autumn Y-1, board on 31 March Y):

- organisations: ODS-like codes (`R` and two characters), invented names, the seven NHS England regions, trust
  types (Acute, Mental Health, Community, Ambulance, Specialist).
- staff_in_post: a simulated workforce per organisation. People join and leave (steady growth, a leaving hazard,
  a few early leavers), so leavers appear in earlier snapshots only; some hold a second or third assignment
  (Bank, Honorary, a second post), a few have no primary flag or two; medical and dental staff carry grades;
  Agenda for Change bands come in several spellings (`Band 8a`, `Band 8A`, `Band 8 - Range A`, `8a`, `VSM`,
  `Non-AfC`, blank); ethnic_origin is a code, a local sub-code, a code with its label, `Z Not Stated`, `99` or
  blank. One file per organisation and snapshot: every 31 March, and a 30 September snapshot for some.
- recruitment (one row per application, per year; Trac files hold several organisations), employee_relations
  (cases of five types for the simulated people, leavers included, plus a few people absent from every snapshot
  whose case row carries their ethnic_origin), training (statutory and mandatory courses and non-mandatory
  ones), staff_survey (one file per survey year, questions named by that year's numbering), board (seats whose
  holders join and leave, interim holders who become substantive).
- Awkward input the loader must take: both date formats and flags in several spellings within one file, header
  names in other cases, an extra column, a UTF-8 byte-order mark, a Windows-1252 file, CRLF line ends, quoted
  fields holding commas and line breaks, non-ASCII course names.
- With `bad_rows`, a handful of rows per source that break one rule of sources.md each; the manifest lists every
  one (file, line, column, problem), so the loader's quarantine can be checked exactly. Every other row is valid.

Realism: the BME share of each organisation follows the national share of spec/README.md (joiners are more often
BME than the stock, so the share rises year on year), shifted by region, trust type and a random trust effect,
higher in medical and nursing staff and lower in senior bands. Relative likelihoods of appointment (2),
disciplinary (3) and non-mandatory training (4), the survey indicators (5-8) and the BME share of boards (9) are
drawn around national figures with a trust effect and a small yearly drift.

Profiles: "sample" (the options' organisations and staff per organisation) and "national" (about 210 trusts
of realistic sizes, about 1.4 million staff; `organisations` and `staff_per_organisation` are ignored). Values are
built as integer codes with numpy, one organisation and year at a time, and turned into CSV text by Arrow compute
kernels (dictionary look-ups and element-wise joins), so no Python code runs per person or per row. Arrow, not
DuckDB `copy` or pandas `to_csv`: on this data it takes a third of the CPU time of DuckDB's CSV writer.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from orchestration.lib.contract import SOURCES, SOURCES_BY_NAME

MANIFEST_NAME = "_generator.json"


@dataclass(frozen=True)
class GeneratorOptions:
    organisations: int = 4
    staff_per_organisation: int = 600
    years: int = 5  # number of WRES years
    last_year: int = 2025  # the last WRES year; years are last_year-years+1 .. last_year
    seed: int = 2025
    bad_rows: bool = True  # write a sprinkling of bad rows that the loader must quarantine
    profile: str = "sample"  # "sample" (the options above) or "national"


# ---------------------------------------------------------------------------------------------------------------
# Reference figures and code lists

# National figures of spec/README.md by WRES year; shares are interpolated and extrapolated linearly, relative
# likelihoods are held flat outside the years given.
NATIONAL_BME_SHARE = {2016: 0.177, 2022: 0.242, 2023: 0.264, 2024: 0.286}
NATIONAL_BOARD_BME_SHARE = {2016: 0.071, 2022: 0.132, 2023: 0.156, 2024: 0.165}
NATIONAL_RL_APPOINTMENT = {2016: 1.57, 2022: 1.54, 2023: 1.59}
# 2024 is an assumption: the spec gives only that half of the trusts were at 1.25 or more.
NATIONAL_RL_DISCIPLINARY = {2016: 1.56, 2022: 1.14, 2023: 1.03, 2024: 1.15}
# The spec gives the range 1.11 to 1.22 for 2016 to 2019; its two ends are taken as the first and last years.
NATIONAL_RL_TRAINING = {2016: 1.22, 2019: 1.11}
# Approximate national staff-survey values (White, BME) of indicators 5 to 8.
SURVEY_POSITIVE = ((0.27, 0.29), (0.235, 0.285), (0.585, 0.455), (0.065, 0.165))

REGIONS = (
    "North East and Yorkshire", "North West", "Midlands", "East of England", "London", "South East", "South West",
)
REGION_WEIGHT = np.array([0.15, 0.14, 0.19, 0.12, 0.17, 0.14, 0.09])
REGION_BME_LOGIT = np.array([-0.45, -0.1, 0.3, 0.0, 1.2, -0.1, -0.65])
AMBULANCE_REGIONS = (4, 1, 0, 0, 2, 2, 3, 5, 5, 6)  # ten ambulance trusts, by region index

STAFF_GROUPS = (
    "Add Prof Scientific and Technic", "Additional Clinical Services", "Administrative and Clerical",
    "Allied Health Professionals", "Estates and Ancillary", "Healthcare Scientists", "Medical and Dental",
    "Nursing and Midwifery Registered", "Students",
)
MEDICAL = STAFF_GROUPS.index("Medical and Dental")
STAFF_GROUP_BME_LOGIT = np.array([0.0, 0.05, -0.35, -0.25, -0.2, 0.0, 1.0, 0.45, 0.1])
STAFF_GROUP_FEMALE = np.array([0.72, 0.8, 0.8, 0.82, 0.45, 0.6, 0.5, 0.89, 0.8])
OCCUPATIONS = (
    ("S9A", "S9B", "P2A"), ("H1A", "H2B", "N9A", "H3C"), ("G2A", "G2B", "G2D", "G1C"), ("S0A", "S1B", "S4A", "S6C"),
    ("H5E", "H6H", "H7B"), ("S3A", "S5B", "S3C"), ("610", "620", "660", "680"), ("N0A", "N0C", "N1A", "N3H"),
    ("N8A", "S8A"),
)
OCCUPATION_CODES = tuple(code for codes in OCCUPATIONS for code in codes)
OCCUPATION_OFFSET = np.cumsum([0] + [len(c) for c in OCCUPATIONS[:-1]])
OCCUPATION_COUNT = np.array([len(c) for c in OCCUPATIONS])
SURVEY_OCCUPATIONS = (
    "Scientific and Technical / Healthcare Scientists", "Wider healthcare team", "Admin and Clerical",
    "Allied Health Professionals", "Estates and Ancillary", "Scientific and Technical / Healthcare Scientists",
    "Medical / Dental", "Registered Nurses and Midwives", "Students",
)

BANDS = ("under1", "1", "2", "3", "4", "5", "6", "7", "8a", "8b", "8c", "8d", "9", "vsm", "nonafc")
# Spellings of each band, one tuple per style; blank is None.
BAND_TEXTS = (
    ("Under Band 1", *(f"Band {b}" for b in BANDS[1:13]), "VSM", "Non-AfC"),
    ("Under Band 1", *(f"Band {b.upper()}" for b in BANDS[1:13]), "VSM", None),
    ("Under Band 1", *(f"Band {b}" for b in BANDS[1:8]), *(f"Band 8 - Range {b[1].upper()}" for b in BANDS[8:12]),
     "Band 9", "VSM", "Non-AfC"),
    ("Under Band 1", *BANDS[1:13], "VSM", None),
)
BAND_TEXTS_FLAT = tuple(text for style in BAND_TEXTS for text in style)  # index: style * len(BANDS) + band
BAND_MIX = np.array([
    [0, 0, 0, 0, .05, .10, .20, .30, .20, .09, .04, .01, 0, 0, .01],
    [.01, .02, .30, .40, .22, .04, .005, 0, 0, 0, 0, 0, 0, 0, .005],
    [0, .01, .12, .25, .22, .12, .09, .08, .055, .03, .015, .01, .004, .006, 0],
    [0, 0, 0, .01, .02, .22, .37, .26, .08, .025, .01, .005, 0, 0, 0],
    [0, .05, .45, .20, .12, .08, .05, .03, .015, .005, 0, 0, 0, 0, 0],
    [0, 0, 0, .05, .05, .15, .25, .30, .12, .05, .02, .01, 0, 0, 0],
    [0] * 14 + [1],
    [0, 0, 0, 0, 0, .45, .32, .15, .05, .02, .006, .003, .001, 0, 0],
    [.1, 0, .1, .2, .1, 0, 0, 0, 0, 0, 0, 0, 0, 0, .5],
])
BAND_BME_LOGIT = np.array([-.1, -.1, -.1, -.1, 0, .35, .05, -.25, -.45, -.65, -.85, -1.0, -1.1, -1.2, 0])
# Annual pay range (pounds, 2024/25) of each band.
BAND_PAY = np.array([
    [17000, 21000], [22383, 22383], [23615, 23615], [24071, 25674], [26530, 29114], [29970, 36483],
    [37338, 44962], [46148, 52809], [53755, 60504], [62215, 72293], [74290, 85601], [88168, 101677],
    [105385, 121271], [120000, 220000], [22000, 60000],
])
GRADES = (
    "Consultant", "Specialty Doctor", "Associate Specialist", "Specialist", "Staff Grade", "Hospital Practitioner",
    "Clinical Assistant", "Foundation Year 1", "Foundation Year 2", "Core Training", "Specialty Registrar",
    "Specialty Trainee", "Clinical Fellow", "Trust Grade",
)
GRADE_SHARE = np.array([.40, .09, .02, .01, .005, .005, .005, .06, .06, .08, .20, .02, .03, .015])
GRADE_BME_LOGIT = np.array([-.2, .6, .4, .3, .4, 0, 0, .1, .1, .2, .2, .2, .6, .6])
GRADE_PAY = np.array([
    [105504, 139882], [59175, 95400], [98000, 111000], [100870, 111022], [45000, 65000], [60000, 90000],
    [45000, 70000], [36616, 36616], [42008, 42008], [49909, 49909], [49909, 73992], [49909, 73992],
    [40000, 65000], [40000, 70000],
])
HOURS_PER_YEAR = 1956  # 37.5 hours a week
PAY_GROWTH = 1.045  # per year, to date the 2024/25 pay ranges

CATEGORIES = ("Permanent", "Fixed Term Temp", "Locum", "Bank", "Honorary")
PERMANENT, FIXED_TERM, LOCUM, BANK, HONORARY = range(5)
MAIN_CATEGORY = np.array([[.87, .06, 0, .055, .015], [.78, .12, .06, .02, .02], [.35, .35, 0, .1, .2]])
CATEGORY_ROW = np.array([0, 0, 0, 0, 0, 0, 1, 0, 2])  # which MAIN_CATEGORY row each staff group uses
NOT_IN_WORKFORCE = 0.07  # share of people whose only assignment is Bank or Honorary
EARLY_LEAVERS = 0.08  # share of joiners who leave within months (0.4 years on average)
# Employee numbers: eight digits, a block of 100,000 per organisation; people absent from every snapshot (employee
# relations only) get numbers from ABSENT_NUMBERS up, at most ABSENT_PER_YEAR a year.
ABSENT_NUMBERS, ABSENT_PER_YEAR = 95_000, 50

FTE_VALUES = np.array([100, 80, 60, 53, 50, 40, 93, 73, 30, 20, 10, 87, 67, 27])
FTE_SHARE = np.array([.62, .1, .07, .03, .05, .04, .03, .02, .02, .01, .005, .005, .005, .005])
# fte in hundredths as text, in two styles (`0.80`, `0.8`); 0 is blank (Bank and Honorary assignments).
FTE_TEXTS = tuple(
    tuple(None if i == 0 else text(f"{i / 100:.2f}") for i in range(151))
    for text in (str, lambda t: t.rstrip("0").rstrip("."))
)

WHITE, BME, UNKNOWN = 0, 1, 2
# (code, label, group, share within the group); code None is a blank value.
ETHNIC_CATEGORIES = (
    ("A", "White - British", WHITE, .78), ("B", "White - Irish", WHITE, .025),
    ("C", "White - Any other White background", WHITE, .10), ("CP", "White - Polish", WHITE, .02),
    ("CK", "White - Italian", WHITE, .01), ("CY", "White - Other European", WHITE, .03),
    ("C3", "White - Unspecified", WHITE, .025), ("C2", "White - Northern Irish", WHITE, .01),
    ("D", "Mixed - White and Black Caribbean", BME, .02), ("E", "Mixed - White and Black African", BME, .01),
    ("F", "Mixed - White and Asian", BME, .02), ("G", "Mixed - Any other mixed background", BME, .02),
    ("H", "Asian or Asian British - Indian", BME, .24), ("J", "Asian or Asian British - Pakistani", BME, .06),
    ("K", "Asian or Asian British - Bangladeshi", BME, .02),
    ("L", "Asian or Asian British - Any other Asian background", BME, .08), ("LE", "Asian - Sri Lankan", BME, .02),
    ("LK", "Asian - Unspecified", BME, .02), ("SC", "Filipino", BME, .10),
    ("M", "Black or Black British - Caribbean", BME, .05), ("N", "Black or Black British - African", BME, .20),
    ("PC", "Black - Nigerian", BME, .03), ("P", "Black or Black British - Any other Black background", BME, .02),
    ("R", "Chinese", BME, .03), ("S", "Any other ethnic group", BME, .06),
    ("Z", "Not Stated", UNKNOWN, .6), ("99", None, UNKNOWN, .15), (None, None, UNKNOWN, .25),
)
# Rendering: index i is the code alone, index i + len(ETHNIC_CATEGORIES) the code with its label.
ETHNIC_TEXTS = tuple(c for c, _, _, _ in ETHNIC_CATEGORIES) + tuple(
    None if c is None else f"{c} {label}" if label else c for c, label, _, _ in ETHNIC_CATEGORIES
)
ETHNIC_GROUP = np.array([group for _, _, group, _ in ETHNIC_CATEGORIES])
ETHNIC_BY_GROUP = np.array([[s if g == group else 0 for _, _, g, s in ETHNIC_CATEGORIES] for group in range(3)])
ETHNIC_BLANK = len(ETHNIC_CATEGORIES) - 1

DISABILITY = ("Yes", "No", "Not Declared", "Prefer Not To Answer", None)
DISABILITY_SHARE = np.array([.055, .72, .17, .035, .02])
SEXES = ("Female", "Male", None)
AGE_BANDS = ("<=20", *(f"{a}-{a + 4}" for a in range(21, 70, 5)), ">=71")
RELIGIONS = (
    "Christianity", "Atheism", "Islam", "Hinduism", "Sikhism", "Buddhism", "Judaism", "Other",
    "I do not wish to disclose my religion/belief", None,
)
RELIGION_BY_GROUP = np.array([
    [.50, .22, .005, .002, .001, .004, .003, .06, .19, .015],
    [.38, .04, .20, .14, .03, .02, .001, .04, .134, .015],
    [.20, .05, .02, .01, .005, .005, .005, .03, .45, .225],
])
ORIENTATIONS = (
    "Heterosexual or Straight", "Gay or Lesbian", "Bisexual", "Other sexual orientation not listed", "Undecided",
    "Not stated (person asked but declined to provide a response)", None,
)
ORIENTATION_SHARE = np.array([.80, .022, .015, .003, .002, .148, .01])

FLAG_TOKENS = (
    ("Y", "N"), ("Yes", "No"), ("TRUE", "FALSE"), ("y", "n"), ("yes", "no"), ("True", "False"), ("YES", "NO"),
)
FLAG_TEXTS = tuple(token for pair in FLAG_TOKENS for token in pair)

CASE_TYPES = ("Disciplinary", "Capability", "Grievance", "Bullying and Harassment", "Sickness")
CASE_TYPE_TEXTS = CASE_TYPES + tuple(t.lower() for t in CASE_TYPES)
DISCIPLINARY = 0
# (case type, cases per person-year, share that become formal); formal disciplinary cases are drawn apart.
OTHER_CASES = ((DISCIPLINARY, 0.006, 0.0), (1, 0.004, 0.6), (2, 0.006, 0.5), (3, 0.004, 0.4), (4, 0.02, 0.7))
OUTCOMES = (
    "No case to answer", "Informal action", "First written warning", "Final written warning", "Dismissal",
    "Resigned before hearing", "Ongoing", "Final written warning\nreduced to first written warning on appeal",
    "Informal resolution", "Management advice", "Withdrawn", None,
)
FORMAL_OUTCOME_SHARE = np.array([.2, .1, .2, .12, .06, .04, .15, .01, 0, 0, 0, .12])
INFORMAL_OUTCOME_SHARE = np.array([0, 0, 0, 0, 0, 0, .1, 0, .4, .25, .1, .15])

MANDATORY_COURSES = (
    ("STAT01", "Fire safety"), ("STAT02", "Information governance and data security"),
    ("STAT03", "Safeguarding adults – level 2"), ("STAT04", "Manual handling"),
    ("STAT05", "Equality, diversity and human rights"), ("STAT06", "Basic life support"),
    ("STAT07", "Infection prevention and control"), ("STAT08", "Conflict resolution"),
)
MANDATORY_CATEGORY_TEXTS = (
    "Statutory", "Mandatory", "Statutory and Mandatory", "statutory and mandatory", "STATUTORY", "mandatory",
)
MANDATORY_CATEGORY_SHARE = np.array([.25, .3, .3, .08, .03, .04])
NON_MANDATORY_CATEGORIES = ("Non-mandatory", "CPD", "Leadership", "Apprenticeship", "Study Leave")
NON_MANDATORY_CATEGORY_TEXTS = NON_MANDATORY_CATEGORIES + ("non-mandatory", "cpd", "leadership", "APPRENTICESHIP",
                                                           "study leave")
CATEGORY_TEXTS = MANDATORY_CATEGORY_TEXTS + NON_MANDATORY_CATEGORY_TEXTS
# (code, name, category index); the names hold commas and characters outside ASCII, all in Windows-1252.
NON_MANDATORY_COURSES = (
    ("CPD01", "Zoë's workshop", 0), ("CPD02", "Café culture", 0), ("CPD03", "Résumé and interview skills", 1),
    ("CPD04", "Reflective practice", 1), ("CPD05", "Quality improvement, bronze level", 1),
    ("LDR01", "Coaching skills", 2), ("LDR02", "Leadership Academy – Mary Seacole programme", 2),
    ("APP01", "Nursing associate apprenticeship", 3), ("STL01", "Study leave – conference", 4),
)
COURSE_CODES = tuple(c for c, _ in MANDATORY_COURSES) + tuple(c for c, _, _ in NON_MANDATORY_COURSES)
COURSE_NAMES = tuple(n for _, n in MANDATORY_COURSES) + tuple(n for _, n, _ in NON_MANDATORY_COURSES)
COURSE_CATEGORY = np.array([k for _, _, k in NON_MANDATORY_COURSES])
COMPLETION_STATUSES = ("Completed", "Attended", "In progress")

SURVEY_DISABILITY = ("Yes", "No", None)
SURVEY_SEXES = ("Female", "Male", "Prefer not to say", None)
# Question columns by numbering: indicator 5, indicator 6 (two), indicator 7, indicator 8.
QUESTIONS_UNTIL_2020 = ("q13a", "q13b", "q13c", "q14", "q15b")
QUESTIONS_FROM_2021 = ("q14a", "q14b", "q14c", "q15", "q16b")
UNMAPPED_QUESTION = "q3a"
ANSWER_TEXTS = ("1", "2", "3", "4", "5")

# (role, member type, probability the seat exists, probability it votes)
BOARD_SEATS = (
    ("Chief Executive", "Executive", 1, 1), ("Director of Finance", "Executive", 1, 1),
    ("Medical Director", "Executive", 1, 1), ("Director of Nursing", "Executive", 1, 1),
    ("Chief Operating Officer", "Executive", .9, 1), ("Director of People", "Executive", .8, .4),
    ("Director of Strategy", "Executive", .6, .1), ("Director of Corporate Affairs", "Executive", .5, 0),
    ("Chair", "Non-executive", 1, 1),
    *[("Non-executive Director", "Non-executive", p, 1) for p in (1, 1, 1, 1, .9, .7, .5)],
    ("Associate Non-executive Director", "Non-executive", .5, 0),
)
BOARD_ROLES = tuple(r for r, _, _, _ in BOARD_SEATS) + tuple(f"Interim {r}" for r, _, _, _ in BOARD_SEATS)
MEMBER_TYPE_TEXTS = ("Executive", "Non-executive", "executive", "Non-Executive")
BOARD_HOLDERS = 8  # successive holders simulated per seat
# Years a sitting board member has served so far, on average (E[T^2] / 2E[T] for the tenures drawn below): new
# members lead the boards' BME share by that much.
BOARD_SERVED = 2.6
BOARD_UNKNOWN = 0.03  # share of board members whose ethnicity is not stated

PLACE_STARTS = (
    "Ald", "Bar", "Cor", "Dew", "Eld", "Fal", "Gar", "Hal", "Ick", "Kel", "Lun", "Mor", "Nev", "Orm", "Pel",
    "Quin", "Ros", "Sel", "Tam", "Ulv", "Ver", "Wen", "Yar", "Zel",
)
PLACE_ENDS = ("bridge", "brook", "by", "caster", "dale", "field", "ford", "ham", "mouth", "stead")
ODS_CHARACTERS = "0123456789ABCDEFGHJKLMNPQRTVWXY"


@dataclass(frozen=True)
class OrganisationType:
    name: str
    national_count: int
    median_size: float
    size_sigma: float
    size_range: tuple[int, int]
    bme_logit: float
    staff_mix: tuple[float, ...]  # share of each staff group
    names: tuple[str, ...]  # name patterns


ORGANISATION_TYPES = (
    OrganisationType("Acute", 122, 6500, 0.5, (2500, 25000), 0.0,
                     (.02, .23, .22, .05, .04, .02, .12, .295, .005),
                     ("{} Hospitals NHS Foundation Trust", "{} University Hospitals NHS Trust",
                      "{} and District Hospitals NHS Trust")),
    OrganisationType("Mental Health", 48, 3500, 0.4, (1200, 9000), 0.2,
                     (.10, .27, .22, .06, .03, .005, .06, .25, .005),
                     ("{} Partnership NHS Foundation Trust", "{} Mental Health NHS Trust",
                      "{} Health and Care NHS Foundation Trust")),
    OrganisationType("Community", 16, 2800, 0.45, (800, 7000), -0.1,
                     (.03, .20, .25, .16, .02, .01, .03, .295, .005),
                     ("{} Community Healthcare NHS Trust", "{} Community Health Services NHS Trust")),
    OrganisationType("Ambulance", 10, 4500, 0.3, (2500, 8000), -1.0,
                     (0, .45, .20, .30, .03, 0, .005, .015, 0),
                     ("{} Ambulance Service NHS Foundation Trust", "{} Ambulance Service NHS Trust")),
    OrganisationType("Specialist", 14, 2000, 0.6, (300, 7000), 0.1,
                     (.04, .16, .20, .06, .02, .05, .15, .315, .005),
                     ("{} Children's Hospital NHS Foundation Trust", "{} Heart and Chest Hospital NHS Foundation Trust",
                      "{} Orthopaedic Hospital NHS Foundation Trust")),
)
SAMPLE_TYPES = (0, 1, 0, 2, 4, 0, 3)  # organisation types of the sample profile, in turn
NATIONAL_STAFF = 1_400_000

# Random streams: every draw comes from a generator seeded by (seed, stream, organisation, year).
ORGANISATION_STREAM, PEOPLE_STREAM, STAFF_STREAM, RECRUITMENT_STREAM = 1, 2, 3, 4
CASES_STREAM, TRAINING_STREAM, SURVEY_STREAM, BOARD_STREAM = 5, 6, 7, 8

YEAR_DAYS = 365.2425
EPOCH = dt.date(1970, 1, 1)


# ---------------------------------------------------------------------------------------------------------------
# Small numeric helpers


def _rng(seed: int, *keys: int) -> np.random.Generator:
    return np.random.default_rng([seed, *keys])


def _day(year: int, month: int, day: int) -> int:
    """Days since 1970-01-01."""
    return (dt.date(year, month, day) - EPOCH).days


def _wres_time(days: np.ndarray | float) -> np.ndarray:
    """Time in years, equal to Y on 31 March Y (the snapshot day of WRES year Y)."""
    return 2000 + (np.asarray(days, dtype=float) - _day(2000, 3, 31)) / YEAR_DAYS


def _sigmoid(x: np.ndarray | float) -> np.ndarray:
    return 1 / (1 + np.exp(-np.asarray(x, dtype=float)))


def _logit(p: np.ndarray | float) -> np.ndarray:
    p = np.asarray(p, dtype=float)
    return np.log(p / (1 - p))


def _national(points: dict[int, float], t: np.ndarray | float, extrapolate: bool) -> np.ndarray:
    """A national figure at time t: linear between the years given; outside them linear or flat."""
    years = np.array(sorted(points), dtype=float)
    values = np.array([points[int(y)] for y in years])
    t = np.asarray(t, dtype=float)
    value = np.interp(t, years, values)
    if extrapolate and len(years) > 1:
        first_slope = (values[1] - values[0]) / (years[1] - years[0])
        last_slope = (values[-1] - values[-2]) / (years[-1] - years[-2])
        value = np.where(t < years[0], values[0] + (t - years[0]) * first_slope, value)
        value = np.where(t > years[-1], values[-1] + (t - years[-1]) * last_slope, value)
    return value


def _share(points: dict[int, float], offset: np.ndarray | float, t: np.ndarray | float) -> np.ndarray:
    """An organisation's share at time t: the national share shifted by `offset` on the logit scale."""
    return _sigmoid(_logit(np.clip(_national(points, t, True), 0.02, 0.8)) + offset)


def _joining_share(
    points: dict[int, float], offset: np.ndarray | float, t: np.ndarray, turnover: float
) -> np.ndarray:
    """Share among people joining at time t that keeps the stock on its path: the share ahead by the mean time the
    stock has served (1 / turnover)."""
    slope = _share(points, offset, t + 0.5) - _share(points, offset, t - 0.5)
    return np.clip(_share(points, offset, t) + slope / turnover, 0.001, 0.98)


def _calibrated_offsets(base: np.ndarray, weights: np.ndarray, target: float) -> np.ndarray:
    """Shift the logit offsets so that their weighted mean share equals the target (bisection)."""
    low, high = -10.0, 10.0
    for _ in range(60):
        middle = (low + high) / 2
        mean = np.average(_sigmoid(_logit(target) + base - middle), weights=weights)
        low, high = (middle, high) if mean > target else (low, middle)
    return base - (low + high) / 2


def _centred(logits: np.ndarray, effects: np.ndarray) -> np.ndarray:
    """logits + effects - c, with c chosen (Newton) so that the mean probability stays that of `logits`."""
    target = _sigmoid(logits).mean()
    shift = 0.0
    for _ in range(8):
        p = _sigmoid(logits + effects - shift)
        shift -= (target - p.mean()) / max((p * (1 - p)).mean(), 1e-9)
    return logits + effects - shift


def _draw(rng: np.random.Generator, probabilities: np.ndarray, n: int | None = None) -> np.ndarray:
    """Categorical draws: n from one probability vector, or one per row of a probability matrix."""
    p = np.asarray(probabilities, dtype=float)
    if p.ndim == 1:
        cdf = np.cumsum(p / p.sum())
        return np.minimum(np.searchsorted(cdf, rng.random(n), side="right"), len(p) - 1).astype(np.int16)
    cdf = np.cumsum(p, axis=1)
    cdf /= cdf[:, -1:]
    return np.minimum((rng.random(len(p))[:, None] >= cdf).sum(axis=1), p.shape[1] - 1).astype(np.int16)


def _styles(rng: np.random.Generator, n: int, main: int, count: int, loyalty: float) -> np.ndarray:
    """Per row: the organisation's usual rendering style, or any style with probability 1 - loyalty."""
    return np.where(rng.random(n) < loyalty, main, rng.integers(0, count, n)).astype(np.int8)


# ---------------------------------------------------------------------------------------------------------------
# Organisations


@dataclass(frozen=True)
class Organisation:
    index: int
    code: str
    name: str
    region: str
    type: str
    size: int  # headcount of the WRES workforce on the last 31 March
    staff_mix: tuple[float, ...]
    growth: float  # yearly growth of the workforce
    leave_rate: float  # yearly leaving hazard
    bme_logit: float  # offset of the BME share from the national share (logit scale)
    unknown_rate: float  # share of staff whose ethnicity is not recorded
    board_logit: float  # offset of the board's BME share from the national board share
    rl_appointment: float  # trust effects on the log relative likelihoods of indicators 2, 3 and 4
    rl_disciplinary: float
    rl_training: float
    survey_effect: tuple[float, ...]  # logit effects on indicators 5-8, all staff and BME staff only
    survey_gap: tuple[float, ...]
    disciplinary_rate: float  # formal disciplinary cases per White person-year
    training_rate: float  # share of White staff accessing non-mandatory training in a year
    appointment_rate: float  # share of White shortlisted applicants appointed
    application_rate: float  # applications per member of staff and year
    response_rate: float  # staff survey
    label_share: float  # share of ethnic codes written with their label
    iso_share: float  # share of dates written YYYY-MM-DD
    flag_style: int
    band_style: int
    fte_style: int
    mid_year: bool  # also sends a 30 September snapshot
    trac: bool  # recruitment through Trac (a combined file), else NHS Jobs (a file of its own)


def _national_shape(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Types, sizes and regions of about 210 trusts with about 1.4 million staff."""
    types = np.repeat(np.arange(len(ORGANISATION_TYPES)), [t.national_count for t in ORGANISATION_TYPES])
    median = np.array([ORGANISATION_TYPES[t].median_size for t in types])
    sigma = np.array([ORGANISATION_TYPES[t].size_sigma for t in types])
    low, high = (np.array([ORGANISATION_TYPES[t].size_range[i] for t in types]) for i in (0, 1))
    sizes = np.clip(median * np.exp(sigma * rng.standard_normal(len(types))), low, high)
    sizes = np.clip(sizes * NATIONAL_STAFF / sizes.sum(), 300, 25000)
    regions = _draw(rng, REGION_WEIGHT, len(types))
    ambulance = types == 3
    regions[ambulance] = AMBULANCE_REGIONS[: ambulance.sum()]
    return types, sizes.round().astype(int), regions


def _sample_shape(options: GeneratorOptions, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    n = options.organisations
    if not 1 <= n <= len(PLACE_STARTS) * len(PLACE_ENDS):
        raise ValueError(f"organisations must be from 1 to {len(PLACE_STARTS) * len(PLACE_ENDS)}")
    types = np.array([SAMPLE_TYPES[i % len(SAMPLE_TYPES)] for i in range(n)])
    spread = np.exp(0.35 * rng.standard_normal(n))
    sizes = np.maximum(options.staff_per_organisation * spread / spread.mean(), 10)
    regions = rng.permutation(len(REGIONS))[np.arange(n) % len(REGIONS)]
    return types, sizes.round().astype(int), regions


def _organisation_codes(n: int, rng: np.random.Generator) -> list[str]:
    pairs = rng.choice(len(ODS_CHARACTERS) ** 2, size=n, replace=False)
    return ["R" + ODS_CHARACTERS[p // len(ODS_CHARACTERS)] + ODS_CHARACTERS[p % len(ODS_CHARACTERS)] for p in pairs]


def _organisation_names(types: np.ndarray, rng: np.random.Generator) -> list[str]:
    places = rng.choice(len(PLACE_STARTS) * len(PLACE_ENDS), size=len(types), replace=False)
    patterns = rng.integers(0, 6, len(types))
    names = []
    for place, kind, pattern in zip(places, types, patterns):
        town = PLACE_STARTS[place // len(PLACE_ENDS)] + PLACE_ENDS[place % len(PLACE_ENDS)]
        choices = ORGANISATION_TYPES[kind].names
        names.append(choices[pattern % len(choices)].format(town))
    return names


def _organisations(options: GeneratorOptions) -> list[Organisation]:
    """The organisations of the profile, in code order, with every trust-level parameter drawn."""
    rng = _rng(options.seed, ORGANISATION_STREAM)
    if options.profile == "national":
        types, sizes, regions = _national_shape(rng)
    elif options.profile == "sample":
        types, sizes, regions = _sample_shape(options, rng)
    else:
        raise ValueError(f"unknown profile {options.profile!r}: 'sample' or 'national'")
    n = len(types)
    codes = _organisation_codes(n, rng)
    names = _organisation_names(types, rng)
    type_logit = np.array([ORGANISATION_TYPES[t].bme_logit for t in types])
    middle = options.last_year - (options.years - 1) / 2  # trust offsets are calibrated on the middle year
    bme_base = REGION_BME_LOGIT[regions] + type_logit + 0.35 * rng.standard_normal(n)
    bme_logit = _calibrated_offsets(bme_base, sizes, float(_national(NATIONAL_BME_SHARE, middle, True)))
    board_base = 0.6 * bme_logit + 0.45 * rng.standard_normal(n)
    board_logit = _calibrated_offsets(board_base, np.ones(n), float(_national(NATIONAL_BOARD_BME_SHARE, middle, True)))
    draws = {
        "growth": np.clip(rng.normal(0.025, 0.015, n), 0.005, 0.07),
        "leave_rate": rng.uniform(0.08, 0.14, n),
        "unknown_rate": 0.015 + 0.08 * rng.beta(2, 5, n),
        "rl_appointment": 0.15 * rng.standard_normal(n),
        "rl_disciplinary": 0.3 * rng.standard_normal(n),
        "rl_training": 0.08 * rng.standard_normal(n),
        "survey_effect": 0.15 * rng.standard_normal((n, 4)),
        "survey_gap": 0.12 * rng.standard_normal((n, 4)),
        "disciplinary_rate": rng.uniform(0.006, 0.014, n),
        "training_rate": rng.uniform(0.25, 0.45, n),
        "appointment_rate": rng.uniform(0.2, 0.32, n),
        "application_rate": rng.uniform(0.35, 0.65, n),
        "response_rate": rng.uniform(0.3, 0.6, n),
        "label_share": rng.uniform(0.1, 0.9, n),
        "iso_share": rng.uniform(0.3, 0.9, n),
        "flag_style": rng.integers(0, len(FLAG_TOKENS), n),
        "band_style": rng.integers(0, len(BAND_TEXTS), n),
        "fte_style": rng.integers(0, 2, n),
        "mid_year": rng.random(n) < 0.25,
    }
    order = np.argsort(codes)
    organisations = []
    for index, i in enumerate(order):
        organisations.append(Organisation(
            index=index, code=codes[i], name=names[i], region=REGIONS[regions[i]],
            type=ORGANISATION_TYPES[types[i]].name, size=int(sizes[i]),
            staff_mix=ORGANISATION_TYPES[types[i]].staff_mix,
            growth=float(draws["growth"][i]), leave_rate=float(draws["leave_rate"][i]),
            bme_logit=float(bme_logit[i]), unknown_rate=float(draws["unknown_rate"][i]),
            board_logit=float(board_logit[i]), rl_appointment=float(draws["rl_appointment"][i]),
            rl_disciplinary=float(draws["rl_disciplinary"][i]), rl_training=float(draws["rl_training"][i]),
            survey_effect=tuple(map(float, draws["survey_effect"][i])),
            survey_gap=tuple(map(float, draws["survey_gap"][i])),
            disciplinary_rate=float(draws["disciplinary_rate"][i]), training_rate=float(draws["training_rate"][i]),
            appointment_rate=float(draws["appointment_rate"][i]),
            application_rate=float(draws["application_rate"][i]), response_rate=float(draws["response_rate"][i]),
            label_share=float(draws["label_share"][i]), iso_share=float(draws["iso_share"][i]),
            flag_style=int(draws["flag_style"][i]), band_style=int(draws["band_style"][i]),
            fte_style=int(draws["fte_style"][i]),
            # the second organisation always sends mid-year snapshots, so that the sample has some
            mid_year=bool(draws["mid_year"][i]) or index == 1 % n,
            trac=index % 2 == 0,
        ))
    return organisations


# ---------------------------------------------------------------------------------------------------------------
# The simulated workforce of one organisation

Table = dict[str, np.ndarray]  # columns of equal length


def _take(table: Table, index: np.ndarray) -> Table:
    return {name: values[index] for name, values in table.items()}


def _concat(tables: Sequence[Table]) -> Table:
    return {name: np.concatenate([t[name] for t in tables]) for name in tables[0]}


def _employee_number(org: Organisation, serial: np.ndarray) -> np.ndarray:
    return 20_000_000 + org.index * 100_000 + serial


def _people(org: Organisation, first: int, last: int, seed: int) -> Table:
    """Everyone who works for the organisation at some time between the days `first` and `last`.

    The stock on `first` grows steadily to the organisation's size on `last`; people leave at a constant hazard
    (a few joiners leave within months) and joiners replace them. Columns are integer codes into the tables above;
    employee numbers follow the day people joined.
    """
    rng = _rng(seed, PEOPLE_STREAM, org.index)
    span = (last - first) / YEAR_DAYS
    growth = np.log1p(org.growth)
    stock = rng.poisson(org.size / (1 - NOT_IN_WORKFORCE) * np.exp(-growth * span))
    joiners = rng.poisson((org.leave_rate + growth) * stock * np.expm1(growth * span) / growth / (1 - EARLY_LEAVERS))
    n = stock + joiners

    age_now = np.clip(rng.normal(43, 11, stock), 19, 68)
    stock_start = first - np.minimum(rng.exponential(1 / org.leave_rate, stock), age_now - 18) * YEAR_DAYS
    stock_leave = first + 1 + rng.exponential(1 / org.leave_rate, stock) * YEAR_DAYS
    joined = first + np.log1p(rng.random(joiners) * np.expm1(growth * span)) / growth * YEAR_DAYS
    early = rng.random(joiners) < EARLY_LEAVERS
    tenure = np.where(early, rng.exponential(0.4, joiners), rng.exponential(1 / org.leave_rate, joiners))
    age_joining = np.clip(19 + rng.gamma(2.2, 5.5, joiners), 19, 64)
    in_stock = np.arange(n) < stock
    start = np.concatenate([stock_start, joined]).astype(np.int32)

    staff_group = _draw(rng, np.array(org.staff_mix), n)
    band = _draw(rng, BAND_MIX[staff_group])
    medical = staff_group == MEDICAL
    grade = np.full(n, -1, dtype=np.int16)
    grade[medical] = _draw(rng, GRADE_SHARE, int(medical.sum()))

    hired = _wres_time(np.where(in_stock, first, start))
    share = np.where(
        in_stock,
        _share(NATIONAL_BME_SHARE, org.bme_logit, hired),
        _joining_share(NATIONAL_BME_SHARE, org.bme_logit, hired, org.leave_rate + growth),
    )
    known_share = np.clip(share / (1 - org.unknown_rate), 0.005, 0.97)
    effects = STAFF_GROUP_BME_LOGIT[staff_group] + np.where(
        medical, GRADE_BME_LOGIT[np.maximum(grade, 0)], BAND_BME_LOGIT[band]
    )
    bme = rng.random(n) < _sigmoid(_centred(_logit(known_share), effects))
    group = np.where(rng.random(n) < org.unknown_rate, UNKNOWN, np.where(bme, BME, WHITE)).astype(np.int8)
    female = rng.random(n) < STAFF_GROUP_FEMALE[staff_group]

    people = {
        "start": start,
        "leave": np.concatenate([stock_leave, joined + 1 + tenure * YEAR_DAYS]).astype(np.int32),
        "birth": np.concatenate([first - age_now * YEAR_DAYS, joined - age_joining * YEAR_DAYS]).astype(np.int32),
        "group": group,
        "ethnic": _draw(rng, ETHNIC_BY_GROUP[group]),
        "sex": np.where(rng.random(n) < 0.002, 2, np.where(female, 0, 1)).astype(np.int8),
        "disability": _draw(rng, DISABILITY_SHARE, n),
        "religion": _draw(rng, RELIGION_BY_GROUP[group]),
        "orientation": _draw(rng, ORIENTATION_SHARE, n),
        "staff_group": staff_group,
        "band": band,
        "grade": grade,
        "occupation": (OCCUPATION_OFFSET[staff_group] + rng.random(n) * OCCUPATION_COUNT[staff_group]).astype(np.int16),
        "pay_point": rng.random(n),
        "category": _draw(rng, MAIN_CATEGORY[CATEGORY_ROW[staff_group]]),
        "fte": FTE_VALUES[_draw(rng, FTE_SHARE, n)].astype(np.int16),
    }
    people = _take(people, np.argsort(start, kind="stable"))
    people["number"] = _employee_number(org, np.arange(n))
    return people


def _posts(org: Organisation, people: Table, seed: int) -> Table:
    """Assignments: everyone's main one, a second for some (Bank, a second post, Honorary), a third (Bank) for few.

    The main assignment is flagged primary, except for a few people with none flagged (N or blank) or two.
    """
    rng = _rng(seed, STAFF_STREAM, org.index)
    n = len(people["number"])
    category, start, leave = people["category"], people["start"], people["leave"]
    unpaid = (category == BANK) | (category == HONORARY)

    has_second = ~unpaid & (rng.random(n) < 0.10)
    second = np.flatnonzero(has_second)
    k = len(second)
    second_category = np.array([BANK, PERMANENT, HONORARY])[_draw(rng, np.array([.65, .25, .10]), k)]
    second_start = start[second] + (rng.random(k) * (leave[second] - start[second]) * 0.3).astype(np.int32)
    second_end = np.where(rng.random(k) < 0.6, leave[second],
                          np.minimum(leave[second], second_start + 1 + rng.exponential(4, k) * YEAR_DAYS))
    third = rng.random(k) < 0.15

    u = rng.random(n)
    none_flagged = has_second & (u < 0.02)
    two_flagged = has_second & (u > 0.985)
    main_flag = np.where(none_flagged, np.where(u < 0.01, 0, -1), np.where(~has_second & (u < 0.03), -1, 1))
    second_flag = np.where(two_flagged[second], 1, np.where(none_flagged[second] & (u[second] < 0.01), -1, 0))

    posts = {
        "person": np.concatenate([np.arange(n), second, second[third]]),
        "suffix": np.concatenate([np.ones(n), np.full(k, 2), np.full(third.sum(), 3)]).astype(np.int8),
        "category": np.concatenate([category, second_category, np.full(third.sum(), BANK)]).astype(np.int8),
        "fte": np.concatenate([
            np.where(unpaid, 0, people["fte"]),
            np.where(second_category == PERMANENT, rng.choice([10, 20, 30, 40], k), 0),
            np.zeros(third.sum()),
        ]).astype(np.int16),
        "flagged": np.concatenate([main_flag, second_flag, np.zeros(third.sum())]).astype(np.int8),
        "start": np.concatenate([start, second_start, second_start[third]]).astype(np.int32),
        "end": np.concatenate([leave, second_end, second_end[third]]).astype(np.int32),
    }
    return _take(posts, np.lexsort((posts["suffix"], posts["person"])))


def _snapshot(org: Organisation, people: Table, posts: Table, day: int, seed: int) -> Table:
    """The assignments held on one snapshot day, with their holder's details, age band and hourly pay that day."""
    rng = _rng(seed, STAFF_STREAM, org.index, day)
    rows = _take(posts, (posts["start"] <= day) & (posts["end"] > day))
    person = _take(people, rows.pop("person"))
    n = len(rows["suffix"])
    medical = person["grade"] >= 0
    pay = np.where(medical[:, None], GRADE_PAY[np.maximum(person["grade"], 0)], BAND_PAY[person["band"]])
    annual = pay[:, 0] + person["pay_point"] * (pay[:, 1] - pay[:, 0])
    pence = np.round(annual * PAY_GROWTH ** (_wres_time(day) - 2025) / HOURS_PER_YEAR * 100)
    age = (day - person["birth"]) // YEAR_DAYS
    return {
        **rows,
        **{c: person[c] for c in ("number", "staff_group", "occupation", "grade", "disability", "sex", "religion",
                                  "orientation")},
        "band": _styles(rng, n, org.band_style, len(BAND_TEXTS), 0.9) * len(BANDS) + person["band"],
        "ethnic": _ethnic_text(rng, person["ethnic"], org.label_share),
        "age_band": np.clip((age - 16) // 5, 0, len(AGE_BANDS) - 1).astype(np.int8),
        "pence": np.where(rows["category"] == HONORARY, -1, pence).astype(np.int64),
        "day": np.full(n, day, dtype=np.int32),
        "date_style": _date_styles(rng, n, org.iso_share),
        "flag_style": _styles(rng, n, org.flag_style, len(FLAG_TOKENS), 0.85),
    }


def _ethnic_text(rng: np.random.Generator, ethnic: np.ndarray, label_share: np.ndarray | float) -> np.ndarray:
    """Index into ETHNIC_TEXTS: the code alone or with its label; -1 for blank."""
    labelled = rng.random(len(ethnic)) < label_share
    text = ethnic + np.where(labelled, len(ETHNIC_CATEGORIES), 0)
    return np.where(ethnic == ETHNIC_BLANK, -1, text).astype(np.int16)


def _date_styles(rng: np.random.Generator, n: int, iso_share: np.ndarray | float) -> np.ndarray:
    """0: YYYY-MM-DD, 1: DD/MM/YYYY, 2: D/M/YYYY."""
    u = rng.random(n)
    return np.where(u < iso_share, 0, np.where(u < iso_share + (1 - iso_share) * 0.6, 1, 2)).astype(np.int8)


def _exposure(people: Table, year: int) -> tuple[np.ndarray, np.ndarray]:
    """First and end day (exclusive) of each person's time in post within the event period of WRES year Y."""
    low = np.maximum(people["start"], _day(year - 1, 4, 1))
    high = np.minimum(people["leave"], _day(year, 3, 31) + 1)
    return low, high


def _days_within(rng: np.random.Generator, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    return (low + np.floor(rng.random(len(low)) * (high - low))).astype(np.int32)


def _group_factor(group: np.ndarray, relative_likelihood: float, bme_adverse: bool) -> np.ndarray:
    """Multiplier of each person's rate: BME staff fare worse by the relative likelihood, Unknown half as much."""
    factors = np.array([1.0, relative_likelihood, np.sqrt(relative_likelihood)])
    return factors[group] if bme_adverse else 1 / factors[group]


# ---------------------------------------------------------------------------------------------------------------
# Events


def _cases(org: Organisation, people: Table, years: Sequence[int], seed: int) -> Table:
    """Employee-relations cases of the organisation's people, leavers included, and of a few people absent from
    every snapshot; formal disciplinary cases are more frequent for BME staff. The case row carries the person's
    ethnic_origin sometimes, and always for people in no snapshot (who joined and left between two)."""
    snapshots = np.array(_snapshot_days(org, years))
    in_a_snapshot = np.searchsorted(snapshots, people["leave"]) > np.searchsorted(snapshots, people["start"])
    batches = []
    for year in years:
        rng = _rng(seed, CASES_STREAM, org.index, year)
        low, high = _exposure(people, year)
        exposure = np.clip((high - low) / YEAR_DAYS, 0, None)
        likelihood = float(_national(NATIONAL_RL_DISCIPLINARY, year, False)) * np.exp(
            org.rl_disciplinary + 0.1 * rng.standard_normal()
        )
        kinds = [(DISCIPLINARY, org.disciplinary_rate * _group_factor(people["group"], likelihood, True), 1.0)]
        kinds += [(case_type, np.full(len(low), rate), formal) for case_type, rate, formal in OTHER_CASES]
        for case_type, rate, formal_share in kinds:
            who = np.flatnonzero(rng.random(len(low)) < rate * exposure)
            day = _days_within(rng, low[who], high[who])
            formal = rng.random(len(who)) < formal_share
            informal_day = np.where(
                ~formal, day, np.where(rng.random(len(who)) < 0.6, day - rng.integers(3, 40, len(who)), -1)
            )
            batches.append({
                "number": people["number"][who],
                "type": np.full(len(who), case_type),
                "formal_day": np.where(formal, day, -1),
                "informal_day": informal_day,
                "ethnic": np.where(~in_a_snapshot[who] | (rng.random(len(who)) < 0.4), people["ethnic"][who],
                                   ETHNIC_BLANK),
                "formal": formal,
            })
        batches.append(_absent_cases(org, year, rng))
    cases = _concat(batches)
    first_day = np.where(cases["informal_day"] >= 0, cases["informal_day"], cases["formal_day"])
    cases = _take(cases, np.lexsort((cases["number"], first_day)))
    rng = _rng(seed, CASES_STREAM, org.index)
    n = len(first_day)
    outcome_share = np.where(cases["formal"][:, None], FORMAL_OUTCOME_SHARE, INFORMAL_OUTCOME_SHARE)
    return {
        "serial": np.arange(n),
        "number": cases["number"],
        "type": cases["type"] + np.where(rng.random(n) < 0.05, len(CASE_TYPES), 0),
        "formal_day": cases["formal_day"],
        "informal_day": cases["informal_day"],
        "outcome": _draw(rng, outcome_share),
        "ethnic": _ethnic_text(rng, cases["ethnic"], org.label_share),
        "date_style": _date_styles(rng, n, org.iso_share),
    }


def _absent_cases(org: Organisation, year: int, rng: np.random.Generator) -> Table:
    """Cases of people in no HR snapshot (agency staff, people who joined and left between snapshots): the case
    row carries their ethnic_origin, the fallback of indicator 3."""
    n = min(int(rng.poisson(0.4 + 0.0005 * org.size)), ABSENT_PER_YEAR)
    group = np.where(rng.random(n) < _share(NATIONAL_BME_SHARE, org.bme_logit, year), BME, WHITE)
    return {
        "number": _employee_number(org, ABSENT_NUMBERS + (year % 100) * ABSENT_PER_YEAR + np.arange(n)),
        "type": np.where(rng.random(n) < 0.7, DISCIPLINARY, CASE_TYPES.index("Grievance")),
        "formal_day": _days_within(rng, np.full(n, _day(year - 1, 4, 1)), np.full(n, _day(year, 3, 31) + 1)),
        "informal_day": np.full(n, -1),
        "ethnic": _draw(rng, ETHNIC_BY_GROUP[group]),
        "formal": np.ones(n, dtype=bool),
    }


def _training(org: Organisation, people: Table, year: int, seed: int) -> Table:
    """Training records of one WRES year: statutory and mandatory courses, and non-mandatory training that White
    staff access a little more often than BME staff."""
    rng = _rng(seed, TRAINING_STREAM, org.index, year)
    low, high = _exposure(people, year)
    exposure = np.clip((high - low) / YEAR_DAYS, 0, None)
    likelihood = float(_national(NATIONAL_RL_TRAINING, year, False)) * np.exp(
        org.rl_training + 0.05 * rng.standard_normal()
    )
    access = org.training_rate * _group_factor(people["group"], likelihood, False) * exposure
    everyone = np.arange(len(low))
    mandatory = np.repeat(everyone, rng.poisson(0.6 * exposure))
    optional = np.repeat(everyone, np.where(rng.random(len(low)) < access, 1 + rng.poisson(0.5, len(low)), 0))
    who = np.concatenate([mandatory, optional])
    n = len(who)
    is_mandatory = np.arange(n) < len(mandatory)
    optional_course = rng.integers(0, len(NON_MANDATORY_COURSES), n)
    course = np.where(is_mandatory, rng.integers(0, len(MANDATORY_COURSES), n),
                      len(MANDATORY_COURSES) + optional_course)
    category = np.where(
        is_mandatory,
        _draw(rng, MANDATORY_CATEGORY_SHARE, n),
        len(MANDATORY_CATEGORY_TEXTS) + COURSE_CATEGORY[optional_course]
        + np.where(rng.random(n) < 0.15, len(NON_MANDATORY_CATEGORIES), 0),
    )
    day = _days_within(rng, low[who], high[who])
    order = np.lexsort((day, who))
    return {
        "serial": np.arange(n),
        "number": people["number"][who[order]],
        "course": course[order],
        "category": category[order],
        "day": day[order],
        "status": _draw(rng, np.array([.8, .15, .05]), n),
        "date_style": _date_styles(rng, n, org.iso_share),
    }


def _recruitment(org: Organisation, year: int, last_year: int, seed: int) -> Table:
    """Applications of one WRES year, grouped by vacancy: shortlisted on a day of the event period, appointed only
    if shortlisted; White shortlisted applicants are appointed more often than BME ones."""
    rng = _rng(seed, RECRUITMENT_STREAM, org.index, year)
    n = int(rng.poisson(org.size * (1 + org.growth) ** (year - last_year) * org.application_rate))
    vacancies = max(n // 9, 1)
    vacancy = np.sort(rng.integers(0, vacancies, n))
    applicants = max(int(n * 0.85), 1)
    applicant = rng.integers(0, applicants, n)
    share = _share(NATIONAL_BME_SHARE, org.bme_logit + 0.7, year)
    applicant_group = np.where(rng.random(applicants) < 0.04, UNKNOWN,
                               np.where(rng.random(applicants) < share, BME, WHITE))
    applicant_ethnic = _draw(rng, ETHNIC_BY_GROUP[applicant_group])
    group = applicant_group[applicant]
    shortlisted = rng.random(n) < np.array([0.30, 0.20, 0.25])[group]
    likelihood = float(_national(NATIONAL_RL_APPOINTMENT, year, False)) * np.exp(
        org.rl_appointment + 0.08 * rng.standard_normal()
    )
    appointed = shortlisted & (rng.random(n) < org.appointment_rate * _group_factor(group, likelihood, False))
    closing = _day(year - 1, 4, 1) + rng.integers(0, 350, vacancies)
    shortlisted_day = np.where(shortlisted, closing[vacancy] + rng.integers(1, 14, n), -1)
    appointed_day = np.where(appointed & (rng.random(n) < 0.97), shortlisted_day + rng.integers(7, 60, n), -1)
    post_group = _draw(rng, np.array(org.staff_mix), vacancies)
    post_band = _draw(rng, BAND_MIX[post_group]) + org.band_style * len(BANDS)
    return {
        "org": np.full(n, org.index),
        "year": np.full(n, year),
        "serial": np.arange(n),
        "vacancy": vacancy,
        "applicant": applicant if org.trac else np.full(n, -1),
        "ethnic": _ethnic_text(rng, applicant_ethnic[applicant], org.label_share),
        "disability": _draw(rng, DISABILITY_SHARE, applicants)[applicant],
        "sex": np.where(rng.random(applicants) < 0.7, 0, 1)[applicant],
        "shortlisted": shortlisted.astype(np.int8),
        "shortlisted_day": shortlisted_day,
        "appointed": appointed.astype(np.int8),
        "appointed_day": appointed_day,
        "staff_group": post_group[vacancy] if org.trac else np.full(n, -1),
        "band": np.where(org.trac | (rng.random(n) < 0.5), post_band[vacancy], -1),
        "date_style": _date_styles(rng, n, org.iso_share),
        "flag_style": _styles(rng, n, org.flag_style, len(FLAG_TOKENS), 0.85),
    }


def _survey(org: Organisation, people: Table, survey_year: int, seed: int) -> Table:
    """Respondents of the survey fielded in the autumn of `survey_year`: answers to the WRES questions (indicator 6
    has two) and to one unmapped question; 0 is no answer. BME staff report more harassment from staff and
    discrimination and less belief in equal opportunities."""
    rng = _rng(seed, SURVEY_STREAM, org.index, survey_year)
    day = _day(survey_year, 10, 1)
    present = (people["start"] <= day) & (people["leave"] > day) & (people["category"] != HONORARY)
    who = np.flatnonzero(present & (rng.random(len(present)) < org.response_rate))
    n = len(who)
    stated = _draw(rng, ETHNIC_BY_GROUP[np.where(rng.random(n) < 0.3, BME, WHITE)])
    ethnic = np.where(people["group"][who] == UNKNOWN, stated, people["ethnic"][who])
    ethnic = np.where(rng.random(n) < 0.03, ETHNIC_BLANK, ethnic)
    group = ETHNIC_GROUP[ethnic]
    drift = 0.05 * rng.standard_normal(len(SURVEY_POSITIVE))
    positive = []
    for k, (white, bme) in enumerate(SURVEY_POSITIVE):
        logits = np.array([_logit(white), _logit(bme) + org.survey_gap[k], _logit((white + bme) / 2)])
        positive.append(rng.random(n) < _sigmoid(logits[group] + org.survey_effect[k] + drift[k]))
    harassed = np.array([0, .55, .25, .1, .1])  # answers 1-5 of someone harassed at least once
    source = rng.random(n)  # of staff harassment: managers only, both, or colleagues only

    def answered(values: np.ndarray) -> np.ndarray:
        return np.where(rng.random(n) < 0.04, 0, values)

    return {
        "org": np.full(n, org.index),
        "serial": np.arange(n),
        "ethnic": _ethnic_text(rng, ethnic, 0.3),
        "disability": _draw(rng, np.array([.22, .74, .04]), n),
        "sex": _draw(rng, np.array([.76, .21, .01, .02]), n),
        "occupation": np.where(rng.random(n) < 0.03, -1, people["staff_group"][who]),
        "patients": answered(np.where(positive[0], 1 + _draw(rng, harassed, n), 1)),
        "managers": answered(np.where(positive[1] & (source < 0.45), 1 + _draw(rng, harassed, n), 1)),
        "colleagues": answered(np.where(positive[1] & (source >= 0.2), 1 + _draw(rng, harassed, n), 1)),
        "progression": answered(np.where(positive[2], 1, 2 + (rng.random(n) < 0.55))),
        "discrimination": answered(np.where(positive[3], 1, 2)),
        "unmapped": answered(1 + _draw(rng, np.array([.1, .2, .3, .3, .1]), n)),
    }


def _board(organisations: Sequence[Organisation], first_year: int, last_year: int, seed: int) -> Table:
    """Board registers: each seat is held by successive members (start and end dates); an interim executive
    sometimes becomes the substantive one (same member, a new start date). New members are more often BME as years
    pass, so that the boards' BME share follows the national one."""
    rng = _rng(seed, BOARD_STREAM)
    n_seats = len(BOARD_SEATS)
    org = np.repeat(np.arange(len(organisations)), n_seats)
    seat = np.tile(np.arange(n_seats), len(organisations))
    exists = rng.random(len(seat)) < np.array([s[2] for s in BOARD_SEATS])[seat]
    org, seat = org[exists], seat[exists]
    executive = np.array([s[1] == "Executive" for s in BOARD_SEATS])[seat]
    voting = rng.random(len(seat)) < np.array([s[3] for s in BOARD_SEATS])[seat]

    shape = (len(seat), BOARD_HOLDERS)
    tenure = np.where(executive[:, None], rng.uniform(1.5, 8, shape), rng.uniform(2, 7, shape)) * YEAR_DAYS
    gap = rng.uniform(0, 0.3, shape) * YEAR_DAYS
    first_start = _day(first_year - 1, 3, 31) - rng.uniform(0, 8, len(seat)) * YEAR_DAYS
    offsets = np.concatenate([np.zeros((len(seat), 1)), np.cumsum(tenure + gap, axis=1)[:, :-1]], axis=1)
    start = first_start[:, None] + offsets
    end = start + tenure
    extract = _day(last_year, 6, 30)  # the register is extracted after the last 31 March
    kept = start <= extract
    continues = (np.arange(BOARD_HOLDERS) > 0) & executive[:, None] & (rng.random(shape) < 0.08) & kept
    interim = np.concatenate([continues[:, 1:], np.zeros((len(seat), 1), dtype=bool)], axis=1)

    holders = {name: np.broadcast_to(values, shape)[kept] for name, values in {
        "org": org[:, None], "seat": seat[:, None], "voting": voting[:, None], "executive": executive[:, None],
        "start": start, "end": end, "continues": continues, "interim": interim,
    }.items()}
    n = len(holders["org"])
    board_logit = np.array([o.board_logit for o in organisations])[holders["org"]]
    joining = _joining_share(NATIONAL_BOARD_BME_SHARE, board_logit, _wres_time(holders["start"]), 1 / BOARD_SERVED)
    known_share = joining / (1 - BOARD_UNKNOWN)
    group = np.where(rng.random(n) < BOARD_UNKNOWN, UNKNOWN, np.where(rng.random(n) < known_share, BME, WHITE))
    # A continuing holder is the member before them: same identity, same characteristics.
    new_member = ~holders["continues"]
    person = np.maximum.accumulate(np.where(new_member, np.arange(n), 0))
    member = np.cumsum(new_member) - 1
    member -= member[np.searchsorted(holders["org"], holders["org"])]
    ended = holders["end"] <= extract
    planned = ~ended & ~holders["executive"] & (rng.random(n) < 0.5)  # a non-executive's term end, ahead
    label_share = np.array([o.label_share for o in organisations])[holders["org"]]
    iso_share = np.array([o.iso_share for o in organisations])[holders["org"]]
    return {
        "org": holders["org"],
        "member": member,
        "role": holders["seat"] + np.where(holders["interim"], n_seats, 0),
        "member_type": np.where(holders["executive"], 0, 1) + np.where(rng.random(n) < 0.1, 2, 0),
        "voting": holders["voting"].astype(np.int8),
        "ethnic": _ethnic_text(rng, _draw(rng, ETHNIC_BY_GROUP[group])[person], label_share),
        "disability": _draw(rng, np.array([.05, .8, 0, 0, .15]), n)[person],
        "sex": np.where(rng.random(n) < 0.45, 0, 1)[person],
        "start_day": holders["start"].astype(np.int32),
        "end_day": np.where(ended | planned, holders["end"], -1).astype(np.int32),
        "date_style": _date_styles(rng, n, iso_share),
        "flag_style": rng.integers(0, len(FLAG_TOKENS), n),
    }


# ---------------------------------------------------------------------------------------------------------------
# Rendering: integer codes to CSV cells (Arrow arrays; null is a blank cell), and whole files with Arrow kernels


def _csv_cell(text: str) -> str:
    """The text as a CSV field: quoted when it holds a comma, a quote or a line break."""
    return '"' + text.replace('"', '""') + '"' if any(c in text for c in ',"\r\n') else text


def _text(codes: np.ndarray, texts: Sequence[str | None]) -> pa.DictionaryArray:
    """texts[code] for every code; blank where the code is negative or the text is None."""
    categories = sorted({_csv_cell(t) for t in texts if t is not None})
    position = {t: i for i, t in enumerate(categories)}
    lookup = np.array([-1 if t is None else position[_csv_cell(t)] for t in texts] + [-1], dtype=np.int32)
    codes = np.asarray(codes)
    indices = lookup[np.where(codes < 0, len(texts), codes)]
    return pa.DictionaryArray.from_arrays(pa.array(indices, mask=indices < 0), pa.array(categories, pa.string()))


def _constant(text: str, n: int) -> pa.DictionaryArray:
    return _text(np.zeros(n, dtype=np.int8), [text])


def _number(values: np.ndarray, width: int = 0, blank: np.ndarray | None = None) -> pa.Array:
    """Integers as text, zero-padded to `width`; blank where `blank` is true."""
    text = pc.cast(pa.array(values, mask=blank), pa.string())
    return pc.utf8_lpad(text, width=width, padding="0") if width else text


def _hundredths(values: np.ndarray) -> pa.Array:
    """An integer number of hundredths as a decimal with two places (1207 -> 12.07); blank where negative."""
    return _join(_number(values // 100, blank=values < 0), ".", _number(values % 100, 2))


def _join(*parts: pa.Array | str) -> pa.Array:
    """Element-wise concatenation of text arrays and constants; blank where any part is blank."""
    return pc.binary_join_element_wise(*(p if isinstance(p, str) else pc.cast(p, pa.string()) for p in parts), "")


def _dates(days: np.ndarray, styles: np.ndarray) -> pa.DictionaryArray:
    """Days since 1970-01-01 in each row's style (0 YYYY-MM-DD, 1 DD/MM/YYYY, 2 D/M/YYYY); blank where < 0."""
    keys = np.where(days >= 0, days.astype(np.int64) * 3 + styles, -1)
    unique, inverse = np.unique(keys, return_inverse=True)
    valid = unique[unique >= 0]
    iso = np.datetime_as_string((valid // 3).astype("datetime64[D]")).astype(object)
    texts = [
        text if style == 0 else f"{text[8:]}/{text[5:7]}/{text[:4]}" if style == 1
        else f"{int(text[8:])}/{int(text[5:7])}/{text[:4]}"
        for text, style in zip(iso, valid % 3)
    ]  # one per distinct (day, style) of the file, a few hundred at most
    return _text(inverse, [None] * (len(unique) - len(valid)) + texts)


def _flags(values: np.ndarray, styles: np.ndarray) -> pa.DictionaryArray:
    """1 or 0 as a flag token of each row's style; blank where < 0."""
    return _text(np.where(values < 0, -1, styles * 2 + 1 - values), FLAG_TEXTS)


def _header(name: str, case: str) -> str:
    """A column name as an extract writes it: as is, `Organisation_Code` (title) or upper case."""
    if case == "title":
        return "FTE" if name == "fte" else "_".join(word.capitalize() for word in name.split("_"))
    return name.upper() if case == "upper" else name


def _csv_bytes(header: Sequence[str], cells: Sequence[pa.Array]) -> bytes:
    """A CSV file (UTF-8, LF line ends) from a header and one array of CSV cells per column."""
    text = [pc.cast(c, pa.string()) for c in cells]
    lines = pc.binary_join_element_wise(*text, ",", null_handling="replace")
    lines = pc.binary_join_element_wise(lines, "", "\n")
    offsets = np.frombuffer(lines.buffers()[1], dtype=np.int32, count=len(lines) + 1, offset=4 * lines.offset)
    body = memoryview(lines.buffers()[2])[offsets[0]:offsets[-1]] if len(lines) else b""
    return b"".join([(",".join(header) + "\n").encode(), body])


# ---------------------------------------------------------------------------------------------------------------
# The landing folder being written


@dataclass
class Landing:
    """The folder being written: every file's row count, the bad rows, and the byte-level treatments still due."""

    out: Path
    rows: dict[str, dict[str, int]]
    bad: list[dict[str, object]]
    treatments: dict[Path, tuple[str, ...]]

    def write(self, source: str, file_name: str, columns: dict[str, pa.Array], extra: Sequence[str] = (),
              case: str = "lower") -> None:
        """Write the source's contract columns, then the extra ones, from `columns` (name -> cells)."""
        names = [*SOURCES_BY_NAME[source].column_names, *extra]
        path = self.out / source / file_name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(_csv_bytes([_header(n, case) for n in names], [columns[n] for n in names]))
        self.rows.setdefault(source, {})[file_name] = len(columns[names[0]])

    def treat(self, source: str, file_name: str, *treatments: str) -> None:
        path = self.out / source / file_name
        self.treatments[path] = self.treatments.get(path, ()) + treatments


def _write_organisations(landing: Landing, organisations: Sequence[Organisation]) -> None:
    index = np.arange(len(organisations))
    landing.write("organisations", "organisations.csv", {
        "organisation_code": _text(index, [o.code for o in organisations]),
        "organisation_name": _text(index, [o.name for o in organisations]),
        "region": _text(index, [o.region for o in organisations]),
        "organisation_type": _text(index, [o.type for o in organisations]),
    })


def _snapshot_days(org: Organisation, years: Sequence[int]) -> list[int]:
    """31 March of every year and, for organisations that send them, the 30 September before it."""
    days = [_day(y, 3, 31) for y in years]
    if org.mid_year:
        days += [_day(y - 1, 9, 30) for y in years]
    return sorted(days)


def _staff_file_name(org: Organisation, day: int) -> str:
    return f"{org.code}_staff_in_post_{(EPOCH + dt.timedelta(days=day)).isoformat()}.csv"


def _write_staff_in_post(landing: Landing, org: Organisation, people: Table, years: Sequence[int], seed: int,
                         case: str) -> None:
    posts = _posts(org, people, seed)
    for day in _snapshot_days(org, years):
        rows = _snapshot(org, people, posts, day, seed)
        n = len(rows["number"])
        landing.write("staff_in_post", _staff_file_name(org, day), {
            "organisation_code": _constant(org.code, n),
            "snapshot_date": _dates(rows["day"], rows["date_style"]),
            "employee_number": _number(rows["number"]),
            "assignment_number": _join(_number(rows["number"]), _text(rows["suffix"] - 1, ("", "-2", "-3"))),
            "primary_assignment": _flags(rows["flagged"], rows["flag_style"]),
            "assignment_category": _text(rows["category"], CATEGORIES),
            "staff_group": _text(rows["staff_group"], STAFF_GROUPS),
            "occupation_code": _text(rows["occupation"], OCCUPATION_CODES),
            "pay_band": _text(rows["band"], BAND_TEXTS_FLAT),
            "grade": _text(rows["grade"], GRADES),
            "fte": _text(rows["fte"], FTE_TEXTS[org.fte_style]),
            "ethnic_origin": _text(rows["ethnic"], ETHNIC_TEXTS),
            "disability": _text(rows["disability"], DISABILITY),
            "sex": _text(rows["sex"], SEXES),
            "age_band": _text(rows["age_band"], AGE_BANDS),
            "religious_belief": _text(rows["religion"], RELIGIONS),
            "sexual_orientation": _text(rows["orientation"], ORIENTATIONS),
            "hourly_rate": _hundredths(rows["pence"]),
        }, case=case)


def _write_cases(landing: Landing, org: Organisation, people: Table, years: Sequence[int], seed: int) -> None:
    cases = _cases(org, people, years, seed)
    landing.write("employee_relations", f"{org.code}_er_cases.csv", {
        "organisation_code": _constant(org.code, len(cases["serial"])),
        "case_id": _join(f"{org.code}-ER-", _number(cases["serial"], 6)),
        "employee_number": _number(cases["number"]),
        "case_type": _text(cases["type"], CASE_TYPE_TEXTS),
        "formal_start_date": _dates(cases["formal_day"], cases["date_style"]),
        "informal_start_date": _dates(cases["informal_day"], cases["date_style"]),
        "outcome": _text(cases["outcome"], OUTCOMES),
        "ethnic_origin": _text(cases["ethnic"], ETHNIC_TEXTS),
    })


def _training_file_name(org: Organisation, year: int) -> str:
    return f"{org.code}_training_{year}.csv"


def _write_training(landing: Landing, org: Organisation, people: Table, year: int, seed: int,
                    odd_header: bool) -> None:
    """One LMS export per organisation and WRES year; `odd_header` writes upper-case names and an extra column."""
    records = _training(org, people, year, seed)
    columns = {
        "organisation_code": _constant(org.code, len(records["serial"])),
        "record_id": _join(f"T{year}-", _number(records["serial"], 6)),
        "employee_number": _number(records["number"]),
        "course_code": _text(records["course"], COURSE_CODES),
        "course_name": _text(records["course"], COURSE_NAMES),
        "category": _text(records["category"], CATEGORY_TEXTS),
        "activity_date": _dates(records["day"], records["date_style"]),
    }
    if odd_header:
        columns["completion_status"] = _text(records["status"], COMPLETION_STATUSES)
    landing.write("training", _training_file_name(org, year), columns, extra=list(columns)[7:],
                  case="upper" if odd_header else "lower")


def _write_recruitment(landing: Landing, file_name: str, applications: Table,
                       organisations: Sequence[Organisation], trac: bool) -> None:
    """Trac files hold several organisations and carry applicant ids and the post's staff group; NHS Jobs files
    hold one organisation."""
    a = applications
    code = _text(a["org"], [o.code for o in organisations])
    year = _number(a["year"])
    landing.write("recruitment", file_name, {
        "organisation_code": code,
        "application_id": (_join(code, "-", year, "-", _number(a["serial"], 6)) if trac
                           else _join("NHSJ", year, _number(a["serial"], 6))),
        "vacancy_id": (_join(code, "-V", year, "-", _number(a["vacancy"], 4)) if trac
                       else _join("V", year, _number(a["vacancy"], 5))),
        "applicant_id": _join("P", year, _number(a["applicant"], 6, blank=a["applicant"] < 0)),
        "ethnic_origin": _text(a["ethnic"], ETHNIC_TEXTS),
        "disability": _text(a["disability"], DISABILITY),
        "sex": _text(a["sex"], SEXES),
        "shortlisted": _flags(a["shortlisted"], a["flag_style"]),
        "shortlisted_date": _dates(a["shortlisted_day"], a["date_style"]),
        "appointed": _flags(a["appointed"], a["flag_style"]),
        "appointed_date": _dates(a["appointed_day"], a["date_style"]),
        "staff_group": _text(a["staff_group"], STAFF_GROUPS),
        "pay_band": _text(a["band"], BAND_TEXTS_FLAT),
    })


def _survey_questions(survey_year: int) -> tuple[str, ...]:
    """Question columns of indicators 5, 6 (two), 7 and 8 in the numbering of the survey year."""
    return QUESTIONS_UNTIL_2020 if survey_year <= 2020 else QUESTIONS_FROM_2021


def _write_survey(landing: Landing, survey_year: int, respondents: Table,
                  organisations: Sequence[Organisation]) -> None:
    r = respondents
    questions = dict(zip(_survey_questions(survey_year),
                         ("patients", "managers", "colleagues", "progression", "discrimination")))
    questions[UNMAPPED_QUESTION] = "unmapped"
    code = _text(r["org"], [o.code for o in organisations])
    landing.write("staff_survey", f"nss_{survey_year}.csv", {
        "organisation_code": code,
        "survey_year": _constant(str(survey_year), len(r["org"])),
        "respondent_id": _join(f"R{survey_year}", code, _number(r["serial"], 5)),
        "ethnic_origin": _text(r["ethnic"], ETHNIC_TEXTS),
        "disability": _text(r["disability"], SURVEY_DISABILITY),
        "sex": _text(r["sex"], SURVEY_SEXES),
        "occupational_group": _text(r["occupation"], SURVEY_OCCUPATIONS),
        **{question: _text(r[answer] - 1, ANSWER_TEXTS) for question, answer in questions.items()},
    }, extra=sorted(questions, key=lambda q: (q != UNMAPPED_QUESTION, q)))


def _write_board(landing: Landing, members: Table, organisations: Sequence[Organisation]) -> None:
    m = members
    code = _text(m["org"], [o.code for o in organisations])
    landing.write("board", "board_register.csv", {
        "organisation_code": code,
        "member_id": _join(code, "-B", _number(m["member"], 3)),
        "role_title": _text(m["role"], BOARD_ROLES),
        "member_type": _text(m["member_type"], MEMBER_TYPE_TEXTS),
        "voting": _flags(m["voting"], m["flag_style"]),
        "ethnic_origin": _text(m["ethnic"], ETHNIC_TEXTS),
        "disability": _text(m["disability"], DISABILITY),
        "sex": _text(m["sex"], SEXES),
        "start_date": _dates(m["start_day"], m["date_style"]),
        "end_date": _dates(m["end_day"], m["date_style"]),
    })


# ---------------------------------------------------------------------------------------------------------------
# Bad rows: each a copy of the first record of a file with one rule broken, appended to that file

# The survey years the question-mapping seed covers: an invalid answer quarantines a row only in these years.
MAPPED_SURVEY_YEARS = range(2018, 2027)


@dataclass(frozen=True)
class BadRow:
    source: str
    file: str
    # contract column -> value written instead of the template's ("+x": the template's value followed by x, a fresh
    # key); no changes: a verbatim copy, a duplicate key
    changes: dict[str, str]
    column: str  # the column the quarantine names
    problem: str


def _bad_rows(organisations: Sequence[Organisation], years: Sequence[int]) -> list[BadRow]:
    """The bad rows to write: a handful per source, each breaking one rule of sources.md."""
    a, b = organisations[0], organisations[1 % len(organisations)]
    first, last = years[0], years[-1]
    non_leap = next(y for y in range(last, 0, -1) if y % 4)
    staff = _staff_file_name(a, _day(last, 3, 31))
    recruitment = f"trac_applications_{last}.csv"
    cases = f"{b.code}_er_cases.csv"
    training = _training_file_name(b, first)
    rows = [
        BadRow("organisations", "organisations.csv", {"organisation_code": "QXE", "organisation_name": ""},
               "organisation_name", "required value blank"),
        BadRow("organisations", "organisations.csv", {}, "organisation_code", "duplicate key"),
        BadRow("staff_in_post", staff, {"assignment_number": "+-91", "staff_group": ""}, "staff_group",
               "required value blank"),
        BadRow("staff_in_post", staff, {"assignment_number": "+-92", "snapshot_date": f"31/02/{last}"},
               "snapshot_date", "impossible date"),
        BadRow("staff_in_post", staff, {"assignment_number": "+-93", "primary_assignment": "Primary"},
               "primary_assignment", "not a flag"),
        BadRow("staff_in_post", staff, {"assignment_number": "+-94", "fte": "7.5"}, "fte", "fte out of range"),
        BadRow("staff_in_post", staff, {"assignment_number": "+-95", "staff_group": "Nursing & Midwifery"},
               "staff_group", "unknown staff group"),
        BadRow("staff_in_post", staff, {}, "assignment_number", "duplicate key"),
        BadRow("staff_in_post", staff, {"assignment_number": "+-96", "snapshot_date": f"{last + 30}-03-31"},
               "snapshot_date", "snapshot_date in the future"),
        BadRow("recruitment", recruitment, {"application_id": "+-X1", "shortlisted": "N", "shortlisted_date": "",
                                            "appointed": "Y"}, "appointed", "appointed without shortlisting"),
        BadRow("recruitment", recruitment, {"application_id": "+-X2", "shortlisted": "Y", "shortlisted_date": "",
                                            "appointed": "N", "appointed_date": ""},
               "shortlisted_date", "shortlisted without a date"),
        BadRow("recruitment", recruitment, {"application_id": "+-X3", "appointed": "Withdrawn"}, "appointed",
               "not a flag"),
        BadRow("recruitment", recruitment, {"application_id": "+-X4", "shortlisted": "Y",
                                            "shortlisted_date": f"30/02/{last}"},
               "shortlisted_date", "impossible date"),
        BadRow("recruitment", recruitment, {"application_id": "+-X5", "vacancy_id": ""}, "vacancy_id",
               "required value blank"),
        BadRow("recruitment", recruitment, {}, "application_id", "duplicate key"),
        BadRow("employee_relations", cases, {"case_id": "+-X1", "case_type": ""}, "case_type", "required value blank"),
        BadRow("employee_relations", cases, {"case_id": "+-X2", "formal_start_date": f"31/04/{last - 1}"},
               "formal_start_date", "impossible date"),
        BadRow("employee_relations", cases, {"case_id": "+-X3", "employee_number": ""}, "employee_number",
               "required value blank"),
        BadRow("employee_relations", cases, {}, "case_id", "duplicate key"),
        BadRow("training", training, {"record_id": "+-X1", "activity_date": ""}, "activity_date",
               "required value blank"),
        BadRow("training", training, {"record_id": "+-X2", "activity_date": f"29/02/{non_leap}"}, "activity_date",
               "impossible date"),
        BadRow("training", training, {"record_id": "+-X3", "category": ""}, "category", "required value blank"),
        BadRow("training", training, {}, "record_id", "duplicate key"),
        BadRow("board", "board_register.csv", {"member_id": "+-X1", "start_date": f"{last - 2}-06-01",
                                               "end_date": f"{last - 3}-06-01"}, "end_date", "end before start"),
        BadRow("board", "board_register.csv", {"member_id": "+-X2", "voting": "Non-voting"}, "voting", "not a flag"),
        BadRow("board", "board_register.csv", {"member_id": "+-X3", "member_type": ""}, "member_type",
               "required value blank"),
        BadRow("board", "board_register.csv", {"member_id": "+-X4", "start_date": f"31/09/{last - 1}"},
               "start_date", "impossible date"),
        BadRow("board", "board_register.csv", {}, "member_id", "duplicate key"),
    ]
    survey_last, survey_first = last - 1, first - 1
    last_questions, first_questions = _survey_questions(survey_last), _survey_questions(survey_first)
    survey = f"nss_{survey_last}.csv"
    if survey_last in MAPPED_SURVEY_YEARS:
        rows.append(BadRow("staff_survey", survey, {"respondent_id": "+-X1", last_questions[0]: "6"},
                           last_questions[0], "not an answer code"))
        rows.append(BadRow("staff_survey", survey, {"respondent_id": "+-X2", last_questions[3]: "1.0"},
                           last_questions[3], "not an answer code"))
    if survey_first in MAPPED_SURVEY_YEARS and survey_first != survey_last:
        rows.append(BadRow("staff_survey", f"nss_{survey_first}.csv", {"respondent_id": "+-X3",
                                                                      first_questions[1]: "0"},
                           first_questions[1], "not an answer code"))
    rows.append(BadRow("staff_survey", survey, {"respondent_id": ""}, "respondent_id", "required value blank"))
    rows.append(BadRow("staff_survey", survey, {}, "respondent_id", "duplicate key"))
    return rows


def _append_bad_rows(landing: Landing, rows: Sequence[BadRow]) -> None:
    """Append each bad row to its file: the file's first record with the changes (a value starting with `+` is
    appended to the template's value, to make a fresh key), and record its line number."""
    for row in rows:
        path = landing.out / row.source / row.file
        with open(path, newline="", encoding="utf-8") as handle:
            reader = csv.reader(handle)
            header = next(reader)
            template = next(reader)
        keys = [h.strip().lower() for h in header]
        values = dict(zip(keys, template))
        for column, value in row.changes.items():
            values[column] = values[column] + value[1:] if value.startswith("+") else value
        with open(path, "a", newline="", encoding="utf-8") as handle:
            csv.writer(handle, lineterminator="\n").writerow([values[k] for k in keys])
        landing.rows[row.source][row.file] += 1
        landing.bad.append({
            "source": row.source, "file": row.file, "line": 1 + landing.rows[row.source][row.file],
            "column": row.column, "problem": row.problem,
        })


def _apply_treatments(treatments: dict[Path, tuple[str, ...]]) -> None:
    """Byte-level oddities, applied last: CRLF line ends, Windows-1252 encoding, a UTF-8 byte-order mark."""
    for path in sorted(treatments):
        data = path.read_bytes()
        if "crlf" in treatments[path]:
            data = data.replace(b"\n", b"\r\n")
        if "cp1252" in treatments[path]:
            data = data.decode("utf-8").encode("cp1252")
        if "bom" in treatments[path]:
            data = b"\xef\xbb\xbf" + data
        path.write_bytes(data)


# ---------------------------------------------------------------------------------------------------------------
# The whole folder


def _clear(out: Path) -> None:
    """Remove an earlier generated landing folder; refuse to overwrite source folders the generator did not write."""
    folders = [out / s.name for s in SOURCES if (out / s.name).is_dir()]
    manifest = out / MANIFEST_NAME
    if not manifest.exists() and any(any(folder.iterdir()) for folder in folders):
        raise FileExistsError(f"{out} holds landing files the generator did not write; choose an empty folder")
    for folder in folders:
        shutil.rmtree(folder)
    manifest.unlink(missing_ok=True)


def _write_events(landing: Landing, organisations: Sequence[Organisation], years: Sequence[int], seed: int) -> None:
    """Every file built from the simulated workforces, one organisation at a time; combined files last."""
    a, b, c = (organisations[i % len(organisations)] for i in range(3))
    first, last = _day(years[0] - 1, 4, 1), _day(years[-1], 3, 31)
    trac: dict[int, list[Table]] = {y: [] for y in years}
    survey: dict[int, list[Table]] = {y - 1: [] for y in years}
    for org in organisations:
        people = _people(org, first, last, seed)
        _write_staff_in_post(landing, org, people, years, seed, "title" if org is a else "lower")
        _write_cases(landing, org, people, years, seed)
        for year in years:
            _write_training(landing, org, people, year, seed, odd_header=org is c)
            survey[year - 1].append(_survey(org, people, year - 1, seed))
            applications = _recruitment(org, year, years[-1], seed)
            if org.trac:
                trac[year].append(applications)
            else:
                _write_recruitment(landing, f"{org.code}_nhs_jobs_{year}.csv", applications, organisations, False)
    for year, frames in trac.items():
        _write_recruitment(landing, f"trac_applications_{year}.csv", _concat(frames), organisations, True)
    for survey_year, frames in survey.items():
        _write_survey(landing, survey_year, _concat(frames), organisations)
    _write_board(landing, _board(organisations, years[0], years[-1], seed), organisations)

    for file_name in landing.rows["staff_in_post"]:
        if file_name.startswith(a.code):
            landing.treat("staff_in_post", file_name, "crlf")
    landing.treat("staff_in_post", _staff_file_name(b, _day(years[0], 3, 31)), "bom")
    landing.treat("training", _training_file_name(c, years[-1]), "cp1252")
    landing.treat("board", "board_register.csv", "crlf")


def _summary(landing: Landing, organisations: Sequence[Organisation], years: Sequence[int]) -> str:
    parts = [
        f"{sum(landing.rows[s.name].values()):,} {s.name} rows in {len(landing.rows[s.name])} files"
        for s in SOURCES
    ]
    return (f"{len(organisations)} organisations, WRES years {years[0]}-{years[-1]}: " + ", ".join(parts)
            + f"; {len(landing.bad)} bad rows")


def generate(out: Path, options: GeneratorOptions) -> str:
    """Write a landing folder under `out` (one sub-folder per source); return a one-line summary."""
    if options.years < 1:
        raise ValueError("years must be at least 1")
    organisations = _organisations(options)
    years = list(range(options.last_year - options.years + 1, options.last_year + 1))
    out.mkdir(parents=True, exist_ok=True)
    _clear(out)
    landing = Landing(out, {}, [], {})
    _write_organisations(landing, organisations)
    _write_events(landing, organisations, years, options.seed)
    if options.bad_rows:
        _append_bad_rows(landing, _bad_rows(organisations, years))
    _apply_treatments(landing.treatments)
    manifest = {
        "generator": __name__,
        "options": asdict(options),
        "sources": {
            s.name: {
                "files": dict(sorted(landing.rows[s.name].items())),
                "rows": sum(landing.rows[s.name].values()),
                "bad_rows": sum(1 for b in landing.bad if b["source"] == s.name),
            }
            for s in SOURCES
        },
        "bad_rows": landing.bad,
    }
    (out / MANIFEST_NAME).write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    return _summary(landing, organisations, years)


def expected_bad_rows(out: Path) -> dict[str, int]:
    """Bad rows written per source, from the manifest of the landing folder `out`."""
    manifest = json.loads((out / MANIFEST_NAME).read_text(encoding="utf-8"))
    return {source: entry["bad_rows"] for source, entry in manifest["sources"].items()}
