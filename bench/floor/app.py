"""The framework floor: a bare Django view, under the same gunicorn settings as the app,
that does one INSERT and returns a short response. Our intake is compared with it."""

import os

import dj_database_url
from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.db import connection

if not settings.configured:
    settings.configure(
        DEBUG=False,
        SECRET_KEY="bench-floor",
        ALLOWED_HOSTS=["*"],
        ROOT_URLCONF="bench.floor.views",
        DATABASES={"default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=60)},
        MIDDLEWARE=[],
        INSTALLED_APPS=[],
    )

application = get_wsgi_application()


def create_table() -> None:
    auto = "BIGSERIAL" if connection.vendor == "postgresql" else "INTEGER"
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE IF NOT EXISTS bench_floor (id {auto} PRIMARY KEY, note TEXT)")
