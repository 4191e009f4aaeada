#pragma once

#include "server/core/Session.h"
#include "server/xmpp/XmlElement.h"

#include <QHash>
#include <QString>
#include <QVariant>

#include <functional>
#include <memory>
#include <vector>

namespace Canto {

/// The routing-level state of one client connection (c2s): who it is, its resource, its
/// presence. The network side (net/ClientConnection) creates it and supplies the writer and
/// closer; core code only sees this class.
class ClientSession : public Session
{
public:
    using Writer = std::function<void(const XmlElement&)>;
    using Closer = std::function<void(const QString& condition, const QString& text)>;
    /// Moves the connection behind a session (stream resumption, XEP-0198). Called with a target:
    /// the connection continues as `target` (a detached session). Called with nullptr: the
    /// connection hands its session to SessionManager::keepDetached and drops its socket.
    using Transfer = std::function<void(ClientSession* target)>;
    /// Sees every stanza sent to the session before it is written; returns false when it took
    /// the stanza (held back or queued elsewhere), true to pass it on.
    using OutgoingFilter = std::function<bool(XmlElement& stanza)>;
    /// Sees every element the client sent after binding (stanzas and nonzas), before routing.
    using IncomingFilter = std::function<void(const XmlElement& element)>;

    ClientSession(QString id, QString host, Writer writer, Closer closer);
    ~ClientSession() override;

    Kind kind() const override { return Kind::Client; }
    const QString& host() const override { return m_host; }
    void send(const XmlElement& stanza) override;
    QString logId() const override { return m_id; }

    const QString& id() const { return m_id; }
    /// Closes the stream with a stream error condition (empty condition: clean close).
    void close(const QString& condition = {}, const QString& text = {});

    /// Writes an element to the connection without the outgoing filters (nonzas such as XEP-0198
    /// acks, stanzas re-sent by the filter that held them). Nothing happens while detached.
    void write(const XmlElement& element);
    /// Sends a stanza through the outgoing filters that run after `owner`'s (a filter releasing
    /// stanzas it held back).
    void sendAfter(const void* owner, const XmlElement& stanza);
    /// Filters run by descending priority, equal priorities in the order added. Filters are kept
    /// per session and allocate nothing until the first one is added.
    void addOutgoingFilter(const void* owner, int priority, OutgoingFilter filter);
    void addIncomingFilter(const void* owner, int priority, IncomingFilter filter);
    /// Removes every filter `owner` added (module unload, feature disabled).
    void removeFilters(const void* owner);
    /// Runs the incoming filters (the connection calls it for each element after binding).
    void filterIncoming(const XmlElement& element);

    /// Whether a connection is attached (false while hibernating after the socket was lost).
    bool isConnected() const { return bool(m_writer); }
    /// Attaches a connection (a new one after stream resumption). `transfer` may be empty.
    void attachConnection(Writer writer, Closer closer, Transfer transfer = {});
    /// Forgets the connection: writes are dropped and close() does nothing until re-attached.
    void detachConnection();
    /// Asks the connection to move (see Transfer); false when the connection cannot.
    bool transferConnection(ClientSession* target);

    bool isAuthenticated() const { return !m_username.isEmpty(); }
    bool isBound() const { return !m_resource.isEmpty(); }
    const QString& username() const { return m_username; }
    const QString& resource() const { return m_resource; }
    QString bareJid() const { return m_username + u'@' + m_host; }
    QString fullJid() const { return bareJid() + u'/' + m_resource; }
    void setUsername(const QString& username) { m_username = username; }
    void setResource(const QString& resource) { m_resource = resource; }

    /// The last available presence the client sent (null while unavailable).
    const XmlElement& presence() const { return m_presence; }
    bool isAvailable() const { return !m_presence.isNull(); }
    void setPresence(XmlElement presence) { m_presence = std::move(presence); }
    int priority() const { return m_priority; }
    void setPriority(int priority) { m_priority = priority; }
    /// Whether the client asked for its roster (RFC 6121 "interested resource").
    bool isInterested() const { return m_interested; }
    void setInterested(bool interested) { m_interested = interested; }

    /// Per-session data of modules (the fields Prosody modules put on the session table:
    /// carbons, csi state, roster versioning, ...). An invalid value removes the field.
    QVariant field(const QString& name) const { return m_fields.value(name); }
    void setField(const QString& name, const QVariant& value)
    {
        if (value.isValid()) {
            m_fields.insert(name, value);
        } else {
            m_fields.remove(name);
        }
    }

    bool isSecure() const { return m_secure; }
    void setSecure(bool secure) { m_secure = secure; }
    const QString& peerAddress() const { return m_peerAddress; }
    void setPeerAddress(const QString& address) { m_peerAddress = address; }

private:
    struct Filters;
    void runOutgoing(std::size_t first, const XmlElement& stanza);

    QString m_id;
    QString m_host;
    Writer m_writer;
    Closer m_closer;
    Transfer m_transfer;
    std::unique_ptr<Filters> m_filters; // null until a module adds one (per-session memory)
    QString m_username;
    QString m_resource;
    XmlElement m_presence;
    int m_priority = 0;
    bool m_interested = false;
    bool m_secure = false;
    QString m_peerAddress;
    QHash<QString, QVariant> m_fields;
};

} // namespace Canto
