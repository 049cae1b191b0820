"""The floors' one view: one INSERT of the posted note, and a short response."""

from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.urls import path


def insert(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO bench_floor (note) VALUES (%s)", [request.POST.get("note", "x")]
        )
    return HttpResponse("ok")


urlpatterns = [path("insert", insert)]
