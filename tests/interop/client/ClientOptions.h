#pragma once

#include <QString>
#include <QStringList>

#include <optional>

namespace Canto::Interop {

/// The command line of canto-interop-client, parsed and checked. One invocation runs one
/// scenario against one server; see usage() for every option.
struct ClientOptions
{
    QString host = QStringLiteral("127.0.0.1");
    quint16 port = 0;
    QString domain;
    QString jid;
    QString password;
    QString resource;
    QString peerJid;
    QString peerPassword;
    QString mechanism;
    QString caCertificateFile;
    QString scenario;
    QStringList expectedFeatures;
    int timeoutMs = 15000;
    bool directTls = false;
    bool ignoreSslErrors = false;
    bool verbose = false;

    /// Parses the program's arguments (arguments[0] is the program name). On a usage error returns
    /// nothing and sets *error; --help and --list-scenarios set *error to the text to print and
    /// *exitCleanly to true.
    static std::optional<ClientOptions> parse(const QStringList& arguments, QString* error, bool* exitCleanly);
    static QStringList scenarioNames();
};

} // namespace Canto::Interop
