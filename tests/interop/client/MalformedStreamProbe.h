#pragma once

#include "Outcome.h"

#include <QByteArray>
#include <QObject>
#include <QSslSocket>
#include <QXmlStreamReader>

namespace Canto::Interop {

class Console;
class Waiter;
struct ClientOptions;

/// A hand-driven stream on a raw socket (no QXmpp, which cannot send broken XML): opens a client
/// stream, waits for the server's header and features, sends bytes that are not well-formed XML
/// and checks the server's answer: <stream:error> with <not-well-formed/> in the
/// urn:ietf:params:xml:ns:xmpp-streams namespace, then </stream:stream>, then the connection
/// closed by the server (RFC 6120 §4.9.3.13). Plain TCP, or TLS from the first byte with
/// --direct-tls. The server's output is parsed incrementally with QXmlStreamReader.
class MalformedStreamProbe : public QObject
{
    Q_OBJECT

public:
    MalformedStreamProbe(const ClientOptions& options, Console& console, Waiter& waiter, QObject* parent = nullptr);

    Outcome run(const QByteArray& garbage);

private:
    void onReadyRead();
    void parseAvailable();
    QString transcript() const;

    const ClientOptions& m_options;
    Console& m_console;
    Waiter& m_waiter;
    QSslSocket m_socket;
    QXmlStreamReader m_reader;
    QByteArray m_received;
    QString m_errorCondition;
    QString m_readerError;
    int m_depth = 0;
    bool m_inStreamError = false;
    bool m_headerReceived = false;
    bool m_featuresReceived = false;
    bool m_streamErrorReceived = false;
    bool m_streamClosed = false;
    bool m_disconnected = false;
};

} // namespace Canto::Interop
