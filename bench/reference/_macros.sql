-- Macros the section files share, created once on the connection before any file runs. fold(text) is
-- not here: it is a Python function registered with DuckDB by bench/report_national.py (NFKC, katakana →
-- hiragana, lower case, no white space), since DuckDB has no NFKC normalisation of its own.

-- The fiscal year of a date: April to the next March belongs to the year of its April.
CREATE OR REPLACE MACRO fiscal_year(d) AS year(d) - CASE WHEN month(d) < 4 THEN 1 ELSE 0 END;

-- Completed years of age on d; a 29 February birthday falls on 1 March in a common year.
CREATE OR REPLACE MACRO age_on(birth, d) AS year(d) - year(birth) - CASE
    WHEN month(birth) = 2 AND day(birth) = 29
         AND NOT (year(d) % 4 = 0 AND (year(d) % 100 <> 0 OR year(d) % 400 = 0))
        THEN CASE WHEN month(d) < 3 THEN 1 ELSE 0 END
    WHEN month(d) < month(birth) OR (month(d) = month(birth) AND day(d) < day(birth)) THEN 1
    ELSE 0
END;

-- The person's 年代 on d: from the birth date when known (a day before the birth has no age: 不明),
-- else the band the ledger gave, else 不明.
CREATE OR REPLACE MACRO band_on(birth, known, d) AS CASE
    WHEN birth IS NULL THEN coalesce(nullif(known, ''), 'unknown')
    WHEN d < birth THEN 'unknown'
    WHEN age_on(birth, d) < 20 THEN '10s'
    WHEN age_on(birth, d) >= 60 THEN '60s'
    ELSE (age_on(birth, d) // 10)::VARCHAR || '0s'
END;
