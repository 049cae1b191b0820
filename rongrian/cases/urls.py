from django.urls import path

from .views import detail, home, lists

app_name = "cases"
urlpatterns = [
    path("", home.home, name="home"),
    path("cases/", lists.case_list, name="list"),
    path("cases/export.<str:fmt>", lists.export, name="export"),
    path("cases/bulk/", lists.bulk, name="bulk"),
    path("case/<str:receipt_no>/", detail.case_page, name="case"),
    path("case/<str:receipt_no>/reveal/", detail.reveal, name="reveal"),
    path("case/<str:receipt_no>/photo/<int:attachment_id>/", detail.photo, name="photo"),
    path("case/<str:receipt_no>/<str:action>/", detail.act, name="act"),
]
