"""One ledger import per organisation at a time.

Two imports of the same file at once on PostgreSQL both checked an empty organisation, both inserted its
cases, and the second died on the unique case number (an IntegrityError traceback). Each import now
holds a PostgreSQL advisory lock on its organisation from its first read of the database to its commit:
a second import waits (and says so), then checks against what the first one wrote and finds nothing to
change. The lock is the session-level kind, so that checking, which can take a while, does not need an
open transaction; it ends with the connection if the process dies. SQLite serialises writers by itself
(`BEGIN IMMEDIATE` with a busy timeout, settings.py).
"""

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.db import connection
from django.utils.translation import gettext as _

from .sheets import LedgerFileError

# pg_advisory_lock(IMPORT_LOCK, organisation id): the two-key form, whose keys never meet the one-key
# locks of the statistics rollups (stats/rollups.py).
IMPORT_LOCK = 0x6C656467  # "ledg"
WAIT_SECONDS = 15 * 60
POLL_SECONDS = 0.5


def _try(cursor, organisation_id: int) -> bool:
    cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [IMPORT_LOCK, organisation_id % 2**31])
    return cursor.fetchone()[0]


@contextmanager
def one_import_at_a_time(organisation_id: int, waiting: Callable[[], None] | None = None) -> Iterator[None]:
    """Hold the organisation's import lock for the block; `waiting` is called once if another import
    holds it. Raises LedgerFileError when it is not free within WAIT_SECONDS."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        if not _try(cursor, organisation_id):
            if waiting:
                waiting()
            deadline = time.monotonic() + WAIT_SECONDS
            while not _try(cursor, organisation_id):
                if time.monotonic() > deadline:
                    raise LedgerFileError(
                        _(
                            "この組織のほかの取込が終わらないため、取り込みませんでした（%(minutes)d分待ちました）。"
                            "終わってからもう一度取り込んでください。"
                        )
                        % {"minutes": WAIT_SECONDS // 60}
                    )
                time.sleep(POLL_SECONDS)
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [IMPORT_LOCK, organisation_id % 2**31])
