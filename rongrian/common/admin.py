"""Admin scoping: an organisation's administrator sees and edits only that organisation."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest

from rongrian.org.choices import Role


def administered_org_ids(request: HttpRequest) -> list[int] | None:
    """The organisations the signed-in user administers; None means all (superuser)."""
    user = request.user
    if user.is_superuser:
        return None
    cache = getattr(request, "_rongrian_admin_orgs", None)
    if cache is None:
        cache = list(
            user.memberships.filter(role=Role.ADMINISTRATOR, is_active=True).values_list(
                "organisation_id", flat=True
            )
        )
        request._rongrian_admin_orgs = cache  # type: ignore[attr-defined]
    return cache


class OrgScopedAdmin(admin.ModelAdmin):
    """Rows and foreign-key choices are limited to the administrator's organisations."""

    org_path = "organisation"

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[Any]:
        qs = super().get_queryset(request)
        orgs = administered_org_ids(request)
        return qs if orgs is None else qs.filter(**{f"{self.org_path}__in": orgs})

    def get_list_filter(self, request: HttpRequest) -> Any:
        filters = super().get_list_filter(request)
        if administered_org_ids(request) is None:
            return filters
        # Related filters offer only rows that appear in the administrator's own data.
        scoped: list[Any] = []
        for item in filters:
            if item == "organisation":
                continue
            field = self.model._meta.get_field(item) if isinstance(item, str) else None
            if field is not None and field.is_relation:
                scoped.append((item, admin.RelatedOnlyFieldListFilter))
            else:
                scoped.append(item)
        return scoped

    def formfield_for_foreignkey(
        self, db_field: models.ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> Any:
        orgs = administered_org_ids(request)
        if orgs is not None:
            model = db_field.related_model
            if model._meta.label == "org.Organisation":
                kwargs["queryset"] = model.objects.filter(pk__in=orgs)
            elif any(f.name == "organisation" for f in model._meta.fields):
                kwargs["queryset"] = model._default_manager.filter(organisation__in=orgs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ReadOnlyAdmin(OrgScopedAdmin):
    """Records written only by the system's rules: viewable, never edited by hand."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
