#pragma once

#include "modules/pep/CapsCache.h"
#include "modules/pep/PepProvider.h"
#include "server/core/Event.h"
#include "server/core/Module.h"

#include <QHash>
#include <QSet>
#include <QString>

#include <memory>

namespace Canto {
class XmlElement;
}

namespace Canto::Modules {

class PepIqHandler;
struct PepNode;
class PepService;
class PepServiceManager;

/// Personal Eventing Protocol (XEP-0163), Prosody's mod_pep: a pubsub service at every account's
/// bare JID (PepServiceManager/PepService, protocol in PepIqHandler), notifications filtered by
/// entity capabilities (XEP-0115): the "+notify" features of each available resource of the
/// owner and of contacts subscribed to the owner's presence, learnt from the caps in their
/// presence (a disco#info query for an unknown ver, verified and cached). A resource that starts
/// wanting a node gets its last item (send_last_published_item = on_sub_and_presence).
/// Contributes the account's pubsub/pep identity, features and nodes to disco.
class PepModule : public Module, public PepProvider
{
    Q_OBJECT

public:
    explicit PepModule(ModuleApi& api);
    ~PepModule() override;
    Result<void> load() override;
    PepServiceManager& pepServices() override { return *m_services; }

private:
    /// What one resource (of the owner or of a contact) wants: its caps ver and nodes.
    struct Interest
    {
        QString ver;
        QSet<QString> nodes;
    };

    QVariant onPresence(Event& event);
    void handleAvailable(PepService& service, const QString& recipient, const XmlElement& presence);
    void queryCaps(const QString& user, const QString& recipient, const QString& ver, const QString& queryNode,
                   const QString& hashName);
    void updateInterest(PepService& service, const QString& recipient, const QString& ver, const QSet<QString>& nodes);
    void forgetRecipient(const QString& user, const QString& recipient, bool wholeBareJid);
    void sendLastItem(PepService& service, const QString& node, const QString& recipient);

    void broadcast(PepService& service, const QString& kind, const PepNode& node, const XmlElement& payload);
    void notify(const QString& from, const QString& to, const QString& kind, const QString& node,
                const XmlElement& payload);

    QVariant onAccountDiscoInfo(Event& event);
    QVariant onAccountDiscoItems(Event& event);
    /// Disco handlers are synchronous: load the service first, then fire the query again.
    QVariant preloadForDisco(const QString& eventName, Event& event);
    static QString serviceUser(const Event& event);

    std::unique_ptr<PepServiceManager> m_services;
    std::unique_ptr<PepIqHandler> m_iq;
    std::unique_ptr<CapsCache> m_caps;
    QHash<QString, QHash<QString, Interest>> m_recipients; // user → recipient full JID → interest
    int m_recipientLimit = 10000;
    quint64 m_nextId = 0;
};

} // namespace Canto::Modules
