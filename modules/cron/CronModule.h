#pragma once

#include "server/core/Event.h"
#include "server/core/Module.h"
#include "server/core/ModuleApi.h"

#include <QHash>

#include <memory>

namespace Canto {
class MapStore;
class ModuleTimer;
} // namespace Canto

namespace Canto::Modules {

/// Periodic tasks (Prosody's mod_cron): runs the "task" items that modules add with
/// ModuleApi::cron/hourly/daily/weekly. A task runs at most once per period, even across
/// restarts: its last run time is kept in the host's map store "cron" (key = task id). Tasks are
/// checked `cron_initial_delay` seconds after start (default 1) and then every
/// `cron_check_delay` seconds (default 3600); the period of a task is "1 <when>" unless the
/// option `<task id with / as _>_period` says otherwise. Firing `cron/check` on the host runs a
/// check round now.
class CronModule : public Module
{
    Q_OBJECT

public:
    using Module::Module;
    Result<void> load() override;

    /// Runs every due task of this host once; `checked` reports how many ran.
    void checkTasks();

Q_SIGNALS:
    /// A check round finished; `ran` tasks were due and ran.
    void checked(int ran);

private:
    double periodOf(const CronTask& task) const;

    std::shared_ptr<MapStore> m_store;
    QHash<QString, CronTask> m_tasks;
    bool m_checking = false;
};

} // namespace Canto::Modules
