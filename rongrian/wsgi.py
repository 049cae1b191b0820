import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rongrian.settings")
application = get_wsgi_application()

# Load the Thai dictionary and the views before the first citizen waits for them;
# with `gunicorn --preload` this happens once in the master and is shared by the workers.
from django.urls import get_resolver  # noqa: E402

from rongrian.cases.search import warm_up  # noqa: E402

get_resolver().url_patterns  # noqa: B018  (imports every view module)
warm_up()

# What is loaded now lives as long as the process: keep the collector from walking it
# again and again (a full collection over the dictionary paused a request for ~250 ms).
import gc  # noqa: E402

gc.freeze()
