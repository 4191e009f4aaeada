#pragma once

#include "server/xmpp/XmlElement.h"
#include "shared/Result.h"

#include <QVariant>
#include <QVariantMap>

namespace Canto::Modules {

/// Converts XML elements to and from the table shape Prosody stores them in: st.preserialize()
/// gives { name = "...", attr = { xmlns = "...", ... }, [1..n] = children } (children are such
/// tables or text), which Prosody's storage writes as JSON with util.json, the array part under
/// "__array": {"name":"FN","attr":{"xmlns":"vcard-temp"},"__array":["Alice"]}. Modules that keep
/// XML in stores Prosody also reads (vcard, private) use this so a database can be shared.
///
/// Two layouts exist because of how mod_storage_sql writes a keyval entry: one row per string
/// key, and the array part (the children) as a JSON array in the row with key "". Canto's
/// KeyValueRows only accepts a map in that row, so toKeyValue() writes {"__array": [...]} there,
/// which util.json reads back as the same array; fromKeyValue() accepts both forms.
class PreserializedXml
{
public:
    PreserializedXml() = delete;

    /// The map form of one element (a map-store value or a nested child).
    static QVariantMap fromElement(const XmlElement& element);
    /// The element of a map form. `parentXmlns` is used when the table has no attr.xmlns.
    /// A table without a name, or with children of the wrong type, is an "internal-server-error".
    static Result<XmlElement> toElement(const QVariant& value, const QString& parentXmlns = {});

    /// The keyval-store form of a top-level element (see the class comment).
    static QVariantMap toKeyValue(const XmlElement& element);
    /// Reads a keyval entry written by Canto or by Prosody.
    static Result<XmlElement> fromKeyValue(const QVariant& value);
};

} // namespace Canto::Modules
