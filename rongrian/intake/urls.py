from django.urls import path

from . import line_views, views

app_name = "intake"
urlpatterns = [
    path("complaint/", views.complaint, name="complaint"),
    path("complaint/<str:org_code>/", views.complaint, name="complaint-org"),
    path("receipt/<str:receipt_no>/<str:code>/", views.receipt, name="receipt"),
    path("counter/", views.counter, name="counter"),
    path("counter/duplicates/", views.duplicates, name="duplicates"),
    path("line/<str:org_code>/webhook/", line_views.webhook, name="line-webhook"),
]
