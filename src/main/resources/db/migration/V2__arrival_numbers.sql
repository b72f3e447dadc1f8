-- Arrival ids (article.id, the SSE event ids) are handed out by the application from blocks it reserves
-- here before using them, so numbering needs no database on the fetch path and never reuses an id after
-- a crash. reserved_through is the highest id any life of the service may have handed out; the next
-- block starts above it (and above the highest stored article id). Existing databases start after their
-- highest article id.
CREATE TABLE arrival_number (
    name             VARCHAR(50) NOT NULL PRIMARY KEY,
    reserved_through BIGINT      NOT NULL
);

INSERT INTO arrival_number (name, reserved_through) SELECT 'article', COALESCE(MAX(id), 0) FROM article;
