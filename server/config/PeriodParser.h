#pragma once

#include <QStringView>

#include <optional>

namespace Canto {

/// Parses human-written periods into seconds, as Prosody's util.human.io.parse_duration:
/// a number followed by a unit ("3 weeks", "1w", "5 minutes", "2 days", "90s", "1.5 hours").
/// Units: s/sec/second(s), min/minute(s), h/hr/hour(s), d/day(s), w/wk/week(s),
/// mo/mon/month(s) (30 days), y/yr/year(s) (365 days); a bare number is seconds.
/// The lax form additionally accepts the ambiguous single letter "m", taken as months as in
/// Prosody's old archive_expires_after syntax; callers warn when only the lax form matched.
class PeriodParser
{
public:
    static std::optional<double> parse(QStringView text);
    static std::optional<double> parseLax(QStringView text);
};

} // namespace Canto
