"""Signing in: repeated failures lock the name out for a while; supervisors and
administrators may add an authenticator-app code; the language follows the person."""

from __future__ import annotations

import time
from typing import Any

import pyotp
import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from rongrian.common import ratelimit

from .choices import Role
from .models import TOTPDevice, User

LOCK_AFTER = 5
LOCK_SECONDS = 15 * 60
PENDING = "pending_2fa_user"
TOTP_ROLES = {Role.SUPERVISOR, Role.ADMINISTRATOR}


def _fail_keys(request: HttpRequest, username: str) -> list[str]:
    return [f"login-fail-user:{username.lower()}", f"login-fail-ip:{ratelimit.client_ip(request)}"]


def locked(request: HttpRequest, username: str) -> bool:
    return any(
        ratelimit.count(k) >= LOCK_AFTER * (4 if "ip" in k else 1)
        for k in _fail_keys(request, username)
    )


class LockingAuthenticationForm(AuthenticationForm):
    def clean(self) -> dict[str, Any]:
        username = self.data.get("username", "")
        if locked(self.request, username):
            raise self.get_invalid_login_error_locked()
        try:
            return super().clean()
        except Exception:
            for key in _fail_keys(self.request, username):
                ratelimit.hit(key, window=LOCK_SECONDS)
            raise

    def get_invalid_login_error_locked(self) -> Any:
        from django.core.exceptions import ValidationError

        return ValidationError(
            _("Too many failed sign-ins. Wait 15 minutes or ask an administrator."), code="locked"
        )


class SignInView(LoginView):
    form_class = LockingAuthenticationForm

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        user = form.get_user()
        for key in _fail_keys(self.request, user.get_username())[:1]:
            ratelimit.clear(key)
        device = TOTPDevice.objects.filter(user=user, confirmed_at__isnull=False).first()
        if device is not None:
            self.request.session[PENDING] = user.pk
            self.request.session["pending_next"] = self.get_success_url()
            return redirect("otp-verify")
        response = super().form_valid(form)
        return _with_language(self.request, response, user)


def _with_language(request: HttpRequest, response: HttpResponse, user: User) -> HttpResponse:
    """Each person works in their own language, whatever the last person chose."""
    if user.language:
        translation.activate(user.language)
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, user.language, samesite="Lax")
    return response


def verify(request: HttpRequest) -> HttpResponse:
    user_id = request.session.get(PENDING)
    user = User.objects.filter(pk=user_id, is_active=True).first() if user_id else None
    if user is None:
        return redirect("login")
    error = ""
    if request.method == "POST":
        key = f"otp-fail:{user.pk}"
        if ratelimit.count(key) >= LOCK_AFTER:
            error = _("Too many wrong codes. Wait 15 minutes.")
        elif _check_code(user.totp, request.POST.get("code", "")):
            next_url = request.session.pop("pending_next", "/")
            request.session.pop(PENDING, None)
            auth_login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            ratelimit.clear(key)
            return _with_language(request, HttpResponseRedirect(next_url), user)
        else:
            ratelimit.hit(key, window=LOCK_SECONDS)
            error = _("That code is not right. Enter the 6 digits your app shows now.")
    return render(request, "registration/otp_verify.html", {"error": error})


def _check_code(device: TOTPDevice, code: str) -> bool:
    """A valid code for now (±30 s), used once only."""
    code = code.strip().replace(" ", "")
    totp = pyotp.TOTP(device.secret)
    now = time.time()
    for drift in (-1, 0, 1):
        step = int(now // 30) + drift
        if step > device.last_used_step and totp.at(step * 30) == code:
            return bool(
                TOTPDevice.objects.filter(pk=device.pk, last_used_step__lt=step).update(
                    last_used_step=step
                )
            )
    return False


@login_required
def setup(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator app (supervisors and administrators)."""
    if not request.user.memberships.filter(role__in=TOTP_ROLES, is_active=True).exists():
        messages.error(request, _("Authenticator codes are for supervisors and administrators."))
        return redirect("home")
    device, _created = TOTPDevice.objects.get_or_create(
        user=request.user, defaults={"secret": pyotp.random_base32()}
    )
    if device.confirmed_at is None and request.method == "POST":
        if _check_code(device, request.POST.get("code", "")):
            TOTPDevice.objects.filter(pk=device.pk).update(confirmed_at=timezone.now())
            messages.success(request, _("Done: you will be asked for a code at each sign-in."))
            return redirect("home")
        messages.error(request, _("That code is not right. Enter the 6 digits your app shows now."))
    uri = pyotp.TOTP(device.secret).provisioning_uri(
        name=request.user.get_username(), issuer_name="rongrian"
    )
    return render(
        request,
        "registration/otp_setup.html",
        {"device": device, "qr": segno.make(uri).svg_inline(scale=4), "secret": device.secret},
    )


@require_POST
def choose_language(request: HttpRequest) -> HttpResponse:
    """Django's language switch, remembered on the person's account when signed in."""
    response = set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        User.objects.filter(pk=request.user.pk).update(language=language)
    return response
