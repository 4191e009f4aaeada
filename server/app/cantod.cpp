// cantod: the Canto XMPP server daemon.
#include "server/app/ServerApplication.h"
#include "server/app/SignalWatcher.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QTimer>

#include <cstdio>

using namespace Qt::StringLiterals;

int main(int argc, char* argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(u"cantod"_s);
    QCoreApplication::setApplicationVersion(QStringLiteral(CANTO_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        u"Canto XMPP server. Without --config it runs an embedded default configuration: VirtualHost "
        "\"localhost\", Component \"conference.localhost\" (muc), SQLite storage and a generated "
        "certificate in ./canto-data."_s);
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption configOption({u"c"_s, u"config"_s},
                                          u"Run with the configuration FILE (Prosody's syntax)."_s, u"FILE"_s);
    const QCommandLineOption dataOption(u"data-dir"_s, u"Keep data in DIR (overrides data_path)."_s, u"DIR"_s);
    const QCommandLineOption checkOption(u"check-config"_s, u"Only check the configuration and exit."_s);
    parser.addOption(configOption);
    parser.addOption(dataOption);
    parser.addOption(checkOption);
    parser.process(app);

    if (parser.isSet(checkOption)) {
        const Canto::Config config = Canto::ServerApplication::loadConfig(parser.value(configOption));
        for (const Canto::ConfigProblem& problem : config.problems()) {
            std::fprintf(stderr, "%s\n", qPrintable(problem.toString()));
        }
        return config.hasErrors() ? 1 : 0;
    }

    Canto::ServerApplication server({parser.value(configOption), parser.value(dataOption), true});
    Canto::SignalWatcher signals;
    QObject::connect(&signals, &Canto::SignalWatcher::terminateRequested, &app, [&app] { app.quit(); });
    QObject::connect(&server, &Canto::ServerApplication::startFailed, &app, [](const QString& error) {
        std::fprintf(stderr, "cantod: %s\n", qPrintable(error));
        QCoreApplication::exit(1);
    });
    const Canto::Result<void> started = server.start();
    if (!started) {
        std::fprintf(stderr, "cantod: cannot start:\n%s\n", qPrintable(started.error().text));
        return 1;
    }
    const int code = app.exec();
    server.stop();
    return code;
}
