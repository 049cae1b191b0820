from typing import Any

from django.core.management.base import BaseCommand

from rongrian.org.demo import DEMO_PASSWORD, USERS, load_demo


class Command(BaseCommand):
    help = "Load the demo organisation (a Lampang-like municipality) once and print its logins."

    def handle(self, *args: Any, **options: Any) -> None:
        org, created = load_demo()
        if created:
            self.stdout.write(
                self.style.SUCCESS(f"Loaded demo organisation {org.code}: {org.name}")
            )
        else:
            self.stdout.write(f"Demo organisation {org.code} is already loaded; nothing changed.")
        self.stdout.write("\nDemo logins (password for all: %s)" % DEMO_PASSWORD)
        for user in USERS:
            unit = f" / {user.unit}" if user.unit else ""
            self.stdout.write(f"  {user.username:<16} {user.role.label}{unit}")
        self.stdout.write("Staff sign in at http://127.0.0.1:8000/admin/\n")
