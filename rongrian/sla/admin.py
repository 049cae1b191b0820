from django.contrib import admin

from rongrian.common.admin import OrgScopedAdmin, ReadOnlyAdmin

from .models import Escalation, Holiday, SlaPolicy, StageClock, WorkingHours


@admin.register(Holiday)
class HolidayAdmin(OrgScopedAdmin):
    list_display = ["date", "name", "kind", "organisation"]
    list_filter = ["kind", "organisation"]
    search_fields = ["name"]
    date_hierarchy = "date"
    list_select_related = ["organisation"]
    fields = ["organisation", "date", "name", "kind"]


@admin.register(WorkingHours)
class WorkingHoursAdmin(OrgScopedAdmin):
    list_display = [
        "organisation",
        "opens",
        "closes",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "updated_at",
    ]
    list_select_related = ["organisation"]
    fieldsets = [
        (None, {"fields": ["organisation", "opens", "closes"]}),
        (
            None,
            {
                "fields": [
                    ("monday", "tuesday", "wednesday", "thursday", "friday"),
                    ("saturday", "sunday"),
                ]
            },
        ),
    ]


@admin.register(SlaPolicy)
class SlaPolicyAdmin(OrgScopedAdmin):
    list_display = [
        "organisation",
        "screening_rule",
        "screening_minutes",
        "acknowledge_days",
        "first_progress_days",
        "confirm_days",
        "escalate_after_minutes",
    ]
    fieldsets = [
        (None, {"fields": ["organisation"]}),
        (None, {"fields": ["screening_rule", "screening_minutes", "assign_minutes"]}),
        (None, {"fields": ["acknowledge_days", "first_progress_days", "periodic_reports"]}),
        (None, {"fields": ["default_resolution_days", "confirm_days", "escalate_after_minutes"]}),
    ]


@admin.register(StageClock)
class StageClockAdmin(ReadOnlyAdmin):
    org_path = "case__organisation"
    list_display = ["case", "stage", "unit", "started_at", "due_at", "finished_at", "outcome"]
    list_filter = ["stage", "outcome", "escalation_level"]
    search_fields = ["case__receipt_no"]
    list_select_related = ["case", "unit"]
    show_full_result_count = False


@admin.register(Escalation)
class EscalationAdmin(ReadOnlyAdmin):
    org_path = "case__organisation"
    list_display = ["created_at", "case", "level", "clock", "recipients"]
    list_filter = ["level"]
    search_fields = ["case__receipt_no"]
    list_select_related = ["case", "clock"]
    show_full_result_count = False
