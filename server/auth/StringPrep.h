#pragma once

#include <QString>

#include <optional>

namespace Canto {

/// The stringprep profiles authentication needs, through libidn's stringprep() (as Prosody does):
/// SASLprep (RFC 4013) for passwords and SASL usernames, Nodeprep (RFC 6122 appendix A) for the
/// local part of accounts. Unassigned code points are allowed (query semantics), as in Prosody.
/// Returns nullopt when the input is prohibited by the profile (or not valid UTF-8).
class StringPrep
{
public:
    static std::optional<QString> saslPrep(const QString& input);
    static std::optional<QByteArray> saslPrep(const QByteArray& utf8);
    static std::optional<QString> nodePrep(const QString& input);
};

} // namespace Canto
