#include "modules/time/TimeModule.h"

#include "server/core/ModuleApi.h"
#include "server/core/Session.h"
#include "server/xmpp/Namespaces.h"
#include "server/xmpp/Stanza.h"

#include <QDateTime>

using namespace Qt::StringLiterals;

namespace Canto::Modules {

Result<void> TimeModule::load()
{
    module().addFeature(Ns::Time.toString());
    const auto answer = [](Event& event) -> QVariant {
        XmlElement reply = Stanza::reply(*event.stanza);
        XmlElement& time = reply.addChild(u"time"_s, Ns::Time.toString());
        // XEP-0202 wants UTC time plus the server's offset; servers conventionally report UTC.
        time.addTextChild(u"tzo"_s, {}, u"+00:00"_s);
        time.addTextChild(u"utc"_s, {}, QDateTime::currentDateTimeUtc().toString(u"yyyy-MM-ddTHH:mm:ssZ"_s));
        event.origin->send(reply);
        return true;
    };
    module().hook(u"iq-get/host/urn:xmpp:time:time"_s, answer);
    return {};
}

} // namespace Canto::Modules
