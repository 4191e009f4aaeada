#pragma once

#include "Outcome.h"
#include "QXmppHeaders.h"

#include <QDomDocument>
#include <QList>
#include <QObject>
#include <QSet>
#include <QSslError>
#include <QSslSocket>
#include <QStringList>

#include <functional>

namespace Canto::Interop {

class Console;
class StanzaTap;
class Waiter;
struct ClientOptions;

/// One QXmpp client connection driven step by step: login() negotiates TLS (STARTTLS or direct),
/// SASL and bind and then checks on the wire what was negotiated, request() sends an IQ and
/// returns its response, logout() closes the stream. Each call waits (see Waiter) within the
/// scenario's time budget and returns an Outcome whose reason carries everything known about a
/// failure (socket, TLS, SASL and stream errors, QXmpp's warnings).
/// For the IM scenarios it also sends scenario-written XML (RawStanza), waits for received
/// stanzas that match a predicate, and can drop its TCP connection and resume the stream (XEP-0198).
class XmppSession : public QObject
{
    Q_OBJECT

public:
    using StanzaMatch = std::function<bool(const QDomElement&)>;

    XmppSession(const ClientOptions& options, QString label, Console& console, Waiter& waiter,
                QObject* parent = nullptr);
    ~XmppSession() override;

    /// SASL mechanisms the QXmpp client in use can perform.
    static QStringList supportedMechanisms();

    /// Connects and authenticates as bareJid; an empty resource lets the server choose one.
    /// Passes only if the stream is bound and every negotiation check holds.
    Outcome login(const QString& bareJid, const QString& password, const QString& resource);
    /// Connects expecting authentication to be refused; passes once the attempt has ended
    /// (the caller inspects saslFailureCondition() and friends).
    Outcome loginExpectingRefusal(const QString& bareJid, const QString& password);
    Outcome logout();
    /// The presence QXmpp sends right after the next login (default: available, priority 0).
    void setInitialPresence(const QXmppPresence& presence) { m_initialPresence = presence; }

    /// Sends iq and waits for its result; an error response or a response from another entity
    /// than iq.to() fails. On success *response holds the <iq/> element as its own document.
    Outcome request(const QXmppIq& iq, QDomDocument* response);
    /// request() for an IQ written as XML (see StanzaXml::parse); an id is added if it has none.
    /// An IQ without 'to' goes to the account itself: its answer may come without 'from' or from
    /// the account's bare JID (RFC 6120 §10.3.3).
    Outcome requestXml(const QString& xml, QDomDocument* response);
    bool send(const QXmppStanza& stanza);
    /// Sends a message or presence written as XML; fails if it is not well-formed or not sent.
    Outcome sendXml(const QString& xml);
    /// A XEP-0199 ping to the domain: once it is answered, the server has processed everything
    /// this session sent before it (one stream is handled in order), so it works as a barrier.
    Outcome sync();

    /// Waits for a received stanza (message, presence, or IQ push) that matches and that no
    /// earlier waitForStanza() returned; `what` names it in the failure reason.
    Outcome waitForStanza(const QString& what, const StanzaMatch& match, QDomElement* found = nullptr);
    /// How many received stanzas match, taken or not: "exactly once" checks after a barrier.
    int countStanzas(const StanzaMatch& match) const;

    /// Aborts the TCP connection without </stream:stream> (a network failure, as seen by the
    /// server) and waits until QXmpp has noticed; the XEP-0198 state is kept for resume().
    Outcome dropConnection();
    /// Reconnects after dropConnection(); passes only if the server answered <resumed/>.
    /// (Through StanzaTap::armResumption(): QXmpp 1.4 cannot resume by itself.)
    Outcome resume();
    const StanzaTap& tap() const { return *m_tap; }
    /// Waits for a received message with this id; the last one matching is copied to *message.
    Outcome waitForMessage(const QString& id, QXmppMessage* message);

    bool isConnected() const;
    QString boundJid() const;
    QString bareJid() const { return m_bareJid; }
    QString usedMechanism() const { return m_usedMechanism; }
    QString saslFailureCondition() const;
    QString saslFailureText() const;
    QXmppStanza::Error::Condition qxmppStreamError() { return m_client.xmppStreamError(); }
    QList<QXmppClient::Error> clientErrors() const { return m_clientErrors; }

private:
    Outcome connectAndWait(const QString& bareJid, const QString& password, const QString& resource);
    Outcome checkNegotiation(const QString& bareJid, const QString& resource) const;
    Outcome awaitResponse(const QString& id, const QString& to, QDomDocument* response);
    QString diagnostics() const;
    bool sendPacket(const QXmppStanza& stanza);
    void onLogMessage(QXmppLogger::MessageType type, const QString& text);

    const ClientOptions& m_options;
    QString m_label;
    Console& m_console;
    Waiter& m_waiter;
    QXmppClient m_client;
    QXmppLogger m_logger;
    StanzaTap* m_tap;              // owned by m_client, which deletes its extensions
    QXmppOutgoingClient* m_stream; // m_client's stream, a child of it
    QSslSocket* m_socket;          // m_stream's socket, a child of it
    QList<QXmppClient::Error> m_clientErrors;
    QList<QSslError> m_sslErrors;
    QList<QXmppMessage> m_messages;
    QXmppConfiguration m_config;
    QXmppPresence m_initialPresence;
    QString m_bareJid;
    QSet<int> m_takenStanzas; // indexes into m_tap->stanzas()
    QStringList m_warnings;
    QString m_usedMechanism;
    bool m_attemptEnded = false;
    bool m_serverClosedStream = false;
    bool m_isResumed = false; // resumed through StanzaTap's COMPAT path
};

} // namespace Canto::Interop
