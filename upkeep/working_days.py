"""工作日: the days a report's deadline counts (5, or 10 when complex).

Public holidays and the weekend days worked in their place (调休) come from the package
`chinesecalendar`, which carries the State Council's schedule for each year once announced.
For a year it does not know yet, Monday to Friday are the working days; upgrading the package
brings the new year's schedule.
"""

import datetime

import chinese_calendar

ONE_DAY = datetime.timedelta(days=1)


def is_workday(day: datetime.date) -> bool:
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:  # a year the package has no schedule for yet
        return day.weekday() < 5


def add_working_days(start: datetime.date, count: int) -> datetime.date:
    """The day by which `count` working days after `start` have passed (`start` not counted)."""
    day = start
    left = count
    while left > 0:
        day += ONE_DAY
        if is_workday(day):
            left -= 1
    return day


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Working days after `start` up to and including `end` (0 when end is not later)."""
    days = 0
    day = start
    while day < end:
        day += ONE_DAY
        if is_workday(day):
            days += 1
    return days
