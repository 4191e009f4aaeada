#include "modules/ping/PingModule.h"

#include "server/core/ModuleApi.h"
#include "server/core/Session.h"
#include "server/xmpp/Namespaces.h"
#include "server/xmpp/Stanza.h"

using namespace Qt::StringLiterals;

namespace Canto::Modules {

Result<void> PingModule::load()
{
    module().addFeature(Ns::Ping.toString());
    const auto pong = [](Event& event) -> QVariant {
        event.origin->send(Stanza::reply(*event.stanza));
        return true;
    };
    module().hook(u"iq-get/host/urn:xmpp:ping:ping"_s, pong);
    module().hook(u"iq-get/self/urn:xmpp:ping:ping"_s, pong);
    return {};
}

} // namespace Canto::Modules
