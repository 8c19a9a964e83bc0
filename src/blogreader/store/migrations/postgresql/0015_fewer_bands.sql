-- Twin of ../0015_fewer_bands.sql: the bands past the 32 now kept go.

DELETE FROM entry_bands WHERE band >= 32;
