-- The near-duplicate band keys are made from another hash of the shingles (dedupe/near_duplicates.py,
-- SHINGLE_HASH): a key made with the old one would never meet a new post's. After this script, which drops the
-- band rows of entries that are gone (as `compact` does), the Python step of this version
-- (store/migration_steps.py) makes every stored post's keys again from its text, in the same transaction.
DELETE FROM entry_bands WHERE entry_id NOT IN (SELECT id FROM entries);
