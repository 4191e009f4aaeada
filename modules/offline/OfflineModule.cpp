#include "modules/offline/OfflineModule.h"

#include "server/core/AccountManager.h"
#include "server/core/ClientSession.h"
#include "server/core/Host.h"
#include "server/core/ModuleApi.h"
#include "server/storage/ArchiveStore.h"
#include "server/xmpp/Namespaces.h"
#include "server/xmpp/Stanza.h"

#include <QDateTime>

using namespace Qt::StringLiterals;

namespace Canto::Modules {

namespace {

// Children that say something about the message but are not content worth keeping for later:
// chat states, processing hints, ids, delay stamps and the thread id. A message made only of
// these (typically a typing notification) is dropped rather than stored or bounced.
bool isTransient(const XmlElement& child)
{
    const QString& ns = child.xmlns();
    if (ns == Ns::ChatStates || ns == Ns::StanzaId || ns == Ns::Delay) {
        return true;
    }
    if (ns == Ns::Hints) {
        return child.name() != u"store"_s; // XEP-0334 <store/> asks explicitly for storage
    }
    return child.name() == u"thread"_s && (ns.isEmpty() || ns == Ns::Client);
}

bool hasContent(const XmlElement& stanza)
{
    for (const XmlNode& node : stanza.nodes()) {
        if (const auto* child = std::get_if<XmlElement>(&node); child && !isTransient(*child)) {
            return true;
        }
    }
    return false;
}

// Prosody stores stanzas without the stream's default namespace (and children in it without one
// either); the stored XML parses with empty namespaces. Give them the namespace they had on the
// wire, so modules that look for jabber:client children find them.
void adoptNamespace(XmlElement& element, const QString& inherited)
{
    if (element.xmlns().isEmpty()) {
        element.setXmlns(inherited);
    }
    for (XmlNode& node : element.nodes()) {
        if (auto* child = std::get_if<XmlElement>(&node)) {
            adoptNamespace(*child, element.xmlns());
        }
    }
}

QString delayStamp(qint64 when)
{
    // XEP-0082 DateTime in UTC with a 'Z', whole seconds (what Prosody's datetime.datetime gives).
    return QDateTime::fromSecsSinceEpoch(when, Qt::UTC).toString(Qt::ISODate);
}

MeasureFactory::Tick tickOrNothing(Result<MeasureFactory::Tick> tick)
{
    return tick ? std::move(tick).value() : MeasureFactory::Tick([] {});
}

} // namespace

Result<void> OfflineModule::load()
{
    auto store = module().openArchiveStore(u"offline"_s);
    if (!store) {
        return store.error();
    }
    m_store = std::move(store).value();
    m_maxMessages = module().optionInteger(u"offline_max_messages"_s, DefaultMaxMessages, 0).value_or(0);
    m_storedTick = tickOrNothing(module().measure().rate(u"stored"_s));
    m_refusedTick = tickOrNothing(module().measure().rate(u"refused"_s));
    m_deliveredTick = tickOrNothing(module().measure().rate(u"delivered"_s));

    module().addFeature(u"msgoffline"_s);
    // Priority -1 as Prosody: storage is the last resort, after anything that may take the
    // message another way.
    module().hook(
        u"message/offline/handle"_s, [this](Event& event) { return handleOffline(event); }, -1);
    module().hook(
        u"message/offline/broadcast"_s, [this](Event& event) { return broadcast(event); }, -1);
    return {};
}

QVariant OfflineModule::handleOffline(Event& event)
{
    const QString user = event.value(u"username"_s).toString();
    if (user.isEmpty() || !event.stanza) {
        return {};
    }
    const XmlElement& stanza = *event.stanza;
    const QString type = stanza.attribute(u"type", u"normal"_s);
    if (type != u"chat"_s && type != u"normal"_s) {
        return {}; // XEP-0160 §3: only chat and normal messages are kept
    }
    if (!hasContent(stanza)) {
        module().log(ModuleApi::LogLevel::Debug, u"Dropping a message without content for offline "_s + user);
        return true;
    }
    if (stanza.firstChild(u"no-store", Ns::Hints) || stanza.firstChild(u"no-permanent-store", Ns::Hints)) {
        m_refusedTick();
        return {};
    }
    Queue& queue = m_queues[user];
    if (queue.count) {
        if (*queue.count + queue.appending >= m_maxMessages) {
            module().log(ModuleApi::LogLevel::Debug, u"Offline queue of %1 is full"_s.arg(user));
            m_refusedTick();
            forgetIfIdle(user);
            return {}; // the message module bounces it with service-unavailable (XEP-0160 §2)
        }
        store(user, stanza);
        return true;
    }
    // The queue's size is not known yet: accept now, decide once it is counted.
    queue.waiting.append(stanza);
    countThenStore(user);
    return true;
}

void OfflineModule::countThenStore(const QString& user)
{
    Queue& queue = m_queues[user];
    if (queue.counting) {
        return;
    }
    queue.counting = true;
    AccountManager* accounts = module().context().accounts;
    if (!accounts) {
        count(user); // no account manager (a bare test context): every user counts as existing
        return;
    }
    // As Prosody's mod_message: only existing accounts get offline storage. The message module
    // cannot wait for the answer, so it is checked here; an unknown user's messages bounce with
    // the same error as a full queue's.
    accounts->exists(module().host(), user).then(this, [this, user](Result<bool> exists) {
        if (exists && exists.value()) {
            count(user);
            return;
        }
        if (!exists) {
            module().log(ModuleApi::LogLevel::Error,
                         u"Cannot check the account of %1: %2"_s.arg(user, exists.error().toString()));
        }
        Queue& unknown = m_queues[user];
        unknown.counting = false;
        for (const XmlElement& stanza : std::exchange(unknown.waiting, {})) {
            m_refusedTick();
            bounce(user, stanza);
        }
        forgetIfIdle(user);
    });
}

void OfflineModule::count(const QString& user)
{
    ArchiveQuery query;
    query.limit = 0;
    query.total = true;
    m_store->find(user, query).then(this, [this, user](Result<ArchiveResult> found) {
        Queue& counted = m_queues[user];
        counted.counting = false;
        const QList<XmlElement> waiting = std::exchange(counted.waiting, {});
        if (!found) {
            module().log(ModuleApi::LogLevel::Error,
                         u"Cannot count the offline messages of %1: %2"_s.arg(user, found.error().toString()));
            for (const XmlElement& stanza : waiting) {
                m_refusedTick();
                bounce(user, stanza);
            }
            forgetIfIdle(user);
            return;
        }
        counted.count = found->total.value_or(0);
        for (const XmlElement& stanza : waiting) {
            const Queue& current = m_queues[user];
            if (*current.count + current.appending >= m_maxMessages) {
                m_refusedTick();
                bounce(user, stanza);
            } else {
                store(user, stanza);
            }
        }
        forgetIfIdle(user);
    });
}

void OfflineModule::store(const QString& user, const XmlElement& stanza)
{
    ++m_queues[user].appending;
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    m_store->append(user, QString(), QVariant::fromValue(stanza), now, stanza.attribute(u"from"))
        .then(this, [this, user, stanza](Result<QString> appended) {
            Queue& queue = m_queues[user];
            --queue.appending;
            if (appended) {
                if (queue.count) {
                    ++*queue.count;
                }
                m_storedTick();
                module().log(ModuleApi::LogLevel::Debug, u"Stored an offline message for "_s + user);
            } else {
                // Not stored (storage error or storage_archive_item_limit): the sender must know.
                module().log(ModuleApi::LogLevel::Warn,
                             u"Cannot store an offline message for %1: %2"_s.arg(user, appended.error().toString()));
                m_refusedTick();
                bounce(user, stanza);
            }
            forgetIfIdle(user);
        });
}

void OfflineModule::bounce(const QString& user, const XmlElement& stanza)
{
    // The same error the message module sends when nobody takes a message.
    XmlElement bounced = stanza;
    if (bounced.attribute(u"to").isEmpty()) {
        bounced.setAttribute(u"to"_s, user + u'@' + module().host());
    }
    const XmlElement error = Stanza::errorReply(bounced, u"cancel"_s, u"service-unavailable"_s);
    if (!error.isNull()) {
        module().send(error);
    }
}

void OfflineModule::forgetIfIdle(const QString& user)
{
    // Only users with a non-empty queue or work in flight are remembered, so the table stays
    // small; a forgotten count is simply queried again.
    const auto it = m_queues.constFind(user);
    if (it != m_queues.cend() && it->appending == 0 && !it->counting && it->waiting.isEmpty() &&
        (!it->count || *it->count == 0)) {
        m_queues.remove(user);
    }
}

QVariant OfflineModule::broadcast(Event& event)
{
    if (!event.origin || !event.origin->isClient()) {
        return {};
    }
    auto* session = static_cast<ClientSession*>(event.origin);
    const QString user = session->username();
    module().log(ModuleApi::LogLevel::Debug,
                 u"%1 came online%2"_s.arg(session->fullJid(),
                                           m_deliveries.contains(user) ? u" while a delivery runs"_s : QString()));
    if (auto it = m_deliveries.find(user); it != m_deliveries.end()) {
        // Another resource is being served: this one waits, and then gets only what is left.
        it->waitingSessions.append(session->id());
        return true;
    }
    m_deliveries.insert(user, Delivery{});
    deliverBatch(user, session->id());
    return true;
}

void OfflineModule::deliverBatch(const QString& user, const QString& sessionId)
{
    ArchiveQuery query;
    query.limit = DeliveryBatchSize;
    m_store->find(user, query).then(this, [this, user, sessionId](Result<ArchiveResult> found) {
        if (!found) {
            // Nothing was sent and nothing deleted: the messages wait for the next login.
            module().log(ModuleApi::LogLevel::Error,
                         u"Cannot load the offline messages of %1: %2"_s.arg(user, found.error().toString()));
            m_deliveries.remove(user);
            return;
        }
        ClientSession* session = sessionById(user, sessionId);
        module().log(ModuleApi::LogLevel::Debug,
                     u"%1 offline messages of %2 for session %3%4"_s.arg(found->items.size())
                         .arg(user, sessionId, session ? QString() : u" (gone)"_s));
        if (!session || found->items.isEmpty()) {
            deliverNext(user); // gone meanwhile (nothing sent, nothing deleted), or nothing stored
            return;
        }
        QSet<QString> ids;
        for (const ArchiveItem& item : std::as_const(found->items)) {
            ids.insert(item.key);
            if (!item.value.canConvert<XmlElement>()) {
                // Not a stanza: undeliverable, removed so it cannot block the queue forever.
                module().log(ModuleApi::LogLevel::Warn,
                             u"Discarding offline item %1 of %2: not a stanza"_s.arg(item.key, user));
                continue;
            }
            XmlElement stanza = item.value.value<XmlElement>();
            adoptNamespace(stanza, Ns::Client.toString());
            XmlElement delay(u"delay"_s, Ns::Delay.toString());
            delay.setAttribute(u"from"_s, module().host());
            delay.setAttribute(u"stamp"_s, delayStamp(item.when));
            stanza.addChild(std::move(delay));
            session->send(stanza);
            m_deliveredTick();
        }
        const bool full = found->items.size() >= DeliveryBatchSize;
        ArchiveQuery sent;
        sent.ids = ids;
        m_store->deleteItems(user, sent).then(this, [this, user, sessionId, full](Result<int> deleted) {
            if (!deleted) {
                // Delivered but still stored: they come again at the next login (at least once).
                // The resources waiting now are not served, or they would get them twice.
                module().log(
                    ModuleApi::LogLevel::Error,
                    u"Cannot delete the delivered offline messages of %1: %2"_s.arg(user, deleted.error().toString()));
                m_deliveries.remove(user);
                return;
            }
            if (auto it = m_queues.find(user); it != m_queues.end() && it->count) {
                *it->count = qMax<qint64>(0, *it->count - *deleted);
                forgetIfIdle(user);
            }
            if (full) {
                deliverBatch(user, sessionId);
            } else {
                deliverNext(user);
            }
        });
    });
}

void OfflineModule::deliverNext(const QString& user)
{
    auto it = m_deliveries.find(user);
    if (it == m_deliveries.end()) {
        return;
    }
    while (!it->waitingSessions.isEmpty()) {
        const QString next = it->waitingSessions.takeFirst();
        if (sessionById(user, next)) {
            deliverBatch(user, next);
            return;
        }
    }
    m_deliveries.erase(it);
}

ClientSession* OfflineModule::sessionById(const QString& user, const QString& sessionId) const
{
    // Looked up again after each storage round trip: the session may have closed meanwhile.
    for (ClientSession* session : module().hostObject()->clientSessions(user)) {
        if (session->id() == sessionId) {
            return session->isAvailable() ? session : nullptr;
        }
    }
    return nullptr;
}

} // namespace Canto::Modules
