-- Prosody's mod_storage_sql schema (create_table): the same tables, columns, types and
-- indexes, so Prosody and Canto can share one database. Never edit a shipped migration.
CREATE TABLE IF NOT EXISTS "prosody" (
    "host" TEXT NOT NULL,
    "user" TEXT NOT NULL,
    "store" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "value" TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS "prosody_unique_index" ON "prosody" ("host", "user", "store", "key");

CREATE TABLE IF NOT EXISTS "prosodyarchive" (
    "sort_id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "host" TEXT NOT NULL,
    "user" TEXT NOT NULL,
    "store" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "when" INTEGER NOT NULL,
    "with" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "value" TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS "prosodyarchive_index" ON "prosodyarchive" ("host", "user", "store", "key");
CREATE INDEX IF NOT EXISTS "prosodyarchive_with_when" ON "prosodyarchive" ("host", "user", "store", "with", "when");
CREATE INDEX IF NOT EXISTS "prosodyarchive_when" ON "prosodyarchive" ("host", "user", "store", "when");
CREATE INDEX IF NOT EXISTS "prosodyarchive_sort" ON "prosodyarchive" ("host", "user", "store", "sort_id");
