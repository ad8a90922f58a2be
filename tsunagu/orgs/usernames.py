"""What a user name may be: half-width letters, digits and . _ @ -, starting with a letter or digit.
No spaces and no colon, so no account can be named like the system actor ("system:LABEL") or like a
command ("orgs add"), and a name reads the same in every font."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

USERNAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,149}")


def username_error(name: str) -> str | None:
    if not USERNAME.fullmatch(name or ""):
        return _(
            "ログイン名は半角の英字・数字と「. _ @ -」だけで、英字か数字で始めてください（空白は使えません。150文字まで）。"
        )
    return None


def validate_username(name: str) -> None:
    problem = username_error(name)
    if problem:
        raise ValidationError(problem)
