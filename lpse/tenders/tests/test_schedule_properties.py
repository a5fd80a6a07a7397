"""Property tests (hypothesis) of the schedule rules."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from lpse.core import calendar
from lpse.tenders.schedule import (
    StageWindow,
    change_issues,
    default_schedule,
    earliest_end,
    is_working_moment,
    schedule_issues,
    stage_at,
)
from lpse.tenders.stages import NO_OVERLAP, STAGE_ORDER, StageCode, plan_for

pytestmark = pytest.mark.django_db

PROPS = settings(max_examples=60, deadline=None,
                 suppress_health_check=[HealthCheck.function_scoped_fixture])
NOW = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # Monday 08:00 WIB
#: (selection method, prequalification): every plan, with and without the prequalification.
METHODS = st.tuples(
    st.sampled_from(["tender", "seleksi", "tender_cepat", "pengadaan_langsung", "other"]),
    st.booleans())


def _plan(method: tuple[str, bool]):
    code, prequalification = method
    return plan_for(code, prequalification=prequalification)


STARTS = st.datetimes(min_value=datetime(2026, 3, 2), max_value=datetime(2027, 12, 31),
                      timezones=st.just(UTC))


def codes(issues):
    return {(i.stage, i.code) for i in issues}


@PROPS
@given(method=METHODS, start=STARTS)
def test_the_default_schedule_is_always_valid(method, start):
    plan = _plan(method)
    windows = default_schedule(plan, start)
    assert set(windows) == set(plan.stages)
    assert schedule_issues(windows, plan, now=NOW) == []
    assert windows[StageCode.ANNOUNCEMENT].starts_at >= start.replace(second=0, microsecond=0)


@PROPS
@given(method=METHODS, start=STARTS, data=st.data())
def test_shortening_any_stage_below_its_minimum_is_refused(method, start, data):
    plan = _plan(method)
    windows = dict(default_schedule(plan, start))
    stage = data.draw(st.sampled_from(plan.stages))
    window = windows[stage]
    minimum_end = earliest_end(window.starts_at, plan.min_durations[stage])
    cut = data.draw(st.integers(min_value=1, max_value=600))
    new_end = minimum_end - timedelta(minutes=cut)
    assume(new_end > window.starts_at)
    windows[stage] = StageWindow(window.starts_at, new_end)
    assert (stage, "min_duration") in codes(schedule_issues(windows, plan, now=NOW))


@PROPS
@given(method=METHODS, start=STARTS, data=st.data())
def test_a_stage_starting_before_its_predecessor_is_refused(method, start, data):
    plan = _plan(method)
    windows = dict(default_schedule(plan, start))
    index = data.draw(st.integers(min_value=1, max_value=len(plan.stages) - 1))
    earlier, later = plan.stages[index - 1], plan.stages[index]
    shift = data.draw(st.integers(min_value=1, max_value=3 * 24 * 60))
    old = windows[later]
    new_start = windows[earlier].starts_at - timedelta(minutes=shift)
    windows[later] = StageWindow(new_start, old.ends_at)
    assert (later, "order") in codes(schedule_issues(windows, plan, now=NOW - timedelta(days=9)))


@PROPS
@given(method=METHODS, start=STARTS, data=st.data())
def test_stages_that_must_not_overlap_are_refused_when_they_do(method, start, data):
    plan = _plan(method)
    pairs = [p for p in NO_OVERLAP if p[0] in plan.stages and p[1] in plan.stages]
    earlier, later = data.draw(st.sampled_from(pairs))
    windows = dict(default_schedule(plan, start))
    extra = data.draw(st.integers(min_value=1, max_value=24 * 60))
    old = windows[earlier]
    windows[earlier] = StageWindow(old.starts_at, windows[later].starts_at
                                   + timedelta(minutes=extra))
    assert (later, "overlap") in codes(schedule_issues(windows, plan, now=NOW))


@PROPS
@given(start=STARTS, minutes=st.integers(min_value=0, max_value=7 * 24 * 60))
def test_deadlines_outside_working_time_are_refused(start, minutes):
    plan = plan_for("tender")
    windows = dict(default_schedule(plan, start))
    upload = windows[StageCode.UPLOAD]
    new_end = upload.ends_at + timedelta(minutes=minutes)
    windows[StageCode.UPLOAD] = StageWindow(upload.starts_at, new_end)
    # Opening (and what follows) moves along so only the deadline rule is at stake.
    windows[StageCode.OPENING] = StageWindow(new_end, new_end + timedelta(hours=2))
    found = codes(schedule_issues(windows, plan, now=NOW, changed={StageCode.UPLOAD}))
    assert ((StageCode.UPLOAD, "deadline_time") in found) == (not is_working_moment(new_end))


@PROPS
@given(method=METHODS, start=STARTS, data=st.data())
def test_once_upload_began_its_deadline_can_only_be_extended(method, start, data):
    plan = _plan(method)
    old = default_schedule(plan, start)
    upload = old[StageCode.UPLOAD]
    span = upload.ends_at - upload.starts_at
    now = upload.starts_at + span * data.draw(st.floats(min_value=0.01, max_value=0.9))
    delta = timedelta(minutes=data.draw(st.integers(min_value=-3000, max_value=3000)))
    assume(delta != timedelta(0))
    new_end = upload.ends_at + delta
    new = {StageCode.UPLOAD: StageWindow(upload.starts_at, new_end)}
    found = codes(change_issues(old, new, plan, now=now))
    assert ((StageCode.UPLOAD, "upload_shortened") in found) == (delta < timedelta(0))


@PROPS
@given(method=METHODS, start=STARTS, data=st.data())
def test_ended_stages_cannot_change_and_started_stages_keep_their_start(method, start, data):
    plan = _plan(method)
    old = default_schedule(plan, start)
    stage = data.draw(st.sampled_from(plan.stages))
    window = old[stage]
    now = window.ends_at + timedelta(minutes=data.draw(st.integers(min_value=0, max_value=900)))
    moved = StageWindow(window.starts_at, window.ends_at + timedelta(days=1))
    assert (stage, "ended") in codes(change_issues(old, {stage: moved}, plan, now=now))
    now = window.starts_at + (window.ends_at - window.starts_at) / 2
    shifted = StageWindow(window.starts_at + timedelta(minutes=5), window.ends_at)
    assert (stage, "started") in codes(change_issues(old, {stage: shifted}, plan, now=now))


@PROPS
@given(method=METHODS, start=STARTS, data=st.data())
def test_the_current_stage_is_a_started_stage_and_follows_the_clock(method, start, data):
    plan = _plan(method)
    windows = default_schedule(plan, start)
    first = windows[plan.stages[0]].starts_at
    last = max(w.ends_at for w in windows.values())
    offset = data.draw(st.integers(min_value=-600, max_value=int((last - first).total_seconds()
                                                                  // 60) + 600))
    moment = first + timedelta(minutes=offset)
    current = stage_at(windows, moment)
    if moment < first:
        assert current is None
        return
    assert current is not None
    assert windows[current].starts_at <= moment
    running = [s for s, w in windows.items() if w.contains(moment)]
    if running:
        assert current in running
    later = stage_at(windows, moment + timedelta(hours=1))
    assert later is not None
    # Time never moves a tender back to a stage that started earlier.
    assert windows[later].starts_at >= windows[current].starts_at


def test_the_order_of_stages_is_the_regulation_order():
    assert [s.value for s in STAGE_ORDER][:9] == [
        "announcement", "qualification_submission", "qualification_evaluation",
        "qualification_result", "qualification_objection", "download", "clarification",
        "upload", "opening"]
    assert calendar.WIB.key == "Asia/Jakarta"
