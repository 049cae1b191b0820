"""One complaint's whole life in a real browser, as the demo users see it (issue #6).

A citizen files it on the website; the intake officer records a second call at the counter
form by the keyboard and is warned of the first case; screens the first with the F key; the
electricity unit head acknowledges and assigns; the officer reveals the caller's phone,
reports progress and resolves with an after-photo; the citizen disputes from the QR link;
the supervisor finds the reopened case; the unit fixes it again and the citizen confirms.
A second test has two people act on one case at once. Each person signs in through the
sign-in page in their own browser; every page is saved as
test-output/screenshots/workbench-NN-<who>-<what>.png for a person to look at.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from rongrian.audit.models import PersonalDataAccess
from rongrian.browser_fixtures import photo, screenshot
from rongrian.cases.choices import Action, AttachmentKind, Channel, Status
from rongrian.cases.models import Case
from rongrian.org.demo import DEMO_PASSWORD

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = [pytest.mark.django_db(transaction=True)]

CALLER = "0812345678"
MASKED = "08••••••78"
STREETLIGHT = "ไฟฟ้าสาธารณะดับหรือชำรุด"
ELECTRICITY = "งานไฟฟ้าสาธารณะ"


def expect(*args: Any) -> Any:
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(*args)


class Shots:
    """Saves every page visited, numbered in the order people saw them."""

    def __init__(self, start: int = 0) -> None:
        self.n = start

    def __call__(self, page: Page, who: str, what: str) -> None:
        self.n += 1
        page.wait_for_load_state("load")
        width = page.evaluate("document.scrollingElement.scrollWidth")
        name = f"workbench-{self.n:02d}-{who}-{what}"
        screenshot(page, name)
        wide = page.viewport_size["width"] if page.viewport_size else 0
        assert width <= wide, f"{name}: the page is {width}px wide in a {wide}px window"


def sign_in(open_desk: Callable[[], Page], site: str, shots: Shots, username: str) -> Page:
    """A new browser, the sign-in page, then the person's own queues."""
    page = open_desk()
    page.goto(f"{site}/accounts/login/")
    expect(page.get_by_role("heading", level=1)).to_have_text("เข้าสู่ระบบสำหรับเจ้าหน้าที่")
    page.get_by_label("ชื่อผู้ใช้").fill(username)
    page.get_by_label("รหัสผ่าน").fill(DEMO_PASSWORD)
    shots(page, username, "sign-in")
    page.get_by_role("button", name="เข้าสู่ระบบ").click()
    page.wait_for_url(f"{site}/work/")
    expect(page.get_by_role("heading", level=1)).to_have_text("งานของฉัน")
    return page


def badge(page: Page) -> Any:
    return page.locator(".case-head .badge")


def flash(page: Page) -> Any:
    return page.locator(".messages p")


def queue_rows(page: Page, key: str) -> Any:
    return page.locator(f"#queue-{key} tbody tr")


def open_from_queue(page: Page, key: str, receipt_no: str) -> None:
    page.locator(f"#queue-{key}").get_by_role("link", name=receipt_no).click()
    page.wait_for_url(re.compile(rf"/work/case/{receipt_no}/"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(receipt_no)


def go_home(page: Page) -> None:
    page.get_by_role("navigation").get_by_role("link", name="งานของฉัน").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("งานของฉัน")


def test_it_walks_one_complaint_from_the_website_to_closed_as_each_demo_user(
    site: str,
    demo: Any,
    open_desk: Callable[[], Page],
    open_phone: Callable[[], Page],
    outside_requests: list[str],
    tmp_path: Path,
) -> None:
    shots = Shots()

    # 1a. A citizen files a complaint on the website and keeps the receipt.
    citizen = open_desk()
    citizen.goto(f"{site}/complaint/")
    expect(citizen.get_by_role("heading", level=1)).to_have_text("แจ้งเรื่องร้องเรียน")
    citizen.locator("label.choice", has_text=STREETLIGHT).click()
    citizen.get_by_label("รายละเอียดปัญหา").fill(
        "ไฟถนนหน้าตลาดเก่าดับทั้งแถวสามต้น มืดมาก คนเดินกลับบ้านตอนค่ำกลัวอันตราย"
    )
    citizen.get_by_label("สถานที่", exact=True).fill("ถนนตลาดเก่า หน้าร้านขายยา")
    citizen.locator("#map").click(position={"x": 300, "y": 140})
    expect(citizen.locator("#id_latitude")).to_have_value(re.compile(r"^18\.\d{6}$"))
    citizen.locator("#id_photos").set_input_files(photo(tmp_path, "dark.jpg", (20, 25, 60)))
    citizen.get_by_label("ชื่อของท่าน").fill("สมศรี มีสุข")
    citizen.get_by_label("โทรศัพท์", exact=True).fill("081-234-5678")
    citizen.get_by_label(re.compile("พ.ร.บ.คุ้มครองข้อมูลส่วนบุคคล")).check()
    shots(citizen, "citizen", "complaint-form")
    citizen.get_by_role("button", name="ส่งเรื่องร้องเรียน").click()
    citizen.wait_for_url(re.compile(r"/receipt/"))
    expect(citizen.get_by_role("heading", level=1)).to_have_text("เราได้รับเรื่องของท่านแล้ว")
    receipt_no = citizen.locator("#receipt-no").inner_text().strip()
    qr_link = citizen.locator(".qr a").get_attribute("href")
    shots(citizen, "citizen", "receipt")
    case = Case.objects.get(receipt_no=receipt_no)
    assert (case.status, case.channel, case.category) == (
        Status.RECEIVED,
        Channel.WEB,
        demo.category("STREETLIGHT"),
    )
    assert case.complainant_phone == CALLER and case.attachments.count() == 1

    # 1b. The same person rings the hotline: the intake officer records the call by the
    # keyboard, and the form shows the first case before a second one is saved.
    intake = sign_in(open_desk, site, shots, "intake")
    expect(queue_rows(intake, "screening")).to_have_count(1)
    shots(intake, "intake", "queues")
    intake.get_by_role("link", name="บันทึกเรื่องทางโทรศัพท์").click()
    intake.wait_for_url(re.compile(r"/counter/\?channel=phone$"))
    expect(intake.get_by_role("heading", level=1)).to_have_text("บันทึกเรื่องจากเคาน์เตอร์และสายด่วน")
    focused = "document.activeElement.id"
    assert intake.evaluate(focused) == "id_phone", "the cursor waits in the phone field"
    intake.keyboard.type("081 234 5678")
    intake.keyboard.press("Tab")
    assert intake.evaluate(focused) == "id_name"
    duplicates = intake.locator("#duplicates")
    expect(duplicates).to_contain_text(receipt_no)  # found by the phone number alone
    intake.keyboard.type("สมศรี")
    intake.keyboard.press("Tab")
    assert intake.evaluate(focused) == "id_category"
    category = intake.locator("#id_category")
    for _ in range(30):
        if category.evaluate("s => s.selectedOptions[0].text") == STREETLIGHT:
            break
        intake.keyboard.press("ArrowDown")
    expect(category.locator("option:checked")).to_have_text(STREETLIGHT)
    intake.keyboard.press("Tab")
    assert intake.evaluate(focused) == "id_description"
    intake.keyboard.type("ไฟต้นหน้าสะพานกะพริบทั้งคืน อีกต้นยังดับ")
    intake.keyboard.press("Tab")
    assert intake.evaluate(focused) == "id_address"
    intake.keyboard.type("เชิงสะพานรัษฎาภิเศก")
    shots(intake, "intake", "phone-call-typed")
    intake.keyboard.press("Enter")
    save_anyway = intake.get_by_role("button", name="เป็นคนละปัญหา: บันทึก")
    expect(save_anyway).to_be_visible()
    expect(duplicates.get_by_role("heading", level=2)).to_be_visible()
    expect(duplicates).to_contain_text(receipt_no)
    shots(intake, "intake", "phone-call-duplicate-warning")
    assert Case.objects.count() == 1, "nothing is saved while a duplicate is on screen"
    save_anyway.focus()
    intake.keyboard.press("Enter")
    intake.wait_for_url(re.compile(r"/receipt/"))
    phone_receipt = intake.locator("#receipt-no").inner_text().strip()
    shots(intake, "intake", "phone-call-receipt")
    call = Case.objects.get(receipt_no=phone_receipt)
    assert (call.channel, call.status, call.category, call.complainant_phone) == (
        Channel.PHONE,
        Status.RECEIVED,
        demo.category("STREETLIGHT"),
        CALLER,
    )
    assert (call.complainant_name, call.description, call.address) == (
        "สมศรี",
        "ไฟต้นหน้าสะพานกะพริบทั้งคืน อีกต้นยังดับ",
        "เชิงสะพานรัษฎาภิเศก",
    )

    # 2. Screening, oldest first, with the F key: forwarded to the suggested unit.
    intake.goto(f"{site}/work/")
    rows = queue_rows(intake, "screening")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text(receipt_no)
    expect(rows.nth(1)).to_contain_text(phone_receipt)
    shots(intake, "intake", "screening-queue")
    intake.locator("#first-to-screen").click()
    intake.wait_for_url(re.compile(rf"/work/case/{receipt_no}/"))
    expect(badge(intake)).to_have_text("รับเรื่องแล้ว")
    expect(intake.locator("#f-unit option:checked")).to_have_text(f"— {ELECTRICITY}")
    expect(intake.locator("#contacts")).to_contain_text(CALLER)  # the centre sees it in full
    shots(intake, "intake", "case-to-screen")
    intake.keyboard.press("f")
    # The next case to screen opens at once, with word of what was done.
    intake.wait_for_url(re.compile(rf"/work/case/{phone_receipt}/"))
    expect(flash(intake)).to_have_text(f"ดำเนินการแล้ว: ส่งต่อหน่วยงาน {receipt_no}")
    expect(badge(intake)).to_have_text("รับเรื่องแล้ว")
    shots(intake, "intake", "forwarded-next-case")
    case.refresh_from_db()
    assert (case.status, case.unit) == (Status.FORWARDED, demo.unit("ENG-ELEC"))
    go_home(intake)
    expect(queue_rows(intake, "screening")).to_have_count(1)
    expect(intake.locator("#queue-screening")).not_to_contain_text(receipt_no)
    shots(intake, "intake", "queue-after-forward")

    # 3. The unit head acknowledges and assigns to the electrician.
    head = sign_in(open_desk, site, shots, "head_elec")
    expect(head.locator("#q-acknowledge")).to_contain_text("รอรับทราบ")
    expect(queue_rows(head, "acknowledge")).to_have_count(1)
    expect(queue_rows(head, "acknowledge").first).to_contain_text(receipt_no)
    officer_row = head.locator(".panel tr", has_text="สมชาย ช่างไฟ")
    expect(officer_row.locator("td").last).to_have_text("0")
    shots(head, "head_elec", "queues")
    open_from_queue(head, "acknowledge", receipt_no)
    expect(badge(head)).to_have_text("ส่งต่อหน่วยงานแล้ว")
    expect(head.locator("#contacts")).to_contain_text(MASKED)
    expect(head.locator("#contacts")).not_to_contain_text(CALLER)
    shots(head, "head_elec", "case-to-acknowledge")
    head.locator("#act-acknowledge").get_by_role("button", name="รับทราบ").click()
    expect(flash(head)).to_have_text("ดำเนินการแล้ว: รับทราบ")
    expect(badge(head)).to_have_text("หน่วยงานรับทราบแล้ว")
    head.locator("#a-person").select_option(str(demo.officer_elec.pk))
    # The number of cases each person holds comes first, where a narrow list cannot cut it off.
    expect(head.locator("#a-person option:checked")).to_have_text(
        re.compile(r"^สมชาย ช่างไฟ \(0\) · ")
    )
    shots(head, "head_elec", "acknowledged-choosing-officer")
    head.locator("#act-assign").get_by_role("button", name="มอบหมายงาน").click()
    expect(flash(head)).to_have_text("ดำเนินการแล้ว: มอบหมายงาน")
    expect(badge(head)).to_have_text("มอบหมายเจ้าหน้าที่แล้ว")
    expect(head.locator(".case-head")).to_contain_text("สมชาย ช่างไฟ")
    shots(head, "head_elec", "assigned")
    go_home(head)
    expect(officer_row.locator("td").last).to_have_text("1")
    expect(queue_rows(head, "acknowledge")).to_have_count(0)
    shots(head, "head_elec", "officer-loads")
    case.refresh_from_db()
    assert (case.status, case.assignee) == (Status.ASSIGNED, demo.officer_elec)

    # 4. The officer: the phone is masked until asked for, and asking is logged.
    officer = sign_in(open_desk, site, shots, "officer_elec")
    expect(officer.locator("#q-mine")).to_contain_text("เรื่องของฉัน")
    expect(queue_rows(officer, "mine").first).to_contain_text(receipt_no)
    shots(officer, "officer_elec", "queues")
    open_from_queue(officer, "mine", receipt_no)
    contacts = officer.locator("#contacts")
    expect(contacts).to_contain_text(MASKED)
    expect(contacts).not_to_contain_text(CALLER)
    shots(officer, "officer_elec", "case-masked-phone")
    assert not PersonalDataAccess.objects.filter(user=demo.officer_elec.user).exists()
    officer.get_by_role("button", name=re.compile("แสดงข้อมูลติดต่อ")).click()
    expect(contacts.get_by_role("link", name=CALLER)).to_have_attribute("href", f"tel:{CALLER}")
    expect(contacts).to_contain_text("สมศรี มีสุข")
    shots(officer, "officer_elec", "case-phone-revealed")
    access = PersonalDataAccess.objects.get(user=demo.officer_elec.user)
    assert (access.case_id, access.how) == (case.pk, "reveal")

    officer.locator("#p-note").fill("ตรวจแล้ว สายไฟใต้ดินขาด กำลังเบิกสายใหม่")
    officer.locator("#act-progress").get_by_role("button", name="บันทึกความคืบหน้า").click()
    expect(flash(officer)).to_have_text("ดำเนินการแล้ว: รายงานความคืบหน้า")
    expect(badge(officer)).to_have_text("กำลังดำเนินการ")
    expect(officer.locator(".timeline")).to_contain_text("สายไฟใต้ดินขาด")
    shots(officer, "officer_elec", "progress-reported")
    first_fix = "เดินสายไฟใหม่และเปลี่ยนหลอด LED สามต้น"
    officer.locator("#res-result").fill(first_fix)
    officer.locator("#res-photos").set_input_files(photo(tmp_path, "fixed.jpg", (120, 170, 230)))
    officer.locator("#act-resolve").get_by_role("button", name="แก้ไขเสร็จ").click()
    expect(flash(officer)).to_have_text("ดำเนินการแล้ว: แก้ไขเสร็จ")
    expect(badge(officer)).to_have_text("ดำเนินการแก้ไขแล้ว")
    expect(officer.locator(".photos figcaption", has_text="ภาพหลังแก้ไข")).to_be_visible()
    shots(officer, "officer_elec", "resolved")
    case.refresh_from_db()
    assert (case.status, case.resolution) == (Status.RESOLVED, first_fix)
    assert case.attachments.filter(kind=AttachmentKind.AFTER).count() == 1
    assert case.events.filter(action=Action.PROGRESS, note__contains="สายไฟใต้ดินขาด").exists()

    # 5. The citizen scans the receipt's QR code on a phone and says it is not fixed.
    tracker = open_phone()
    tracker.goto(str(qr_link))
    tracker.wait_for_url(re.compile(rf"/track/{receipt_no}/$"))
    expect(tracker.locator("#status-heading")).to_have_text("ดำเนินการแก้ไขแล้ว")
    expect(tracker.get_by_text(first_fix).first).to_be_visible()
    shots(tracker, "citizen", "tracking-resolved")
    dispute = "ต้นที่สามยังดับอยู่ ส่วนต้นแรกกะพริบทั้งคืน"
    tracker.get_by_label("ยังไม่เรียบร้อย: ยังมีปัญหาอะไรอยู่").fill(dispute)
    tracker.get_by_role("button", name="ยังไม่เรียบร้อย: ส่งกลับให้หน่วยงาน").click()
    expect(tracker.locator("#status-heading")).to_have_text("เปิดเรื่องใหม่")
    shots(tracker, "citizen", "tracking-disputed")
    case.refresh_from_db()
    assert (case.status, case.reopen_count) == (Status.REOPENED, 1)

    # 6. The supervisor finds it among reopened cases; the chase list renders.
    supervisor = sign_in(open_desk, site, shots, "supervisor")
    shots(supervisor, "supervisor", "queues")
    supervisor.goto(f"{site}/work/cases/?status=reopened")
    expect(supervisor.get_by_role("heading", level=1)).to_have_text("เรื่องทั้งหมด")
    listed = supervisor.locator("table.list tbody tr")
    expect(listed).to_have_count(1)
    expect(listed.first).to_contain_text("เปิดเรื่องใหม่")
    expect(supervisor.get_by_role("checkbox", name="เปิดเรื่องใหม่")).to_be_checked()
    shots(supervisor, "supervisor", "reopened-list")
    listed.first.get_by_role("link", name=receipt_no).click()
    expect(badge(supervisor)).to_have_text("เปิดเรื่องใหม่")
    expect(supervisor.locator(".case-head")).to_contain_text("เปิดเรื่องใหม่ 1 ครั้ง")
    expect(supervisor.locator(".timeline")).to_contain_text(dispute)
    expect(supervisor.locator(".timeline li").last).to_contain_text("· ผู้ร้อง")  # not "citizen"
    shots(supervisor, "supervisor", "reopened-case")
    supervisor.goto(f"{site}/sla/chase/")
    expect(supervisor.get_by_role("heading", level=1)).to_have_text("รายการเรื่องที่ต้องติดตาม")
    shots(supervisor, "supervisor", "chase-list")

    # ... the unit acknowledges and assigns again, the officer fixes it again ...
    go_home(head)
    expect(queue_rows(head, "acknowledge").first).to_contain_text(receipt_no)
    expect(queue_rows(head, "acknowledge").first).to_contain_text("เปิดเรื่องใหม่")
    shots(head, "head_elec", "reopened-in-queue")
    open_from_queue(head, "acknowledge", receipt_no)
    head.locator("#act-acknowledge").get_by_role("button", name="รับทราบ").click()
    expect(badge(head)).to_have_text("หน่วยงานรับทราบแล้ว")
    expect(head.locator("#a-person option:checked")).to_contain_text("สมชาย ช่างไฟ")
    head.locator("#act-assign").get_by_role("button", name="มอบหมายงาน").click()
    expect(badge(head)).to_have_text("มอบหมายเจ้าหน้าที่แล้ว")
    shots(head, "head_elec", "reassigned")

    go_home(officer)
    open_from_queue(officer, "mine", receipt_no)
    second_fix = "เปลี่ยนบัลลาสต์ต้นแรกและหลอดต้นที่สาม ทดสอบเปิดทั้งคืนแล้ว"
    officer.locator("#res-result").fill(second_fix)
    officer.locator("#res-photos").set_input_files(photo(tmp_path, "lit.jpg", (10, 10, 30)))
    officer.locator("#act-resolve").get_by_role("button", name="แก้ไขเสร็จ").click()
    expect(badge(officer)).to_have_text("ดำเนินการแก้ไขแล้ว")
    shots(officer, "officer_elec", "resolved-again")

    # ... and the citizen confirms the fix: closed.
    tracker.reload()
    expect(tracker.locator("#status-heading")).to_have_text("ดำเนินการแก้ไขแล้ว")
    expect(tracker.get_by_text(second_fix).first).to_be_visible()
    tracker.get_by_role("button", name="ใช่ แก้ไขเรียบร้อยแล้ว").click()
    expect(tracker.locator("#status-heading")).to_have_text("ปิดเรื่องแล้ว")
    expect(tracker.get_by_role("status")).to_have_text("ขอบคุณ เรื่องนี้ปิดแล้ว")
    shots(tracker, "citizen", "tracking-closed")
    supervisor.goto(f"{site}/work/case/{receipt_no}/")
    expect(badge(supervisor)).to_have_text("ปิดเรื่องแล้ว")
    shots(supervisor, "supervisor", "closed-case")

    case.refresh_from_db()
    assert (case.status, case.resolution, case.reopen_count) == (Status.CLOSED, second_fix, 1)
    assert list(case.events.order_by("seq").values_list("action", flat=True)) == [
        Action.RECEIVE,
        Action.FORWARD,
        Action.ACKNOWLEDGE,
        Action.ASSIGN,
        Action.PROGRESS,
        Action.RESOLVE,
        Action.REOPEN,
        Action.ACKNOWLEDGE,
        Action.ASSIGN,
        Action.RESOLVE,
        Action.CLOSE,
    ]
    assert case.attachments.filter(kind=AttachmentKind.AFTER).count() == 2
    assert outside_requests == []


def test_it_stops_a_stale_page_and_shows_what_changed(
    site: str,
    demo: Any,
    make_case: Callable[..., Case],
    open_desk: Callable[[], Page],
    outside_requests: list[str],
) -> None:
    shots = Shots(start=50)
    case = make_case(description="ขอให้มาตัดต้นไม้ในบ้านข้างเคียง", complainant_phone=CALLER)
    intake = sign_in(open_desk, site, shots, "intake")
    supervisor = sign_in(open_desk, site, shots, "supervisor")
    for who, page in (("intake", intake), ("supervisor", supervisor)):
        open_from_queue(page, "screening", case.receipt_no)
        expect(badge(page)).to_have_text("รับเรื่องแล้ว")
        shots(page, who, "same-case-open")

    reason = "เป็นเรื่องในที่ดินของเอกชน เทศบาลไม่มีอำนาจเข้าไปตัด"
    supervisor.locator("#reject-reason").fill(reason)
    supervisor.locator("#act-reject").get_by_role("button", name="ไม่รับเรื่อง").click()
    expect(flash(supervisor)).to_have_text("ดำเนินการแล้ว: ไม่รับเรื่อง")
    expect(badge(supervisor)).to_have_text("ไม่รับเรื่อง")
    shots(supervisor, "supervisor", "rejected")

    # The intake officer's page still offers Forward; pressing it is refused, not lost.
    intake.locator("#act-forward").get_by_role("button", name=re.compile("ส่งต่อ")).click()
    expect(flash(intake)).to_contain_text("โหลดหน้าใหม่")
    changed = intake.locator(".changed")
    expect(changed.get_by_role("heading")).to_have_text("สิ่งที่เปลี่ยนไปตั้งแต่ท่านเปิดหน้านี้")
    expect(changed.locator("li")).to_have_count(1)
    expect(changed.locator("li")).to_contain_text("ไม่รับเรื่อง")
    expect(changed.locator("li")).to_contain_text("วิไล หัวหน้าศูนย์")
    expect(changed.locator("li")).to_contain_text(reason)
    expect(badge(intake)).to_have_text("ไม่รับเรื่อง")
    expect(intake.locator("#act-forward")).to_have_count(0)
    shots(intake, "intake", "stale-page-refused")

    case.refresh_from_db()
    assert (case.status, case.unit) == (Status.REJECTED, None)
    assert not case.events.filter(action=Action.FORWARD).exists()
    assert outside_requests == []
