from datetime import date

import pytest

from paperfeed.dates import DateError, month_last, next_month, parse_day, parse_month, parse_week, week_label


def test_days_weeks_and_months_read_and_name_the_same_way():
    assert parse_week("2026-W14") == date(2026, 3, 30) and week_label(date(2026, 4, 5)) == "2026-W14"
    assert week_label(date(2021, 1, 3)) == "2020-W53"  # ISO weeks, not calendar weeks
    assert parse_month("2026-12") == date(2026, 12, 1) and next_month(date(2026, 12, 1)) == date(2027, 1, 1)
    assert month_last(date(2024, 2, 1)) == date(2024, 2, 29) and parse_day("2026-04-06") == date(2026, 4, 6)


@pytest.mark.parametrize("value", ["9999-W52", "0001-W01", "2026-W54", "26-W1", "x"])
def test_a_week_outside_the_calendar_is_a_date_error(value):
    with pytest.raises(DateError):
        parse_week(value)


@pytest.mark.parametrize("value", ["9999-12", "0001-01", "2026-13", "2026-4"])
def test_a_month_outside_the_calendar_is_a_date_error(value):
    with pytest.raises(DateError):
        parse_month(value)
