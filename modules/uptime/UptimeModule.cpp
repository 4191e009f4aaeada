#include "modules/uptime/UptimeModule.h"

#include "server/core/ModuleApi.h"
#include "server/core/Session.h"
#include "server/xmpp/Namespaces.h"
#include "server/xmpp/Stanza.h"

#include <QDateTime>

using namespace Qt::StringLiterals;

namespace Canto::Modules {

Result<void> UptimeModule::load()
{
    module().addFeature(Ns::Last.toString());
    module().hook(u"iq-get/host/jabber:iq:last:query"_s, [this](Event& event) -> QVariant {
        const QDateTime started =
            module().context().startedAt.isValid() ? module().context().startedAt : QDateTime::currentDateTimeUtc();
        XmlElement reply = Stanza::reply(*event.stanza);
        reply.addChild(u"query"_s, Ns::Last.toString())
            .setAttribute(u"seconds"_s, QString::number(started.secsTo(QDateTime::currentDateTimeUtc())));
        event.origin->send(reply);
        return true;
    });
    return {};
}

} // namespace Canto::Modules
