#include "modules/version/VersionModule.h"

#include "server/core/ModuleApi.h"
#include "server/core/Session.h"
#include "server/xmpp/Namespaces.h"
#include "server/xmpp/Stanza.h"

#include <QCoreApplication>
#include <QSysInfo>

using namespace Qt::StringLiterals;

namespace Canto::Modules {

Result<void> VersionModule::load()
{
    module().addFeature(Ns::Version.toString());
    const bool hideOs = module().optionBoolean(u"hide_os_type"_s, false).value_or(false);
    const QString name = module().optionString(u"server_name"_s, u"Canto"_s).value_or(u"Canto"_s);
    const QString version = QStringLiteral(CANTO_VERSION);
    const QString os = module().optionString(u"os_type"_s, QSysInfo::prettyProductName()).value_or(QString());
    module().hook(u"iq-get/host/jabber:iq:version:query"_s, [=](Event& event) -> QVariant {
        XmlElement reply = Stanza::reply(*event.stanza);
        XmlElement& query = reply.addChild(u"query"_s, Ns::Version.toString());
        query.addTextChild(u"name"_s, {}, name);
        query.addTextChild(u"version"_s, {}, version);
        if (!hideOs && !os.isEmpty()) {
            query.addTextChild(u"os"_s, {}, os);
        }
        event.origin->send(reply);
        return true;
    });
    return {};
}

} // namespace Canto::Modules
