#include "server/cantoctl/OfflineCommands.h"

#include "server/app/ServerApplication.h"
#include "server/auth/CertificateGenerator.h"
#include "server/config/Config.h"
#include "server/core/AccountManager.h"
#include "server/core/ServerContext.h"
#include "server/storage/StorageManager.h"
#include "shared/Jid.h"

#include <QDir>
#include <QEventLoop>
#include <QFutureWatcher>

using namespace Qt::StringLiterals;

namespace Canto {

namespace {
enum Kind { Add = 0, Passwd = 1, Delete = 2 };

// cantoctl is a short-lived command-line program, not the server: waiting here is fine.
template <typename T> T await(QFuture<T> future)
{
    QEventLoop loop;
    QFutureWatcher<T> watcher;
    QObject::connect(&watcher, &QFutureWatcher<T>::finished, &loop, &QEventLoop::quit);
    watcher.setFuture(future);
    if (!future.isFinished()) {
        loop.exec();
    }
    return future.result();
}
} // namespace

OfflineCommands::OfflineCommands(QString configFile, QString dataDirectory, QTextStream& out, QTextStream& err,
                                 QObject* parent)
    : QObject(parent), m_configFile(std::move(configFile)), m_dataDirectory(std::move(dataDirectory)), m_out(out),
      m_err(err)
{}

int OfflineCommands::checkConfig()
{
    const Config config = ServerApplication::loadConfig(m_configFile);
    int errors = 0;
    for (const ConfigProblem& problem : config.problems()) {
        m_err << problem.toString() << Qt::endl;
        if (problem.severity == ConfigProblem::Severity::Error) {
            ++errors;
        }
    }
    if (config.hosts().isEmpty()) {
        m_err << (m_configFile.isEmpty() ? u"(embedded default)"_s : m_configFile)
              << u": no VirtualHost or Component is defined"_s << Qt::endl;
        ++errors;
    }
    if (errors > 0) {
        m_err << u"The configuration has %1 error(s)."_s.arg(errors) << Qt::endl;
        return 1;
    }
    m_out << u"The configuration is valid: "_s << config.files().join(u", "_s) << Qt::endl;
    return 0;
}

int OfflineCommands::accountCommand(const QString& jidText, const QString& password, int kind)
{
    const Result<Jid> jid = Jid::parse(jidText);
    if (!jid || jid->node().isEmpty() || !jid->resource().isEmpty()) {
        m_err << u"Not a valid account address (user@host): "_s << jidText << Qt::endl;
        return 1;
    }
    const Config config = ServerApplication::loadConfig(m_configFile);
    if (config.hasErrors()) {
        for (const ConfigProblem& problem : config.problems()) {
            m_err << problem.toString() << Qt::endl;
        }
        return 1;
    }
    const ConfigSection* section = config.section(jid->domain());
    if (!section || section->kind() != ConfigSection::Kind::VirtualHost) {
        m_err << u"The host "_s << jid->domain() << u" is not a VirtualHost in "_s
              << (m_configFile.isEmpty() ? u"the embedded default config"_s : m_configFile) << Qt::endl;
        return 1;
    }
    const QString dataDir = ServerApplication::dataDirectoryFor(config, m_configFile, m_dataDirectory);
    QDir().mkpath(dataDir);
    StorageManager storage(ServerApplication::storageSettingsFor(config, dataDir));
    if (const Result<void> prepared = await(storage.prepare()); !prepared) {
        m_err << u"Storage is not usable: "_s << prepared.error().toString() << Qt::endl;
        return 1;
    }
    ServerContext context;
    context.config = const_cast<Config*>(&config);
    context.storage = &storage;
    context.dataDirectory = dataDir;
    AccountManager accounts(context);
    Result<void> result;
    switch (kind) {
    case Add:
        result = await(accounts.create(jid->domain(), jid->node(), password));
        break;
    case Passwd:
        result = await(accounts.setPassword(jid->domain(), jid->node(), password));
        break;
    default:
        result = await(accounts.remove(jid->domain(), jid->node()));
        break;
    }
    if (!result) {
        m_err << jid->bareString() << u": "_s << result.error().toString() << Qt::endl;
        return 1;
    }
    static const char* done[] = {"created", "password changed", "deleted"};
    m_out << jid->bareString() << u": "_s << QLatin1String(done[kind]) << Qt::endl;
    return 0;
}

int OfflineCommands::addUser(const QString& jid, const QString& password)
{
    return accountCommand(jid, password, Add);
}

int OfflineCommands::setPassword(const QString& jid, const QString& password)
{
    return accountCommand(jid, password, Passwd);
}

int OfflineCommands::deleteUser(const QString& jid)
{
    return accountCommand(jid, {}, Delete);
}

int OfflineCommands::listUsers(const QString& host)
{
    const Config config = ServerApplication::loadConfig(m_configFile);
    const QString dataDir = ServerApplication::dataDirectoryFor(config, m_configFile, m_dataDirectory);
    StorageManager storage(ServerApplication::storageSettingsFor(config, dataDir));
    ServerContext context;
    context.storage = &storage;
    AccountManager accounts(context);
    const Result<QStringList> users = await(accounts.users(host));
    if (!users) {
        m_err << host << u": "_s << users.error().toString() << Qt::endl;
        return 1;
    }
    for (const QString& user : users.value()) {
        m_out << user << u'@' << host << Qt::endl;
    }
    return 0;
}

int OfflineCommands::generateCertificate(const QString& host)
{
    const Config config = ServerApplication::loadConfig(m_configFile);
    const QString dataDir = ServerApplication::dataDirectoryFor(config, m_configFile, m_dataDirectory);
    const QString dir = QDir(dataDir).filePath(u"certs"_s);
    QDir().mkpath(dir);
    CertificateGenerator::Request request;
    request.host = host;
    const Result<CertificateGenerator::Certificate> cert = CertificateGenerator::generate(request);
    if (!cert) {
        m_err << host << u": "_s << cert.error().toString() << Qt::endl;
        return 1;
    }
    const QString certPath = dir + u'/' + host + u".crt"_s;
    const QString keyPath = dir + u'/' + host + u".key"_s;
    if (const Result<void> written = CertificateGenerator::writeFiles(cert.value(), certPath, keyPath); !written) {
        m_err << written.error().toString() << Qt::endl;
        return 1;
    }
    m_out << u"Wrote "_s << certPath << u" and "_s << keyPath << u" (SHA-256 "_s << cert->sha256Fingerprint << u")"_s
          << Qt::endl;
    return 0;
}

} // namespace Canto
