#pragma once

#include <QList>
#include <QMetaType>
#include <QString>
#include <QStringView>

#include <variant>
#include <vector>

namespace Canto {

class XmlElement;

/// A child of an element: another element or a run of character data.
using XmlNode = std::variant<XmlElement, QString>;

/// One XML element with its attributes and children: the in-memory form of a stanza or any
/// stream-level element (the C++ counterpart of Prosody's util.stanza objects).
///
/// Namespaces are resolved: every element knows its own namespace URI (xmlns()), whether it came
/// from a default namespace declaration, a prefix or its parent. Attributes keep their qualified
/// names ("type", "xml:lang"). Serialization emits an xmlns declaration only where an element's
/// namespace differs from its parent's.
class XmlElement
{
public:
    using Attribute = std::pair<QString, QString>;

    XmlElement() = default;
    explicit XmlElement(QString name, QString xmlns = {});

    const QString& name() const { return m_name; }
    void setName(QString name) { m_name = std::move(name); }
    const QString& xmlns() const { return m_xmlns; }
    void setXmlns(QString xmlns) { m_xmlns = std::move(xmlns); }
    bool isNull() const { return m_name.isEmpty(); }

    // Attributes (qualified names). setAttribute replaces an existing value, keeping its place.
    const QList<Attribute>& attributes() const { return m_attributes; }
    bool hasAttribute(QStringView name) const;
    QString attribute(QStringView name, const QString& defaultValue = {}) const;
    XmlElement& setAttribute(const QString& name, const QString& value);
    void removeAttribute(QStringView name);
    /// Appends without looking for an existing attribute of that name: for producers that already
    /// guarantee uniqueness (the stream parser; XML forbids duplicate attributes).
    void appendAttribute(QString name, QString value) { m_attributes.emplace_back(std::move(name), std::move(value)); }

    // Children in document order.
    const std::vector<XmlNode>& nodes() const { return m_nodes; }
    std::vector<XmlNode>& nodes() { return m_nodes; }
    XmlElement& addChild(XmlElement child);                               // returns the stored child
    XmlElement& addChild(const QString& name, const QString& xmlns = {}); // inherits this xmlns if empty
    XmlElement& addText(const QString& text);                             // returns *this
    XmlElement& addTextChild(const QString& name, const QString& xmlns, const QString& text);

    /// First child element matching name and namespace (an empty filter matches anything);
    /// nullptr if there is none.
    const XmlElement* firstChild(QStringView name = {}, QStringView xmlns = {}) const;
    XmlElement* firstChild(QStringView name = {}, QStringView xmlns = {});
    QList<const XmlElement*> children(QStringView name = {}, QStringView xmlns = {}) const;
    int childElementCount() const;
    /// Removes all child elements matching the filter; returns how many were removed.
    int removeChildren(QStringView name = {}, QStringView xmlns = {});

    /// Concatenated character data of this element's direct text nodes.
    QString text() const;
    /// Text of the first matching child, or a null QString.
    QString childText(QStringView name, QStringView xmlns = {}) const;

    /// Serializes the element. `parentXmlns` is the default namespace in scope around it (for a
    /// stanza written into a client stream: "jabber:client"), so no redundant xmlns is emitted.
    /// Rules, in order to write the same bytes Prosody would:
    /// - An element with an empty xmlns() inherits whatever is in scope (never `xmlns=''`).
    /// - At the top level the stanza content namespaces (jabber:client, jabber:server,
    ///   jabber:component:accept) are interchangeable: a stanza parsed from a c2s stream is written
    ///   into an s2s stream without an xmlns, and its children in the same namespace inherit too.
    /// - With a non-empty `parentXmlns` (i.e. inside a stream, which always binds the "stream"
    ///   prefix) elements in the streams namespace are written as `stream:name`.
    QString toXml(QStringView parentXmlns = {}) const;
    /// Serializes the start tag only (for stream headers), without closing it.
    QString toOpenTag(QStringView parentXmlns = {}) const;
    /// Appends the serialized element to `out` (no intermediate string; for writers).
    void appendXml(QString& out, QStringView parentXmlns = {}) const;

    /// Structural equality: same name, namespace, attributes (order-insensitive) and children.
    bool operator==(const XmlElement& other) const;

private:
    void write(QString& out, QStringView scopeXmlns, bool streamPrefixBound, bool topLevel, bool openOnly) const;

    QString m_name;
    QString m_xmlns;
    QList<Attribute> m_attributes;
    std::vector<XmlNode> m_nodes;
};

/// XML-escapes character data (&, <, >; CR as &#13;) or an attribute value (also ', " and TAB,
/// LF, CR as character references so they survive attribute-value normalization). Characters
/// that XML 1.0 cannot carry at all (other control characters, U+FFFE/U+FFFF, lone surrogates)
/// are replaced by U+FFFD, so module-built strings can never make us emit ill-formed XML.
QString xmlEscape(QStringView text, bool forAttribute = false);
/// Appending form of xmlEscape(), for serializers.
void appendXmlEscaped(QString& out, QStringView text, bool forAttribute = false);

} // namespace Canto

Q_DECLARE_METATYPE(Canto::XmlElement)
