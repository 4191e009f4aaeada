#include "server/auth/StringPrep.h"

#include <QStringDecoder>

#include <stringprep.h>

namespace Canto {

namespace {

std::optional<QByteArray> prepare(const QByteArray& utf8, const Stringprep_profile* profile)
{
    // libidn works in place on a NUL-terminated buffer; mappings can grow the string, so retry
    // with a larger buffer when it says so.
    if (utf8.contains('\0'))
        return std::nullopt;
    QByteArray buffer = utf8;
    for (qsizetype capacity = utf8.size() * 2 + 16; capacity <= utf8.size() * 16 + 64; capacity *= 2) {
        buffer = utf8;
        buffer.resize(capacity, '\0');
        const int rc = stringprep(buffer.data(), size_t(capacity), Stringprep_profile_flags(0), profile);
        if (rc == STRINGPREP_OK) {
            buffer.truncate(qsizetype(qstrlen(buffer.constData())));
            return buffer;
        }
        if (rc != STRINGPREP_TOO_SMALL_BUFFER)
            return std::nullopt;
    }
    return std::nullopt;
}

bool isValidUtf8(const QByteArray& data)
{
    auto decoder = QStringDecoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    const QString decoded = decoder.decode(data);
    return !decoder.hasError();
}

} // namespace

std::optional<QString> StringPrep::saslPrep(const QString& input)
{
    const auto prepared = prepare(input.toUtf8(), stringprep_saslprep);
    if (!prepared)
        return std::nullopt;
    return QString::fromUtf8(*prepared);
}

std::optional<QByteArray> StringPrep::saslPrep(const QByteArray& utf8)
{
    if (!isValidUtf8(utf8))
        return std::nullopt;
    return prepare(utf8, stringprep_saslprep);
}

std::optional<QString> StringPrep::nodePrep(const QString& input)
{
    const auto prepared = prepare(input.toUtf8(), stringprep_xmpp_nodeprep);
    if (!prepared)
        return std::nullopt;
    return QString::fromUtf8(*prepared);
}

} // namespace Canto
