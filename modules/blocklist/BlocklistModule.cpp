#include "modules/blocklist/BlocklistModule.h"

#include "modules/blocklist/Blocklist.h"
#include "modules/blocklist/BlocklistCache.h"
#include "server/core/ClientSession.h"
#include "server/core/EventBus.h"
#include "server/core/Host.h"
#include "server/core/HostManager.h"
#include "server/core/ModuleApi.h"
#include "server/core/RosterManager.h"
#include "server/core/Router.h"
#include "server/storage/KeyValueStore.h"
#include "server/xmpp/Namespaces.h"
#include "server/xmpp/Stanza.h"
#include "shared/Jid.h"

#include <QDateTime>

using namespace Qt::StringLiterals;

namespace Canto::Modules {

namespace {

const QString StoreName = u"blocklist"_s;
const QString BlockingErrors = u"urn:xmpp:blocking:errors"_s;
const QString PushId = u"blocklist-push"_s;
// Set on a session that asked for its block list: it gets pushes (as Prosody's
// session.interested_blocklist), besides the sessions interested in their roster.
const QString InterestedField = u"blocklist.interested"_s;
constexpr qint64 DefaultCacheSize = 64; // Prosody's blocklist_cache_size

QString bareOf(const QString& jid)
{
    return jid.section(u'/', 0, 0);
}

} // namespace

BlocklistModule::BlocklistModule(ModuleApi& api) : Module(api) {}

BlocklistModule::~BlocklistModule() = default;

Result<void> BlocklistModule::load()
{
    auto store = module().openKeyValueStore(StoreName);
    if (!store) {
        return store.error();
    }
    m_store = std::move(store).value();
    const qint64 cacheSize =
        module().optionInteger(u"blocklist_cache_size"_s, DefaultCacheSize, 1).value_or(DefaultCacheSize);
    m_cache = new BlocklistCache(m_store, int(std::min<qint64>(cacheSize, 1 << 20)), this);

    const auto counter = [this](const QString& name) {
        auto setter = module().measure().counter(name);
        return setter ? std::move(setter).value() : MeasureFactory::Setter([](double) {});
    };
    m_refusedIncoming = counter(u"refused_incoming"_s);
    m_refusedOutgoing = counter(u"refused_outgoing"_s);
    module().addFeature(Ns::Blocking.toString());

    // Priority -1 as Prosody: the payload handlers of other modules are not expected here, and
    // the default of the iq dispatch answers anything left over.
    module().hook(
        u"iq-get/self/urn:xmpp:blocking:blocklist"_s, [this](Event& e) { return onGet(e); }, -1);
    module().hook(
        u"iq-set/self/urn:xmpp:blocking:block"_s, [this](Event& e) { return onEdit(e); }, -1);
    module().hook(
        u"iq-set/self/urn:xmpp:blocking:unblock"_s, [this](Event& e) { return onEdit(e); }, -1);
    module().hook(u"iq-error/self/"_s + PushId, [this](Event& e) -> QVariant {
        module().log(ModuleApi::LogLevel::Warn,
                     u"a client answered a block list push with an error: %1"_s.arg(e.stanza->toXml(Ns::Client)));
        return true;
    });

    // Enforcement. Priority 100 (Prosody's): before delivery (-1), archiving (0) and the
    // general processing modules (1..99), after the pre-processing filters (1000+).
    for (const QString& kind : {u"message"_s, u"presence"_s, u"iq"_s}) {
        for (const QString& dest : {u"bare"_s, u"full"_s}) {
            module().hook(
                kind + u'/' + dest, [this](Event& e) { return onIncoming(e); }, 100);
        }
    }
    for (const QString& dest : {u"bare"_s, u"full"_s, u"host"_s}) {
        module().hook(
            u"pre-message/"_s + dest, [this](Event& e) { return onOutgoing(e); }, 100);
        module().hook(
            u"pre-iq/"_s + dest, [this](Event& e) { return onOutgoing(e); }, 100);
    }
    module().hook(
        u"pre-presence/full"_s, [this](Event& e) { return onOutgoing(e); }, 100);
    // -1 (Prosody's): the presence module (priority 0) takes subscription stanzas first, so a
    // user can still cancel or refuse subscriptions of a blocked contact; directed and
    // broadcast presence fall through to here.
    module().hook(
        u"pre-presence/bare"_s, [this](Event& e) { return onOutgoing(e); }, -1);
    module().hook(
        u"pre-presence/host"_s, [this](Event& e) { return onOutgoing(e); }, -1);

    // Keep the lists of online users loaded, so routing for them never waits for storage.
    module().hook(u"resource-bind"_s, [this](Event& event) -> QVariant {
        m_cache->setOnline(static_cast<ClientSession*>(event.origin)->username(), true);
        return {};
    });
    module().hook(u"resource-unbind"_s, [this](Event& event) -> QVariant {
        const auto* session = static_cast<ClientSession*>(event.origin);
        const Host* host = module().hostObject();
        // The unbinding session is still registered while this event runs.
        if (host && host->clientSessions(session->username()).size() <= 1) {
            m_cache->setOnline(session->username(), false);
        }
        return {};
    });
    module().hookGlobal(u"user-deleted"_s, [this](Event& event) -> QVariant {
        if (event.value(u"host"_s).toString() == module().host()) {
            const QString user = event.value(u"username"_s).toString();
            m_cache->forget(user);
            (void)m_store->set(user, QVariant()); // Prosody purges every store of a deleted user
        }
        return {};
    });
    return {};
}

QVariant BlocklistModule::onGet(Event& event)
{
    if (!event.origin || !event.origin->isClient()) {
        return {};
    }
    auto* session = static_cast<ClientSession*>(event.origin);
    const QString user = session->username();
    const QString resource = session->resource();
    const XmlElement iq = *event.stanza;
    session->setField(InterestedField, true);
    m_cache->withBlocklist(user, [this, user, resource, session, iq](Result<Blocklist*> list) {
        ClientSession* live = liveSession(user, resource, session);
        if (!live) {
            return;
        }
        if (!list) {
            live->send(Stanza::errorReply(iq, u"wait"_s, u"internal-server-error"_s, list.error().text));
            return;
        }
        XmlElement reply = Stanza::reply(iq);
        XmlElement& blocklist = reply.addChild(u"blocklist"_s, Ns::Blocking.toString());
        for (const QString& jid : list.value()->jids()) {
            blocklist.addChild(u"item"_s).setAttribute(u"jid"_s, jid);
        }
        live->send(reply);
    });
    return true;
}

QVariant BlocklistModule::onEdit(Event& event)
{
    if (!event.origin || !event.origin->isClient()) {
        return {};
    }
    auto* session = static_cast<ClientSession*>(event.origin);
    const XmlElement& iq = *event.stanza;
    const XmlElement* action = iq.firstChild();
    const bool blocking = action->name() == u"block"_s;
    QStringList jids;
    for (const XmlElement* item : action->children(u"item")) {
        const Result<Jid> jid = Jid::parse(item->attribute(u"jid"));
        if (!jid || jid->isNull()) {
            session->send(Stanza::errorReply(iq, u"modify"_s, u"jid-malformed"_s));
            return true;
        }
        if (!jids.contains(jid->full())) {
            jids << jid->full();
        }
    }
    if (blocking && jids.isEmpty()) {
        // XEP-0191 §3.3: a <block/> without any <item/> is a bad request.
        session->send(Stanza::errorReply(iq, u"modify"_s, u"bad-request"_s));
        return true;
    }
    const QString user = session->username();
    const QString resource = session->resource();
    m_cache->withBlocklist(user, [this, session, user, resource, iq, jids](Result<Blocklist*> list) {
        if (!list) {
            if (ClientSession* live = liveSession(user, resource, session)) {
                live->send(Stanza::errorReply(iq, u"wait"_s, u"internal-server-error"_s, list.error().text));
            }
            return;
        }
        edit(session, user, resource, iq, jids, *list.value());
    });
    return true;
}

void BlocklistModule::edit(ClientSession* session, const QString& user, const QString& resource, const XmlElement& iq,
                           const QStringList& jids, Blocklist& list)
{
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    const bool blocking = iq.firstChild()->name() == u"block"_s;
    QStringList changed; // newly blocked, or really unblocked
    if (blocking) {
        for (const QString& jid : jids) {
            if (!list.contains(jid)) {
                changed << jid;
                list.block(jid, now);
            }
        }
    } else if (jids.isEmpty()) {
        changed = list.jids(); // XEP-0191 §3.5: unblock all
        list.clear();
    } else {
        for (const QString& jid : jids) {
            if (list.unblock(jid)) {
                changed << jid;
            }
        }
    }
    list.touch(now);

    // The push echoes the request with the prepared JIDs.
    XmlElement action(iq.firstChild()->name(), Ns::Blocking.toString());
    for (const QString& jid : jids) {
        action.addChild(u"item"_s).setAttribute(u"jid"_s, jid);
    }
    // The cache already holds the new list (so a second request builds on it); the reply waits
    // for storage. A failed save drops the cached list, so the next use reloads what is stored.
    m_cache->save(user).then(this, [this, session, user, resource, iq, action, blocking, changed](Result<void> saved) {
        ClientSession* live = liveSession(user, resource, session);
        if (!saved) {
            module().log(ModuleApi::LogLevel::Error,
                         u"cannot save the block list of %1: %2"_s.arg(user, saved.error().toString()));
            m_cache->forget(user);
            if (live) {
                live->send(Stanza::errorReply(iq, u"wait"_s, u"internal-server-error"_s, saved.error().text));
            }
            return;
        }
        if (live) {
            live->send(Stanza::reply(iq));
        }
        afterEdit(user, action, blocking, changed);
    });
}

void BlocklistModule::afterEdit(const QString& user, const XmlElement& action, bool blocking,
                                const QStringList& changed)
{
    Host* host = module().hostObject();
    if (!host) {
        return;
    }
    for (ClientSession* session : host->clientSessions(user)) {
        if (session->isInterested() || session->field(InterestedField).toBool()) {
            session->send(Stanza::iq(u"set"_s, PushId, {}, session->fullJid(), action));
        }
    }
    RosterManager* rosters = module().context().rosters;
    if (changed.isEmpty() || !rosters) {
        return;
    }
    rosters->withRoster(module().host(), user, [this, user, blocking, changed](Result<Roster*> roster) {
        if (!roster) {
            module().log(ModuleApi::LogLevel::Warn,
                         u"presence of %1 not updated after (un)blocking: %2"_s.arg(user, roster.error().toString()));
            return;
        }
        Host* userHost = module().hostObject();
        const QString bare = user + u'@' + module().host();
        bool pendingChanged = false;
        for (const QString& jid : changed) {
            const RosterItem* item = roster.value()->item(jid);
            if (blocking) {
                if (item && item->hasFrom()) {
                    // XEP-0191 §3.3: the contact must see the user go offline.
                    for (ClientSession* session : userHost ? userHost->clientSessions(user) : QList<ClientSession*>()) {
                        if (session->isAvailable()) {
                            module().send(Stanza::presence(session->fullJid(), jid, u"unavailable"_s));
                        }
                    }
                } else if (roster.value()->isPendingIn(jid)) {
                    // Blocked contacts cannot get an answer any more: drop their pending request.
                    roster.value()->setPendingIn(jid, false);
                    pendingChanged = true;
                }
            } else if (item && item->hasFrom()) {
                // XEP-0191 §3.4: the contact gets the user's current presence again, through a
                // probe on the contact's behalf (answered by the presence module).
                module().send(Stanza::presence(jid, bare, u"probe"_s));
            }
        }
        if (pendingChanged) {
            module().context().rosters->save(module().host(), user);
        }
    });
}

ClientSession* BlocklistModule::liveSession(const QString& user, const QString& resource,
                                            const ClientSession* session) const
{
    Host* host = module().hostObject();
    ClientSession* live = host ? host->clientSession(user, resource) : nullptr;
    return live == session ? live : nullptr;
}

bool BlocklistModule::dropsIncoming(const XmlElement& stanza) const
{
    const QString type = stanza.attribute(u"type");
    if (stanza.name() == u"presence"_s) {
        return true; // XEP-0191 §3.3: presence never answered
    }
    if (stanza.name() == u"iq"_s) {
        return type != u"get"_s && type != u"set"_s;
    }
    if (type.isEmpty() || type == u"normal"_s || type == u"chat"_s) {
        // COMPAT: Prosody (issue #690) drops instead of bouncing messages to an online full JID.
        const QString to = stanza.attribute(u"to");
        const Host* host = module().hostObject();
        return to.contains(u'/') && host && host->clientSession(to.section(u'@', 0, 0), to.section(u'/', 1));
    }
    return true; // headlines, groupchat, errors
}

QVariant BlocklistModule::onIncoming(Event& event)
{
    if (event.toSelf) {
        return {};
    }
    const XmlElement& stanza = *event.stanza;
    const QString to = stanza.attribute(u"to");
    const QString from = stanza.attribute(u"from");
    const QString user = to.section(u'@', 0, 0);
    if (user.isEmpty() || from.isEmpty() || bareOf(from) == bareOf(to)) {
        return {}; // nothing to check, or the user's own resources
    }
    if (Blocklist* list = m_cache->cached(user)) {
        if (!list->blocks(from)) {
            return {};
        }
        m_refusedIncoming(1);
        if (!dropsIncoming(stanza)) {
            event.origin->send(Stanza::errorReply(stanza, u"cancel"_s, u"service-unavailable"_s));
        }
        return true;
    }
    // Not loaded (the user is offline): hold the stanza, load the list, route it again.
    const QString fromDomain = bareOf(from).section(u'@', -1);
    m_cache->withBlocklist(user, [this, held = stanza, fromDomain](Result<Blocklist*>) {
        HostManager* hosts = module().context().hosts;
        Host* origin = hosts ? hosts->host(fromDomain) : nullptr;
        if (!origin) {
            origin = module().hostObject();
        }
        if (origin && module().context().router) {
            module().context().router->post(*origin, held, false);
        }
    });
    return true;
}

QVariant BlocklistModule::onOutgoing(Event& event)
{
    if (!event.origin || !event.origin->isClient() || event.toSelf) {
        return {};
    }
    auto* session = static_cast<ClientSession*>(event.origin);
    const XmlElement& stanza = *event.stanza;
    const QString to = stanza.attribute(u"to");
    if (to.isEmpty() || bareOf(to) == session->bareJid()) {
        return {};
    }
    if (Blocklist* list = m_cache->cached(session->username())) {
        if (!list->blocks(to)) {
            return {};
        }
        m_refusedOutgoing(1);
        const QString type = stanza.attribute(u"type");
        if (type == u"error"_s || (stanza.name() == u"iq"_s && type == u"result"_s)) {
            return true;
        }
        StanzaError error;
        error.type = u"cancel"_s;
        error.condition = u"not-acceptable"_s;
        error.text = u"You have blocked this JID"_s;
        error.applicationCondition = XmlElement(u"blocked"_s, BlockingErrors);
        session->send(Stanza::errorReply(stanza, error));
        return true;
    }
    // Not loaded yet (the session has just bound): hold it, and send it again once loaded.
    const QString user = session->username();
    const QString resource = session->resource();
    m_cache->withBlocklist(user, [this, held = stanza, user, resource, session](Result<Blocklist*>) {
        if (ClientSession* live = liveSession(user, resource, session); live && module().context().router) {
            module().context().router->post(*live, held, true);
        }
    });
    return true;
}

} // namespace Canto::Modules
