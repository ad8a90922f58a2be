"""The nation's sums of the additive rollups, and the fold that keeps them.

The additive rollups (a feed with `national` in rollups.py: contacts, new cases, referrals) are also kept
summed over the nation, in `{rollup}_nation` (no organisation column). The triggers reach them only
through `{rollup}_delta`: every counted change also INSERTs its signed count there (PostgreSQL: one
row per key and statement; SQLite: one per record), with no unique key and no upsert, so writers of
different organisations still share no row and wait for nobody. `fold` moves the deltas into the
national sums in one transaction (PostgreSQL: one statement, DELETE … RETURNING feeding the upsert, so
exactly what it deletes is added; a delta of a writer still in flight is not seen and waits for the next
fold), then drops keys that reached 0. One folder at a time: it takes pg_try_advisory_xact_lock(FOLD)
and skips when another holds it; it waits for no writer and no writer waits for it
(tests/stats/test_rollup_locks.py). The nation's report sums the national rows and the unfolded deltas
in one statement, one snapshot, so it is exact however much has been folded
(tests/stats/test_national_sums.py). Folds happen at the end of a rebuild (which recomputes the sums and
empties the deltas), at the end of `tsunagu synth`, by `tsunagu rollups --fold`, and when the nation's
report finds more than FOLD_ABOVE delta rows (a short transaction of its own that on SQLite gives up
rather than wait for a writer's lock).

Measured on the synthetic nation (SQLite, var/bench-national.sqlite3: 1,000,000 contacts in 1,856
organisations; bench/report_parts.py, medians of 15, before and after interleaved on a 2-core machine at
load 3.5): the nation's contacts section for FY2024 67–122 ms → 5–10 ms (it summed the year's 66,506
organisation rows, it now reads its 2,748 national rows), the report's three rollup-fed sections
(contacts, referrals, connected) 80–146 → 23–29 ms for the year, 49–84 → 16–26 ms for the first half,
298–334 → 195–209 ms for 5/17–1/9 (whose partial months and distinct counts come from the records). A
rebuild of that file takes 8.1 s. Reading 1,902 unfolded deltas cost the nation's contact rows nothing
measurable, 18,854 about 23 ms, 188,992 about 300 ms (folding them: 14, 53 and 251 ms), hence
FOLD_ABOVE. On PostgreSQL 15 (the same nation built by `scripts/with-postgres bash -c '…report_national.py
&& …report_parts.py'`, whose synth, folding at its end, took 204 s): the contacts section 41–43 →
13–16 ms for the year, the three sections 50–54 → 20–33 ms for the year; the first half and 5/17–1/9
stay where they were (46–53 → 36 ms and 204–221 → 197–221 ms), their time being the distinct counts.
Every figure equals bench/reference's on both engines.

Only the nation has sums: a prefecture sums its few organisations' rows through the closure in 1.5 ms,
and prefecture sums would need a delta per level and a fold per prefecture for no visible gain. Reading
the organisations' rows without the closure, since the nation's subtree is every row, was slower on
SQLite, not faster (the tables' one index leads with the organisation, so the month range became a
scan: the year's contact rows 46 → 84 ms, 実人数 of a half year 4.9 → 28.6 ms); the distinct-person
tables are read through the closure for the nation too.
"""

from django.db import OperationalError, connection, transaction

from tsunagu.orgs.locks import FOLD

from .rollups import national_feeds


def unfolded() -> int:
    """How many delta rows wait for the fold (all national tables)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + " + ".join(f"(SELECT count(*) FROM {feed.delta})" for feed in national_feeds()))
        return cursor.fetchone()[0]


def fold() -> bool:
    """Move the delta rows into the national sums (one transaction); False when another fold holds the
    fold lock (PostgreSQL), which then does the work. Writers are never waited for: the fold deletes
    only committed delta rows, which no writer locks, and a writer's delta rows that commit meanwhile
    wait for the next fold. A reader sums the national rows and the deltas in one statement, so it sees
    the fold wholly or not at all."""
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [FOLD])
            if not cursor.fetchone()[0]:
                return False
        for feed in national_feeds():
            columns = feed.nation_columns()
            if connection.vendor == "postgresql":
                # One statement: exactly the deltas it deletes are added.
                cursor.execute(
                    f"WITH taken AS (DELETE FROM {feed.delta} RETURNING {columns}, n) "
                    f"INSERT INTO {feed.nation} AS t ({columns}, n) SELECT {columns}, sum(n) FROM taken "
                    f"GROUP BY {columns} ON CONFLICT ({columns}) DO UPDATE SET n = t.n + excluded.n"
                )
            else:  # SQLite: this transaction holds the one write lock, so nothing is inserted meanwhile.
                cursor.execute(
                    f"INSERT INTO {feed.nation} ({columns}, n) SELECT {columns}, sum(n) FROM {feed.delta} "
                    f"WHERE 1 = 1 GROUP BY {columns} ON CONFLICT ({columns}) DO UPDATE SET n = n + excluded.n"
                )
                cursor.execute(f"DELETE FROM {feed.delta}")
            cursor.execute(f"DELETE FROM {feed.nation} WHERE n = 0")
    return True


FOLD_ABOVE = 2_000  # delta rows a national report reads before it folds them (bench figures in the docstring)


def fold_if_due() -> bool:
    """Fold when the deltas have grown past FOLD_ABOVE (the national report calls this first), without
    waiting: on SQLite a fold that would wait for a writer's lock is skipped, as on PostgreSQL one that
    finds another folder."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT "
            + " + ".join(
                f"(SELECT count(*) FROM (SELECT 1 FROM {feed.delta} LIMIT {FOLD_ABOVE + 1}) d{i})"
                for i, feed in enumerate(national_feeds())
            )
        )
        if cursor.fetchone()[0] <= FOLD_ABOVE:
            return False
    if connection.vendor == "postgresql":
        return fold()
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        (timeout,) = cursor.fetchone()
        cursor.execute("PRAGMA busy_timeout = 0")
    try:
        return fold()
    except OperationalError:  # database is locked: a writer is in; the next report folds
        return False
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA busy_timeout = {int(timeout)}")
