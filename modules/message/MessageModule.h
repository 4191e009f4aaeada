#pragma once

#include "server/core/Event.h"
#include "server/core/Module.h"

namespace Canto::Modules {

/// Delivery of messages to local users (Prosody's mod_message, RFC 6121 §8.5): to a full JID
/// (falling back to the bare-JID rules for chat and normal messages when that resource is
/// gone), and to a bare JID by message type. Messages nobody can take fire
/// `message/offline/handle` (offline storage) and otherwise bounce with service-unavailable,
/// the same for an unknown user as for an offline one, so nothing leaks.
class MessageModule : public Module
{
    Q_OBJECT

public:
    using Module::Module;
    Result<void> load() override;

private:
    QVariant deliverToBare(Event& event, const QString& user);
};

} // namespace Canto::Modules
