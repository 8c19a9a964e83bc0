-- Near-duplicate candidates are found by 32 LSH bands instead of 64 (dedupe/near_duplicates.py says what that
-- trades): the 32 kept are the first 32 stored before, so the keys already stored stay comparable with new
-- ones, and the other half of the rows (a quarter of a description-only library) goes.

DELETE FROM entry_bands WHERE band >= 32;
