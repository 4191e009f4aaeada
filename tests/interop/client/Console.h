#pragma once

#include <QString>
#include <QTextStream>

namespace Canto::Interop {

/// Everything the client prints goes through here, so a failing run reads as a transcript:
/// numbered steps, details under them, then one PASS or FAIL line the harness can quote.
class Console
{
public:
    explicit Console(bool verbose);

    void step(const QString& text);
    void detail(const QString& text);
    /// XMPP traffic and library chatter, printed only with --verbose.
    void trace(const QString& text);
    void verdict(const QString& scenario, bool ok, const QString& reason);
    void usageError(const QString& text);

    bool isVerbose() const { return m_verbose; }

private:
    QTextStream m_out;
    QTextStream m_err;
    bool m_verbose;
    int m_stepNumber = 0;
};

} // namespace Canto::Interop
