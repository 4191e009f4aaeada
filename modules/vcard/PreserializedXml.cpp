#include "modules/vcard/PreserializedXml.h"

#include <QVariantList>

using namespace Qt::StringLiterals;

namespace Canto::Modules {

namespace {

const QString NameKey = u"name"_s;
const QString AttrKey = u"attr"_s;
const QString ArrayKey = u"__array"_s; // util.json's key for a table's array part
constexpr int MaxDepth = 64;           // far deeper than any real vCard or private element

bool isMap(const QVariant& value)
{
    return value.metaType().id() == QMetaType::QVariantMap;
}

bool isList(const QVariant& value)
{
    return value.metaType().id() == QMetaType::QVariantList || value.metaType().id() == QMetaType::QStringList;
}

QVariantList childrenOf(const XmlElement& element)
{
    QVariantList children;
    for (const XmlNode& node : element.nodes()) {
        if (const auto* child = std::get_if<XmlElement>(&node)) {
            children.append(PreserializedXml::fromElement(*child));
        } else {
            children.append(std::get<QString>(node));
        }
    }
    return children;
}

Result<XmlElement> build(const QVariantMap& table, const QVariantList& children, const QString& parentXmlns, int depth)
{
    if (depth > MaxDepth) {
        return Result<XmlElement>::failure(u"internal-server-error"_s, u"stored XML nested too deeply"_s);
    }
    const QString name = table.value(NameKey).toString();
    if (name.isEmpty()) {
        return Result<XmlElement>::failure(u"internal-server-error"_s, u"stored XML element without a name"_s);
    }
    const QVariantMap attributes = table.value(AttrKey).toMap();
    const QString xmlns = attributes.value(u"xmlns"_s, parentXmlns).toString();
    XmlElement element(name, xmlns);
    for (auto it = attributes.cbegin(); it != attributes.cend(); ++it) {
        // Prosody keeps xmlns among the attributes; Canto keeps it as the element's namespace.
        if (it.key() != u"xmlns"_s && !it.key().startsWith(u"xmlns:"_s)) {
            element.setAttribute(it.key(), it.value().toString());
        }
    }
    for (const QVariant& child : children) {
        if (child.metaType().id() == QMetaType::QString) {
            element.addText(child.toString());
        } else if (isMap(child)) {
            const QVariantMap childTable = child.toMap();
            auto built = build(childTable, childTable.value(ArrayKey).toList(), xmlns, depth + 1);
            if (!built) {
                return built;
            }
            element.addChild(std::move(built).value());
        } else {
            return Result<XmlElement>::failure(u"internal-server-error"_s,
                                               u"stored XML child of type "_s +
                                                   QString::fromLatin1(child.metaType().name()));
        }
    }
    return element;
}

} // namespace

QVariantMap PreserializedXml::fromElement(const XmlElement& element)
{
    QVariantMap attributes;
    // As Prosody's parser does, every element names its namespace in attr.xmlns.
    attributes.insert(u"xmlns"_s, element.xmlns());
    for (const XmlElement::Attribute& attribute : element.attributes()) {
        attributes.insert(attribute.first, attribute.second);
    }
    QVariantMap table{{NameKey, element.name()}, {AttrKey, attributes}};
    const QVariantList children = childrenOf(element);
    if (!children.isEmpty()) {
        table.insert(ArrayKey, children);
    }
    return table;
}

Result<XmlElement> PreserializedXml::toElement(const QVariant& value, const QString& parentXmlns)
{
    if (value.metaType() == QMetaType::fromType<XmlElement>()) {
        return value.value<XmlElement>(); // stored with type "xml" (a stanza object in Prosody)
    }
    if (!isMap(value)) {
        return Result<XmlElement>::failure(u"internal-server-error"_s, u"stored XML is not a table"_s);
    }
    const QVariantMap table = value.toMap();
    return build(table, table.value(ArrayKey).toList(), parentXmlns, 0);
}

QVariantMap PreserializedXml::toKeyValue(const XmlElement& element)
{
    QVariantMap table = fromElement(element);
    const QVariant children = table.take(ArrayKey);
    if (children.isValid()) {
        table.insert(QString(), QVariantMap{{ArrayKey, children}});
    }
    return table;
}

Result<XmlElement> PreserializedXml::fromKeyValue(const QVariant& value)
{
    if (!isMap(value)) {
        return Result<XmlElement>::failure(u"internal-server-error"_s, u"stored XML is not a table"_s);
    }
    const QVariantMap table = value.toMap();
    // Prosody's row "" is a JSON array (KeyValueRows puts it under ""); Canto's is the
    // {"__array": [...]} map, merged into the table by KeyValueRows.
    QVariantList children;
    if (isList(table.value(QString()))) {
        children = table.value(QString()).toList();
    } else if (isList(table.value(ArrayKey))) {
        children = table.value(ArrayKey).toList();
    } else if (isMap(table.value(QString()))) {
        children = table.value(QString()).toMap().value(ArrayKey).toList();
    }
    return build(table, children, {}, 0);
}

} // namespace Canto::Modules
