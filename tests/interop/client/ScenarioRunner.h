#pragma once

#include "Outcome.h"

#include <QObject>

namespace Canto::Interop {

class Console;
class Waiter;
class XmppSession;
struct ClientOptions;

/// Runs the one scenario named on the command line and reports PASS or FAIL. Each scenario is a
/// short script of XmppSession (or MalformedStreamProbe) steps; the first failing step ends it.
class ScenarioRunner : public QObject
{
    Q_OBJECT

public:
    ScenarioRunner(const ClientOptions& options, Console& console, QObject* parent = nullptr);
    ~ScenarioRunner() override;

    /// The process exit status: 0 passed, 1 failed.
    int run();

private:
    Outcome runScenario();
    Outcome login();
    Outcome ping();
    Outcome disco();
    Outcome version();
    Outcome time();
    Outcome selfMessage();
    Outcome wrongPassword();
    Outcome malformed();

    Outcome pingServer(XmppSession& session);
    Outcome sendToSelf(XmppSession& session, const QString& to);

    const ClientOptions& m_options;
    Console& m_console;
    Waiter* m_waiter; // child of this
};

} // namespace Canto::Interop
