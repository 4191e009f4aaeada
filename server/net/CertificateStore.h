#pragma once

#include "shared/Result.h"

#include <QHash>
#include <QObject>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslKey>
#include <QStringList>

#include <functional>

namespace Canto {

struct ServerContext;

/// TLS certificates per host, found like Prosody's certmanager: the host's `ssl = { certificate,
/// key }` option; else in the `certificates` directory (default "certs" beside the config file):
/// `<host>.crt` + `<host>.key` or `<host>/fullchain.pem` + `<host>/privkey.pem`; else a
/// self-signed certificate generated on first start into `<data_path>/certs/` (its fingerprint
/// is logged). Components use their parent domain's certificate when they have none.
/// Gives each host a server QSslConfiguration limited to TLS 1.2+.
class CertificateStore : public QObject
{
    Q_OBJECT

public:
    struct Paths
    {
        QString certificate;
        QString key;
    };

    explicit CertificateStore(ServerContext& context, QObject* parent = nullptr);

    /// Loads (or generates, on QThreadPool) certificates for `hosts`; calls `done` on this
    /// object's thread with the first error, if any.
    void prepare(const QStringList& hosts, std::function<void(Result<void>)> done);

    /// Where the certificate of `host` is looked for (first existing wins, or the generated path).
    QList<Paths> candidates(const QString& host) const;
    QSslConfiguration configuration(const QString& host) const;
    QString defaultHost() const { return m_defaultHost; }
    bool hasCertificate(const QString& host) const { return m_configs.contains(host); }

private:
    Result<void> load(const QString& host, const Paths& paths);

    ServerContext& m_context;
    QHash<QString, QSslConfiguration> m_configs;
    QString m_defaultHost;
};

} // namespace Canto
