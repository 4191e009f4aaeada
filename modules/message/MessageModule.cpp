#include "modules/message/MessageModule.h"

#include "server/core/AccountManager.h"
#include "server/core/ClientSession.h"
#include "server/core/Host.h"
#include "server/core/ModuleApi.h"
#include "server/xmpp/Stanza.h"

using namespace Qt::StringLiterals;

namespace Canto::Modules {

Result<void> MessageModule::load()
{
    // Priority -1: delivery comes after every module that may inspect or change the message.
    module().hook(
        u"message/full"_s,
        [this](Event& event) -> QVariant {
            Host* host = module().hostObject();
            const QString to = event.stanza->attribute(u"to");
            const QString user = to.section(u'@', 0, 0);
            const QString resource = to.section(u'/', 1);
            // A connected resource gets messages to its full JID even before it sends presence
            // (Prosody does the same; bots often never send presence).
            if (ClientSession* session = host->clientSession(user, resource)) {
                session->send(*event.stanza);
                return true;
            }
            const QString type = event.stanza->attribute(u"type", u"normal"_s);
            if (type == u"chat"_s || type == u"normal"_s) {
                return deliverToBare(event, user);
            }
            if (type == u"groupchat"_s) {
                module().send(Stanza::errorReply(*event.stanza, u"cancel"_s, u"service-unavailable"_s));
            }
            return true; // headline and error: silently ignored
        },
        -1);
    module().hook(
        u"message/bare"_s,
        [this](Event& event) -> QVariant {
            const QString to = event.stanza->attribute(u"to");
            const QString user =
                to.isEmpty() ? static_cast<ClientSession*>(event.origin)->username() : to.section(u'@', 0, 0);
            return deliverToBare(event, user);
        },
        -1);
    return {};
}

QVariant MessageModule::deliverToBare(Event& event, const QString& user)
{
    Host* host = module().hostObject();
    const QString type = event.stanza->attribute(u"type", u"normal"_s);
    if (type == u"error"_s) {
        return true;
    }
    if (type == u"groupchat"_s) {
        module().send(Stanza::errorReply(*event.stanza, u"cancel"_s, u"service-unavailable"_s));
        return true;
    }
    QList<ClientSession*> targets;
    int best = 0;
    for (ClientSession* session : host->clientSessions(user)) {
        if (!session->isAvailable() || session->priority() < 0) {
            continue;
        }
        if (type == u"chat"_s) {
            // Chat goes to the highest-priority resources (RFC 6121 §8.5.2.1.1).
            if (targets.isEmpty() || session->priority() > best) {
                targets = {session};
                best = session->priority();
            } else if (session->priority() == best) {
                targets << session;
            }
        } else {
            targets << session;
        }
    }
    for (ClientSession* session : targets) {
        session->send(*event.stanza);
    }
    if (!targets.isEmpty()) {
        return true;
    }
    if (type == u"headline"_s) {
        return true;
    }
    // Nobody online: offline storage, but only for accounts that exist; an unknown user gets the
    // same error as an offline one without storage, so nothing leaks (RFC 6121 §8.5.2.2).
    XmlElement message = *event.stanza;
    if (message.attribute(u"to").isEmpty()) {
        message.setAttribute(u"to"_s, user + u'@' + module().host());
    }
    module().context().accounts->exists(module().host(), user).then(this, [this, message, user](Result<bool> exists) {
        XmlElement stanza = message;
        if (exists && exists.value()) {
            Event offline(module().hostObject(), &stanza);
            offline.set(u"username"_s, user);
            if (module().fireEvent(u"message/offline/handle"_s, offline).isValid()) {
                return;
            }
        }
        module().send(Stanza::errorReply(stanza, u"cancel"_s, u"service-unavailable"_s));
    });
    return true;
}

} // namespace Canto::Modules
