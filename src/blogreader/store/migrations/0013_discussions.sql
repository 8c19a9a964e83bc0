-- A post that is about a paper (it links the paper alone in its opening or closing, or over and over) is
-- linked to the paper by the paper's one address (dedupe.works), so the link holds whether the paper's
-- entry is stored before the post, after it, or not at all; the paper's entry lists the posts about it.

CREATE TABLE discussions (
    post_id  INTEGER NOT NULL REFERENCES entries (id) ON DELETE CASCADE,
    work_url TEXT NOT NULL,
    reason   TEXT NOT NULL,   -- opening, closing or repeated: which rule of dedupe.discussed held
    links    INTEGER NOT NULL, -- how many times the post links the paper
    PRIMARY KEY (post_id, work_url)
);
CREATE INDEX discussions_by_work ON discussions (work_url);
