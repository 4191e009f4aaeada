#include "server/storage/ArchiveIdGenerator.h"

#include <QByteArray>
#include <QDateTime>
#include <QRandomGenerator>
#include <QUuid>

namespace Canto {

QString ArchiveIdGenerator::generate()
{
    // RFC 9562 UUIDv7: 48-bit Unix milliseconds, version 7, variant 10, the rest random.
    QByteArray bytes(16, '\0');
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32*>(bytes.data()), 4);
    const quint64 millis = quint64(QDateTime::currentMSecsSinceEpoch());
    for (int i = 0; i < 6; ++i)
        bytes[i] = char((millis >> (8 * (5 - i))) & 0xff);
    bytes[6] = char(0x70 | (bytes[6] & 0x0f));
    bytes[8] = char(0x80 | (bytes[8] & 0x3f));
    return QUuid::fromRfc4122(bytes).toString(QUuid::WithoutBraces);
}

} // namespace Canto
