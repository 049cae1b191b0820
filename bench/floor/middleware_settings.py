"""The second floor: the same one-INSERT view as the bare floor (bench.floor.views), served
by the app itself with all of its settings and middleware (security headers, sessions,
language, CSRF, sign-in, messages, tracking grants). What separates it from the bare floor
is what every request of the app pays before its view runs; what separates a complaint
from it is the complaint's own work."""

from rongrian.settings import *  # noqa: F403

ROOT_URLCONF = "bench.floor.views"
