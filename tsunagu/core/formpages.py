"""The two shapes every record's form page has, written once: a create page and an edit page.

create_page: the action runs once per form (formtokens.create_once: a second sending shows the first
one's record); a refusal of the domain module goes onto the form, which keeps what was typed; success
says so and goes to the record. edit_page: the same without the token (edit forms carry a version
instead: core.versions). Each returns the response; the view only builds the form and the action.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from .forms import apply_errors
from .formtokens import AlreadySaved, already_saved, create_once


def saved_once(request, create, url_of, form, done):
    """The POST half of a create page, for views that render their own page: create() runs once per form;
    the answer to send (the record's page, or the first sending's), or None when the form must be shown
    again with the domain's refusal on it."""
    try:
        record = create_once(request, create, url_of=url_of)
    except AlreadySaved as error:
        return already_saved(request, error)
    except ValidationError as error:
        apply_errors(form, error)
        return None
    messages.success(request, done(record) if callable(done) else done)
    return redirect(url_of(record))


def create_page(request, form, create, *, url_of, done, template, context):
    """create(cleaned_data) makes the record; url_of(record) is where it shows; done (or done(record)) the
    message."""
    if request.method == "POST" and form.is_valid():
        response = saved_once(request, lambda: create(form.cleaned_data), url_of, form, done)
        if response is not None:
            return response
    return render(request, template, {"form": form, **context})


def edit_page(request, form, update, *, url, done, template, context):
    """update(cleaned_data) saves the change; then the message `done` and a redirect to `url`."""
    if request.method == "POST" and form.is_valid():
        try:
            update(form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, done)
            return redirect(url)
    return render(request, template, {"form": form, **context})
