#pragma once

#include "server/core/Event.h"
#include "server/core/Module.h"
#include "server/metrics/MeasureFactory.h"
#include "server/xmpp/XmlElement.h"

#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

#include <memory>
#include <optional>

namespace Canto {
class ArchiveStore;
class ClientSession;
} // namespace Canto

namespace Canto::Modules {

/// Offline messages (Prosody's mod_offline, XEP-0160 with XEP-0203 delay stamps).
///
/// Storing: `message/offline/handle` (fired by the message module when no resource can take a
/// chat or normal message) appends the stanza, unchanged, to the user's archive store "offline"
/// exactly as Prosody 0.12 does (value type "xml", when = now), so either server can deliver
/// what the other stored. The delay stamp is added at delivery from the stored time, also as
/// Prosody does. Messages without content (only chat states, hints, thread) are dropped
/// silently; messages hinted <no-store/> or <no-permanent-store/> (XEP-0334), messages to a
/// full queue (`offline_max_messages`, default 1000) and, as in Prosody, messages to users
/// without an account are not stored, so the sender gets service-unavailable. Storage is
/// asynchronous: when a stanza is accepted before the store answered and the append then fails,
/// this module bounces it itself, so nothing is lost silently.
///
/// Delivering: `message/offline/broadcast` (a session's first available presence with
/// priority >= 0) sends the stored messages oldest first in batches, then deletes exactly the
/// delivered items by id. Deliveries are serialized per user: a second resource that comes
/// online meanwhile waits and then only gets what is still stored, so nothing is sent twice; a
/// message stored during a delivery is not deleted unseen.
class OfflineModule : public Module
{
    Q_OBJECT

public:
    using Module::Module;
    Result<void> load() override;

    static constexpr qint64 DefaultMaxMessages = 1000;
    static constexpr int DeliveryBatchSize = 500; // bounds memory and the SQL "IN (...)" list

private:
    // What is known about one user's queue while messages for them are being stored.
    struct Queue
    {
        std::optional<qint64> count; // items in the store, once counted
        int appending = 0;           // appends in flight
        bool counting = false;       // a count query is in flight
        QList<XmlElement> waiting;   // accepted while the count was unknown
    };
    // One user's delivery in progress: the session served now, then the ones that came online
    // meanwhile (by session id, looked up again when their turn comes).
    struct Delivery
    {
        QStringList waitingSessions;
    };

    QVariant handleOffline(Event& event);
    QVariant broadcast(Event& event);
    void countThenStore(const QString& user);
    void count(const QString& user);
    void store(const QString& user, const XmlElement& stanza);
    void bounce(const QString& user, const XmlElement& stanza);
    void forgetIfIdle(const QString& user);
    void deliverBatch(const QString& user, const QString& sessionId);
    void deliverNext(const QString& user);
    ClientSession* sessionById(const QString& user, const QString& sessionId) const;

    std::shared_ptr<ArchiveStore> m_store;
    qint64 m_maxMessages = DefaultMaxMessages;
    QHash<QString, Queue> m_queues;
    QHash<QString, Delivery> m_deliveries;
    MeasureFactory::Tick m_storedTick;
    MeasureFactory::Tick m_refusedTick;
    MeasureFactory::Tick m_deliveredTick;
};

} // namespace Canto::Modules
