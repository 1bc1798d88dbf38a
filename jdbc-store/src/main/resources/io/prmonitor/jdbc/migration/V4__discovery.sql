-- prmonitor schema, version 4: the pages of the last discovery of each selector (issue 14), so that a pass
-- asks for them conditionally (If-None-Match) and an unchanged organization costs only free 304s, also
-- after a restart. Runs unchanged on H2 2.x and PostgreSQL 12+; idempotent like version 1.
--
-- repositories holds one line per repository of the page: full name, archived (0/1), fork (0/1),
-- separated by a tab. Read whole per selector, in page order (the primary key). No invented length limits
-- on what a server sends (issue 13): the URLs and the entity tag are unbounded text.
CREATE TABLE IF NOT EXISTS prmonitor_discovery_pages (
  selector     VARCHAR(200)  NOT NULL,
  page         INTEGER       NOT NULL,
  url          VARCHAR       NOT NULL,
  etag         VARCHAR,
  next_url     VARCHAR,
  repositories VARCHAR       NOT NULL,
  CONSTRAINT prmonitor_discovery_pages_pk PRIMARY KEY (selector, page)
)
