"""Trend charts for board papers: one PNG per organisation, `publication/charts/<code>_wres_trend.png`.

Every figure plotted comes from the publication tables (disclosure-controlled, `PUBLICATION_RELATIONS`); the
only other relation read is the organisation dimension (`NAMES_RELATION`), for the organisation's name in the
title. A suppressed value is null there and is simply not drawn (a line breaks around it); a single year shows
as points. The figure has two parts:

- (a) the relative likelihoods of indicators 2, 3 (single year) and 4 by WRES year, against the shaded 0.80 to
  1.25 band of the four-fifths rule and a line at 1 (equal likelihood);
- (b) small multiples for indicators 5 to 8: the White and BME percentages by WRES year.

Output is deterministic: a fixed size, layout and dpi, the bundled DejaVu font, and no software or date metadata
in the PNG. Figures are drawn with the Agg canvas directly (`matplotlib.figure.Figure`, not pyplot), so no display
is needed and nothing is registered in pyplot's global state.

Every chart has the same parts but for the organisation's name, its years and its values, so each process builds
the figure once (`TrendFigure`: titles, axes, bands, legends, and a line per series) and, for each organisation,
sets only those, then writes the PNG: a quarter less time a chart than building a figure each time
(docs/performance.md, item 44). The parts that never change (the panels' titles, the legends, the frames, the
survey panels' percentage axes) are drawn once, into a background image; each chart starts from a copy of it and
draws only the parts that depend on the organisation (its title, the year axes, the likelihood panel's band and
axis, whose place depends on its values, the lines and the notices), in the order matplotlib draws them
(`Panel.moving`): most of a chart's text is not rendered again (docs/performance.md, item 62). A chart's bytes do
not depend on the charts drawn before it in the process.
"""

from __future__ import annotations

import functools
import math
import sys
import textwrap
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.image import imsave
from matplotlib.lines import Line2D
from matplotlib.text import Text

from orchestration.lib.export_tables import PUBLICATION_HEADLINE, PUBLICATION_RETURN
from orchestration.lib.pool import draw_all
from orchestration.lib.reuse import Reuse, write_changed
from orchestration.lib.publish import atomic_path, remove_stale_temporaries

PUBLICATION_RELATIONS = (PUBLICATION_HEADLINE.relation, PUBLICATION_RETURN.relation)
NAMES_RELATION = "marts.dim_organisations"
CHARTS_FOLDER = "publication/charts"
CHART_SUFFIX = "_wres_trend.png"
NATIONAL_CODE = "ALL"  # rows totalling every organisation: not an organisation, no chart

FIGURE_SIZE = (11.0, 11.0)  # inches
DPI = 100
PNG_METADATA = {"Software": None}
# zlib level 3, not Pillow's 6: 31 ms instead of 53 ms a chart, and the files are no larger (flat colours).
PNG_OPTIONS = {"compress_level": 3}
# A fixed layout (fractions of each part of the figure), drawn once by eye against matplotlib's constrained layout:
# every label of the figure has a fixed length but the organisation's name, which is centred in the title.
# Constrained layout took a third of the time of each chart (docs/performance.md, item 20).
LIKELIHOOD_MARGINS = {"left": 0.055, "right": 0.70, "top": 0.80, "bottom": 0.14}  # (a); its legend on the right
SURVEY_MARGINS = {"left": 0.055, "right": 0.99, "top": 0.87, "bottom": 0.07, "wspace": 0.12, "hspace": 0.42}  # (b)
# Charts are drawn in a pool of processes from this many per process (below it, starting the pool costs more
# than it saves): `lib/pool.py`.
CHARTS_PER_WORKER = 12

LIKELIHOOD_SERIES = (  # (indicator, breakdown, legend label, colour)
    (2, "all", "Indicator 2: appointed from shortlisting\n(White relative to BME)", "#005EB8"),
    (3, "single_year", "Indicator 3: entering formal disciplinary\n(BME relative to White)", "#DA291C"),
    (4, "all", "Indicator 4: non-mandatory training and CPD\n(White relative to BME)", "#007F3B"),
)
FOUR_FIFTHS_BAND = (0.80, 1.25)
SURVEY_TITLES = {
    5: "Indicator 5: harassment, bullying or abuse from patients, relatives or the public",
    6: "Indicator 6: harassment, bullying or abuse from staff",
    7: "Indicator 7: believe the organisation offers equal opportunities for career progression",
    8: "Indicator 8: personally experienced discrimination from a manager or colleague",
}
GROUP_COLOURS = {"White": "#768692", "BME": "#330072"}

Series = dict[int, float]  # WRES year -> value (suppressed years absent)


def write_trend_charts(
    con: duckdb.DuckDBPyConnection, exports_dir: Path, live_dir: Path | None = None
) -> list[Path]:
    """Write every organisation's trend chart, remove charts of organisations no longer published, and return
    the paths written (sorted). With `live_dir` (the live exports folder, when `exports_dir` is a run's staging
    folder), a chart whose figures did not change since the last release is linked from there (`lib/reuse.py`)."""
    folder = exports_dir / CHARTS_FOLDER
    remove_stale_temporaries(folder)
    names = dict(con.execute(f"select organisation_code, organisation_name from {NAMES_RELATION}").fetchall())
    years = read_years(con)
    likelihoods = read_likelihoods(con)
    survey = read_survey(con)
    jobs = [
        (folder / f"{code}{CHART_SUFFIX}", f"{names.get(code) or code} ({code})", organisation_years,
         dict(likelihoods.get(code, {})), dict(survey.get(code, {})))
        for code, organisation_years in sorted(years.items())
    ]
    reuse = Reuse.open("charts", live_dir, exports_dir, [sys.modules[__name__]])
    written = write_changed(reuse, jobs, target_of=lambda job: job[0], arguments_of=lambda job: job[1:],
                            draw=lambda todo: draw_all(write_chart, todo, CHARTS_PER_WORKER))
    for stale in folder.glob(f"*{CHART_SUFFIX}"):
        if stale not in written:
            stale.unlink()
    return sorted(written)


def read_years(con: duckdb.DuckDBPyConnection) -> dict[str, list[int]]:
    """The WRES years each organisation is published for."""
    years: dict[str, list[int]] = defaultdict(list)
    for code, year in con.execute(
        f"""select distinct organisation_code, wres_year from {PUBLICATION_HEADLINE.relation}
            where organisation_code <> ? order by all""", [NATIONAL_CODE]
    ).fetchall():
        years[code].append(year)
    return years


def read_likelihoods(con: duckdb.DuckDBPyConnection) -> dict[str, dict[tuple[int, str], Series]]:
    """Published relative likelihoods of indicators 2-4 per organisation, (indicator, breakdown) and year."""
    series: dict[str, dict[tuple[int, str], Series]] = defaultdict(lambda: defaultdict(dict))
    for code, indicator, breakdown, year, value in con.execute(
        f"""select organisation_code, indicator, breakdown, wres_year, value
            from {PUBLICATION_HEADLINE.relation}
            where measure = 'relative_likelihood' and value is not null"""
    ).fetchall():
        series[code][(indicator, breakdown)][year] = value
    return series


def read_survey(con: duckdb.DuckDBPyConnection) -> dict[str, dict[tuple[int, str], Series]]:
    """Published White and BME percentages of indicators 5-8 per organisation, (indicator, group) and year."""
    series: dict[str, dict[tuple[int, str], Series]] = defaultdict(lambda: defaultdict(dict))
    for code, indicator, group, year, value in con.execute(
        f"""select organisation_code, indicator, ethnic_group, wres_year, value
            from {PUBLICATION_RETURN.relation}
            where indicator between 5 and 8 and ethnic_group in ('White', 'BME') and value is not null"""
    ).fetchall():
        series[code][(indicator, group)][year] = value
    return series


@dataclass
class Panel:
    """One axes of the figure: its lines (one per series, in the order of the series given to `show`), the
    notice shown when none of them has a value, and the artists each chart draws again (`moving`, in drawing
    order: matplotlib's z-order)."""

    axes: Axes
    lines: list[Line2D]
    empty: Text
    moving: list[Artist]

    def show(self, years: list[int], series: list[Series]) -> None:
        """Draw each series over all the organisation's years (an absent year is a gap in its line); whole WRES
        years on the x axis, with half a year of margin so that a single year sits in the middle."""
        for line, values in zip(self.lines, series, strict=True):
            line.set_data(years, [values.get(year, math.nan) for year in years])
        self.empty.set_visible(not any(series))
        self.axes.set_xticks(years)
        self.axes.set_xlim(min(years) - 0.5, max(years) + 0.5)


def build_panel(axes: Axes, series: list[tuple[str, str]], moving: Sequence[Artist] = ()) -> Panel:
    """The parts of a panel every chart shares: a line with markers per (label, colour), without data yet, the
    year axis and its grid, and the notice for a panel with nothing publishable (hidden). `moving`: the panel's
    other artists that depend on the organisation, added to the axes before the lines."""
    lines = [axes.plot([], [], marker="o", linewidth=2, color=colour, label=label)[0] for label, colour in series]
    empty = axes.text(0.5, 0.5, "No publishable values", transform=axes.transAxes, ha="center", va="center",
                      color="#768692", visible=False)
    axes.set_xlabel("WRES year")
    axes.grid(axis="y", color="#E8EDEE")
    # In matplotlib's order: by z-order, then as added (a stable sort). The frame is drawn over the lines and the
    # grid, so it is drawn again too.
    drawn_again = sorted([axes.xaxis, *moving, *lines, *axes.spines.values(), empty], key=Artist.get_zorder)
    return Panel(axes, lines, empty, drawn_again)


def build_likelihoods(axes: Axes) -> Panel:
    """Panel (a): relative likelihoods of indicators 2, 3 (single year) and 4 against the four-fifths band."""
    low, high = FOUR_FIFTHS_BAND
    band = axes.axhspan(low, high, color="#E8EDEE", label=f"{low:.2f} to {high:.2f}: within the four-fifths band")
    equal = axes.axhline(1.0, color="#231F20", linestyle="--", linewidth=1, label="1.00: equal likelihood")
    # The y axis follows the organisation's highest value, and so do the band and the line at 1 on it.
    panel = build_panel(axes, [(label, colour) for _, _, label, colour in LIKELIHOOD_SERIES],
                        moving=[band, axes.yaxis, equal])
    # y=1.0 (every title): the title's place is fixed, as there are no tick labels above the axes to clear, which
    # spares matplotlib measuring every tick label again to place it (docs/performance.md, item 33).
    axes.set_title("(a) Relative likelihoods, indicators 2 to 4 (above 1: White staff more likely for 2 and 4, "
                   "BME staff more likely for 3)", fontsize=10, loc="left", y=1.0)
    axes.set_ylabel("Relative likelihood")
    axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
    return panel


def build_survey(axes: Axes, indicator: int) -> Panel:
    """One small multiple of panel (b): an indicator's White and BME percentages by year."""
    panel = build_panel(axes, list(GROUP_COLOURS.items()))
    axes.set_ylim(0, 100)
    axes.set_title(textwrap.fill(SURVEY_TITLES[indicator], 50), fontsize=9, loc="left", y=1.0)
    axes.set_ylabel("% of staff")
    return panel


class TrendFigure:
    """The figure of a trend chart with everything every organisation's chart shares; `draw` sets one
    organisation's name, years and values and writes its PNG."""

    def __init__(self) -> None:
        self.figure = Figure(figsize=FIGURE_SIZE, dpi=DPI)
        FigureCanvasAgg(self.figure)
        self.title = self.figure.suptitle("", fontsize=12, y=0.995)
        top, bottom = self.figure.subfigures(2, 1, height_ratios=(1.1, 2))
        top.subplots_adjust(**LIKELIHOOD_MARGINS)
        self.likelihoods = build_likelihoods(top.subplots())
        bottom.suptitle("(b) Staff survey, indicators 5 to 8: percentage of White and BME staff", fontsize=10,
                        x=0.01, y=0.985, ha="left")
        bottom.subplots_adjust(**SURVEY_MARGINS)
        self.survey = {indicator: build_survey(axes, indicator)
                       for axes, indicator in zip(bottom.subplots(2, 2).ravel(), SURVEY_TITLES)}
        first = self.survey[next(iter(SURVEY_TITLES))].axes
        bottom.legend(*first.get_legend_handles_labels(), loc="upper right", bbox_to_anchor=(0.99, 0.995), ncols=2,
                      fontsize=9, frameon=False)
        self.moving: list[Artist] = [self.title, *self.likelihoods.moving,
                                     *(artist for panel in self.survey.values() for artist in panel.moving)]
        for artist in self.moving:  # left out of a full draw: the background is everything else
            artist.set_animated(True)
        self.canvas = self.figure.canvas
        self.canvas.draw()
        self.background = self.canvas.copy_from_bbox(self.figure.bbox)

    def draw(self, target: Path, organisation: str, years: list[int],
             likelihoods: dict[tuple[int, str], Series], survey: dict[tuple[int, str], Series]) -> Path:
        """Set the organisation's title, lines and axes, and write the PNG atomically; return its path."""
        self.title.set_text(f"{organisation}: Workforce Race Equality Standard trend\n"
                            "published figures with disclosure control; suppressed values are not shown")
        plotted = [likelihoods.get((indicator, breakdown), {}) for indicator, breakdown, _, _ in LIKELIHOOD_SERIES]
        self.likelihoods.show(years, plotted)
        highest = max([FOUR_FIFTHS_BAND[1], *(value for series in plotted for value in series.values())])
        self.likelihoods.axes.set_ylim(0, highest * 1.15)
        for indicator, panel in self.survey.items():
            panel.show(years, [survey.get((indicator, group), {}) for group in GROUP_COLOURS])
        self.canvas.restore_region(self.background)
        for artist in self.moving:
            self.figure.draw_artist(artist)
        with atomic_path(target, sync=False) as temporary:  # staged: the release makes it durable (lib/release.py)
            # What `savefig` writes after its full draw: the canvas's pixels as a PNG.
            imsave(temporary, self.canvas.buffer_rgba(), format="png", origin="upper", dpi=DPI,
                   metadata=PNG_METADATA, pil_kwargs=PNG_OPTIONS)
        return target


@functools.cache
def trend_figure() -> TrendFigure:
    """This process's figure, built at its first chart."""
    return TrendFigure()


def write_chart(target: Path, organisation: str, years: list[int], likelihoods: dict[tuple[int, str], Series],
                survey: dict[tuple[int, str], Series]) -> Path:
    """Draw one organisation's chart and write it atomically as a PNG; return its path."""
    return trend_figure().draw(target, organisation, years, likelihoods, survey)
