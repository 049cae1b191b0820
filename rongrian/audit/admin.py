from django.contrib import admin

from rongrian.common.admin import ReadOnlyAdmin

from .models import PersonalDataAccess


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(ReadOnlyAdmin):
    list_display = ["at", "user", "how", "case", "rows"]
    list_filter = ["how"]
    search_fields = ["case__receipt_no", "user__username"]
    list_select_related = ["user", "case"]
    date_hierarchy = "at"
