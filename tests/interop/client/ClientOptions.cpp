#include "ClientOptions.h"

#include <QCommandLineParser>

namespace Canto::Interop {

QStringList ClientOptions::scenarioNames()
{
    return {QStringLiteral("login"),          QStringLiteral("ping"),      QStringLiteral("disco"),
            QStringLiteral("version"),        QStringLiteral("time"),      QStringLiteral("self-message"),
            QStringLiteral("wrong-password"), QStringLiteral("malformed"), QStringLiteral("roster"),
            QStringLiteral("subscription"),   QStringLiteral("delivery"),  QStringLiteral("offline"),
            QStringLiteral("carbons"),        QStringLiteral("mam"),       QStringLiteral("resume")};
}

std::optional<ClientOptions> ClientOptions::parse(const QStringList& arguments, QString* error, bool* exitCleanly)
{
    *exitCleanly = false;
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Independent XMPP client (QXmpp) that runs one interop scenario against a server.\n"
                       "Exit status: 0 scenario passed, 1 scenario failed, 2 usage error.\n"
                       "Scenarios: ") +
        scenarioNames().join(QStringLiteral(", ")));
    const QCommandLineOption help(QStringList{QStringLiteral("h"), QStringLiteral("help")},
                                  QStringLiteral("Show this help."));
    const QCommandLineOption host(QStringLiteral("host"), QStringLiteral("Server address (default 127.0.0.1)."),
                                  QStringLiteral("address"));
    const QCommandLineOption port(QStringLiteral("port"), QStringLiteral("Client port (STARTTLS or direct TLS)."),
                                  QStringLiteral("port"));
    const QCommandLineOption domain(QStringLiteral("domain"),
                                    QStringLiteral("Stream 'to' domain (default: the domain of --jid)."),
                                    QStringLiteral("domain"));
    const QCommandLineOption jid(QStringLiteral("jid"), QStringLiteral("Account bare JID."), QStringLiteral("jid"));
    const QCommandLineOption password(QStringLiteral("password"), QStringLiteral("Account password."),
                                      QStringLiteral("password"));
    const QCommandLineOption resource(QStringLiteral("resource"), QStringLiteral("Resource to request at bind."),
                                      QStringLiteral("resource"));
    const QCommandLineOption peerJid(QStringLiteral("peer-jid"),
                                     QStringLiteral("Second account: the bystander of malformed, bob in the "
                                                    "two-account IM scenarios (--jid is alice)."),
                                     QStringLiteral("jid"));
    const QCommandLineOption peerPassword(QStringLiteral("peer-password"), QStringLiteral("Second account password."),
                                          QStringLiteral("password"));
    const QCommandLineOption mechanism(QStringLiteral("mechanism"),
                                       QStringLiteral("SASL mechanism that must be negotiated, e.g. SCRAM-SHA-256."),
                                       QStringLiteral("name"));
    const QCommandLineOption directTls(QStringLiteral("direct-tls"),
                                       QStringLiteral("TLS from the first byte (XEP-0368) instead of STARTTLS."));
    const QCommandLineOption ignoreSsl(QStringLiteral("ignore-ssl-errors"),
                                       QStringLiteral("Accept any server certificate (self-signed test certs)."));
    const QCommandLineOption caCert(QStringLiteral("ca-cert"),
                                    QStringLiteral("PEM file of the CA (or self-signed) certificate to trust."),
                                    QStringLiteral("file"));
    const QCommandLineOption scenario(QStringLiteral("scenario"), QStringLiteral("Scenario to run."),
                                      QStringLiteral("name"));
    const QCommandLineOption expectFeature(QStringLiteral("expect-feature"),
                                           QStringLiteral("disco: a further feature the server must announce "
                                                          "(repeatable)."),
                                           QStringLiteral("var"));
    const QCommandLineOption timeout(QStringLiteral("timeout-ms"),
                                     QStringLiteral("Time budget for the whole scenario (default 15000)."),
                                     QStringLiteral("ms"));
    const QCommandLineOption verbose(QStringLiteral("verbose"), QStringLiteral("Print the XMPP traffic."));
    const QCommandLineOption list(QStringLiteral("list-scenarios"), QStringLiteral("Print the scenario names."));
    parser.addOptions({help, host, port, domain, jid, password, resource, peerJid, peerPassword, mechanism, directTls,
                       ignoreSsl, caCert, scenario, expectFeature, timeout, verbose, list});

    if (!parser.parse(arguments)) {
        *error = parser.errorText();
        return std::nullopt;
    }
    if (parser.isSet(help)) {
        *error = parser.helpText();
        *exitCleanly = true;
        return std::nullopt;
    }
    if (parser.isSet(list)) {
        *error = scenarioNames().join(QLatin1Char('\n'));
        *exitCleanly = true;
        return std::nullopt;
    }
    if (!parser.positionalArguments().isEmpty()) {
        *error = QStringLiteral("unexpected argument: ") + parser.positionalArguments().constFirst();
        return std::nullopt;
    }

    ClientOptions options;
    if (parser.isSet(host)) {
        options.host = parser.value(host);
    }
    bool portOk = false;
    const uint portValue = parser.value(port).toUInt(&portOk);
    if (!portOk || portValue == 0 || portValue > 65535) {
        *error = QStringLiteral("--port must be a port number");
        return std::nullopt;
    }
    options.port = static_cast<quint16>(portValue);
    options.jid = parser.value(jid);
    options.password = parser.value(password);
    if (options.password.isEmpty()) {
        *error = QStringLiteral("--password is required");
        return std::nullopt;
    }
    const qsizetype at = options.jid.indexOf(QLatin1Char('@'));
    if (at <= 0 || at == options.jid.size() - 1 || options.jid.contains(QLatin1Char('/'))) {
        *error = QStringLiteral("--jid must be a bare JID user@domain");
        return std::nullopt;
    }
    options.domain = parser.isSet(domain) ? parser.value(domain) : options.jid.mid(at + 1);
    options.resource = parser.value(resource);
    options.peerJid = parser.value(peerJid);
    options.peerPassword = parser.value(peerPassword);
    if (!options.peerJid.isEmpty() && !options.peerJid.contains(QLatin1Char('@'))) {
        *error = QStringLiteral("--peer-jid must be a bare JID user@domain");
        return std::nullopt;
    }
    options.mechanism = parser.value(mechanism);
    options.caCertificateFile = parser.value(caCert);
    options.scenario = parser.value(scenario);
    if (!scenarioNames().contains(options.scenario)) {
        *error = QStringLiteral("--scenario must be one of: ") + scenarioNames().join(QStringLiteral(", "));
        return std::nullopt;
    }
    options.expectedFeatures = parser.values(expectFeature);
    if (parser.isSet(timeout)) {
        bool timeoutOk = false;
        options.timeoutMs = parser.value(timeout).toInt(&timeoutOk);
        if (!timeoutOk || options.timeoutMs <= 0) {
            *error = QStringLiteral("--timeout-ms must be a positive number");
            return std::nullopt;
        }
    }
    options.directTls = parser.isSet(directTls);
    options.ignoreSslErrors = parser.isSet(ignoreSsl);
    options.verbose = parser.isSet(verbose);
    return options;
}

} // namespace Canto::Interop
