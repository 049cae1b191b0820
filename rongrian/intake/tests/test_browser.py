"""The public pages in a real browser on a phone: a complaint in Thai and in Burmese, the
receipt's QR code opened on another phone, the after-photo, a dispute, and a keyboard and
label check of the form. Every page is saved under test-output/screenshots/."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import segno

from rongrian.browser_fixtures import PHONE, photo, screenshot
from rongrian.cases import services as s
from rongrian.cases.choices import Action, Status
from rongrian.cases.models import Case
from rongrian.cases.services import NewFile

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = [pytest.mark.django_db(transaction=True)]

PHONE_WIDTH = PHONE["viewport"]["width"]  # type: ignore[index]


def expect(*args: Any) -> Any:
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(*args)


def visit(page: Page, name: str) -> None:
    """A page fits a phone's width (no sideways scrolling), then is saved as a screenshot."""
    page.wait_for_load_state("load")
    width = page.evaluate("document.scrollingElement.scrollWidth")
    screenshot(page, name)
    assert width <= PHONE_WIDTH, f"{name}: the page is {width}px wide on a {PHONE_WIDTH}px phone"


def status_heading(page: Page) -> Any:
    return page.locator("#status-heading")


def test_it_files_a_complaint_in_thai_then_follows_and_disputes_it_from_the_qr_code(
    site: str,
    demo: Any,
    phone_page: Page,
    open_phone: Callable[[], Page],
    outside_requests: list[str],
    tmp_path: Path,
) -> None:
    page = phone_page
    page.goto(f"{site}/complaint/")
    expect(page.locator("html")).to_have_attribute("lang", "th")
    expect(page.get_by_role("heading", level=1)).to_have_text("แจ้งเรื่องร้องเรียน")
    visit(page, "intake-th-01-form")

    page.locator("label.choice", has_text="ไฟฟ้าสาธารณะดับหรือชำรุด").tap()
    expect(page.get_by_role("radio", name=re.compile("ไฟฟ้าสาธารณะดับหรือชำรุด"))).to_be_checked()
    description = page.get_by_label("รายละเอียดปัญหา")
    description.press_sequentially("ไฟถนนหน้าวัดเชียงรายดับมาสามคืนแล้ว มืดมาก เด็กเดินกลับบ้านลำบาก")
    page.get_by_label("สถานที่", exact=True).fill("ถนนบุญวาทย์ หน้าวัดเชียงราย")
    page.locator("#map").tap(position={"x": 200, "y": 120})
    expect(page.locator("#id_latitude")).to_have_value(re.compile(r"^18\.\d{6}$"))
    expect(page.locator("#id_longitude")).to_have_value(re.compile(r"^99\.\d{6}$"))
    expect(page.locator("#pin-status")).not_to_be_empty()
    page.locator("#id_photos").set_input_files(photo(tmp_path, "lamp.jpg", (40, 50, 90)))
    page.get_by_label("โทรศัพท์", exact=True).fill("081-234-5678")
    page.get_by_label("แจ้งความคืบหน้าให้ฉันทราบ").check()
    page.locator("input[name=update_channel][value=sms]").check()
    page.get_by_label(re.compile("พ.ร.บ.คุ้มครองข้อมูลส่วนบุคคล")).check()
    visit(page, "intake-th-02-filled")

    page.get_by_role("button", name="ส่งเรื่องร้องเรียน").tap()
    page.wait_for_url(re.compile(r"/receipt/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("เราได้รับเรื่องของท่านแล้ว")
    receipt_no = page.locator("#receipt-no").inner_text().strip()
    code = page.locator("#tracking-code").inner_text().strip()
    assert re.fullmatch(r"LPG-\d{4}-\d{6}", receipt_no)
    link = page.locator(".qr a").get_attribute("href")
    assert link == f"{site}/t/{receipt_no}/{code}/"
    qr = page.locator(".qr svg")
    expect(qr).to_be_visible()
    # The QR code holds exactly the printed link: same modules as segno draws for it.
    expected = segno.make(link, error="m").svg_inline(scale=4)
    assert f'd="{qr.locator("path").get_attribute("d")}"' in expected
    visit(page, "intake-th-03-receipt")

    case = Case.objects.get(receipt_no=receipt_no)
    assert case.tracking_code == code and case.category == demo.category("STREETLIGHT")
    assert case.latitude is not None and case.address == "ถนนบุญวาทย์ หน้าวัดเชียงราย"
    assert (case.complainant_phone, case.wants_updates, case.update_channel) == (
        "0812345678",
        True,
        "sms",
    )
    assert case.attachments.count() == 1 and case.language == "th"

    # Someone else's phone scans the QR code: no session, the link alone opens the case.
    other = open_phone()
    other.goto(link)
    other.wait_for_url(re.compile(rf"/track/{receipt_no}/$"))
    expect(status_heading(other)).to_have_text("รับเรื่องแล้ว")
    expect(other.locator(".facts")).to_contain_text("มืดมาก เด็กเดินกลับบ้านลำบาก")
    visit(other, "tracking-th-01-opened-from-qr")

    after = photo(tmp_path, "after.jpg", (120, 170, 230)).read_bytes()
    case = s.forward(case, to_unit=demo.unit("ENG-ELEC"), by=demo.intake)
    case = s.acknowledge(case, by=demo.head_elec)
    case = s.assign(case, to=demo.officer_elec, by=demo.head_elec)
    case = s.resolve(
        case,
        result="เปลี่ยนหลอดไฟ LED ใหม่แล้ว",
        by=demo.officer_elec,
        files=[NewFile("after.jpg", "image/jpeg", after)],
    )

    other.reload()
    expect(status_heading(other)).to_have_text("ดำเนินการแก้ไขแล้ว")
    after_photo = other.get_by_role("img", name="ภาพหลังดำเนินการแก้ไข")
    after_photo.scroll_into_view_if_needed()
    expect(after_photo).to_be_visible()
    other.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=after_photo.element_handle()
    )
    expect(other.get_by_text("เปลี่ยนหลอดไฟ LED ใหม่แล้ว").first).to_be_visible()
    visit(other, "tracking-th-02-resolved-with-after-photo")

    reason = "หลอดใหม่ติดได้คืนเดียว วันนี้ดับอีกแล้ว"
    other.get_by_label("ยังไม่เรียบร้อย: ยังมีปัญหาอะไรอยู่").fill(reason)
    other.get_by_role("button", name="ยังไม่เรียบร้อย: ส่งกลับให้หน่วยงาน").tap()
    expect(status_heading(other)).to_have_text("เปิดเรื่องใหม่")
    expect(other.get_by_role("status")).to_have_text("เราส่งเรื่องของท่านกลับไปให้หน่วยงานดำเนินการแล้ว")
    expect(other.locator(".timeline")).to_contain_text(reason)
    visit(other, "tracking-th-03-reopened")

    case.refresh_from_db()
    assert (case.status, case.reopen_count) == (Status.REOPENED, 1)
    dispute = case.events.get(action=Action.REOPEN)
    assert (dispute.reason, dispute.actor_role) == (reason, "citizen")
    assert outside_requests == []


def test_it_files_a_complaint_in_burmese_keeps_the_answers_after_an_error_and_disputes_it(
    site: str, demo: Any, phone_page: Page, outside_requests: list[str], tmp_path: Path
) -> None:
    page = phone_page
    page.goto(f"{site}/complaint/")
    burmese = page.locator("#lang-select option", has_text="မြန်မာ")
    page.get_by_label("ภาษา").select_option(burmese.get_attribute("value"))
    expect(page.locator("html")).to_have_attribute("lang", "my")
    expect(page.get_by_role("heading", level=1)).to_have_text("တိုင်ကြားချက် တင်သွင်းရန်")
    expect(page.locator("label[for=id_description]")).to_contain_text("ပြဿနာကို ဖော်ပြပါ")
    expect(page.locator("label[for=id_address]")).to_have_text("နေရာ")
    expect(page.locator("legend").nth(1)).to_have_text("၂။ အကြောင်းအရာကို ပြောပြပါ")
    visit(page, "intake-my-01-form")

    address = "ထိပ်ချမ်းလမ်း၊ ဈေးအနီး"
    page.locator("label.choice", has_text="လမ်းမီးပျက်").tap()
    page.get_by_label("နေရာ", exact=True).fill(address)
    page.get_by_role("button", name="တိုင်ကြားချက် ပို့ပါ").tap()
    expect(page.locator("#id_description_error")).to_have_text("ပြဿနာကို ဖော်ပြပါ။")
    expect(page.locator("#form-errors")).to_contain_text("အဖြေအချို့ ပြင်ရန်လိုသည်")
    expect(page.get_by_label("နေရာ", exact=True)).to_have_value(address)
    expect(page.get_by_role("radio", name=re.compile("လမ်းမီးပျက်"))).to_be_checked()
    visit(page, "intake-my-02-error-kept-answers")
    assert not Case.objects.exists()

    page.get_by_label("ပြဿနာကို ဖော်ပြပါ").fill("ညဘက် လမ်းမီး သုံးညဆက်တိုက် ပျက်နေသည်")
    page.locator("#id_photos").set_input_files(photo(tmp_path, "street.jpg", (30, 30, 60)))
    page.get_by_role("button", name="တိုင်ကြားချက် ပို့ပါ").tap()
    page.wait_for_url(re.compile(r"/receipt/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("သင့်တိုင်ကြားချက်ကို လက်ခံရရှိပါပြီ")
    receipt_no = page.locator("#receipt-no").inner_text().strip()
    expect(page.locator(".qr svg")).to_be_visible()
    visit(page, "intake-my-03-receipt")

    case = Case.objects.get(receipt_no=receipt_no)
    assert (case.language, case.address, case.category.code) == ("my", address, "STREETLIGHT")
    assert case.attachments.count() == 1 and case.complainant_phone == ""

    # The QR link, opened on this phone: the tracking page in Burmese.
    page.goto(page.locator(".qr a").get_attribute("href"))
    page.wait_for_url(re.compile(rf"/track/{receipt_no}/$"))
    expect(status_heading(page)).to_have_text("လက်ခံပြီး")
    visit(page, "tracking-my-01-opened-from-qr")
    case = s.forward(case, to_unit=demo.unit("ENG-ELEC"), by=demo.intake)
    case = s.assign(s.acknowledge(case, by=demo.head_elec), to=demo.officer_elec, by=demo.head_elec)
    s.resolve(case, result="เปลี่ยนหลอดไฟแล้ว", by=demo.officer_elec)
    page.reload()
    expect(status_heading(page)).to_have_text("ဖြေရှင်းပြီး")
    reason = "မီး ပြန်ပျက်နေပြန်ပြီ"
    page.get_by_label("မပြေလည်သေးပါ- ဘာဆက်မှားနေသလဲ။").fill(reason)
    page.get_by_role("button", name="မပြေလည်သေး- ပြန်ပို့ပါ").tap()
    expect(status_heading(page)).to_have_text("ပြန်ဖွင့်ပြီး")
    expect(page.get_by_role("status")).to_have_text("သင့်တိုင်ကြားချက်ကို ဌာနသို့ ပြန်ပို့ပြီးပါပြီ။")
    visit(page, "tracking-my-02-reopened")
    case.refresh_from_db()
    assert (case.status, case.events.get(action=Action.REOPEN).reason) == (Status.REOPENED, reason)
    assert outside_requests == []


UNLABELLED_CONTROLS = """() => {
  const controls = [...document.querySelectorAll("input, select, textarea")].filter((el) => {
    const box = el.getBoundingClientRect();
    return el.type !== "hidden" && !el.closest("[aria-hidden=true]")
      && box.width > 0 && box.height > 0 && box.right > 0;
  });
  const named = (el) => [...(el.labels || [])].some((l) => l.textContent.trim())
    || el.getAttribute("aria-label") || el.getAttribute("aria-labelledby");
  return {count: controls.length, unlabelled: controls.filter((el) => !named(el))
    .map((el) => el.outerHTML)};
}"""

# A tick box sits on the line of its own words, to their left.
BOXES_BESIDE_LABELS = """() => [...document.querySelectorAll("input[type=checkbox]")]
  .filter((el) => el.labels && el.labels.length && el.getBoundingClientRect().width > 0)
  .filter((el) => {
    const box = el.getBoundingClientRect(), label = el.labels[0].getBoundingClientRect();
    return Math.abs(box.top - label.top) > box.height || label.left < box.right;
  }).map((el) => el.id)"""

# Django points aria-describedby at "<id>_helptext" and "<id>_error".
BROKEN_DESCRIPTIONS = """() => [...document.querySelectorAll("[aria-describedby]")]
  .flatMap((el) => el.getAttribute("aria-describedby").split(/\\s+/)
    .filter((ref) => !document.getElementById(ref)).map((ref) => `${el.id} -> ${ref}`))"""

FOCUSED = """() => {
  const el = document.activeElement, box = el.getBoundingClientRect();
  return {tag: el.tagName.toLowerCase(), id: el.id, name: el.name || "", type: el.type || "",
          text: (el.textContent || "").trim().slice(0, 40), cls: el.className || "",
          shown: box.width > 0 && box.height > 0};
}"""


def test_it_lets_a_keyboard_reach_every_labelled_field_and_the_send_button(
    site: str, phone_page: Page, outside_requests: list[str]
) -> None:
    page = phone_page
    page.goto(f"{site}/complaint/")
    expect(page.locator("html")).to_have_attribute("lang", "th")
    controls = page.evaluate(UNLABELLED_CONTROLS)
    assert controls["count"] >= 10 and controls["unlabelled"] == []
    assert page.evaluate("document.scrollingElement.scrollWidth") <= PHONE_WIDTH
    assert page.evaluate(BOXES_BESIDE_LABELS) == []
    # Big enough to tap (WCAG 2.5.8 asks 24 px; a thumb wants more for the main button).
    assert page.locator("#lang-select").bounding_box()["height"] >= 24
    assert page.get_by_role("button", name="ส่งเรื่องร้องเรียน").bounding_box()["height"] >= 44

    stops = []
    for _ in range(100):
        page.keyboard.press("Tab")
        stops.append(page.evaluate(FOCUSED))
        if stops[-1]["type"] == "submit" and stops[-1]["tag"] == "button":
            break
    assert stops[0]["cls"] == "skip", "the first Tab stop skips to the content"
    assert stops[-1]["text"] == "ส่งเรื่องร้องเรียน", f"Tab never reached the send button: {stops}"
    hidden = [stop for stop in stops if not stop["shown"] and stop["cls"] != "skip"]
    assert hidden == [], "keyboard focus landed on something nobody can see"
    order = [stop["id"] for stop in stops]
    wanted = ["id_description", "id_photos", "id_address", "id_phone", "id_consent"]
    assert [order.index(i) for i in wanted] == sorted(order.index(i) for i in wanted)
    screenshot(page, "intake-th-04-keyboard-on-send-button", full_page=False)
    assert outside_requests == []


def test_it_points_every_description_at_an_existing_text(site: str, phone_page: Page) -> None:
    phone_page.goto(f"{site}/complaint/")
    assert phone_page.evaluate(BROKEN_DESCRIPTIONS) == []


def test_switching_the_language_keeps_what_was_typed(
    site: str, phone_page: Page, outside_requests: list[str]
) -> None:
    page = phone_page
    page.goto(f"{site}/complaint/")
    page.locator("label.choice", has_text="ไฟฟ้าสาธารณะ").first.tap()
    page.get_by_label("รายละเอียดปัญหา").fill("ไฟถนนดับสามคืนแล้ว")
    page.get_by_label("สถานที่", exact=True).fill("ถนนบุญวาทย์")
    key = page.locator("input[name=idempotency_key]").input_value()
    english = page.locator("#lang-select option", has_text="English")
    page.get_by_label("ภาษา").select_option(english.get_attribute("value"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_label("Describe the problem")).to_have_value("ไฟถนนดับสามคืนแล้ว")
    expect(page.get_by_label("Place", exact=True)).to_have_value("ถนนบุญวาทย์")
    expect(page.locator("input[name=category]:checked")).to_have_count(1)
    assert page.locator("input[name=idempotency_key]").input_value() != key
    page.reload()  # kept for that one switch only
    expect(page.get_by_label("Describe the problem")).to_have_value("")
    assert outside_requests == []
