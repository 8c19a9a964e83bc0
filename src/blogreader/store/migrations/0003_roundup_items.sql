-- A roundup's items: a recommended link can appear in several roundups, with its rank in each.

CREATE TABLE entry_parents (
    entry_id  INTEGER NOT NULL REFERENCES entries (id) ON DELETE CASCADE,
    parent_id INTEGER NOT NULL REFERENCES entries (id) ON DELETE CASCADE,
    rank      INTEGER,
    position  INTEGER NOT NULL,
    PRIMARY KEY (entry_id, parent_id)
);
CREATE INDEX entry_parents_by_parent ON entry_parents (parent_id, position);
