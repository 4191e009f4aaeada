#include "server/net/CertificateStore.h"

#include "server/auth/CertificateGenerator.h"
#include "server/config/Config.h"
#include "server/core/ServerContext.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLoggingCategory>
#include <QPointer>

#include <QSslCertificate>
#include <QtConcurrent>
#include <cstring>

#include <openssl/err.h>
#include <openssl/ssl.h>

using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcCerts, "canto.net.certs")

namespace Canto {

namespace {
QString resolve(const QString& base, const QString& path)
{
    return QFileInfo(path).isAbsolute() ? path : QDir(base).filePath(path);
}

QString opensslError()
{
    char text[256] = {};
    ERR_error_string_n(ERR_get_error(), text, sizeof text);
    ERR_clear_error();
    return QString::fromLatin1(text);
}

// XEP-0368: a direct TLS client may offer ALPN "xmpp-client"; accept it, ignore anything else.
int selectAlpn(SSL*, const unsigned char** out, unsigned char* outLength, const unsigned char* in,
               unsigned int inLength, void*)
{
    static constexpr unsigned char XmppClient[] = "xmpp-client";
    for (unsigned int i = 0; i < inLength;) {
        const unsigned int length = in[i];
        if (i + 1 + length > inLength) {
            break;
        }
        if (length == sizeof XmppClient - 1 && std::memcmp(in + i + 1, XmppClient, length) == 0) {
            *out = in + i + 1;
            *outLength = static_cast<unsigned char>(length);
            return SSL_TLSEXT_ERR_OK;
        }
        i += 1 + length;
    }
    return SSL_TLSEXT_ERR_NOACK;
}
} // namespace

void CertificateStore::ContextDeleter::operator()(SSL_CTX* context) const
{
    SSL_CTX_free(context);
}

CertificateStore::CertificateStore(ServerContext& context, QObject* parent) : QObject(parent), m_context(context) {}

CertificateStore::~CertificateStore() = default;

int CertificateStore::onServerName(SSL* ssl, int*, void* self)
{
    const char* name = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
    if (!name) {
        return SSL_TLSEXT_ERR_NOACK;
    }
    const auto* store = static_cast<const CertificateStore*>(self);
    if (SSL_CTX* context = store->m_contexts.value(QString::fromUtf8(name).toLower())) {
        SSL_set_SSL_CTX(ssl, context);
        return SSL_TLSEXT_ERR_OK;
    }
    return SSL_TLSEXT_ERR_NOACK; // unknown name: keep the default certificate
}

QList<CertificateStore::Paths> CertificateStore::candidates(const QString& host) const
{
    QList<Paths> list;
    const QString configDir = m_context.configDirectory.isEmpty() ? QDir::currentPath() : m_context.configDirectory;
    if (m_context.config) {
        const ConfigValue ssl = m_context.config->get(host, u"ssl"_s);
        if (ssl.isTable()) {
            const QString cert = ssl.value(u"certificate"_s).toString();
            const QString key = ssl.value(u"key"_s).toString();
            if (!cert.isEmpty() && !key.isEmpty()) {
                list << Paths{resolve(configDir, cert), resolve(configDir, key)};
            }
        }
    }
    QString certDir = u"certs"_s;
    if (m_context.config) {
        const QString configured = m_context.config->get(host, u"certificates"_s).toString();
        if (!configured.isEmpty()) {
            certDir = configured;
        }
    }
    certDir = resolve(configDir, certDir);
    list << Paths{certDir + u'/' + host + u".crt"_s, certDir + u'/' + host + u".key"_s};
    list << Paths{certDir + u'/' + host + u"/fullchain.pem"_s, certDir + u'/' + host + u"/privkey.pem"_s};
    // Components (conference.example.org) may use their parent's certificate.
    const qsizetype dot = host.indexOf(u'.');
    if (dot > 0) {
        const QString parent = host.mid(dot + 1);
        list << Paths{certDir + u'/' + parent + u".crt"_s, certDir + u'/' + parent + u".key"_s};
    }
    const QString generated = QDir(m_context.dataDirectory).filePath(u"certs"_s);
    list << Paths{generated + u'/' + host + u".crt"_s, generated + u'/' + host + u".key"_s};
    return list;
}

Result<void> CertificateStore::load(const QString& host, const Paths& paths)
{
    QFile certFile(paths.certificate);
    QFile keyFile(paths.key);
    if (!certFile.open(QIODevice::ReadOnly)) {
        return Result<void>::failure(u"item-not-found"_s, paths.certificate + u": "_s + certFile.errorString());
    }
    if (!keyFile.open(QIODevice::ReadOnly)) {
        return Result<void>::failure(u"item-not-found"_s, paths.key + u": "_s + keyFile.errorString());
    }
    const QList<QSslCertificate> chain = QSslCertificate::fromData(certFile.readAll(), QSsl::Pem);
    if (chain.isEmpty()) {
        return Result<void>::failure(u"bad-format"_s, paths.certificate + u": no PEM certificate found"_s);
    }
    SSL_CTX* raw = SSL_CTX_new(TLS_server_method());
    if (!raw) {
        return Result<void>::failure(u"internal-server-error"_s, u"Cannot create a TLS context: "_s + opensslError());
    }
    ContextPtr tls(raw);
    SSL_CTX_set_min_proto_version(raw, TLS1_2_VERSION);
    SSL_CTX_set_mode(raw,
                     SSL_MODE_RELEASE_BUFFERS | SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    SSL_CTX_set_options(raw, SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
    const QByteArray certPath = QFile::encodeName(paths.certificate);
    const QByteArray keyPath = QFile::encodeName(paths.key);
    if (SSL_CTX_use_certificate_chain_file(raw, certPath.constData()) != 1) {
        return Result<void>::failure(u"bad-format"_s, paths.certificate + u": "_s + opensslError());
    }
    if (SSL_CTX_use_PrivateKey_file(raw, keyPath.constData(), SSL_FILETYPE_PEM) != 1 ||
        SSL_CTX_check_private_key(raw) != 1) {
        return Result<void>::failure(u"bad-format"_s, paths.key + u": "_s + opensslError());
    }
    SSL_CTX_set_alpn_select_cb(raw, selectAlpn, nullptr);
    SSL_CTX_set_tlsext_servername_callback(raw, &CertificateStore::onServerName);
    SSL_CTX_set_tlsext_servername_arg(raw, this);
    static constexpr unsigned char SessionContext[] = "canto-c2s";
    SSL_CTX_set_session_id_context(raw, SessionContext, sizeof SessionContext - 1);
    m_contexts.insert(host, raw);
    m_ownedContexts[host] = std::move(tls);
    qCInfo(lcCerts).noquote() << "Using certificate" << paths.certificate << "for" << host << "(SHA-256"
                              << CertificateGenerator::fingerprint(chain.first().toDer()) + u')';
    return {};
}

void CertificateStore::prepare(const QStringList& hosts, std::function<void(Result<void>)> done)
{
    if (!hosts.isEmpty()) {
        m_defaultHost = hosts.first();
    }
    QStringList missing;
    for (const QString& host : hosts) {
        bool found = false;
        for (const Paths& paths : candidates(host)) {
            if (QFileInfo::exists(paths.certificate) && QFileInfo::exists(paths.key)) {
                if (Result<void> loaded = load(host, paths); !loaded) {
                    done(Result<void>::failure(loaded.error().condition,
                                               u"Certificate for "_s + host + u": "_s + loaded.error().text));
                    return;
                }
                found = true;
                break;
            }
        }
        if (!found) {
            missing << host;
        }
    }
    if (missing.isEmpty()) {
        done({});
        return;
    }
    const QString dir = QDir(m_context.dataDirectory).filePath(u"certs"_s);
    QPointer<CertificateStore> self(this);
    QtConcurrent::run([missing, dir]() -> Result<void> {
        if (!QDir().mkpath(dir)) {
            return Result<void>::failure(u"internal-server-error"_s, u"Cannot create "_s + dir);
        }
        for (const QString& host : missing) {
            CertificateGenerator::Request request;
            request.host = host;
            Result<CertificateGenerator::Certificate> cert = CertificateGenerator::generate(request);
            if (!cert) {
                return cert.error();
            }
            Result<void> written = CertificateGenerator::writeFiles(cert.value(), dir + u'/' + host + u".crt"_s,
                                                                    dir + u'/' + host + u".key"_s);
            if (!written) {
                return written;
            }
        }
        return {};
    }).then(this, [this, missing, dir, done](Result<void> generated) {
        if (!generated) {
            done(generated);
            return;
        }
        for (const QString& host : missing) {
            qCWarning(lcCerts).noquote() << "Generated a self-signed certificate for" << host << "in" << dir
                                         << "- clients will need to accept it";
            if (Result<void> loaded = load(host, Paths{dir + u'/' + host + u".crt"_s, dir + u'/' + host + u".key"_s});
                !loaded) {
                done(loaded);
                return;
            }
        }
        done({});
    });
}

SSL_CTX* CertificateStore::context(const QString& host) const
{
    if (SSL_CTX* found = m_contexts.value(host)) {
        return found;
    }
    return m_contexts.value(m_defaultHost);
}

} // namespace Canto
