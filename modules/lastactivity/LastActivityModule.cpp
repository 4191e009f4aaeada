#include "modules/lastactivity/LastActivityModule.h"

#include "server/core/ClientSession.h"
#include "server/core/Host.h"
#include "server/core/ModuleApi.h"
#include "server/core/Roster.h"
#include "server/core/RosterItem.h"
#include "server/core/RosterManager.h"
#include "server/storage/KeyValueStore.h"
#include "server/xmpp/Namespaces.h"
#include "server/xmpp/Stanza.h"

#include <QDateTime>
#include <QPointer>

using namespace Qt::StringLiterals;

namespace Canto::Modules {

namespace {

const QString TimeKey = u"t"_s;
const QString StatusKey = u"s"_s;

ClientSession* clientOf(const Event& event)
{
    return event.origin && event.origin->isClient() ? static_cast<ClientSession*>(event.origin) : nullptr;
}

} // namespace

Result<void> LastActivityModule::load()
{
    auto store = module().openKeyValueStore(u"lastactivity"_s);
    if (!store) {
        return store.error();
    }
    m_store = std::move(store).value();
    auto refused = module().measure().counter(u"refused"_s);
    m_refused = refused ? std::move(refused).value() : MeasureFactory::Setter([](double) {});

    module().addFeature(Ns::Last.toString());
    // Priority 10 (as Prosody): seen before the presence module handles the broadcast.
    module().hook(
        u"pre-presence/bare"_s,
        [this](Event& event) -> QVariant {
            const XmlElement& presence = *event.stanza;
            const ClientSession* client = clientOf(event);
            if (client && !presence.hasAttribute(u"to") && presence.attribute(u"type") == u"unavailable"_s) {
                record(client->username(), presence.childText(u"status"));
            }
            return {};
        },
        10);
    // A session closed while available sent no unavailable presence of its own. Priority 10:
    // before the presence module, which broadcasts for it and clears the session's presence.
    module().hook(
        u"resource-unbind"_s,
        [this](Event& event) -> QVariant {
            const ClientSession* client = clientOf(event);
            if (client && client->isAvailable()) {
                const QString error = event.value(u"error"_s).toString();
                record(client->username(), error.isEmpty() ? QString() : u"Disconnected: "_s + error);
            }
            return {};
        },
        10);
    module().hook(u"iq-get/bare/jabber:iq:last:query"_s, [this](Event& event) { return onQuery(event); });
    return {};
}

void LastActivityModule::record(const QString& user, const QString& status)
{
    QVariantMap entry{{TimeKey, QDateTime::currentSecsSinceEpoch()}};
    if (!status.isEmpty()) {
        entry.insert(StatusKey, status);
    }
    m_store->set(user, entry).then(this, [this, user](Result<void> saved) {
        if (!saved) {
            module().log(ModuleApi::LogLevel::Error,
                         u"cannot save the last activity of %1: %2"_s.arg(user, saved.error().toString()));
        }
    });
}

QVariant LastActivityModule::onQuery(Event& event)
{
    const XmlElement& iq = *event.stanza;
    const ClientSession* client = clientOf(event);
    if (event.toSelf) {
        if (!client) {
            refuse(iq, u"auth"_s, u"forbidden"_s);
        } else {
            answer(iq, client->username()); // one's own last logout, as Prosody
        }
        return true;
    }
    const QString user = iq.attribute(u"to").section(u'@', 0, 0);
    const QString requester = iq.attribute(u"from").section(u'/', 0, 0);
    RosterManager* rosters = module().context().rosters;
    if (!rosters || requester.isEmpty()) {
        refuse(iq, u"auth"_s, u"forbidden"_s);
        return true;
    }
    // The roster callback has no context object: the guard covers an unload in between.
    const QPointer<LastActivityModule> self(this);
    rosters->withRoster(module().host(), user, [this, self, iq, user, requester](Result<Roster*> roster) {
        if (!self) {
            return;
        }
        const RosterItem* item = roster ? (*roster)->item(requester) : nullptr;
        if (!item || !item->hasFrom()) {
            refuse(iq, u"auth"_s, u"forbidden"_s);
            return;
        }
        const Host* host = module().hostObject();
        const QList<ClientSession*> sessions = host ? host->clientSessions(user) : QList<ClientSession*>();
        for (const ClientSession* session : sessions) {
            if (session->isAvailable()) {
                // XEP-0012 §4: a user with an available resource is active now.
                XmlElement reply = Stanza::reply(iq);
                reply.addChild(u"query"_s, Ns::Last.toString()).setAttribute(u"seconds"_s, u"0"_s);
                module().send(reply);
                return;
            }
        }
        answer(iq, user);
    });
    return true;
}

void LastActivityModule::answer(const XmlElement& iq, const QString& user)
{
    m_store->get(user).then(this, [this, iq, user](Result<QVariant> stored) {
        if (!stored) {
            module().log(ModuleApi::LogLevel::Error,
                         u"cannot load the last activity of %1: %2"_s.arg(user, stored.error().toString()));
            refuse(iq, u"wait"_s, u"internal-server-error"_s);
            return;
        }
        const QVariantMap entry = stored->toMap();
        qint64 seconds = 0;
        QString status;
        bool hasTime = false;
        const qint64 time = entry.value(TimeKey).toLongLong(&hasTime);
        if (hasTime) {
            seconds = qMax<qint64>(0, QDateTime::currentSecsSinceEpoch() - time);
            status = entry.value(StatusKey).toString();
        }
        XmlElement reply = Stanza::reply(iq);
        XmlElement& query = reply.addChild(u"query"_s, Ns::Last.toString());
        query.setAttribute(u"seconds"_s, QString::number(seconds));
        if (!status.isEmpty()) {
            query.addText(status);
        }
        module().send(reply);
    });
}

void LastActivityModule::refuse(const XmlElement& iq, const QString& type, const QString& condition)
{
    m_refused(1);
    module().send(Stanza::errorReply(iq, type, condition));
}

} // namespace Canto::Modules
