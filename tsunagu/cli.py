"""The `tsunagu` command: tsunagu's own jobs (orgs, import-orgs, demo-data, …) and Django's commands
(migrate, createsuperuser, …), all reading the same environment as the web app."""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tsunagu.settings")
    if len(argv) > 1 and not argv[1].startswith("-"):
        # Our commands are spelt with hyphens on the command line (import-orgs), as Python modules with
        # underscores (import_orgs).
        argv[1] = argv[1].replace("-", "_")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(["tsunagu", *argv[1:]])
    except ImproperlyConfigured as error:
        # A missing or malformed environment variable: say which, without a traceback.
        sys.stderr.write(
            f"tsunagu: configuration error: {error}\n"
            "(For a local try-out, set DEBUG=1; see README.md, Configuration.)\n"
        )
        sys.exit(2)


if __name__ == "__main__":
    main()
