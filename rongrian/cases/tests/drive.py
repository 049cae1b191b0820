"""Bring a demo case to any status through the real services (test helper)."""

from __future__ import annotations

from typing import Any

from rongrian.cases import services as s
from rongrian.cases.choices import Status
from rongrian.cases.models import Case

# The shortest path of (function, kwargs builder) from received to each status,
# for a street-light case worked by the electrical section.
PATHS: dict[Status, list[str]] = {
    Status.RECEIVED: [],
    Status.FORWARDED: ["forward"],
    Status.ACKNOWLEDGED: ["forward", "acknowledge"],
    Status.ASSIGNED: ["forward", "acknowledge", "assign"],
    Status.IN_PROGRESS: ["forward", "acknowledge", "assign", "start"],
    Status.ON_HOLD: ["forward", "acknowledge", "assign", "start", "hold"],
    Status.RESOLVED: ["forward", "acknowledge", "assign", "start", "resolve"],
    Status.CLOSED: ["forward", "acknowledge", "assign", "start", "resolve", "confirm"],
    Status.REOPENED: ["forward", "acknowledge", "assign", "start", "resolve", "dispute"],
    Status.RETURNED: ["forward", "return"],
    Status.REFERRED: ["refer"],
    Status.REJECTED: ["reject"],
    Status.MERGED: ["merge"],
}


def step(case: Case, name: str, cast: Any, worker: str = "officer_elec") -> Case:
    officer = getattr(cast, worker)
    if name == "forward":
        return s.forward(case, to_unit=cast.unit("ENG-ELEC"), by=cast.intake)
    if name == "acknowledge":
        return s.acknowledge(case, by=cast.head_elec)
    if name == "assign":
        return s.assign(case, to=officer, by=cast.head_elec)
    if name == "start":
        return s.start_work(case, by=officer)
    if name == "hold":
        return s.hold(case, reason="รอผู้ร้องส่งภาพเพิ่มเติม", by=officer)
    if name == "resolve":
        return s.resolve(case, result="เปลี่ยนหลอดไฟแล้ว", by=officer)
    if name == "confirm":
        return s.citizen_confirm(case)
    if name == "dispute":
        return s.citizen_dispute(case, reason="ไฟยังดับอยู่")
    if name == "return":
        return s.return_to_screening(case, reason="ไม่ใช่งานของฝ่ายนี้", by=cast.head_elec)
    if name == "refer":
        agency = cast.org.agencies.get(hotline="1129")
        return s.refer(case, agency=agency, by=cast.intake, urgent=True)
    if name == "reject":
        return s.reject(case, reason="ไม่ใช่เรื่องร้องเรียน", by=cast.intake)
    if name == "merge":
        target = s.create_case(
            organisation=case.organisation, channel="phone", description="เรื่องเดียวกัน"
        )
        return s.merge(case, into=target, by=cast.intake)
    raise ValueError(name)


def drive(case: Case, status: Status, cast: Any, worker: str = "officer_elec") -> Case:
    """`worker` is the demo user the unit head assigns the work to."""
    for name in PATHS[status]:
        case = step(case, name, cast, worker)
    assert case.status == status
    return case
