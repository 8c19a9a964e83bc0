-- Twin of ../0022_band_keys_rehashed.sql: the band keys are made again by the Python step of this version.
DELETE FROM entry_bands WHERE entry_id NOT IN (SELECT id FROM entries);
