#include "modules/register/AccountManagement.h"

#include "modules/register/SessionToken.h"
#include "server/core/AccountManager.h"
#include "server/core/ClientSession.h"
#include "server/core/EventBus.h"
#include "server/core/Host.h"
#include "server/core/ModuleApi.h"
#include "server/xmpp/Namespaces.h"
#include "server/xmpp/Stanza.h"
#include "shared/Jid.h"

using namespace Qt::StringLiterals;

namespace Canto::Modules {

AccountManagement::AccountManagement(ModuleApi& module, QObject* parent) : QObject(parent), m_module(module) {}

QVariant AccountManagement::handle(Event& event)
{
    if (!event.origin || !event.origin->isClient()) {
        return {};
    }
    auto& session = static_cast<ClientSession&>(*event.origin);
    const XmlElement& iq = *event.stanza;
    const QString type = iq.attribute(u"type");
    if (type == u"get"_s) {
        const QString ns = Ns::Register.toString();
        XmlElement reply = Stanza::reply(iq);
        XmlElement& query = reply.addChild(u"query"_s, ns);
        query.addChild(u"registered"_s);
        query.addTextChild(u"username"_s, ns, session.username());
        query.addChild(u"password"_s);
        session.send(reply);
        return true;
    }
    if (type != u"set"_s) {
        return {};
    }
    const XmlElement* query = iq.firstChild();
    if (query && query->firstChild(u"remove")) {
        removeAccount(session, iq);
    } else {
        changePassword(session, iq);
    }
    return true;
}

void AccountManagement::changePassword(ClientSession& session, const XmlElement& iq)
{
    const XmlElement* query = iq.firstChild();
    const XmlElement* usernameElement = query->firstChild(u"username");
    const XmlElement* passwordElement = query->firstChild(u"password");
    const Result<QString> username =
        usernameElement ? Jid::nodeprep(usernameElement->text()) : Result<QString>::failure(u"bad-request"_s);
    const QString password = passwordElement ? passwordElement->text() : QString();
    // Only one's own password, and never an empty one.
    if (!username || username.value() != session.username() || password.isEmpty()) {
        session.send(Stanza::errorReply(iq, u"modify"_s, u"bad-request"_s));
        return;
    }
    AccountManager* accounts = m_module.context().accounts;
    if (!accounts) {
        session.send(Stanza::errorReply(iq, u"cancel"_s, u"service-unavailable"_s));
        return;
    }
    const SessionToken token(session);
    ClientSession* target = &session;
    accounts->setPassword(m_module.host(), session.username(), password)
        .then(this, [this, token, target, iq](Result<void> changed) {
            if (!changed) {
                m_module.log(ModuleApi::LogLevel::Error, u"password change failed: "_s + changed.error().toString());
            } else {
                m_module.log(ModuleApi::LogLevel::Info, u"password changed by "_s + iq.attribute(u"from"));
            }
            if (!token.isAlive()) {
                return;
            }
            target->send(changed ? Stanza::reply(iq) : Stanza::errorReply(iq, u"wait"_s, u"internal-server-error"_s));
        });
}

void AccountManagement::removeAccount(ClientSession& session, const XmlElement& iq)
{
    AccountManager* accounts = m_module.context().accounts;
    if (!accounts) {
        session.send(Stanza::errorReply(iq, u"cancel"_s, u"service-unavailable"_s));
        return;
    }
    const QString user = session.username();
    const QString host = m_module.host();
    const SessionToken token(session);
    ClientSession* target = &session;
    accounts->remove(host, user).then(this, [this, token, target, iq, user, host](Result<void> removed) {
        if (!removed) {
            m_module.log(ModuleApi::LogLevel::Warn,
                         u"removing %1@%2 failed: %3"_s.arg(user, host, removed.error().toString()));
            if (token.isAlive()) {
                target->send(Stanza::errorReply(iq, u"cancel"_s, u"service-unavailable"_s, removed.error().text));
            }
            return;
        }
        m_module.log(ModuleApi::LogLevel::Info, u"user removed their account: %1@%2"_s.arg(user, host));
        // The answer goes out before the stream is closed.
        if (token.isAlive()) {
            target->send(Stanza::reply(iq));
        }
        Event deregistered(token.isAlive() ? target : nullptr, nullptr);
        deregistered.set(u"username"_s, user);
        deregistered.set(u"host"_s, host);
        deregistered.set(u"source"_s, u"mod_register"_s);
        m_module.fireEvent(u"user-deregistered"_s, deregistered);
        // AccountManager::remove already fired the global user-deleted and purged the storage.
        if (Host* hostObject = m_module.hostObject()) {
            for (ClientSession* open : hostObject->clientSessions(user)) {
                open->close(u"not-authorized"_s, u"Account deleted"_s);
            }
        }
    });
}

} // namespace Canto::Modules
