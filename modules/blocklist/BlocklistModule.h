#pragma once

#include "server/core/Module.h"
#include "server/xmpp/XmlElement.h"

#include <QStringList>
#include <QVariant>
#include <functional>
#include <memory>

namespace Canto {
class ClientSession;
class Event;
class KeyValueStore;
} // namespace Canto

namespace Canto::Modules {

class Blocklist;
class BlocklistCache;

/// Blocking Command (XEP-0191), as Prosody 0.12's mod_blocklist: the user's block list (get,
/// block, unblock, unblock-all) with pushes to the user's interested resources, stored in the
/// keyval store "blocklist" in Prosody's shape (see Blocklist), and enforcement:
/// - incoming (`message|presence|iq /bare|/full`, priority 100): stanzas from a blocked JID
///   are dropped; IQ get/set and chat/normal messages are answered with service-unavailable
///   (except messages to an online full JID, dropped as Prosody does, issue #690);
/// - outgoing (`pre-message|pre-iq /*` and `pre-presence/full` at 100, `pre-presence/bare|host`
///   at -1 so the presence module's subscription handling still runs, as in Prosody): stanzas to
///   a blocked JID are answered with not-acceptable + <blocked xmlns='urn:xmpp:blocking:errors'/>
///   (errors and IQ results are dropped silently).
///
/// Lists are loaded at resource-bind and kept while the user is online (BlocklistCache). When a
/// stanza needs a list that is not loaded (an offline recipient, or a session that just bound),
/// the stanza is held, the list is loaded, and the stanza is posted into the router again, where
/// the check then runs synchronously. Incoming stanzas are re-posted with the sender's host (or
/// this host for remote senders) as origin, since the original origin may be gone; outgoing ones
/// with the original session if it is still bound (else they are dropped, as its stream closed).
/// Handlers of higher priority than this module's see a held stanza twice.
class BlocklistModule : public Module
{
    Q_OBJECT

public:
    explicit BlocklistModule(ModuleApi& api);
    ~BlocklistModule() override;
    Result<void> load() override;

private:
    QVariant onGet(Event& event);
    QVariant onEdit(Event& event);
    QVariant onIncoming(Event& event);
    QVariant onOutgoing(Event& event);

    /// Applies the block/unblock request `iq` once the list is loaded; replies, pushes and sends
    /// the presence that XEP-0191 §3.3/§3.4 ask for after the list is saved.
    void edit(ClientSession* session, const QString& user, const QString& resource, const XmlElement& iq,
              const QStringList& jids, Blocklist& list);
    void afterEdit(const QString& user, const XmlElement& action, bool blocking, const QStringList& changed);
    /// Whether `session` (known as user/resource) is still bound.
    ClientSession* liveSession(const QString& user, const QString& resource, const ClientSession* session) const;
    /// For an incoming stanza from a blocked JID: whether to drop it silently (else bounce).
    bool dropsIncoming(const XmlElement& stanza) const;

    std::shared_ptr<KeyValueStore> m_store;
    std::function<void(double)> m_refusedIncoming; // counters of blocked stanzas
    std::function<void(double)> m_refusedOutgoing;
    BlocklistCache* m_cache = nullptr; // child of this module
};

} // namespace Canto::Modules
