"""Print what the HTTP scenarios need, as one JSON line: a sample of receipts with their
tracking codes, staff session cookies, and a citizen's grants cookie for 20 cases.

    DATABASE_URL=... python -m bench.prepare_http
"""

import json
import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rongrian.settings")
django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.core import signing  # noqa: E402
from django.db.models import F  # noqa: E402

from rongrian.cases.models import Case  # noqa: E402
from rongrian.catalog.models import Category  # noqa: E402
from rongrian.org.models import Organisation  # noqa: E402
from rongrian.tracking import access  # noqa: E402


def staff_session(username: str) -> str:
    user = get_user_model().objects.get(username=username)
    store = SessionStore()
    store["_auth_user_id"] = str(user.pk)
    store["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
    store["_auth_user_hash"] = user.get_session_auth_hash()
    store.create()
    return str(store.session_key)


def main() -> None:
    org = Organisation.objects.get(code="LPG")
    # Submissions go to an organisation of their own: thousands of identical complaints
    # per run would otherwise pile up on top of the data set the staff pages read.
    bench_org, _ = Organisation.objects.get_or_create(
        code="BENCH", defaults={"name": "หน่วยงานทดสอบความเร็ว (bench)"}
    )
    category, _ = Category.objects.get_or_create(
        organisation=bench_org,
        code="STREETLIGHT",
        defaults={"name": "ไฟฟ้าสาธารณะดับหรือชำรุด", "target_days": 3},
    )
    step = max(Case.objects.count() // 2000, 1)
    sample = list(
        Case.objects.filter(organisation=org)
        .annotate(m=F("id") % step)
        .filter(m=0)
        .values_list("receipt_no", "tracking_code")[:2000]
    )
    granted = list(
        Case.objects.filter(receipt_no__in=[r for r, _ in sample[:20]]).values_list(
            "pk", "receipt_no"
        )
    )
    # The grants cookie a browser holds after opening 20 receipts (tracking.access).
    citizen = signing.get_cookie_signer(salt=access.COOKIE + access.SALT).sign(
        ".".join(str(pk) for pk, _ in granted)
    )
    phones = list(
        Case.objects.filter(receipt_no__in=[r for r, _ in sample[:200]])
        .exclude(complainant_phone="")
        .values_list("complainant_phone", flat=True)
    ) or ["0812345678"]
    info = {
        "phones": phones,
        "category": category.pk,
        "submit_to": bench_org.code,
        "sample": sample,
        "intake": staff_session("intake"),
        "supervisor": staff_session("supervisor"),
        "head_elec": staff_session("head_elec"),
        "citizen": f"{access.COOKIE}={citizen}",
        "granted": [r for _, r in granted],
    }
    print(json.dumps(info))


if __name__ == "__main__":
    main()
