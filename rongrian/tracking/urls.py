from django.urls import path

from . import views

app_name = "tracking"
urlpatterns = [
    path("track/", views.lookup, name="lookup"),
    path("t/<str:receipt_no>/<str:code>/", views.open_link, name="open"),
    path("track/<str:receipt_no>/", views.case_page, name="case"),
    path("track/<str:receipt_no>/photo/<int:attachment_id>/", views.photo, name="photo"),
    path("track/<str:receipt_no>/<str:action>/", views.act, name="act"),
]
