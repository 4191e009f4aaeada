#pragma once

#include <QString>

namespace Canto {

/// Generates archive item ids like Prosody (util.uuid v7): time-ordered UUIDs in text form, so
/// ids sort roughly by creation time and never repeat.
class ArchiveIdGenerator
{
public:
    static QString generate();
};

} // namespace Canto
