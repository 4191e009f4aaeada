#pragma once

#include "Outcome.h"
#include "QXmppHeaders.h"

#include <QDomDocument>
#include <QList>
#include <QObject>
#include <QSslError>
#include <QStringList>

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
class XmppSession : public QObject
{
    Q_OBJECT

public:
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

    /// Sends iq and waits for its result; an error response or a response from another entity
    /// than iq.to() fails. On success *response holds the <iq/> element as its own document.
    Outcome request(const QXmppIq& iq, QDomDocument* response);
    bool send(const QXmppStanza& stanza);
    /// Waits for a received message with this id; the last one matching is copied to *message.
    Outcome waitForMessage(const QString& id, QXmppMessage* message);

    bool isConnected() const;
    QString boundJid() const;
    QString usedMechanism() const { return m_usedMechanism; }
    QString saslFailureCondition() const;
    QString saslFailureText() const;
    QXmppStanza::Error::Condition qxmppStreamError() { return m_client.xmppStreamError(); }
    QList<QXmppClient::Error> clientErrors() const { return m_clientErrors; }

private:
    Outcome connectAndWait(const QString& bareJid, const QString& password, const QString& resource);
    Outcome checkNegotiation(const QString& bareJid, const QString& resource) const;
    QString diagnostics() const;
    void onLogMessage(QXmppLogger::MessageType type, const QString& text);

    const ClientOptions& m_options;
    QString m_label;
    Console& m_console;
    Waiter& m_waiter;
    QXmppClient m_client;
    QXmppLogger m_logger;
    StanzaTap* m_tap; // owned by m_client, which deletes its extensions
    QList<QXmppClient::Error> m_clientErrors;
    QList<QSslError> m_sslErrors;
    QList<QXmppMessage> m_messages;
    QStringList m_warnings;
    QString m_usedMechanism;
    bool m_attemptEnded = false;
    bool m_serverClosedStream = false;
};

} // namespace Canto::Interop
