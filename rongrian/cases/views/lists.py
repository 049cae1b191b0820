from __future__ import annotations

import csv
from collections.abc import Iterator

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from rongrian.audit.services import contact_access, log_access, mask
from rongrian.catalog.models import Category
from rongrian.common.thaidate import format_date
from rongrian.org.access import staff_required
from rongrian.org.models import Staff, Unit, assignee_choices, unit_choices

from .. import filtering
from .. import services as s
from ..choices import Channel, Status
from ..exceptions import CaseError
from ..models import Case
from ..queues import ROW_FIELDS, due_state, with_next_due
from .common import CASE_ROLES, staff_of

EXPORT_LIMIT = 50_000
ORDER_CHOICES = [
    ("newest", gettext_lazy("Newest first")),
    ("oldest", gettext_lazy("Oldest first")),
    ("due", gettext_lazy("Soonest deadline first (open cases)")),
    ("changed", gettext_lazy("Last changed first")),
]
# What a list row shows (cases/list.html).
LIST_FIELDS = (
    *ROW_FIELDS,
    "description",
    "unit__name",
    "unit__name_en",
    "unit__name_my",
)


@staff_required(roles=CASE_ROLES)
def case_list(request: HttpRequest) -> HttpResponse:
    staff = staff_of(request)
    qs, f = filtering.visible_list(staff, request.GET)
    rows, next_cursor = filtering.page(
        qs,
        f,
        rows=with_next_due(Case.objects.all())
        .select_related("category", "unit")
        .only(*LIST_FIELDS),
    )
    for case in rows:
        case.due_state = due_state(case.next_due)
    params = request.GET.copy()
    params.pop("after", None)
    unordered = params.copy()
    unordered.pop("order", None)
    return render(
        request,
        "cases/list.html",
        {
            "staff": staff,
            "rows": rows,
            "filters": f,
            "next_cursor": next_cursor,
            "query": params.urlencode(),
            "unordered": unordered.urlencode(),
            "orders": ORDER_CHOICES,
            "statuses": Status.choices,
            "channels": Channel.choices,
            "categories": Category.all_for(staff.organisation_id),
            "units": unit_choices(staff.organisation_id),
            "assignees": assignee_choices(staff.organisation_id),
            "can_bulk_forward": staff.role in ("intake", "supervisor"),
            "can_bulk_assign": staff.role == "unit_head",
        },
    )


COLUMNS = [
    "receipt_no",
    "received",
    "status",
    "channel",
    "category",
    "unit",
    "assignee",
    "address",
    "description",
    "name",
    "phone",
    "email",
    "line_id",
]


def _export_records(staff: Staff, rows: list[Case]) -> Iterator[list[str]]:
    access = contact_access(staff)
    yield [
        str(c)
        for c in (
            _("Receipt number"),
            _("Received"),
            _("Status"),
            _("Channel"),
            _("Category"),
            _("Unit"),
            _("Assigned to"),
            _("Place"),
            _("Description"),
            _("Name"),
            _("Phone"),
            _("E-mail"),
            _("LINE ID"),
        )
    ]
    for case in rows:
        contacts = [
            case.complainant_name,
            case.complainant_phone,
            case.complainant_email,
            case.complainant_line_id,
        ]
        if access != "shown":
            contacts = [mask(v) if access == "masked" else "" for v in contacts]
        yield [
            case.receipt_no,
            format_date(case.received_at),
            case.get_status_display(),
            case.get_channel_display(),
            case.category.localized_name() if case.category else "",
            case.unit.localized_name() if case.unit else "",
            case.assignee.display_name if case.assignee else "",
            case.address,
            case.description,
            *contacts,
        ]


class _Echo:
    def write(self, value: str) -> str:
        return value


@staff_required(roles=CASE_ROLES)
def export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The current list (same filters, same permissions) as CSV or XLSX, at most 50,000 rows."""
    staff = staff_of(request)
    qs, f = filtering.visible_list(staff, request.GET)
    rows = list(filtering.export_rows(qs, f, EXPORT_LIMIT))
    if contact_access(staff) == "shown":
        log_access(staff=staff, case_id=None, how="export", rows=len(rows))
    records = _export_records(staff, rows)
    if fmt == "xlsx":
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet(_("Cases"))
        for record in records:
            sheet.append(record)
        response = HttpResponse(
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response["Content-Disposition"] = 'attachment; filename="cases.xlsx"'
        book.save(response)
        return response
    writer = csv.writer(_Echo())
    # A byte-order mark so Excel opens Thai text as UTF-8.
    stream = (writer.writerow(r) for r in records)
    response = StreamingHttpResponse(_with_bom(stream), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="cases.csv"'
    return response


def _with_bom(lines: Iterator[str]) -> Iterator[str]:
    yield "\ufeff"
    yield from lines


@require_POST
@staff_required(roles=["intake", "supervisor", "unit_head"])
def bulk(request: HttpRequest) -> HttpResponse:
    """Forward (centre) or assign (unit head) several cases at once; each one is checked
    like a single action, and refusals are listed."""
    staff = staff_of(request)
    receipts = request.POST.getlist("case")[:200]
    cases = list(
        Case.objects.visible_to(staff)
        .filter(receipt_no__in=receipts)
        .select_related("unit", "organisation")
    )
    action = request.POST.get("bulk_action")
    done, failed = 0, []
    target_unit = target_person = None
    if action == "forward":
        target_unit = Unit.objects.filter(
            organisation=staff.organisation, pk=request.POST.get("unit") or 0
        ).first()
    elif action == "assign":
        target_person = Staff.objects.filter(
            organisation=staff.organisation, pk=request.POST.get("assignee") or 0
        ).first()
    if (
        (action == "forward" and target_unit is None)
        or (action == "assign" and target_person is None)
        or action not in ("forward", "assign")
    ):
        messages.error(request, _("Choose what to do with the selected cases."))
        return redirect(_back(request))
    for case in cases:
        try:
            if action == "forward":
                s.forward(case, to_unit=target_unit, by=staff)  # type: ignore[arg-type]
            else:
                s.assign(case, to=target_person, by=staff)  # type: ignore[arg-type]
            done += 1
        except CaseError as exc:
            failed.append(f"{case.receipt_no}: {exc}")
    if done:
        messages.success(request, _("%(n)s cases done.") % {"n": done})
    for line in failed:
        messages.error(request, line)
    return redirect(_back(request))


def _back(request: HttpRequest) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return reverse("cases:list")
