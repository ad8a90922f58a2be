"""What every form page shares."""

from django.core.exceptions import ValidationError


def apply_errors(form, error: ValidationError) -> None:
    """Show a domain function's ValidationError on the fields it names (others above the form),
    keeping what the person typed."""
    named = error.message_dict.items() if hasattr(error, "error_dict") else [(None, error.messages)]
    for field, messages in named:
        form.add_error(field if field in form.fields else None, messages)
