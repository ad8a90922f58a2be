"""A new record is saved once per form, however often the form is sent. Every form page carries a
one-time token ({% form_token %}); a create view runs its action through create_once, which stores the
token with the new record's page in the same transaction. The same token again is answered with a
redirect to that page; two at the same moment meet at the token's unique index, and the loser's record
is rolled back."""

import re
import secrets
from datetime import timedelta

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import FormToken

FIELD = "form_token"
_SHAPE = re.compile(r"[A-Za-z0-9_-]{20,64}")
KEEP = timedelta(days=2)  # long enough for a page left open over a weekend's back button


def new_token() -> str:
    return secrets.token_urlsafe(24)


class AlreadySaved(Exception):
    """This form was saved before; `url` is the page of the record it made."""

    def __init__(self, url: str):
        super().__init__(url)
        self.url = url


def _token(request) -> str | None:
    token = request.POST.get(FIELD, "")
    return token if _SHAPE.fullmatch(token) else None


def create_once(request, create, *, url_of):
    """Run create() (an action that makes a record) and remember url_of(record) under the form's token.
    Raises AlreadySaved when the token was used. A form without a token (a script, an old page) is
    saved as before."""
    token = _token(request)
    if token is None:
        return create()
    done = FormToken.objects.filter(token=token).values_list("url", flat=True).first()
    if done is not None:
        raise AlreadySaved(done)
    user = request.user if request.user.is_authenticated else None
    try:
        with transaction.atomic():
            record = create()
            FormToken.objects.create(token=token, user=user, url=url_of(record))
    except IntegrityError:
        done = FormToken.objects.filter(token=token).values_list("url", flat=True).first()
        if done is None:
            raise  # not the token: the action's own conflict
        raise AlreadySaved(done) from None
    FormToken.objects.filter(created_at__lt=timezone.now() - KEEP).delete()
    return record


def already_saved(request, error: AlreadySaved):
    """The answer to a form sent again: the record the first sending made."""
    messages.info(
        request, _("この内容はすでに保存されています。同じ記録を二重に作らないよう、保存した記録を表示します。")
    )
    if request.headers.get("HX-Request") == "true":  # htmx would swap the whole page into the form
        response = HttpResponse(status=204)
        response["HX-Redirect"] = error.url
        return response
    return redirect(error.url)
