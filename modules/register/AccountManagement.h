#pragma once

#include <QObject>
#include <QVariant>

namespace Canto {
class ClientSession;
class Event;
class ModuleApi;
class XmlElement;
} // namespace Canto

namespace Canto::Modules {

/// What XEP-0077 offers to a logged-in user, as Prosody 0.12's mod_user_account_management
/// (always on, whatever allow_registration says): a get tells the user they are registered; a
/// set with <username/> (the user's own) and <password/> changes the password; a set with
/// <remove/> deletes the account, answers, fires `user-deregistered` (host) and `user-deleted`
/// (global, with username and host, as Prosody's usermanager), then closes every session of the
/// account with not-authorized ("Account deleted", as Prosody's mod_c2s).
class AccountManagement : public QObject
{
    Q_OBJECT

public:
    explicit AccountManagement(ModuleApi& module, QObject* parent = nullptr);

    /// Handles an `iq/self/jabber:iq:register:query` event (or the host-addressed form).
    QVariant handle(Event& event);

private:
    void changePassword(ClientSession& session, const XmlElement& iq);
    void removeAccount(ClientSession& session, const XmlElement& iq);

    ModuleApi& m_module;
};

} // namespace Canto::Modules
