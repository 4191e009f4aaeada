#pragma once

#include "shared/Result.h"

namespace Canto {

class SqlSession;

/// Brings a database to Canto's schema (Prosody's `sql_manage_tables`). Migrations are the
/// numbered resources :/canto/storage/sql/<dialect>/NNNN_name.sql, applied in order, each in a
/// transaction, and recorded in the table `canto_schema` (version, name, applied_at), which
/// Prosody ignores. A database Prosody created already has the tables of migration 1: when their
/// columns match, the migration is only recorded. Tables whose columns differ are an error, never
/// altered.
class SqlMigrator
{
public:
    static Result<void> migrate(SqlSession& session);
};

} // namespace Canto
