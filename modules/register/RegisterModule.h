#pragma once

#include "modules/register/RegistrationForm.h"
#include "modules/register/RegistrationLimits.h"
#include "server/core/Module.h"

#include <QElapsedTimer>
#include <QVariant>

#include <functional>
#include <memory>

namespace Canto {
class ClientSession;
class Event;
class KeyValueStore;
class XmlElement;
} // namespace Canto

namespace Canto::Modules {

class AccountManagement;

/// In-Band Registration (XEP-0077), as Prosody 0.12's mod_register with mod_register_ibr,
/// mod_register_limits and mod_user_account_management:
/// - with `allow_registration = true` (default false), unauthenticated clients see the
///   <register/> stream feature (only over TLS unless c2s_require_encryption = false) and may
///   get the form and create an account (`stanza/iq/jabber:iq:register:query`); the account is
///   created through AccountManager (hashing off the event loop), `account_details` gets
///   {registered = time} as in Prosody, and `user-registered` fires on the host. Modules may
///   refuse in `user-registering` (fields username, host, ip; set allowed = false and
///   error_type / error_condition / reason). Refusals: not-allowed (disabled), not-acceptable
///   (missing or invalid fields), conflict (exists), forbidden (address lists),
///   policy-violation (throttled, see RegistrationLimits);
/// - always, for logged-in users: password change and account removal (AccountManagement).
class RegisterModule : public Module
{
    Q_OBJECT

public:
    explicit RegisterModule(ModuleApi& api);
    ~RegisterModule() override;
    Result<void> load() override;

private:
    QVariant onUnauthenticated(Event& event);
    void create(ClientSession& session, const XmlElement& iq, const QString& username, const QString& password);
    void refuse(ClientSession& session, const XmlElement& iq, const QString& type, const QString& condition,
                const QString& text = {});
    static RegistrationLimits::Settings limitSettings(const ModuleApi& api);

    bool m_allowRegistration = false;
    bool m_requireEncryption = true;
    std::unique_ptr<RegistrationForm> m_form;
    std::unique_ptr<RegistrationLimits> m_limits;
    QElapsedTimer m_clock; // monotonic time for the throttle
    std::shared_ptr<KeyValueStore> m_details;
    AccountManagement* m_management = nullptr; // child of this module
    std::function<void(double)> m_refused;     // counter of refused registrations
    std::function<void(double)> m_registered;  // counter of created accounts
};

} // namespace Canto::Modules
