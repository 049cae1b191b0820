from django.contrib import admin

from rongrian.common.admin import ReadOnlyAdmin

from .models import Rating


@admin.register(Rating)
class RatingAdmin(ReadOnlyAdmin):
    org_path = "case__organisation"
    list_display = ["created_at", "case", "score", "comment"]
    list_filter = ["score"]
    search_fields = ["case__receipt_no"]
    list_select_related = ["case"]
