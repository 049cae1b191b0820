"""Rules about organisations and their people."""

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

from .models import User

ADMINISTRATORS_GROUP = "administrators"


def administrators_group() -> Group:
    """The permission set of an organisation's administrator: set up the organisation
    (units, staff, categories, agencies, contractors, users, holidays, working hours,
    time targets, the LINE channel) and inspect cases."""
    group, _ = Group.objects.get_or_create(name=ADMINISTRATORS_GROUP)
    perms = Permission.objects.filter(
        Q(content_type__app_label__in=["org", "catalog", "intake", "sla"])
        & ~Q(content_type__model__in=["stageclock", "escalation"])
        | Q(content_type__app_label="cases", codename__startswith="view_")
    ).exclude(codename__in=["add_organisation", "delete_organisation"])
    group.permissions.set(perms)
    return group


def grant_admin_access(user: User) -> None:
    """Let an organisation's administrator into the administration pages."""
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    user.groups.add(administrators_group())
