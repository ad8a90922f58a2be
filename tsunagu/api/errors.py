"""The API's answers to refusals: the domain's messages, per field, as the pages show them."""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from tsunagu.core.versions import StaleEdit

from .render import plain


def field_errors(error: ValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return {
            ("non_field_errors" if name == NON_FIELD_ERRORS else name): [str(m) for m in ValidationError(errs).messages]
            for name, errs in error.error_dict.items()
        }
    return {"non_field_errors": [str(m) for m in error.messages]}


def handle(exc, context):
    if isinstance(exc, StaleEdit):
        return Response(
            {"detail": str(exc.messages[0]), "current": {k: plain(v) for k, v in exc.current.items()}},
            status=status.HTTP_409_CONFLICT,
        )
    if isinstance(exc, ValidationError):
        return Response({"detail": _("入力に誤りがあります。"), "errors": field_errors(exc)}, status=400)
    return exception_handler(exc, context)
