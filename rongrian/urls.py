from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from rongrian.org import auth_views as org_auth
from rongrian.sla import views as sla_views

from . import views

admin.site.site_header = _("rongrian: complaint handling")
admin.site.site_title = _("rongrian")
admin.site.index_title = _("Administration")

urlpatterns = [
    path("", views.home, name="home"),
    path("i18n/setlang/", org_auth.choose_language, name="set_language"),
    path("accounts/login/", org_auth.SignInView.as_view(), name="login"),
    path("accounts/otp/", org_auth.verify, name="otp-verify"),
    path("accounts/otp/setup/", org_auth.setup, name="otp-setup"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("sla/chase/", sla_views.chase_list, name="chase-list"),
    path("work/", include("rongrian.cases.urls")),
    path("", include("rongrian.intake.urls")),
    path("", include("rongrian.tracking.urls")),
    # One way in for everyone, with the lockout and authenticator code.
    path("admin/login/", lambda r: _to_login(r, "/admin/")),
    path("admin/", admin.site.urls),
]


def _to_login(request: HttpRequest, default: str) -> HttpResponse:
    return redirect(f"/accounts/login/?next={request.GET.get('next', default)}")
