-- Prosody's mod_storage_sql schema for MySQL/MariaDB (create_table): MEDIUMTEXT values, binary
-- utf8mb4 collation, and non-unique 20-character prefix indexes (MySQL cannot index TEXT fully).
-- Identifiers are written with double quotes; SqlSession turns them into backticks.
-- Never edit a shipped migration.
CREATE TABLE IF NOT EXISTS "prosody" (
    "host" TEXT NOT NULL,
    "user" TEXT NOT NULL,
    "store" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "value" MEDIUMTEXT NOT NULL
) CHARACTER SET 'utf8mb4' COLLATE 'utf8mb4_bin';
CREATE INDEX "prosody_unique_index" ON "prosody" ("host"(20), "user"(20), "store"(20), "key"(20));

CREATE TABLE IF NOT EXISTS "prosodyarchive" (
    "sort_id" INTEGER PRIMARY KEY AUTO_INCREMENT,
    "host" TEXT NOT NULL,
    "user" TEXT NOT NULL,
    "store" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "when" INTEGER NOT NULL,
    "with" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "value" MEDIUMTEXT NOT NULL
) CHARACTER SET 'utf8mb4' COLLATE 'utf8mb4_bin';
CREATE INDEX "prosodyarchive_index" ON "prosodyarchive" ("host"(20), "user"(20), "store"(20), "key"(20));
CREATE INDEX "prosodyarchive_with_when" ON "prosodyarchive" ("host"(20), "user"(20), "store"(20), "with"(20), "when");
CREATE INDEX "prosodyarchive_when" ON "prosodyarchive" ("host"(20), "user"(20), "store"(20), "when");
CREATE INDEX "prosodyarchive_sort" ON "prosodyarchive" ("host"(20), "user"(20), "store"(20), "sort_id");
