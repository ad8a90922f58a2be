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


def create_page(request, form, create, *, url_of, done, template, context):
    """create(cleaned_data) makes the record; url_of(record) is where it shows; done(record) the message."""
    if request.method == "POST" and form.is_valid():
        try:
            record = create_once(request, lambda: create(form.cleaned_data), url_of=url_of)
        except AlreadySaved as error:
            return already_saved(request, error)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, done(record) if callable(done) else done)
            return redirect(url_of(record))
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
