#include "modules/csi/CsiModule.h"

#include "server/core/ClientSession.h"
#include "server/core/Event.h"
#include "server/core/EventBus.h"
#include "server/core/ModuleApi.h"
#include "server/xmpp/Namespaces.h"

using namespace Qt::StringLiterals;

namespace Canto::Modules {

Result<void> CsiModule::load()
{
    module().hook(u"stream-features"_s, [this](Event& event) -> QVariant {
        const bool authenticated = event.origin && event.origin->isClient() &&
                                   static_cast<const ClientSession*>(event.origin)->isAuthenticated();
        // Prosody advertises CSI only when something acts on it. (csi-client-active has other
        // listeners, e.g. smacks; going inactive is what a handler module must hook.)
        if (authenticated && event.stanza && module().events().hasHandlers(u"csi-client-inactive"_s)) {
            event.stanza->addChild(u"csi"_s, Ns::Csi.toString());
        }
        return {};
    });
    for (const QString& state : {u"active"_s, u"inactive"_s}) {
        module().hookTag(Ns::Csi.toString(), state, [this, state](Session& origin, XmlElement&, Event&) -> QVariant {
            if (!origin.isClient()) {
                return {};
            }
            auto& session = static_cast<ClientSession&>(origin);
            if (!session.isAuthenticated()) {
                return {};
            }
            session.setField(u"csi"_s, state);
            Event event(&session, nullptr);
            module().fireEvent(u"csi-client-"_s + state, event);
            return true;
        });
    }
    return {};
}

} // namespace Canto::Modules
