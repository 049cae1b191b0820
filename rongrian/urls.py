from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from rongrian.sla import views as sla_views

from . import views

admin.site.site_header = _("rongrian: complaint handling")
admin.site.site_title = _("rongrian")
admin.site.index_title = _("Administration")

urlpatterns = [
    path("", views.home, name="home"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("sla/chase/", sla_views.chase_list, name="chase-list"),
    path("work/", include("rongrian.cases.urls")),
    path("", include("rongrian.intake.urls")),
    path("", include("rongrian.tracking.urls")),
    path("admin/", admin.site.urls),
]
