// cantoctl: command-line administration of Canto (prosodyctl's role).
#include "server/cantoctl/OfflineCommands.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QLoggingCategory>
#include <QTextStream>

#include <cstdio>
#include <termios.h>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace {

// Reads a password from the terminal without echo (or a line from a pipe).
QString readPassword(QTextStream& out, const QString& prompt)
{
    out << prompt << Qt::flush;
    termios old{};
    const bool tty = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &old) == 0;
    if (tty) {
        termios silent = old;
        silent.c_lflag &= ~tcflag_t(ECHO);
        tcsetattr(STDIN_FILENO, TCSANOW, &silent);
    }
    QTextStream in(stdin);
    const QString line = in.readLine();
    if (tty) {
        tcsetattr(STDIN_FILENO, TCSANOW, &old);
        out << Qt::endl;
    }
    return line;
}

} // namespace

int main(int argc, char* argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(u"cantoctl"_s);
    QCoreApplication::setApplicationVersion(QStringLiteral(CANTO_VERSION));
    QLoggingCategory::setFilterRules(u"canto.*.info=false"_s); // cantoctl prints its own results
    QTextStream out(stdout);
    QTextStream err(stderr);

    QCommandLineParser parser;
    parser.setApplicationDescription(
        u"Canto administration.\n\nCommands that work with the server stopped:\n"
        "  check config              check the configuration, list every problem\n"
        "  adduser JID [PASSWORD]    create an account (asks for the password if not given)\n"
        "  passwd JID [PASSWORD]     set an account's password\n"
        "  deluser JID               delete an account\n"
        "  users HOST                list the accounts of a host\n"
        "  cert generate HOST        generate a self-signed certificate for HOST"_s);
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption configOption({u"c"_s, u"config"_s}, u"The configuration FILE."_s, u"FILE"_s);
    const QCommandLineOption dataOption(u"data-dir"_s, u"The data folder (overrides data_path)."_s, u"DIR"_s);
    parser.addOption(configOption);
    parser.addOption(dataOption);
    parser.addPositionalArgument(u"command"_s, u"The command to run (see above)."_s);
    parser.process(app);

    const QStringList args = parser.positionalArguments();
    Canto::OfflineCommands commands(parser.value(configOption), parser.value(dataOption), out, err);
    const QString command = args.value(0);
    if (command == u"check"_s && (args.value(1) == u"config"_s || args.size() == 1)) {
        return commands.checkConfig();
    }
    if ((command == u"adduser"_s || command == u"passwd"_s) && (args.size() == 2 || args.size() == 3)) {
        QString password = args.value(2);
        if (args.size() == 2) {
            password = readPassword(out, u"Password for "_s + args.value(1) + u": "_s);
            const QString again = readPassword(out, u"Again: "_s);
            if (password != again) {
                err << "The passwords do not match." << Qt::endl;
                return 1;
            }
        }
        return command == u"adduser"_s ? commands.addUser(args.value(1), password)
                                       : commands.setPassword(args.value(1), password);
    }
    if (command == u"deluser"_s && args.size() == 2) {
        return commands.deleteUser(args.value(1));
    }
    if (command == u"users"_s && args.size() == 2) {
        return commands.listUsers(args.value(1));
    }
    if (command == u"cert"_s && args.value(1) == u"generate"_s && args.size() == 3) {
        return commands.generateCertificate(args.value(2));
    }
    err << (command.isEmpty() ? u"No command given."_s : u"Unknown command or wrong arguments: "_s + args.join(u' '))
        << Qt::endl
        << parser.helpText();
    return 2;
}
