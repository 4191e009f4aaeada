#include "server/config/PeriodParser.h"

#include <QHash>
#include <QString>

using namespace Qt::StringLiterals;

namespace Canto {

namespace {

constexpr double Minute = 60;
constexpr double Hour = 60 * Minute;
constexpr double Day = 24 * Hour;
constexpr double Week = 7 * Day;
constexpr double Month = 30 * Day;
constexpr double Year = 365 * Day;

std::optional<double> unitSeconds(const QString& unit, bool lax)
{
    static const QHash<QString, double> units = {
        {u""_s, 1},          {u"s"_s, 1},          {u"sec"_s, 1},       {u"secs"_s, 1},        {u"second"_s, 1},
        {u"seconds"_s, 1},   {u"min"_s, Minute},   {u"mins"_s, Minute}, {u"minute"_s, Minute}, {u"minutes"_s, Minute},
        {u"h"_s, Hour},      {u"hr"_s, Hour},      {u"hrs"_s, Hour},    {u"hour"_s, Hour},     {u"hours"_s, Hour},
        {u"d"_s, Day},       {u"day"_s, Day},      {u"days"_s, Day},    {u"w"_s, Week},        {u"wk"_s, Week},
        {u"wks"_s, Week},    {u"week"_s, Week},    {u"weeks"_s, Week},  {u"mo"_s, Month},      {u"mon"_s, Month},
        {u"month"_s, Month}, {u"months"_s, Month}, {u"y"_s, Year},      {u"yr"_s, Year},       {u"yrs"_s, Year},
        {u"year"_s, Year},   {u"years"_s, Year},
    };
    if (const auto it = units.constFind(unit); it != units.constEnd())
        return *it;
    // COMPAT: Prosody's lax parser reads "1m" as a month (old archive_expires_after values).
    if (lax && unit == u"m")
        return Month;
    return std::nullopt;
}

std::optional<double> parsePeriod(QStringView text, bool lax)
{
    const QString spec = text.trimmed().toString().toLower();
    qsizetype i = 0;
    while (i < spec.size() && (spec.at(i).isDigit() || spec.at(i) == u'.'))
        ++i;
    if (i == 0)
        return std::nullopt;
    bool ok = false;
    const double amount = spec.left(i).toDouble(&ok);
    if (!ok)
        return std::nullopt;
    const std::optional<double> unit = unitSeconds(spec.mid(i).trimmed(), lax);
    if (!unit)
        return std::nullopt;
    return amount * *unit;
}

} // namespace

std::optional<double> PeriodParser::parse(QStringView text)
{
    return parsePeriod(text, false);
}

std::optional<double> PeriodParser::parseLax(QStringView text)
{
    return parsePeriod(text, true);
}

} // namespace Canto
