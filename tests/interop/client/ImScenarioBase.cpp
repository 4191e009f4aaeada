#include "ImScenarioBase.h"

#include "ClientOptions.h"
#include "Console.h"
#include "StanzaXml.h"

#include <QUuid>

namespace Canto::Interop {

ImScenarioBase::ImScenarioBase(const ClientOptions& options, Console& console, Waiter& waiter)
    : m_options(options), m_console(console), m_waiter(waiter)
{}

Outcome ImScenarioBase::requirePeer() const
{
    if (m_options.peerJid.isEmpty() || m_options.peerPassword.isEmpty()) {
        return Outcome::fail(QStringLiteral("scenario %1 needs a second account: --peer-jid and --peer-password")
                                 .arg(m_options.scenario));
    }
    return Outcome::pass();
}

QString ImScenarioBase::bareJid(Account account) const
{
    return account == Account::Alice ? m_options.jid : m_options.peerJid;
}

Outcome ImScenarioBase::login(Account account, const QString& label, const QString& resource, int priority,
                              std::unique_ptr<XmppSession>* session)
{
    *session = std::make_unique<XmppSession>(m_options, label, m_console, m_waiter);
    QXmppPresence presence(QXmppPresence::Available);
    presence.setPriority(priority);
    (*session)->setInitialPresence(presence);
    const QString password = account == Account::Alice ? m_options.password : m_options.peerPassword;
    if (Outcome step = (*session)->login(bareJid(account), password, resource); !step) {
        return step;
    }
    // The initial presence is sent right after bind; once a ping is answered the server has
    // processed it, so this resource is available (with its priority) for what follows.
    return (*session)->sync();
}

QString ImScenarioBase::token()
{
    return QUuid::createUuid().toString(QUuid::WithoutBraces).left(8);
}

QString ImScenarioBase::chatXml(const QString& to, const QString& id, const QString& body)
{
    return QStringLiteral("<message to='%1' id='%2' type='chat'><body>%3</body></message>")
        .arg(StanzaXml::escape(to), StanzaXml::escape(id), StanzaXml::escape(body));
}

} // namespace Canto::Interop
