"""The clean-file check (`landing_files.clean_shape`). Its quote rule (`has_odd_quotes_line`): a line with an odd
number of quotes means a quoted field spans lines (or a quote is unbalanced), so the file takes the per-file path.
An empty line keeps a file from the loader's multi-file scan (DuckDB would skip it and number the records wrong),
not from the organisation scan. The loader's scan takes quoted line breaks too, where DuckDB reads them as the
per-file path does (`readable_line_breaks`)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from orchestration.lib.landing_files import QUOTED_LINE_BREAKS_MAX_BYTES, clean_shape, has_odd_quotes_line


def odd_quotes_by_line(body: bytes) -> bool:
    """The rule as written: split into lines and count each line's quotes."""
    return any(line.count(b'"') % 2 for line in body.split(b"\n"))


@pytest.mark.parametrize(("body", "odd"), [
    (b'a,b\n"x, y",z\n', False),  # a quoted comma
    (b'a,"b""c",d\n', False),  # an escaped quote: four quotes on the line
    (b'a,"b\nc",d\n', True),  # a quoted line break: one quote on each of two lines
    (b'a,b\nx""\n"', True),  # the last line, without a line feed, has one
    (b'"a"\r\n"b\r\n', True),  # a carriage return is not a line end here
    (b'""""\n""\n', False),
])
def test_a_line_with_an_odd_number_of_quotes_is_found(body, odd):
    assert has_odd_quotes_line(body) is odd


@given(st.lists(st.sampled_from([b'"', b"\n", b"a", b",", b"\r", b'""']), max_size=40).map(b"".join))
def test_the_check_agrees_with_counting_each_line(body):
    assert has_odd_quotes_line(body) == odd_quotes_by_line(body)


def test_an_empty_line_matters_only_where_records_are_numbered():
    data = b"organisation_code,x\nR1A,1\n\nR1B,2\n\n"
    assert clean_shape(data) is None
    assert clean_shape(data, numbered=False).header == ("organisation_code", "x")
    assert clean_shape(b"organisation_code,x\nR1A,1\nR1B,2\n\n").header == ("organisation_code", "x")  # trailing


@pytest.mark.parametrize(("data", "loader_scan"), [
    (b'organisation_code,x\nR1A,"a\nb"\nR1B,"c ""d""\ne"\n', True),  # LF, two fields over two lines each
    (b'organisation_code,x\r\nR1A,"a\r\nb"\r\n', False),  # CRLF: the per-file path makes the field's CRLF an LF
    (b'organisation_code,x\nR1A,"a\nb\n', False),  # an unclosed quote: the per-file path rejects the file
    (b'organisation_code,x\nR1A,a"b\nR1B,"c\nd"\n', False),  # an odd number of quotes in all
    (b'"organisation\n_code",x\nR1A,1\n', False),  # a header over two lines
    (b'organisation_code,x\nR1A,"a\n\nb"\n', False),  # an empty line, even inside a field
    (b"organisation_code,x\n" + b'R1A,"a\nb"\n' * (QUOTED_LINE_BREAKS_MAX_BYTES // 10), False),  # too large
])
def test_quoted_line_breaks_are_read_with_the_clean_files_by_the_loader_only(data, loader_scan):
    assert clean_shape(data) is None
    assert (clean_shape(data, quoted_line_breaks=True) is not None) is loader_scan
