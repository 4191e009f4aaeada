#include "Console.h"

#include <cstdio>

namespace Canto::Interop {

Console::Console(bool verbose) : m_out(stdout), m_err(stderr), m_verbose(verbose) {}

void Console::step(const QString& text)
{
    ++m_stepNumber;
    m_out << QStringLiteral("[%1] ").arg(m_stepNumber, 2) << text << Qt::endl;
}

void Console::detail(const QString& text)
{
    m_out << QLatin1String("       ") << text << Qt::endl;
}

void Console::trace(const QString& text)
{
    if (m_verbose) {
        m_out << QLatin1String("       | ") << text << Qt::endl;
    }
}

void Console::verdict(const QString& scenario, bool ok, const QString& reason)
{
    if (ok) {
        m_out << QLatin1String("PASS ") << scenario << Qt::endl;
    } else {
        m_out << QLatin1String("FAIL ") << scenario << QLatin1String(": ") << reason << Qt::endl;
    }
}

void Console::usageError(const QString& text)
{
    m_err << QLatin1String("canto-interop-client: ") << text << Qt::endl;
}

} // namespace Canto::Interop
