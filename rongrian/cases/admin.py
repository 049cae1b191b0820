from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from rongrian.common.admin import ReadOnlyAdmin
from rongrian.common.thaidate import format_date

from .models import Attachment, Case, CaseEvent, ReceiptCounter, Submission


class CaseEventInline(admin.TabularInline):
    model = CaseEvent
    extra = 0
    can_delete = False
    fields = [
        "seq",
        "when",
        "action",
        "from_status",
        "to_status",
        "actor",
        "actor_role",
        "reason",
        "note",
        "is_public",
    ]
    readonly_fields = fields

    @admin.display(description=_("time"))
    def when(self, obj: CaseEvent) -> str:
        return format_date(obj.at)

    def has_add_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False


class AttachmentInline(admin.TabularInline):
    model = Attachment
    extra = 0
    can_delete = False
    fields = ["kind", "file", "original_name", "content_type", "size", "created_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    """Cases change only through their lifecycle (the workbench); here they can be inspected."""

    list_display = [
        "receipt_no",
        "received",
        "status",
        "category",
        "unit",
        "channel",
        "reopen_count",
    ]
    list_filter = ["organisation", "status", "channel", "category", "unit"]
    search_fields = ["receipt_no", "complainant_phone", "description"]
    list_select_related = ["category", "unit"]
    inlines = [CaseEventInline, AttachmentInline]
    show_full_result_count = False

    @admin.display(description=_("received"), ordering="received_at")
    def received(self, obj: Case) -> str:
        return format_date(obj.received_at)

    def get_readonly_fields(self, request, obj=None):  # type: ignore[no-untyped-def]
        return [f.name for f in Case._meta.fields]


@admin.register(CaseEvent)
class CaseEventAdmin(ReadOnlyAdmin):
    org_path = "case__organisation"
    list_display = ["case", "seq", "action", "from_status", "to_status", "actor", "at"]
    list_filter = ["action", "to_status"]
    search_fields = ["case__receipt_no"]
    list_select_related = ["case", "actor"]
    show_full_result_count = False


@admin.register(ReceiptCounter)
class ReceiptCounterAdmin(ReadOnlyAdmin):
    list_display = ["organisation", "fiscal_year", "last_value"]


@admin.register(Submission)
class SubmissionAdmin(ReadOnlyAdmin):
    """Public-form complaints as accepted (cases.pending): one not registered after a few
    seconds means the registrar is not running; one with failed attempts shows why."""

    list_display = ["receipt_no", "received_at", "channel", "case", "attempts"]
    list_filter = [("case", admin.EmptyFieldListFilter), "attempts"]
    search_fields = ["receipt_no"]
    list_select_related = ["case"]
    # The citizen's fields (contacts among them) are the case's to show, with its masking.
    fields = ["organisation", "receipt_no", "received_at", "channel", "case", "attempts", "error"]
    show_full_result_count = False
