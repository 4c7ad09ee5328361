import datetime

from upkeep.working_days import add_working_days, is_workday, working_days_between


def test_five_working_days_skip_the_weekend():
    friday = datetime.date(2026, 11, 27)
    assert add_working_days(friday, 5) == datetime.date(2026, 12, 4)


def test_public_holidays_are_not_working_days_and_are_skipped():
    assert not is_workday(datetime.date(2026, 10, 1))  # 国庆节, a Thursday
    due = add_working_days(datetime.date(2026, 9, 30), 1)
    assert due > datetime.date(2026, 10, 7)
    assert is_workday(due)


def test_a_year_without_a_published_schedule_counts_monday_to_friday():
    assert is_workday(datetime.date(2031, 1, 6))  # a Monday
    assert not is_workday(datetime.date(2031, 1, 4))  # a Saturday
    assert add_working_days(datetime.date(2031, 1, 3), 5) == datetime.date(2031, 1, 10)


def test_working_days_between_counts_the_days_after_the_start():
    monday = datetime.date(2026, 11, 23)
    assert working_days_between(monday, monday) == 0
    assert working_days_between(monday, datetime.date(2026, 11, 30)) == 5
    assert working_days_between(monday, datetime.date(2026, 11, 20)) == 0
