from __future__ import annotations

import copy
import hashlib
import json
import re
import uuid
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django import forms
from django.conf import settings
from django.forms.models import ModelChoiceIterator
from django.utils.translation import gettext_lazy as _

from rongrian.cases.choices import Channel
from rongrian.catalog.models import Category
from rongrian.org.models import Organisation

from .models import LineChannel

# Thailand with a margin: a pin outside is a slip of the finger, not a complaint here.
LAT_RANGE = (Decimal("5.5"), Decimal("20.6"))
LON_RANGE = (Decimal("97.3"), Decimal("105.7"))
UPDATE_CHANNELS = [("sms", _("SMS")), ("email", _("E-mail")), ("line", _("LINE"))]


def normalise_phone(value: str) -> str:
    """Digits only, +66 written as 0; refuses what is not a Thai phone number."""
    digits = re.sub(r"[\s\-().]", "", value or "")
    if digits.startswith("+66"):
        digits = "0" + digits[3:]
    elif digits.startswith("66") and len(digits) in (10, 11):
        digits = "0" + digits[2:]
    if digits and not re.fullmatch(r"0\d{8,9}", digits):
        raise forms.ValidationError(
            _("This is not a phone number. Write it like 0812345678 or 054-237200."),
            code="phone",
        )
    return digits


class LongTextField(forms.CharField):
    """Text checked for length on the server, with a message in the form's language: a
    browser's maxlength would cut a long paste short without a word."""

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        attrs.pop("maxlength", None)
        return attrs


class TrapInput(forms.TextInput):
    def format_value(self, value: Any) -> None:
        return None


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class _RowsIterator(ModelChoiceIterator):
    def __iter__(self) -> Iterator[Any]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for category in self.field.rows:
            yield self.choice(category)

    def __len__(self) -> int:
        return len(self.field.rows) + (self.field.empty_label is not None)

    def __bool__(self) -> bool:
        return self.field.empty_label is not None or bool(self.field.rows)


class CategoryField(forms.ModelChoiceField):
    """A choice among the organisation's categories, from Category.active_for: the
    form is shown and checked without asking the database."""

    iterator = _RowsIterator

    def use(self, organisation: Organisation) -> None:
        self.rows = Category.active_for(organisation.pk)
        self.by_pk = {str(c.pk): c for c in self.rows}
        # No queryset (each form's copy of a field copied it, for nothing): the widget's
        # choices come from the rows, bound to this copy of the field.
        self.widget.choices = self.choices

    def to_python(self, value: Any) -> Category | None:
        if value in self.empty_values:
            return None
        found = self.by_pk.get(str(value))
        if found is None:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            )
        return found


class SharedFields(dict[str, forms.Field]):
    """A form class's fields, shared by its instances except those each form changes.

    Django deep-copies every field (and its widget) for each form, a fifth of the work
    of taking a complaint; these forms change only the fields named in `own`, so only
    those are copied. Whoever changes another field on a form instance must add it."""

    def __init__(self, fields: dict[str, forms.Field], own: set[str]) -> None:
        super().__init__(fields)
        self.own = frozenset(own)
        assert self.own <= self.keys(), self.own - self.keys()

    def __deepcopy__(self, memo: dict[int, Any]) -> dict[str, forms.Field]:
        return {
            name: copy.deepcopy(field, memo) if name in self.own else field
            for name, field in self.items()
        }


class ComplaintForm(forms.Form):
    """The public complaint form; the counter form adds the channel and caller."""

    category = CategoryField(
        queryset=None,
        required=False,
        label=_("What is the problem about?"),
        empty_label=_("Not sure / something else"),
        widget=forms.RadioSelect,
        error_messages={
            "invalid_choice": _("This kind of problem is no longer on the list. Choose another.")
        },
    )
    description = LongTextField(
        label=_("Describe the problem"),
        max_length=settings.RONGRIAN_DESCRIPTION_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={
            "required": _("Describe the problem."),
            "max_length": _(
                "Please shorten the description to %(limit_value)d characters or fewer; "
                "it has %(show_value)d. Your text is still here."
            ),
        },
        help_text=_("What is wrong, since when, and exactly where (landmarks help)."),
    )
    photos = forms.FileField(
        label=_("Photos (up to 5)"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/heic"}),
    )
    address = forms.CharField(
        label=_("Place"),
        max_length=500,
        required=False,
        help_text=_("Street, soi, house number or landmark."),
    )
    latitude = forms.DecimalField(
        required=False, max_digits=9, decimal_places=6, widget=forms.HiddenInput
    )
    longitude = forms.DecimalField(
        required=False, max_digits=9, decimal_places=6, widget=forms.HiddenInput
    )
    name = forms.CharField(label=_("Your name"), max_length=200, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    line_id = forms.CharField(label=_("LINE ID"), max_length=100, required=False)
    wants_updates = forms.BooleanField(label=_("Tell me about progress"), required=False)
    update_channel = forms.ChoiceField(
        label=_("Tell me by"), choices=UPDATE_CHANNELS, required=False, widget=forms.RadioSelect
    )
    consent = forms.BooleanField(required=False)
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64)
    # Left empty by people; bots fill every field. Shown again always empty, so that a
    # person whose browser filled it by mistake can simply send the form again.
    website = forms.CharField(
        required=False, widget=TrapInput(attrs={"tabindex": "-1", "autocomplete": "off"})
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("idempotency_key", uuid.uuid4().hex)
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.fields["category"].use(organisation)
        if LineChannel.account_of(organisation.pk) is None:
            # No LINE account to follow the case in: not offered (see intake.line).
            updates = self.fields["update_channel"]
            updates.choices = [c for c in UPDATE_CHANNELS if c[0] != "line"]

    def clean_description(self) -> str:
        text = self.cleaned_data["description"].strip()
        if not text:
            raise forms.ValidationError(_("Describe the problem."), code="required")
        return text

    def clean_phone(self) -> str:
        return normalise_phone(self.cleaned_data.get("phone", ""))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("website"):
            self.add_error(
                None,
                _(
                    "Your browser filled in a field meant to stay empty. Check your "
                    "answers and send the form again."
                ),
            )
        lat, lon = data.get("latitude"), data.get("longitude")
        if (lat is None) != (lon is None):
            self.add_error("address", _("The map pin was incomplete; set it again."))
        elif lat is not None and not (
            LAT_RANGE[0] <= lat <= LAT_RANGE[1] and LON_RANGE[0] <= lon <= LON_RANGE[1]
        ):
            self.add_error(
                "address",
                _("The map pin is outside Thailand. Move it to the place of the problem."),
            )
        for field, message in choose_update_channel(data):
            self.add_error(field, message)
        if self.requires_consent(data) and not data.get("consent"):
            self.add_error("consent", _("Tick to agree, or leave your contact details out."))
        return data

    def requires_consent(self, data: dict[str, Any]) -> bool:
        return wants_consent(data)

    def case_fields(self) -> dict[str, Any]:
        fields = case_content(self.cleaned_data, consent_asked=self.requires_consent)
        key = self.cleaned_data["idempotency_key"]
        return {**fields, "idempotency_key": retry_key(key, fields)}


def choose_update_channel(data: dict[str, Any]) -> list[tuple[str, Any]]:
    """For a complainant who wants news: sets data["update_channel"] (the one chosen, or the
    first contact given) and returns what is missing, as (field, message) pairs."""
    if not data.get("wants_updates"):
        return []
    contacts = {"sms": data.get("phone"), "email": data.get("email"), "line": data.get("line_id")}
    channel = data.get("update_channel") or next((c for c, v in contacts.items() if v), "")
    data["update_channel"] = channel
    if not channel:
        return [("update_channel", _("Give a phone number, e-mail or LINE ID so we can tell you."))]
    if channel != "line" and not contacts.get(channel):
        field = {"sms": "phone", "email": "email", "line": "line_id"}[channel]
        message = _("Fill this in to be told by %(channel)s.") % {
            "channel": dict(UPDATE_CHANNELS)[channel]
        }
        return [(field, message)]
    return []


def case_content(d: dict[str, Any], *, consent_asked: Any) -> dict[str, Any]:
    """The case's fields from a complaint form's cleaned data (`consent_asked(d)`: whether
    the form asked for consent to keep these contacts)."""
    return {
        "category": d.get("category"),
        "description": d["description"],
        "address": d.get("address", ""),
        "latitude": d.get("latitude"),
        "longitude": d.get("longitude"),
        "complainant_name": d.get("name", ""),
        "complainant_phone": d.get("phone", ""),
        "complainant_email": d.get("email", ""),
        "complainant_line_id": d.get("line_id", ""),
        "wants_updates": bool(d.get("wants_updates")),
        "update_channel": d.get("update_channel", "") if d.get("wants_updates") else "",
        "contact_consent": bool(d.get("consent")) and consent_asked(d),
    }


def retry_key(key: str, fields: dict[str, Any]) -> str:
    """The form render's key with what it carries: a retried or double-clicked form is one
    case, but a page brought back with the browser's Back button and sent with other words
    is another complaint, not the first one's receipt again."""
    content = json.dumps(
        {k: v.pk if isinstance(v, Category) else v for k, v in fields.items()},
        default=str,
        sort_keys=True,
        ensure_ascii=False,
    )
    return hashlib.sha256(f"{key}\n{content}".encode()).hexdigest()  # 64, the column


def wants_consent(data: dict[str, Any]) -> bool:
    """The public form asks for consent once any contact detail is given."""
    return any(data.get(f) for f in CONTACT_FIELDS)


CONTACT_FIELDS = ("name", "phone", "email", "line_id")


ComplaintForm.base_fields = SharedFields(
    ComplaintForm.base_fields, own={"category", "update_channel"}
)


class CounterForm(ComplaintForm):
    """Walk-in and hotline entry by an officer: the citizen consents by talking to us."""

    channel = forms.ChoiceField(
        label=_("Channel"),
        choices=[(Channel.PHONE, Channel.PHONE.label), (Channel.WALK_IN, Channel.WALK_IN.label)],
    )
    save_anyway = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["phone"].label = _("Caller's phone")
        self.fields["name"].label = _("Caller's name")
        self.fields["wants_updates"].label = _("Caller wants updates")
        category = self.fields["category"]
        category.empty_label = _("— not sure —")
        # The queryset gave its choices to the radio widget; a new widget needs them too.
        category.widget = forms.Select(choices=category.choices)

    def requires_consent(self, data: dict[str, Any]) -> bool:
        return False  # asked aloud by the officer; see the script on the form


CounterForm.base_fields = SharedFields(
    CounterForm.base_fields,
    own={"category", "update_channel", "phone", "name", "wants_updates"},
)
