-- A curated list dates its rows by month only ("## March 2026"). The pick keeps the month's first
-- second (plus the row's place, so order survives) as picked_at, and this column says that the month is
-- all that is known: weekly digests leave such picks out, and date filters read them as the whole month.

ALTER TABLE entries ADD COLUMN picked_month TEXT;  -- "2026-03"; NULL when the pick's time is known
