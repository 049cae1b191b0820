from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from rongrian.common.admin import OrgScopedAdmin, administered_org_ids

from .models import Contractor, ExternalAgency, Organisation, Staff, Unit, User


class StaffInline(admin.TabularInline):
    model = Staff
    extra = 0
    fields = ["organisation", "role", "unit", "contractor", "phone", "is_active"]
    fk_name = "user"


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Language"), {"fields": ["language"]}),
    )
    inlines = [StaffInline]
    list_display = ["username", "first_name", "last_name", "email", "is_active"]

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[User]:
        qs = super().get_queryset(request)
        orgs = administered_org_ids(request)
        if orgs is None:
            return qs
        return qs.filter(memberships__organisation__in=orgs).distinct()


@admin.register(Organisation)
class OrganisationAdmin(OrgScopedAdmin):
    org_path = "pk"
    list_display = ["code", "name", "hotline", "is_active"]
    search_fields = ["code", "name", "name_en"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser


@admin.register(Unit)
class UnitAdmin(OrgScopedAdmin):
    list_display = ["code", "name", "parent", "organisation", "phone", "is_active"]
    list_filter = ["organisation", "is_active"]
    search_fields = ["code", "name", "name_en"]
    list_select_related = ["parent", "organisation"]


@admin.register(Staff)
class StaffAdmin(OrgScopedAdmin):
    list_display = ["__str__", "user", "role", "unit", "organisation", "is_active"]
    list_filter = ["organisation", "role", "unit", "is_active"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    list_select_related = ["user", "unit", "organisation"]
    autocomplete_fields = ["user"]


@admin.register(ExternalAgency)
class ExternalAgencyAdmin(OrgScopedAdmin):
    list_display = ["name", "hotline", "email", "organisation", "is_active"]
    list_filter = ["organisation", "is_active"]
    search_fields = ["name", "name_en"]


@admin.register(Contractor)
class ContractorAdmin(OrgScopedAdmin):
    list_display = ["name", "phone", "email", "organisation", "is_active"]
    list_filter = ["organisation", "is_active"]
    search_fields = ["name"]
