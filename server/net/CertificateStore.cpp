#include "server/net/CertificateStore.h"

#include "server/auth/CertificateGenerator.h"
#include "server/config/Config.h"
#include "server/core/ServerContext.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLoggingCategory>
#include <QPointer>
#include <QtConcurrent>

using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcCerts, "canto.net.certs")

namespace Canto {

namespace {
QString resolve(const QString& base, const QString& path)
{
    return QFileInfo(path).isAbsolute() ? path : QDir(base).filePath(path);
}
} // namespace

CertificateStore::CertificateStore(ServerContext& context, QObject* parent) : QObject(parent), m_context(context) {}

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
    const QByteArray keyPem = keyFile.readAll();
    QSslKey key(keyPem, QSsl::Ec, QSsl::Pem);
    if (key.isNull()) {
        key = QSslKey(keyPem, QSsl::Rsa, QSsl::Pem);
    }
    if (key.isNull()) {
        return Result<void>::failure(u"bad-format"_s, paths.key + u": unreadable private key (EC or RSA PEM)"_s);
    }
    QSslConfiguration config = QSslConfiguration::defaultConfiguration();
    config.setLocalCertificateChain(chain);
    config.setPrivateKey(key);
    config.setProtocol(QSsl::TlsV1_2OrLater);
    config.setPeerVerifyMode(QSslSocket::VerifyNone);
    config.setAllowedNextProtocols({QByteArrayLiteral("xmpp-client")});
    m_configs.insert(host, config);
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

QSslConfiguration CertificateStore::configuration(const QString& host) const
{
    if (const auto it = m_configs.constFind(host); it != m_configs.constEnd()) {
        return *it;
    }
    return m_configs.value(m_defaultHost);
}

} // namespace Canto
