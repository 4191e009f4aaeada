// canto-interop-client: runs one XMPP interop scenario (see ClientOptions) and exits 0 on success.

#include "ClientOptions.h"
#include "Console.h"
#include "ScenarioRunner.h"

#include <QCoreApplication>
#include <QTextStream>

int main(int argc, char* argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("canto-interop-client"));
    QCoreApplication::setApplicationVersion(QStringLiteral(CANTO_INTEROP_VERSION));

    QString message;
    bool exitCleanly = false;
    const std::optional<Canto::Interop::ClientOptions> options =
        Canto::Interop::ClientOptions::parse(QCoreApplication::arguments(), &message, &exitCleanly);
    if (!options) {
        if (exitCleanly) {
            QTextStream(stdout) << message << Qt::endl;
            return 0;
        }
        Canto::Interop::Console(false).usageError(message);
        return 2;
    }

    Canto::Interop::Console console(options->verbose);
    Canto::Interop::ScenarioRunner runner(*options, console);
    return runner.run();
}
