#pragma once

#include "server/core/Module.h"
#include "server/metrics/MeasureFactory.h"

#include <memory>

namespace Canto {
class Event;
class KeyValueStore;
class XmlElement;
} // namespace Canto

namespace Canto::Modules {

/// Last Activity of users (XEP-0012 §4, jabber:iq:last to a user's bare JID), after Prosody's
/// mod_lastactivity. Records when each user last went offline and the status text they left:
/// the unavailable presence a user broadcasts (`pre-presence/bare` without 'to'), or the end of a
/// session that was still available (`resource-unbind`; status "Disconnected: <error>" as
/// Prosody's mod_presence writes it). Unlike Prosody 0.12, which keeps this in memory only, it
/// is kept in the keyval store "lastactivity" as { t = unix time, s = status }.
///
/// Answers: the user asking about their own account gets the recorded time; anyone else must
/// have a presence subscription to the user ("from" or "both" in the user's roster), else
/// "forbidden". While the user has an available resource the answer is seconds='0' (XEP-0012
/// §4). With nothing recorded, seconds='0' (Prosody's answer). The host's own uptime
/// (iq to the host) is the uptime module's.
class LastActivityModule : public Module
{
    Q_OBJECT

public:
    using Module::Module;
    Result<void> load() override;

private:
    void record(const QString& user, const QString& status);
    QVariant onQuery(Event& event);
    void answer(const XmlElement& iq, const QString& user);
    void refuse(const XmlElement& iq, const QString& type, const QString& condition);

    std::shared_ptr<KeyValueStore> m_store;
    MeasureFactory::Setter m_refused; // counter of refused queries
};

} // namespace Canto::Modules
