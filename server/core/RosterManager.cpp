#include "server/core/RosterManager.h"

#include "server/core/ClientSession.h"
#include "server/core/Host.h"
#include "server/core/HostManager.h"
#include "server/core/ServerContext.h"
#include "server/core/SessionManager.h"
#include "server/storage/KeyValueStore.h"
#include "server/storage/StorageManager.h"
#include "server/xmpp/Namespaces.h"
#include "server/xmpp/Stanza.h"

#include <QLoggingCategory>
#include <QPointer>

using namespace Qt::StringLiterals;

namespace Canto {

Q_LOGGING_CATEGORY(lcRoster, "canto.core.roster")

namespace {

// Rosters of users without a session stay cached this many at a time (subscription requests and
// probes to offline users come in bursts).
constexpr int MaxOfflineCached = 256;

} // namespace

RosterManager::RosterManager(ServerContext& context, QObject* parent) : QObject(parent), m_context(context)
{
    if (m_context.sessions) {
        connect(m_context.sessions, &SessionManager::sessionUnbound, this,
                [this](const QString& host, const QString& fullJid) {
                    const QString user = fullJid.section(u'@', 0, 0);
                    Host* object = m_context.hosts ? m_context.hosts->host(host) : nullptr;
                    if (object && object->clientSessions(user).isEmpty()) {
                        release(host, user);
                    }
                });
    }
}

RosterManager::~RosterManager() = default;

void RosterManager::withRoster(const QString& host, const QString& user, Use use)
{
    const QString k = key(host, user);
    auto it = m_entries.find(k);
    if (it != m_entries.end() && (*it)->roster && (*it)->waiting.empty()) {
        use(it->get()->roster.get());
        return;
    }
    if (it == m_entries.end()) {
        it = m_entries.insert(k, std::make_shared<Entry>());
        it->get()->waiting.push_back(std::move(use));
        load(host, user);
        return;
    }
    (*it)->waiting.push_back(std::move(use));
}

Roster* RosterManager::cached(const QString& host, const QString& user) const
{
    const auto entry = m_entries.value(key(host, user));
    return entry ? entry->roster.get() : nullptr;
}

void RosterManager::load(const QString& host, const QString& user)
{
    const QString k = key(host, user);
    auto store = m_context.storage ? m_context.storage->openKeyValue(host, u"roster"_s)
                                   : Result<std::shared_ptr<KeyValueStore>>::failure(u"internal-server-error"_s,
                                                                                     u"no storage configured"_s);
    const auto finish = [this, k, host, user](Result<QVariant> loaded) {
        const auto entry = m_entries.value(k);
        if (!entry) {
            return; // released meanwhile
        }
        if (!loaded) {
            qCWarning(lcRoster).noquote() << "cannot load the roster of" << k << ":" << loaded.error().text;
            std::vector<Use> waiting = std::move(entry->waiting);
            m_entries.remove(k);
            for (Use& use : waiting) {
                use(Result<Roster*>::failure(u"internal-server-error"_s, u"the roster could not be loaded"_s));
            }
            return;
        }
        entry->roster = std::make_unique<Roster>(Roster::fromStored(loaded.value()));
        Host* object = m_context.hosts ? m_context.hosts->host(host) : nullptr;
        if (!object || object->clientSessions(user).isEmpty()) {
            m_offline.removeAll(k);
            m_offline.append(k);
        }
        // Callbacks may queue more work for this user; run until the queue is empty, in order.
        while (!entry->waiting.empty() && entry->roster) {
            Use use = std::move(entry->waiting.front());
            entry->waiting.erase(entry->waiting.begin());
            use(entry->roster.get());
        }
        trimOffline();
    };
    if (!store) {
        finish(Result<QVariant>(store.error()));
        return;
    }
    store.value()->get(user).then(this, finish);
}

void RosterManager::save(const QString& host, const QString& user)
{
    Roster* roster = cached(host, user);
    if (!roster || !m_context.storage) {
        return;
    }
    roster->bumpVersion();
    auto store = m_context.storage->openKeyValue(host, u"roster"_s);
    if (!store) {
        qCWarning(lcRoster).noquote() << "cannot save the roster of" << key(host, user) << ":" << store.error().text;
        return;
    }
    const QString k = key(host, user);
    store.value()->set(user, roster->toStored()).then(this, [k](Result<void> saved) {
        if (!saved) {
            qCWarning(lcRoster).noquote() << "cannot save the roster of" << k << ":" << saved.error().text;
        }
    });
}

void RosterManager::push(const QString& host, const QString& user, const QString& jid)
{
    Roster* roster = cached(host, user);
    Host* object = m_context.hosts ? m_context.hosts->host(host) : nullptr;
    if (!roster || !object) {
        return;
    }
    XmlElement item;
    if (const RosterItem* existing = roster->item(jid)) {
        item = existing->toXml();
    } else {
        RosterItem removed;
        removed.jid = jid;
        item = removed.toXml(true);
    }
    for (ClientSession* session : object->clientSessions(user)) {
        if (!session->isInterested()) {
            continue;
        }
        XmlElement iq = Stanza::iq(u"set"_s, u"push%1"_s.arg(++m_pushId), QString(), session->fullJid());
        XmlElement& query = iq.addChild(u"query"_s, Ns::Roster.toString());
        if (session->field(u"roster_versioning"_s).toBool()) {
            query.setAttribute(u"ver"_s, roster->version());
        }
        query.addChild(item);
        session->send(iq);
    }
}

void RosterManager::release(const QString& host, const QString& user)
{
    const QString k = key(host, user);
    const auto entry = m_entries.value(k);
    if (!entry || !entry->waiting.empty()) {
        return;
    }
    m_offline.removeAll(k);
    m_offline.append(k);
    trimOffline();
}

void RosterManager::forget(const QString& host, const QString& user)
{
    const QString k = key(host, user);
    const auto entry = m_entries.value(k);
    if (entry && entry->waiting.empty()) {
        m_entries.remove(k);
        m_offline.removeAll(k);
    }
}

void RosterManager::trimOffline()
{
    while (m_offline.size() > MaxOfflineCached) {
        const QString k = m_offline.takeFirst();
        const auto entry = m_entries.value(k);
        const QString user = k.section(u'@', 0, 0);
        const QString host = k.section(u'@', 1);
        Host* object = m_context.hosts ? m_context.hosts->host(host) : nullptr;
        if (entry && entry->waiting.empty() && (!object || object->clientSessions(user).isEmpty())) {
            m_entries.remove(k);
        }
    }
}

} // namespace Canto
