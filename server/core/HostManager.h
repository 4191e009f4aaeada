#pragma once

#include "server/core/Host.h"

#include <QList>
#include <QObject>
#include <QString>

#include <map>
#include <memory>

namespace Canto {

struct ServerContext;

/// Creates, finds and destroys hosts (Prosody's hostmanager). Activating a host fires the global
/// `host-activated` event (the module manager loads the host's modules from it); deactivating
/// fires `host-deactivating` then `host-deactivated`.
class HostManager : public QObject
{
    Q_OBJECT

public:
    explicit HostManager(ServerContext& context, QObject* parent = nullptr);
    ~HostManager() override;

    Host* host(const QString& name) const;
    QList<Host*> hosts() const;
    QStringList hostNames() const;

    Host& activate(const QString& name, Host::Type type, const QString& componentModule = {});
    void deactivate(const QString& name, const QString& reason = {});

Q_SIGNALS:
    void hostActivated(const QString& name);
    void hostDeactivated(const QString& name);

private:
    ServerContext& m_context;
    std::map<QString, std::unique_ptr<Host>> m_hosts;
    QStringList m_order;
};

} // namespace Canto
