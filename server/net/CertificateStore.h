#pragma once

#include "shared/Result.h"

#include <QByteArray>
#include <QHash>
#include <QObject>
#include <QStringList>

#include <functional>
#include <map>
#include <memory>

typedef struct ssl_ctx_st SSL_CTX;
typedef struct ssl_st SSL;

namespace Canto {

struct ServerContext;

/// TLS certificates per host, found like Prosody's certmanager: the host's `ssl = { certificate,
/// key }` option; else in the `certificates` directory (default "certs" beside the config file):
/// `<host>.crt` + `<host>.key` or `<host>/fullchain.pem` + `<host>/privkey.pem`; else a
/// self-signed certificate generated on first start into `<data_path>/certs/` (its fingerprint
/// is logged). Components use their parent domain's certificate when they have none.
/// Gives each host an OpenSSL server context: TLS 1.2+, ALPN "xmpp-client" (XEP-0368), record
/// buffers released between reads, and SNI that switches to the named host's certificate.
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
    ~CertificateStore() override;

    /// Loads (or generates, on QThreadPool) certificates for `hosts`; calls `done` on this
    /// object's thread with the first error, if any.
    void prepare(const QStringList& hosts, std::function<void(Result<void>)> done);

    /// Where the certificate of `host` is looked for (first existing wins, or the generated path).
    QList<Paths> candidates(const QString& host) const;
    /// The TLS context of `host` (the default host's when it has none); owned by the store.
    SSL_CTX* context(const QString& host) const;
    QString defaultHost() const { return m_defaultHost; }
    bool hasCertificate(const QString& host) const { return m_contexts.contains(host); }

private:
    struct ContextDeleter
    {
        void operator()(SSL_CTX* context) const;
    };
    using ContextPtr = std::unique_ptr<SSL_CTX, ContextDeleter>;

    Result<void> load(const QString& host, const Paths& paths);
    static int onServerName(SSL* ssl, int* alert, void* self);

    ServerContext& m_context;
    std::map<QString, ContextPtr> m_ownedContexts;
    QHash<QString, SSL_CTX*> m_contexts;
    QString m_defaultHost;
};

} // namespace Canto
