from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from rongrian.common.admin import OrgScopedAdmin

from .line import discard_photos
from .models import LineChannel, LineConversation

SECRETS = ("channel_secret", "channel_access_token")


class LineChannelForm(forms.ModelForm):
    """The secrets are write-only: never sent back to the browser, kept when left empty."""

    class Meta:
        model = LineChannel
        fields = ["organisation", "basic_id", "channel_secret", "channel_access_token", "is_active"]
        widgets = {name: forms.PasswordInput(render_value=False) for name in SECRETS}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            for name in SECRETS:
                self.fields[name].required = False
                self.fields[name].help_text = _("Stored. Leave empty to keep it.")

    def _keep(self, name: str) -> str:
        value = (self.cleaned_data.get(name) or "").strip()
        return value or (getattr(self.instance, name) if self.instance.pk else "")

    def clean_channel_secret(self) -> str:
        return self._keep("channel_secret")

    def clean_channel_access_token(self) -> str:
        return self._keep("channel_access_token")


@admin.register(LineChannel)
class LineChannelAdmin(OrgScopedAdmin):
    form = LineChannelForm
    list_display = ["organisation", "is_active", "updated_at"]
    list_filter = ["is_active"]
    list_select_related = ["organisation"]
    readonly_fields = ["webhook_url"]

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        fields = ["organisation", "basic_id", "channel_secret", "channel_access_token", "is_active"]
        return [*fields, "webhook_url"] if obj is not None else fields

    @admin.display(description=_("webhook URL"))
    def webhook_url(self, obj: LineChannel) -> str:
        return obj.webhook_url()


@admin.register(LineConversation)
class LineConversationAdmin(OrgScopedAdmin):
    """Conversations are written by the webhook; an administrator may only look or
    delete one to let a citizen start over."""

    list_display = ["line_user_id", "organisation", "state", "updated_at"]
    list_filter = ["state"]
    search_fields = ["line_user_id"]
    list_select_related = ["organisation"]
    fields = [
        "organisation",
        "line_user_id",
        "state",
        "draft_text",
        "photos",
        "latitude",
        "longitude",
        "address",
        "updated_at",
    ]
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def delete_model(self, request: HttpRequest, obj: LineConversation) -> None:
        discard_photos(obj.photos)
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[LineConversation]) -> None:
        for photos in queryset.values_list("photos", flat=True):
            discard_photos(photos)
        super().delete_queryset(request, queryset)
