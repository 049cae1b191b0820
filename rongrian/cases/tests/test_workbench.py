"""The staff workbench over HTTP: queues, the case page, actions, permissions, lists, exports."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from rongrian.audit.models import PersonalDataAccess
from rongrian.cases import services as s
from rongrian.cases.choices import Action, Status
from rongrian.cases.lifecycle import TRANSITIONS
from rongrian.cases.models import Case

from .drive import drive

USERS = [
    "intake",
    "supervisor",
    "head_elec",
    "officer_elec",
    "contractor_elec",
    "head_road",
    "executive",
    "counter",
]


def login(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password="rongrian-demo")
    return client


def offered(html: str) -> set[str]:
    return set(re.findall(r'id="act-([a-z_]+)"', html))


@pytest.fixture
def contact_case(make_case: Any) -> Case:
    return make_case(
        complainant_name="สมศรี มีสุข",
        complainant_phone="0812345678",
        complainant_email="somsri@example.com",
    )


def test_each_role_lands_on_its_own_queues(demo: Any, make_case: Any) -> None:
    waiting = make_case()
    forwarded = s.forward(make_case(), to_unit=demo.unit("ENG-ELEC"), by=demo.intake)
    mine = drive(make_case(), Status.ASSIGNED, demo)
    html = login("intake").get("/work/").content.decode()
    assert "รอคัดกรองและส่งต่อ" in html and waiting.receipt_no in html
    html = login("head_elec").get("/work/").content.decode()
    assert forwarded.receipt_no in html and "รอรับทราบ" in html and waiting.receipt_no not in html
    assert "สมชาย ช่างไฟ" in html  # each officer's load
    html = login("officer_elec").get("/work/").content.decode()
    assert mine.receipt_no in html and forwarded.receipt_no not in html
    assert login("head_road").get("/work/").content.decode().count("LPG-") == 0
    assert login("admin").get("/work/").status_code == 403  # administrators work in the admin


def test_the_queues_refresh_themselves(demo: Any, make_case: Any) -> None:
    make_case()
    client = login("intake")
    full = client.get("/work/").content.decode()
    assert 'hx-trigger="every 60s"' in full
    partial = client.get("/work/", HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in partial and "LPG-" in partial


@pytest.mark.parametrize("status", [s for s in Status if s not in (Status.MERGED,)])
@pytest.mark.parametrize("username", USERS)
def test_the_page_offers_exactly_what_the_server_accepts(
    demo: Any, make_case: Any, status: Status, username: str
) -> None:
    case = drive(make_case(), status, demo)
    staff = getattr(demo, username)
    client = login(username)
    response = client.get(f"/work/case/{case.receipt_no}/")
    visible = Case.objects.visible_to(staff).filter(pk=case.pk).exists()
    if not visible:
        assert response.status_code == 404
        return
    assert offered(response.content.decode()) == {a.value for a in s.available_actions(case, staff)}


MATRIX = sorted({(row.action, row.source) for row in TRANSITIONS})


@pytest.mark.parametrize(("action", "source"), MATRIX, ids=[f"{a}:{src}" for a, src in MATRIX])
@pytest.mark.parametrize("username", USERS)
def test_every_role_against_every_action(
    demo: Any, make_case: Any, action: Action, source: Status, username: str
) -> None:
    case = drive(make_case(), source, demo)
    staff = getattr(demo, username)
    allowed = action in s.available_actions(case, staff)
    data: dict[str, Any] = {
        "version": case.version,
        "reason": "เหตุผล",
        "note": "บันทึก",
        "result": "แก้ไขแล้ว",
        "unit": demo.unit("ENG-ELEC").pk,
        "agency": demo.org.agencies.first().pk,
        "assignee": demo.officer_elec.pk,
    }
    if action == Action.MERGE:
        data["into"] = make_case().receipt_no
    visible = Case.objects.visible_to(staff).filter(pk=case.pk).exists()
    response = login(username).post(f"/work/case/{case.receipt_no}/{action}/", data)
    after = Case.objects.get(pk=case.pk)
    if not visible:
        assert response.status_code == 404
    if allowed:
        assert after.version > case.version, (username, action, source)
    else:
        assert (after.status, after.version) == (case.status, case.version), (username, action)


def test_another_organisations_case_is_not_found(demo: Any, other_org: Any) -> None:
    foreign = s.create_case(organisation=other_org, channel="web", description="ถนนพัง")
    client = login("supervisor")
    assert client.get(f"/work/case/{foreign.receipt_no}/").status_code == 404
    assert (
        client.post(f"/work/case/{foreign.receipt_no}/reject/", {"reason": "x"}).status_code == 404
    )
    assert foreign.receipt_no not in client.get("/work/cases/").content.decode()
    assert foreign.receipt_no not in client.get("/work/cases/export.csv").getvalue().decode()
    foreign.refresh_from_db()
    assert foreign.status == Status.RECEIVED


def test_a_tampered_unit_is_refused_and_nothing_changes(
    demo: Any, make_case: Any, other_org: Any
) -> None:
    case = make_case()
    response = login("intake").post(
        f"/work/case/{case.receipt_no}/forward/",
        {"version": case.version, "unit": other_org.units.get().pk},
        follow=True,
    )
    assert "เลือกหน่วยงานขององค์กรนี้" in response.content.decode()
    case.refresh_from_db()
    assert case.status == Status.RECEIVED and case.unit is None


def test_a_stale_page_is_told_to_reload_and_shown_what_changed(demo: Any, make_case: Any) -> None:
    case = make_case()
    page_version, page_seq = case.version, case.events.count()
    s.reject(case, reason="ซ้ำกับเรื่องเดิม", by=demo.supervisor)
    response = login("intake").post(
        f"/work/case/{case.receipt_no}/forward/",
        {"version": page_version, "seq": page_seq, "unit": demo.unit("ENG-ELEC").pk},
        follow=True,
    )
    html = response.content.decode()
    assert "โหลดหน้าใหม่" in html
    assert "สิ่งที่เปลี่ยนไปตั้งแต่ท่านเปิดหน้านี้" in html and "ซ้ำกับเรื่องเดิม" in html
    case.refresh_from_db()
    assert case.status == Status.REJECTED


def test_forward_and_next_moves_along_the_screening_queue(demo: Any, make_case: Any) -> None:
    first, second = make_case(), make_case()
    response = login("intake").post(
        f"/work/case/{first.receipt_no}/forward/",
        {"version": first.version, "unit": demo.unit("ENG-ELEC").pk, "then": "next"},
    )
    assert response["Location"] == f"/work/case/{second.receipt_no}/"


def test_contacts_are_masked_and_each_reveal_is_logged(demo: Any, contact_case: Case) -> None:
    case = drive(contact_case, Status.ASSIGNED, demo)
    officer = login("officer_elec")
    html = officer.get(f"/work/case/{case.receipt_no}/").content.decode()
    assert "0812345678" not in html and "08••••••78" in html and "สมศรี" not in html
    assert not PersonalDataAccess.objects.exists()
    revealed = officer.post(f"/work/case/{case.receipt_no}/reveal/").content.decode()
    assert "0812345678" in revealed
    log = PersonalDataAccess.objects.get()
    assert (log.user, log.case, log.how) == (demo.officer_elec.user, case, "reveal")


def test_contractors_never_see_contacts(demo: Any, contact_case: Case) -> None:
    case = drive(contact_case, Status.ASSIGNED, demo, worker="contractor_elec")
    client = login("contractor_elec")
    html = client.get(f"/work/case/{case.receipt_no}/").content.decode()
    assert "0812345678" not in html and "08••" not in html and "somsri" not in html
    assert client.post(f"/work/case/{case.receipt_no}/reveal/").status_code == 403
    export = client.get("/work/cases/export.csv").getvalue().decode()
    assert case.receipt_no in export and "0812345678" not in export and "somsri" not in export


def test_the_intake_officer_sees_contacts_and_the_view_is_logged(
    demo: Any, contact_case: Case
) -> None:
    html = login("intake").get(f"/work/case/{contact_case.receipt_no}/").content.decode()
    assert "0812345678" in html
    assert PersonalDataAccess.objects.get().how == "view"


def test_exports_follow_the_same_masking(demo: Any, contact_case: Case) -> None:
    case = drive(contact_case, Status.ASSIGNED, demo)
    rows = list(
        csv.reader(
            io.StringIO(
                login("officer_elec")
                .get("/work/cases/export.csv")
                .getvalue()
                .decode()
                .lstrip("\ufeff")
            )
        )
    )
    assert rows[1][0] == case.receipt_no and rows[1][10] == "08••••••78"
    rows = list(
        csv.reader(
            io.StringIO(
                login("supervisor")
                .get("/work/cases/export.csv")
                .getvalue()
                .decode()
                .lstrip("\ufeff")
            )
        )
    )
    assert rows[1][10] == "0812345678"
    assert PersonalDataAccess.objects.filter(how="export").count() == 1


def test_the_excel_export_opens(demo: Any, make_case: Any) -> None:
    from openpyxl import load_workbook

    case = make_case()
    response = login("supervisor").get("/work/cases/export.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.cell(row=2, column=1).value == case.receipt_no


def test_lists_filter_and_page_without_counting(demo: Any, make_case: Any) -> None:
    cases = [make_case() for _ in range(55)]
    s.forward(cases[0], to_unit=demo.unit("ENG-ROAD"), by=demo.intake)
    client = login("supervisor")
    html = client.get("/work/cases/").content.decode()
    assert html.count('href="/work/case/LPG-') == 50
    next_link = re.search(r'href="\?(after=[^"]+)"', html)
    assert next_link is not None
    page2 = client.get("/work/cases/?" + next_link.group(1).replace("&amp;", "&")).content.decode()
    assert page2.count('href="/work/case/LPG-') == 5
    only = client.get(
        f"/work/cases/?status=forwarded&unit={demo.unit('ENG-ROAD').pk}"
    ).content.decode()
    assert only.count('href="/work/case/LPG-') == 1 and cases[0].receipt_no in only
    by_receipt = client.get(f"/work/cases/?q={cases[3].receipt_no}").content.decode()
    assert by_receipt.count('href="/work/case/LPG-') == 1


@pytest.mark.parametrize(
    "typed",
    [
        "LPG-2570-000004",
        "lpg-2570-4",  # as read out on the phone: lower case, without the zeros
        "0812345678",
        "081-234-5678",
        "+66 81 234 5678",
        "812345678",  # the leading 0 dropped
        "2345678",  # the last digits only
    ],
)
def test_a_case_is_found_by_its_receipt_number_or_the_callers_phone_however_typed(
    demo: Any, make_case: Any, typed: str
) -> None:
    at = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)
    cases = [make_case(received_at=at, complainant_phone="") for _ in range(3)]
    wanted = make_case(received_at=at, complainant_phone="0812345678")
    assert wanted.receipt_no == "LPG-2570-000004"
    html = login("supervisor").get("/work/cases/", {"q": typed}).content.decode()
    assert html.count('href="/work/case/LPG-') == 1
    assert f'href="/work/case/{wanted.receipt_no}/"' in html
    assert all(c.receipt_no not in html for c in cases)


def listed(html: str) -> list[str]:
    return list(dict.fromkeys(re.findall(r'href="/work/case/(LPG-[^/"]+)/"', html)))


def test_lists_sort_by_received_deadline_or_last_change_and_exports_follow(
    demo: Any, make_case: Any
) -> None:
    friday = dt.datetime(2026, 11, 20, tzinfo=ZoneInfo("Asia/Bangkok"))
    forwarded = make_case(received_at=friday.replace(hour=8))  # then waits for the unit
    early = make_case(received_at=friday.replace(hour=9))  # screening due 09:05
    late = make_case(received_at=friday.replace(hour=9, minute=30))  # due 09:35
    rejected = make_case(received_at=friday.replace(hour=10))  # no deadline runs
    s.forward(forwarded, to_unit=demo.unit("ENG-ELEC"), by=demo.intake)
    s.reject(rejected, reason="ซ้ำ", by=demo.intake)
    client = login("supervisor")

    def order(query: str) -> list[str]:
        return listed(client.get("/work/cases/?" + query).content.decode())

    r = lambda *cases: [c.receipt_no for c in cases]  # noqa: E731
    assert order("") == r(rejected, late, early, forwarded)  # newest received first
    assert order("order=oldest") == r(forwarded, early, late, rejected)
    assert order("order=due") == r(early, late, forwarded)  # closed work has no deadline
    s.forward(early, to_unit=demo.unit("ENG-ROAD"), by=demo.intake)
    assert order("order=changed")[0] == early.receipt_no
    assert 'aria-sort="ascending"' in client.get("/work/cases/?order=due").content.decode()
    # The export lists what the list shows, in its order (the forward moved `early` back).
    export = client.get("/work/cases/export.csv?order=due")
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode("utf-8-sig"))))
    assert [row[0] for row in rows[1:]] == r(late, forwarded, early)


@pytest.mark.parametrize("walk", [(100, 400), (1,)])  # (1,): the walk gives up early
def test_deadline_order_pages_without_repeating_a_case(
    demo: Any, make_case: Any, monkeypatch: Any, walk: tuple[int, ...]
) -> None:
    from rongrian.cases import filtering

    monkeypatch.setattr(filtering, "PAGE_SIZE", 2)
    monkeypatch.setattr(filtering, "WALK_CHUNKS", walk)
    day = dt.datetime(2026, 11, 20, 9, tzinfo=ZoneInfo("Asia/Bangkok"))
    cases = [make_case(received_at=day + dt.timedelta(minutes=m)) for m in (0, 0, 10, 20, 30)]
    other_words = make_case(received_at=day, description="ถนนพังเป็นหลุม")
    other_unit = make_case(received_at=day)
    client = login("head_elec")
    for c in [*cases, other_words]:
        s.forward(c, to_unit=demo.unit("ENG-ELEC"), by=demo.intake)
    s.forward(other_unit, to_unit=demo.unit("ENG-ROAD"), by=demo.intake)
    seen: list[str] = []
    query = "order=due&q=ไฟถนน"
    for _ in range(4):
        html = client.get("/work/cases/?" + query).content.decode()
        seen += listed(html)
        more = re.search(r'href="\?([^"]*after=[^"]+)"', html)
        if not more:
            break
        query = more.group(1).replace("&amp;", "&")
    assert sorted(seen) == sorted(c.receipt_no for c in cases) and len(seen) == 5


def test_bulk_forward_and_assign(demo: Any, make_case: Any) -> None:
    cases = [make_case() for _ in range(3)]
    login("intake").post(
        "/work/cases/bulk/",
        {
            "case": [c.receipt_no for c in cases],
            "bulk_action": "forward",
            "unit": demo.unit("ENG-ELEC").pk,
        },
    )
    assert set(Case.objects.values_list("status", flat=True)) == {Status.FORWARDED}
    for c in Case.objects.all():
        s.acknowledge(c, by=demo.head_elec)
    login("head_elec").post(
        "/work/cases/bulk/",
        {
            "case": [c.receipt_no for c in cases],
            "bulk_action": "assign",
            "assignee": demo.officer_elec.pk,
        },
    )
    assert set(Case.objects.values_list("assignee", flat=True)) == {demo.officer_elec.pk}
    assert (
        login("officer_elec").post("/work/cases/bulk/", {"bulk_action": "assign"}).status_code
        == 403
    )


def test_an_officer_resolves_with_an_after_photo(demo: Any, make_case: Any) -> None:
    from rongrian.intake.tests.images import jpeg_with_gps

    case = drive(make_case(), Status.IN_PROGRESS, demo)
    response = login("officer_elec").post(
        f"/work/case/{case.receipt_no}/resolve/",
        {
            "version": case.version,
            "result": "เปลี่ยนหลอดไฟ LED ใหม่",
            "photos": [jpeg_with_gps("after.jpg")],
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.RESOLVED and case.attachments.get().kind == "after"


def test_a_new_officer_is_offered_on_the_list_at_once(demo: Any) -> None:
    # The list's filter and bulk menus are kept per process (org.models.assignee_choices);
    # adding a person must show at once, not after the cache runs out.
    from rongrian.org.models import Staff, User

    client = login("head_elec")
    assert "สมปอง ใหม่ใจ" not in client.get("/work/cases/").content.decode()
    user = User.objects.create_user(
        "officer_new", password="x", first_name="สมปอง", last_name="ใหม่ใจ"
    )
    Staff.objects.create(
        user=user, organisation=demo.org, role="officer", unit=demo.unit("ENG-ELEC")
    )
    assert "สมปอง ใหม่ใจ" in client.get("/work/cases/").content.decode()
