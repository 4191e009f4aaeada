#include "modules/cron/CronModule.h"

#include "server/storage/MapStore.h"

#include <QDateTime>
#include <QPointer>

#include <cmath>
#include <memory>

using namespace Qt::StringLiterals;

namespace Canto::Modules {

Result<void> CronModule::load()
{
    Result<std::shared_ptr<MapStore>> store = module().openMapStore(u"cron"_s);
    if (!store) {
        return store.error();
    }
    m_store = store.value();
    module().handleItems(
        u"task"_s,
        [this](const QString&, const QVariant& item) {
            const CronTask task = item.value<CronTask>();
            m_tasks.insert(task.id, task);
        },
        [this](const QString&, const QVariant& item) { m_tasks.remove(item.value<CronTask>().id); });
    module().hook(u"cron/check"_s, [this](Event&) {
        checkTasks();
        return QVariant(true);
    });
    const double initial = module().optionPeriod(u"cron_initial_delay"_s, 1).value_or(1);
    const double every = module().optionPeriod(u"cron_check_delay"_s, 3600, 1).value_or(3600);
    module().addTimer(initial, [this, every]() -> std::optional<double> {
        checkTasks();
        return every;
    });
    return {};
}

double CronModule::periodOf(const CronTask& task) const
{
    QString option = task.id;
    option.replace(u'/', u'_');
    const QString fallback = u"1 "_s + (task.when == u"hourly"_s   ? u"hour"_s
                                        : task.when == u"weekly"_s ? u"week"_s
                                                                   : u"day"_s);
    return module().optionPeriod(option + u"_period"_s, fallback, 60, u"53 weeks"_s).value_or(86400);
}

void CronModule::checkTasks()
{
    if (m_checking) {
        return;
    }
    if (m_tasks.isEmpty()) {
        Q_EMIT checked(0);
        return;
    }
    m_checking = true;
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    auto remaining = std::make_shared<int>(int(m_tasks.size()));
    auto ran = std::make_shared<int>(0);
    QPointer<CronModule> self(this);
    const auto finishOne = [self, remaining, ran] {
        if (--*remaining == 0 && self) {
            self->m_checking = false;
            Q_EMIT self->checked(*ran);
        }
    };
    for (const CronTask& task : std::as_const(m_tasks)) {
        const double period = periodOf(task);
        m_store->get(QString(), task.id).then(this, [this, task, period, now, ran, finishOne](Result<QVariant> last) {
            if (!last) {
                module().log(ModuleApi::LogLevel::Error,
                             u"Cannot read the last run of task %1: %2"_s.arg(task.id, last.error().toString()));
                finishOne();
                return;
            }
            const double lastRun = last.value().isValid() ? last.value().toDouble() : 0;
            if (lastRun + period * 0.995 > double(now)) {
                finishOne();
                return;
            }
            // Record the run first so a crash inside the task does not make it run in a loop.
            m_store->set(QString(), task.id, double(now))
                .then(this, [this, task, now, ran, finishOne](Result<void> saved) {
                    if (!saved) {
                        module().log(ModuleApi::LogLevel::Error,
                                     u"Cannot record the run of task %1: %2"_s.arg(task.id, saved.error().toString()));
                    }
                    module().log(ModuleApi::LogLevel::Debug, u"Running task "_s + task.id);
                    ++*ran;
                    if (task.run) {
                        task.run(task, now);
                    }
                    finishOne();
                });
        });
    }
}

} // namespace Canto::Modules
