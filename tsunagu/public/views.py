"""The public pages: no log-in, no JavaScript, nothing a visitor answers kept unless they send a
consultation. Directory pages are rendered once per change and kept in the cache (pagecache)."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from tsunagu.core.forms import apply_errors
from tsunagu.orgs.regions import get_region, region_of, regions

from . import actions, queries
from .forms import ConsultationForm, FinderForm
from .pagecache import cached_page

PUBLIC_MAX_AGE = 60
# The whole consultation request. A 4000-character Japanese message is about 36 KB once the browser has
# percent-encoded it (9 bytes a character); anything beyond this is refused before it is looked at.
MAX_BODY_BYTES = 64 * 1024
THANKS_SALT = "tsunagu.public.thanks"
THANKS_SECONDS = 3600


def _shareable(request, response):
    """Directory pages may sit in a browser or proxy cache for a minute; logged-in staff's never do
    (SecurityHeadersMiddleware marks those no-store)."""
    if not request.user.is_authenticated:
        patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
    return response


def _private(response):
    patch_cache_control(response, private=True, no_store=True)
    return response


def _region_or_404(code: str):
    region = get_region(code)
    if region is None:
        raise Http404(_("見つかりません。"))
    return region


def _start(request, template: str, url_name: str):
    """Pick the prefecture first; a site that serves one goes straight on."""
    found = list(regions())
    if len(found) == 1:
        return redirect(url_name, region=found[0].code)
    return _shareable(request, render(request, template, {"regions": found, "url_name": url_name}))


@require_safe
def language(request, code: str):
    """Switch the public pages' language by a plain link: the pages are cached and carry no CSRF token,
    so the staff pages' POST form cannot be used. Back to the page the link was on (the Referer, which
    same-origin pages send), else the top page; the preference is a cookie, as Django's own switch
    keeps it, and the pages already vary on cookies."""
    if code not in dict(settings.LANGUAGES):
        raise Http404(_("見つかりません。"))
    back = request.headers.get("Referer", "")
    same_site = url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    if not (same_site and urlsplit(back).path.startswith(reverse("public_top"))):
        back = reverse("public_top")
    response = HttpResponseRedirect(back)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite="Lax",
    )
    return _private(response)


@require_safe
def top(request):
    return _shareable(request, render(request, "public/top.html"))


@require_safe
def windows(request):
    query = queries.normalise(request.GET.get("q", ""))
    if query:
        return _shareable(
            request,
            render(
                request,
                "public/windows.html",
                {
                    "q": query,
                    "results": queries.search(query),
                },
            ),
        )
    return _shareable(
        request,
        cached_page(
            "overview",
            "public/windows.html",
            lambda: {
                "q": "",
                "summaries": queries.overview(),
            },
        ),
    )


@require_safe
def region(request, region):
    def context():
        found = _region_or_404(region)
        return {
            "region": found,
            "directory": queries.region_directory(found),
            "events": list(queries.public_events(found)[:5]),
        }

    return _shareable(request, cached_page(f"region:{region}", "public/region.html", context))


@require_safe
def window(request, code):
    def context():
        found = queries.window_for(code)
        if found is None:
            raise Http404(_("見つかりません。"))
        region_ = region_of(found.organisation)
        return {
            "window": found,
            "org": found.organisation,
            "region_code": region_.code if region_ else "",
            "region_name": region_.name if region_ else "",
        }

    return _shareable(request, cached_page(f"window:{code}", "public/window.html", context))


@require_safe
def finder_start(request):
    return _start(request, "public/choose_region.html", "public_finder")


@require_safe
def finder(request, region):
    found = _region_or_404(region)
    return _shareable(
        request, render(request, "public/finder.html", {"region": found, "form": FinderForm(region=found)})
    )


@require_safe
def finder_result(request, region):
    """The answers arrive in the query string and leave with the page: no session, no log, no row."""
    found = _region_or_404(region)
    form = FinderForm(request.GET, region=found)
    if not form.is_valid():
        return _private(render(request, "public/finder.html", {"region": found, "form": form}))
    data = form.cleaned_data
    result = queries.finder_result(found, municipality=data["municipality"], who=data["who"], want=data["want"])
    label = lambda name: dict(form.fields[name].choices).get(data[name])  # noqa: E731
    place = data["municipality"].name if data["municipality"] else found.name
    return _private(
        render(
            request,
            "public/finder_result.html",
            {
                "region": found,
                "result": result,
                "share_url": request.build_absolute_uri(),
                "answers": [label("who"), label("age"), place, label("want")],
                "consult_query": f"?municipality={data['municipality'].code}" if data["municipality"] else "",
            },
        )
    )


@require_safe
def consult_start(request):
    return _start(request, "public/choose_region.html", "public_consult")


@require_http_methods(["GET", "POST"])
def consult(request, region):
    found = _region_or_404(region)
    if request.method == "GET":
        initial = {"municipality": request.GET.get("municipality", "")}
        return _private(
            render(
                request,
                "public/consult.html",
                {
                    "region": found,
                    "form": ConsultationForm(initial=initial, region=found),
                },
            )
        )
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = MAX_BODY_BYTES + 1
    if length > MAX_BODY_BYTES:
        return _private(
            render(
                request,
                "public/refused.html",
                {
                    "region": found,
                    "reason": _(
                        "送られた内容が大きすぎるため、受け付けできませんでした。"
                        "「相談したいこと」を4000文字までにして、もう一度送ってください。"
                    ),
                },
                status=413,
            )
        )
    form = ConsultationForm(request.POST, region=found)
    status = 200
    if form.honeypot_filled:
        form.add_error(None, _("送信できませんでした。「ホームページ」の欄は空のままにしてください。"))
        status = 400
    elif form.is_valid():
        data = form.cleaned_data
        try:
            consultation = actions.submit_consultation(
                actor=request.actor,
                region=found,
                site_url=request.build_absolute_uri("/"),
                writer=data["writer"],
                age_band=data["age_band"],
                municipality=data["municipality"],
                reply_method=data["reply_method"],
                message=data["message"],
                name=data["name"],
                email=data["email"],
                phone=data["phone"],
            )
        except actions.Refused as refused:
            form.add_error(None, str(refused))
            status = 429
        except ValidationError as error:
            apply_errors(form, error)
            status = 400
        else:
            token = signing.dumps(consultation.reference, salt=THANKS_SALT)
            return redirect("public_consult_thanks", token=token)
    return _private(render(request, "public/consult.html", {"region": found, "form": form}, status=status))


@require_safe
def consult_thanks(request, token):
    """Shows the reference number and nothing else; the signed token keeps anyone from making the page
    show a number that was never given."""
    try:
        reference = signing.loads(token, salt=THANKS_SALT, max_age=THANKS_SECONDS)
    except signing.BadSignature:
        reference = None
    return _private(render(request, "public/thanks.html", {"reference": reference}))


@require_safe
def ibasho(request):
    code = request.GET.get("region", "")
    found = get_region(code) if code else None
    return _shareable(
        request,
        render(
            request,
            "public/ibasho.html",
            {
                "region": found,
                "regions": list(regions()),
                "places": list(queries.public_ibasho(found)),
                "events": list(queries.upcoming_events(found)[:50]),
            },
        ),
    )


@require_safe
def events(request):
    """Training, lectures and other events announced to residents, with where and how to join."""
    code = request.GET.get("region", "")
    found = get_region(code) if code else None
    return _shareable(
        request,
        render(
            request,
            "public/events.html",
            {"region": found, "regions": list(regions()), "events": list(queries.public_events(found)[:100])},
        ),
    )
