#pragma once

#include <QDateTime>
#include <QString>

namespace Canto {

class Config;
class EventBus;
class HostManager;
class MetricsRegistry;
class ServerMetrics;
class ModuleManager;
class Router;
class RosterManager;
class SessionManager;
class SharedTables;
class StorageManager;
class AccountManager;

/// References to the server's managers, handed to every constructor that needs them (no
/// globals). ServerApplication owns the managers and fills this in dependency order; tests build
/// one in-process with just the parts they need. A null member means "not available here".
struct ServerContext
{
    Config* config = nullptr;
    EventBus* globalEvents = nullptr;
    HostManager* hosts = nullptr;
    ModuleManager* modules = nullptr;
    Router* router = nullptr;
    SessionManager* sessions = nullptr;
    StorageManager* storage = nullptr;
    AccountManager* accounts = nullptr;
    RosterManager* rosters = nullptr;
    MetricsRegistry* metrics = nullptr;
    ServerMetrics* serverMetrics = nullptr;
    SharedTables* sharedTables = nullptr;

    QString configDirectory; // directory of the main config file (for relative paths)
    QString dataDirectory;   // data_path
    QString sourceDirectory; // where the server was installed
    QDateTime startedAt;
};

} // namespace Canto
