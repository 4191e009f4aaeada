#pragma once

#include "server/core/Event.h"
#include "server/core/Module.h"

namespace Canto {
class XmlElement;
}

namespace Canto::Modules {

/// Service Discovery (XEP-0030) for the host and for a user's own account: identities,
/// features and extension forms that other modules contribute with ModuleApi::addIdentity/
/// addFeature/addExtension, and the host's components and `disco_items` as items.
class DiscoModule : public Module
{
    Q_OBJECT

public:
    using Module::Module;
    Result<void> load() override;

private:
    QVariant answerNode(Event& event, XmlElement& reply, XmlElement& query, const QString& node,
                        const QString& eventName);
    QVariant onHostInfo(Event& event);
    QVariant onHostItems(Event& event);
    QVariant onAccountInfo(Event& event);
    QVariant onAccountItems(Event& event);
    /// disco#info/items to another user's bare JID: for contacts subscribed to that user's presence.
    QVariant onContactQuery(Event& event, bool info);
    XmlElement accountInfo(Event& event);
    XmlElement accountItems(Event& event);
};

} // namespace Canto::Modules
