#pragma once

#include "server/core/Event.h"
#include "server/xmpp/XmlElement.h"
#include "shared/Result.h"

#include <QString>

namespace Canto {
class ModuleApi;
}

namespace Canto::Modules {

class PepService;
class PepServiceManager;

/// The pubsub protocol of a PEP service (XEP-0060 as profiled by XEP-0163, Prosody's
/// pubsub.lib.lua handlers): publish (with publish-options), retract, items, create, subscribe,
/// unsubscribe, subscriptions, and the owner's configure, default, delete, purge, subscriptions
/// and affiliations. Requests are answered through the router once the service is loaded.
class PepIqHandler
{
public:
    PepIqHandler(ModuleApi& module, PepServiceManager& services);

    /// Handler of iq/bare/<pubsub or pubsub#owner>:pubsub.
    QVariant handle(Event& event);
    /// The stanza error for a pubsub error condition (XEP-0060 §7-8, with pubsub#errors).
    static XmlElement errorReply(const XmlElement& stanza, const Error& error);

private:
    XmlElement dispatch(PepService& service, const XmlElement& stanza);
    XmlElement publish(PepService& service, const XmlElement& stanza, const XmlElement& action);
    XmlElement retract(PepService& service, const XmlElement& stanza, const XmlElement& action);
    XmlElement items(PepService& service, const XmlElement& stanza, const XmlElement& action);
    XmlElement create(PepService& service, const XmlElement& stanza, const XmlElement& action);
    XmlElement subscribe(PepService& service, const XmlElement& stanza, const XmlElement& action, bool on);
    XmlElement subscriptions(PepService& service, const XmlElement& stanza, const XmlElement& action, bool owner);
    XmlElement setSubscriptions(PepService& service, const XmlElement& stanza, const XmlElement& action);
    XmlElement configure(PepService& service, const XmlElement& stanza, const XmlElement& action, bool set);
    XmlElement affiliations(PepService& service, const XmlElement& stanza, const XmlElement& action, bool set);

    ModuleApi& m_module;
    PepServiceManager& m_services;
};

} // namespace Canto::Modules
