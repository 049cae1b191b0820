from django.contrib import admin

from rongrian.common.admin import ReadOnlyAdmin

from .models import Notification


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    """Every message and its delivery state: failed sends are visible here, never dropped."""

    list_display = ["created_at", "kind", "channel", "status", "attempts", "case", "subject"]
    list_filter = ["status", "channel", "kind"]
    search_fields = ["case__receipt_no", "subject"]
    list_select_related = ["case"]
    show_full_result_count = False
