#pragma once

#include "Outcome.h"
#include "XmppSession.h"

#include <QString>

#include <memory>

namespace Canto::Interop {

class Console;
class Waiter;
struct ClientOptions;

/// What the instant-messaging scenarios share: the two accounts (--jid is alice, --peer-jid is
/// bob), logging a session in with a chosen resource and priority, and unique tokens so a run
/// never mistakes a stanza of an earlier run (the server keeps rosters, offline messages and
/// archives between scenarios) for one of its own.
class ImScenarioBase
{
public:
    ImScenarioBase(const ClientOptions& options, Console& console, Waiter& waiter);

protected:
    enum class Account { Alice, Bob };

    /// Fails unless --peer-jid and --peer-password were given (two-account scenarios).
    Outcome requirePeer() const;
    QString bareJid(Account account) const;
    /// Logs a new session in; *session is set even on failure so its state can be inspected.
    Outcome login(Account account, const QString& label, const QString& resource, int priority,
                  std::unique_ptr<XmppSession>* session);
    static QString token();
    /// "<message to='…' id='…' type='chat'><body>…</body></message>" with escaping.
    static QString chatXml(const QString& to, const QString& id, const QString& body);

    const ClientOptions& m_options;
    Console& m_console;
    Waiter& m_waiter;
};

} // namespace Canto::Interop
