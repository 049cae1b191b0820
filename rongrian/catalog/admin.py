from django.contrib import admin

from rongrian.common.admin import OrgScopedAdmin

from .models import Category


@admin.register(Category)
class CategoryAdmin(OrgScopedAdmin):
    list_display = [
        "code",
        "name",
        "default_unit",
        "target_days",
        "day_count",
        "organisation",
        "is_active",
    ]
    list_editable = ["target_days", "day_count", "is_active"]
    list_filter = ["organisation", "target_days", "day_count", "is_active"]
    search_fields = ["code", "name", "name_en"]
    list_select_related = ["default_unit", "organisation"]
    fieldsets = [
        (None, {"fields": ["organisation", "code", "name", "name_en", "name_my"]}),
        (None, {"fields": ["description", "description_en", "description_my"]}),
        (None, {"fields": ["default_unit", "target_days", "day_count", "sort_order", "is_active"]}),
    ]
