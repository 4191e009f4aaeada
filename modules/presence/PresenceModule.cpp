#include "modules/presence/PresenceModule.h"

#include "server/core/ClientSession.h"
#include "server/core/Host.h"
#include "server/core/ModuleApi.h"

using namespace Qt::StringLiterals;

namespace Canto::Modules {

Result<void> PresenceModule::load()
{
    // A client's own presence (no 'to'): availability and priority of its session.
    module().hook(
        u"presence/self"_s,
        [this](Event& event) -> QVariant {
            if (!event.origin || !event.origin->isClient()) {
                return {};
            }
            auto* session = static_cast<ClientSession*>(event.origin);
            const QString type = event.stanza->attribute(u"type");
            if (type.isEmpty()) {
                const bool wasAvailable = session->isAvailable();
                bool ok = false;
                const int priority = event.stanza->childText(u"priority").toInt(&ok);
                session->setPriority(ok ? std::clamp(priority, -128, 127) : 0);
                session->setPresence(*event.stanza);
                if (!wasAvailable) {
                    module().fireEvent(u"presence/initial"_s, event);
                }
            } else if (type == u"unavailable"_s) {
                session->setPresence(XmlElement());
                session->setPriority(0);
            }
            return true;
        },
        -1);
    const auto deliver = [this](Event& event, bool full) -> QVariant {
        Host* host = module().hostObject();
        const QString to = event.stanza->attribute(u"to");
        const QString user = to.section(u'@', 0, 0);
        for (ClientSession* session : host->clientSessions(user)) {
            if ((!full || session->resource() == to.section(u'/', 1)) && session->isAvailable()) {
                session->send(*event.stanza);
            }
        }
        return true;
    };
    module().hook(
        u"presence/full"_s, [deliver](Event& e) { return deliver(e, true); }, -1);
    module().hook(
        u"presence/bare"_s, [deliver](Event& e) -> QVariant { return e.toSelf ? QVariant() : deliver(e, false); }, -1);
    return {};
}

} // namespace Canto::Modules
