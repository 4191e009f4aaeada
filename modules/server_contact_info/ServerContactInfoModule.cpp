#include "modules/server_contact_info/ServerContactInfoModule.h"

#include "server/config/ConfigValue.h"
#include "server/core/ModuleApi.h"
#include "server/xmpp/Namespaces.h"
#include "server/xmpp/XmlElement.h"
#include "shared/Jid.h"

#include <algorithm>

using namespace Qt::StringLiterals;

namespace Canto::Modules {

namespace {

// XEP-0157 / XEP-0068 registered FORM_TYPE.
const QString ServerInfoFormType = u"http://jabber.org/network/serverinfo"_s;

QString where(const ConfigValue& value)
{
    return value.location().isValid() ? u" ("_s + value.location().toString() + u')' : QString();
}

} // namespace

const QStringList& ServerContactInfoModule::addressTypes()
{
    static const QStringList types{u"abuse"_s,    u"admin"_s,  u"feedback"_s, u"sales"_s,
                                   u"security"_s, u"status"_s, u"support"_s};
    return types;
}

XmlElement ServerContactInfoModule::form(const QList<QPair<QString, QStringList>>& addresses)
{
    XmlElement x(u"x"_s, Ns::DataForms.toString());
    x.setAttribute(u"type"_s, u"result"_s);
    XmlElement& formType = x.addChild(u"field"_s);
    formType.setAttribute(u"var"_s, u"FORM_TYPE"_s).setAttribute(u"type"_s, u"hidden"_s);
    formType.addTextChild(u"value"_s, Ns::DataForms.toString(), ServerInfoFormType);
    for (const QString& type : addressTypes()) {
        XmlElement& field = x.addChild(u"field"_s);
        field.setAttribute(u"var"_s, type + u"-addresses"_s).setAttribute(u"type"_s, u"list-multi"_s);
        for (const auto& entry : addresses) {
            if (entry.first == type) {
                for (const QString& uri : entry.second) {
                    field.addTextChild(u"value"_s, Ns::DataForms.toString(), uri);
                }
            }
        }
    }
    return x;
}

Result<void> ServerContactInfoModule::load()
{
    const ConfigValue option = module().option(u"contact_info"_s);
    QList<QPair<QString, QStringList>> addresses;
    if (option.isNil()) {
        addresses = fromAdmins();
    } else if (!option.isTable()) {
        module().logStatus(ModuleApi::LogLevel::Warn,
                           u"contact_info must be a table of address lists, not a %1%2; using the admins"_s.arg(
                               option.typeName(), where(option)));
        addresses = fromAdmins();
    } else {
        addresses = configured(option);
    }
    module().addExtension(form(addresses));
    return {};
}

QList<QPair<QString, QStringList>> ServerContactInfoModule::configured(const ConfigValue& option) const
{
    QList<QPair<QString, QStringList>> addresses;
    if (!option.array().isEmpty()) {
        module().log(ModuleApi::LogLevel::Warn,
                     u"contact_info: positional items are ignored, use type = { \"uri\", ... }%1"_s.arg(where(option)));
    }
    for (const ConfigValue::MapEntry& entry : option.map()) {
        if (!addressTypes().contains(entry.first)) {
            module().log(ModuleApi::LogLevel::Warn,
                         u"contact_info: unknown address type \"%1\" ignored (known: %2)%3"_s.arg(
                             entry.first, addressTypes().join(u", "_s), where(entry.second)));
            continue;
        }
        QStringList uris;
        const QList<ConfigValue> items =
            entry.second.isTable() ? entry.second.array() : QList<ConfigValue>{entry.second};
        for (const ConfigValue& item : items) {
            if (!item.isString() || item.toString().isEmpty()) {
                module().log(ModuleApi::LogLevel::Warn, u"contact_info.%1: %2 is not a URI string, ignored%3"_s.arg(
                                                            entry.first, item.toLua(), where(item)));
                continue;
            }
            uris << item.toString();
        }
        addresses.append({entry.first, uris});
    }
    return addresses;
}

QList<QPair<QString, QStringList>> ServerContactInfoModule::fromAdmins() const
{
    QStringList admins = module().optionInheritedSet(u"admins"_s, QStringList()).value_or(QSet<QString>()).values();
    std::sort(admins.begin(), admins.end()); // a set has no order; the form should be stable
    QStringList uris;
    for (const QString& admin : admins) {
        const Result<Jid> jid = Jid::parse(admin);
        if (!jid) {
            module().log(ModuleApi::LogLevel::Warn, u"admins: \"%1\" is not a valid JID, left out"_s.arg(admin));
            continue;
        }
        uris << u"xmpp:"_s + jid->full();
    }
    return {{u"admin"_s, uris}};
}

} // namespace Canto::Modules
