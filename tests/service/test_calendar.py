"""Working days and deadlines: Vietnam's public holidays, sites.yaml's days off and make-up days, per-site limits."""

from __future__ import annotations

import datetime as dt

import pytest

from portal.model.errors import PortalError
from portal.model.sites import load_network
from portal.model.workdays import WorkingCalendar

from ..conftest import make_project
from .conftest import RECEIVED, SERVICE_SITES


@pytest.fixture(scope="module")
def network(tmp_path_factory):
    return load_network(make_project(tmp_path_factory.mktemp("cal") / "p", SERVICE_SITES))


def test_ten_working_days_cross_the_april_holidays_and_an_announced_day_off(network):
    cal = WorkingCalendar(network)
    # 23 Apr 2026 (Thu) → 24 (1); 27 Apr observed Hùng Kings' day; 28, 29 (2, 3); 30 Apr and 1 May holidays;
    # 4 May announced off (sites.yaml); 5–8 (4–7); Sat 9 May a make-up working day (8); 11, 12 (9, 10)
    assert cal.deadline(RECEIVED, "tinh") == dt.date(2026, 5, 12)
    assert not cal.is_working_day(dt.date(2026, 4, 30))
    assert not cal.is_working_day(dt.date(2026, 5, 4))
    assert cal.is_working_day(dt.date(2026, 5, 9))
    assert not cal.is_working_day(dt.date(2026, 5, 10))


def test_a_site_sets_its_own_limit_and_late_evening_counts_in_vietnam_time(network):
    cal = WorkingCalendar(network)
    assert network.answer_days_of("xa-hai") == 5 and network.answer_days_of("xa-mot") == 10
    assert cal.deadline(RECEIVED, "xa-hai") == dt.date(2026, 5, 6)  # 24, 28, 29 Apr; 5, 6 May
    # 17:30 UTC on 23 April is already 24 April in Hà Nội
    late = dt.datetime(2026, 4, 23, 17, 30, tzinfo=dt.UTC)
    assert cal.local_date(late) == dt.date(2026, 4, 24)
    assert cal.working_days_between(dt.date(2026, 4, 23), dt.date(2026, 5, 12)) == 10
    assert cal.due_soon(dt.date(2026, 5, 12), dt.date(2026, 5, 11)) and not cal.due_soon(dt.date(2026, 5, 12), dt.date(2026, 5, 5))


def test_sites_yaml_rejects_bad_days_and_limits(tmp_path):
    bad = SERVICE_SITES.replace("days_off: {2026: [2026-05-04]}", "days_off: {2026: [2026-05-44, 2025-12-31], x: [1]}")
    bad = bad.replace("answer_days: 5", "answer_days: 0")
    root = make_project(tmp_path / "p", bad)
    with pytest.raises(PortalError) as info:
        load_network(root)
    text = str(info.value)
    assert "'2026-05-44' is not a date" in text
    assert "2025-12-31 is not in 2026" in text
    assert "'x' is not a year" in text
    assert "answer_days of site 'xa-hai' must be a whole number of working days from 1 to 60" in text
