"""The trend chart's figure is built once per process (`orchestration.lib.charts.TrendFigure`): a chart's bytes
must not depend on the charts drawn before it with the same figure, and a chart drawn on the figure's background
must show what a full draw of the figure shows."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
from PIL import Image

from orchestration.lib.charts import DPI, TrendFigure

# Five years, every panel with values, one suppressed year (a gap), a likelihood above the band's top.
FULL = ("Trust A (RA1)", [2021, 2022, 2023, 2024, 2025],
        {(2, "all"): {2021: 1.4, 2022: 1.1, 2024: 0.9, 2025: 1.0}, (3, "single_year"): {2023: 3.2},
         (4, "all"): {2021: 0.7, 2025: 1.2}},
        {(indicator, group): {2021: 20.0 + indicator, 2023: 30.0, 2025: 25.5}
         for indicator in (5, 6, 7, 8) for group in ("White", "BME")})
# A single year, nothing publishable in panel (a) and in indicator 8.
SPARSE = ("Trust B with a much longer name than the other (RB2)", [2025], {},
          {(5, "White"): {2025: 12.0}, (6, "BME"): {2025: 40.0}, (7, "White"): {2025: 55.0}})


def draw(figure: TrendFigure, target: Path, chart: tuple) -> bytes:
    return figure.draw(target, *chart).read_bytes()


def test_a_chart_is_the_same_whatever_was_drawn_before_it(tmp_path):
    fresh_full = draw(TrendFigure(), tmp_path / "full.png", FULL)
    fresh_sparse = draw(TrendFigure(), tmp_path / "sparse.png", SPARSE)
    assert fresh_full != fresh_sparse

    reused = TrendFigure()
    assert draw(reused, tmp_path / "1.png", FULL) == fresh_full
    assert draw(reused, tmp_path / "2.png", SPARSE) == fresh_sparse
    assert draw(reused, tmp_path / "3.png", FULL) == fresh_full
    assert sorted(path.name for path in tmp_path.iterdir()) == ["1.png", "2.png", "3.png", "full.png", "sparse.png"]


def pixels(png: bytes | Path) -> np.ndarray:
    with Image.open(io.BytesIO(png) if isinstance(png, bytes) else png) as image:
        return np.asarray(image.convert("RGBA"), dtype=np.int16)


def full_draw(figure: TrendFigure) -> bytes:
    """The figure as it stands drawn whole by matplotlib, the parts each chart draws again included."""
    for artist in figure.moving:
        artist.set_animated(False)
    try:
        written = io.BytesIO()
        figure.figure.savefig(written, format="png", dpi=DPI)
        return written.getvalue()
    finally:
        for artist in figure.moving:
            artist.set_animated(True)


def test_a_chart_drawn_on_the_background_is_the_whole_figure(tmp_path):
    """Every part that depends on the organisation is drawn again (a part left in the background would show the
    first organisation's values); the parts drawn again overlap the background's only at the edges of the
    frames, where anti-aliasing may differ by one level of 255."""
    figure = TrendFigure()
    for name, chart in (("full", FULL), ("sparse", SPARSE)):
        drawn = pixels(figure.draw(tmp_path / f"{name}.png", *chart))
        whole = pixels(full_draw(figure))
        assert drawn.shape == whole.shape
        assert np.abs(drawn - whole).max() <= 1, name
