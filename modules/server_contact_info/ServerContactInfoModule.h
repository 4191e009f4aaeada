#pragma once

#include "server/core/Module.h"

#include <QList>
#include <QPair>
#include <QStringList>

namespace Canto {
class ConfigValue;
class XmlElement;
} // namespace Canto

namespace Canto::Modules {

/// Contact Addresses for XMPP Services (XEP-0157), as Prosody's mod_server_contact_info: adds a
/// disco#info extension form (FORM_TYPE http://jabber.org/network/serverinfo) to the host.
/// Option `contact_info` is a map from address type (abuse, admin, feedback, sales, security,
/// status, support) to a list of URIs, e.g. { admin = { "xmpp:ops@example.org" } }; a single
/// string counts as a one-item list. When unset, the admin addresses are the `admins` of the
/// host and global sections as xmpp: URIs (Prosody's default). Unknown types, items that are
/// not strings and a value that is not a table are warned about (with file:line) and skipped.
class ServerContactInfoModule : public Module
{
    Q_OBJECT

public:
    using Module::Module;
    Result<void> load() override;

    /// The address types of XEP-0157 in form order, as option keys ("abuse", ...).
    static const QStringList& addressTypes();
    /// The result form for `addresses` (type → URIs); every type's field is present, as in
    /// Prosody's form.
    static XmlElement form(const QList<QPair<QString, QStringList>>& addresses);

private:
    QList<QPair<QString, QStringList>> configured(const ConfigValue& option) const;
    QList<QPair<QString, QStringList>> fromAdmins() const;
};

} // namespace Canto::Modules
