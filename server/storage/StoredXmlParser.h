#pragma once

#include "server/xmpp/XmlElement.h"
#include "shared/Result.h"

#include <QString>

namespace Canto {

/// Parses one serialized element read back from storage (the "xml" value type) into an
/// XmlElement. Storage keeps its own small parser so it does not depend on the stream parser;
/// DTDs and entity references other than the predefined ones are refused.
class StoredXmlParser
{
public:
    static Result<XmlElement> parse(const QString& text);
};

} // namespace Canto
