"""The statistics locks: the one lock order every writer of counted records follows (PostgreSQL only).

The rollup tables (stats/models.py) hold one row per organisation and key; the triggers that keep them
upsert those rows, which PostgreSQL locks until the transaction ends. A writer that locked a case row
before the rollup rows, beside one that went the other way, deadlocked (update_case against log_contact,
the ledger import and 居場所 attendance against either). So every action that writes records the
statistics count calls `lock_statistics` first, before it locks or writes any row:

1. `pg_advisory_xact_lock_shared(STATISTICS)`: held by every writer at once; a full rebuild of the
   rollups takes it exclusively to see no delta in flight.
2. `pg_advisory_xact_lock(ORGANISATION, id)` for each organisation whose records it writes, in id
   order: writers of one organisation queue from their first write to their commit and never deadlock.

Writers of different organisations share no lock and no rollup row, so a long transaction (a large
ledger import) holds back only its own organisation's saves. The triggers take the same locks (a
no-op when the action already holds them) for the writers that are not actions: bulk loaders, cascades.
SQLite serialises writers by itself; there this does nothing.
"""

from django.db import connection

# The two-key advisory lock space of the statistics: (ORGANISATION, organisation id). Two-key locks
# never meet the one-key STATISTICS lock; the ledger's import lock uses its own first key.
STATISTICS = 0x7473756E  # "tsun"
ORGANISATION = 0x73746174  # "stat"
# One folder of the national sums at a time (stats/rollups.py fold); writers never take it.
FOLD = 0x666F6C64  # "fold"


def lock_statistics(*organisation_ids: int) -> None:
    """Take the statistics locks for writing the records of these organisations, in the one order.
    Call inside the action's transaction, before its first row lock or write."""
    if connection.vendor != "postgresql":
        return
    ids = sorted({int(pk) % 2**31 for pk in organisation_ids if pk is not None})
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock_shared(%s)", [STATISTICS])
        for pk in ids:  # usually one
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [ORGANISATION, pk])
