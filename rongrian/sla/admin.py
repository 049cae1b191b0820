from django.contrib import admin

from rongrian.common.admin import OrgScopedAdmin

from .models import Holiday, WorkingHours


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
