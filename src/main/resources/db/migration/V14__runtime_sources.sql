-- Sources added or removed at run time (issue 14). The sources file seeds the list at every start; these
-- rows change it, so an operator's additions and removals survive restarts. One row per source name:
-- removed = TRUE hides the source even if the file lists it; otherwise the row is a source of its own
-- (it replaces a file source of the same name). urls holds the source's URLs, one per line (several only
-- for a consolidated source). Numbered 14 after the issue so it cannot collide with other work's V2, V3...
CREATE TABLE source_change (
    source_name  VARCHAR(500) NOT NULL PRIMARY KEY,
    removed      BOOLEAN      NOT NULL,
    urls         VARCHAR,
    category     VARCHAR(500),
    country      VARCHAR(500),
    funding_type VARCHAR(500),
    bias_rating  VARCHAR(500),
    changed_at   BIGINT       NOT NULL
);
