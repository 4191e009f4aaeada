#pragma once

#include "server/xmpp/XmlElement.h"

#include <QHash>
#include <QObject>
#include <QString>

namespace Canto {

class ClientSession;
class Host;
class Session;
struct ServerContext;

/// The stanza router (Prosody's stanza_router + mod_iq dispatch, seed 001). For every stanza
/// from a bound client it validates, stamps `from` with the session's full JID, preps `to`, then
/// fires `pre-<kind>/<dest>` on the origin host and `<kind>/<dest>` (then `<kind>/self` for
/// self-addressed stanzas) on the destination host. IQs additionally fire
/// `iq/<dest>/<xmlns>:<tag>`, `iq-<type>/<dest>/<xmlns>:<tag>` or `iq-<type>/<dest>/<id>`.
/// An unhandled IQ get/set (or message) gets `service-unavailable`; errors and results are never
/// answered. Elements that are not stanzas, and stanzas from unauthenticated streams, fire
/// `stanza/...` events instead.
class Router : public QObject
{
    Q_OBJECT

public:
    explicit Router(ServerContext& context, QObject* parent = nullptr);

    /// Installs the per-host built-in handlers (the iq dispatch of Prosody's mod_iq).
    void installHostHandlers(Host& host);

    /// Entry point for every element read from a bound client stream (core_process_stanza).
    void processClientElement(ClientSession& origin, XmlElement element);

    /// Fires the `stanza/...` event for an element from an unauthenticated stream or a
    /// non-stanza element, on `hostName`. Returns whether a handler took it.
    bool fireStanzaEvent(Session& origin, XmlElement& element, const QString& hostName);

    /// Delivers a stanza into the server through events (core_post_stanza). `preEvents` fires
    /// the pre-routing events on the origin's host (stanzas from local clients).
    void post(Session& origin, XmlElement stanza, bool preEvents = false);

    /// Routes a stanza from a module or host (core_route_stanza): local destinations go through
    /// post(), remote ones fire `route/remote` on the sender's host.
    void route(Session& origin, const XmlElement& stanza);

    quint64 routedCount() const { return m_routed; }

private:
    void handleUnhandled(Session& origin, const XmlElement& stanza);
    void bounce(Session& origin, const XmlElement& stanza, const QString& type, const QString& condition,
                const QString& text = {});

    ServerContext& m_context;
    /// Prepared forms of recently seen 'to' addresses: stringprep is the costliest step of
    /// routing a message, and clients address the same few JIDs over and over. Bounded: cleared
    /// when it reaches MaxPreppedCache entries. Failed preparations are not cached.
    QString preppedTo(const QString& to, QString* error);
    static constexpr int MaxPreppedCache = 4096;
    QHash<QString, QString> m_prepped;
    quint64 m_routed = 0;
};

} // namespace Canto
