"""`Authorization: Bearer tsu_…` for the REST API, and the scope each endpoint asks of the token."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, permissions

from tsunagu.core.http import client_ip

from .models import Scope
from .tokens import find_token, token_actor


class BearerTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Authorization ヘッダーの形が正しくありません。"))
        try:
            raw = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("トークンが正しくありません。")) from None
        ip = client_ip(request._request)
        token = find_token(raw, ip)
        if token is None:
            raise exceptions.AuthenticationFailed(
                _("トークンが正しくないか、期限切れ・失効済み、またはこのアドレスからは使えません。")
            )
        request._request.actor = token_actor(token, ip)
        return token.membership.user, token

    def authenticate_header(self, request):
        return self.keyword


class BearerScheme(OpenApiAuthenticationExtension):
    target_class = BearerTokenAuthentication
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer"}


class TokenScope(permissions.BasePermission):
    """read for GET, write for the rest; and the view's `area` (cases, statistics) when it has one."""

    message = _("このトークンの範囲では、この操作はできません。")

    def has_permission(self, request, view):
        token = request.auth
        if token is None:
            return False
        needed = Scope.READ if request.method in permissions.SAFE_METHODS else Scope.WRITE
        area = getattr(view, "area", None)
        return token.has(needed) and (area is None or token.has(area))
