#pragma once

#include <QObject>
#include <QStringList>
#include <QTextStream>

namespace Canto {

/// The cantoctl commands that work with the server stopped (prosodyctl's role): checking the
/// config, managing accounts directly in storage, generating certificates. Each command returns
/// a process exit code and prints errors naming the file, line, host or JID involved.
class OfflineCommands : public QObject
{
    Q_OBJECT

public:
    OfflineCommands(QString configFile, QString dataDirectory, QTextStream& out, QTextStream& err,
                    QObject* parent = nullptr);

    int checkConfig();
    int addUser(const QString& jid, const QString& password);
    int setPassword(const QString& jid, const QString& password);
    int deleteUser(const QString& jid);
    int listUsers(const QString& host);
    int generateCertificate(const QString& host);

private:
    int accountCommand(const QString& jid, const QString& password, int kind);

    QString m_configFile;
    QString m_dataDirectory;
    QTextStream& m_out;
    QTextStream& m_err;
};

} // namespace Canto
