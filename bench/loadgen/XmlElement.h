#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace Canto::Bench {

// Read-only helpers over one serialized element from ElementSplitter. Lookups are textual and
// ignore namespaces and prefixes: enough to steer a login through known server replies, not a
// general XML API.
class XmlElement
{
public:
    explicit XmlElement(std::string_view xml) : m_xml(xml) {}

    // Local name of the root element ("features" for <stream:features>).
    std::string_view name() const;
    // Attribute of the root element, entity-decoded for the five predefined entities.
    std::string attribute(std::string_view attributeName) const;
    // Text of the root element up to its first child or end tag.
    std::string text() const;
    // Local name of the first child element ("not-authorized" in a SASL <failure/>), or empty.
    std::string_view firstChildName() const;
    // Whether a descendant with this local name exists.
    bool hasChild(std::string_view localName) const;
    // Text content of every descendant with this local name (e.g. all <mechanism> values).
    std::vector<std::string> childTexts(std::string_view localName) const;
    // The serialized descendant element with this local name, or empty.
    std::string_view child(std::string_view localName) const;
    bool contains(std::string_view needle) const { return m_xml.find(needle) != std::string_view::npos; }
    std::string_view xml() const { return m_xml; }

private:
    // Position of the '<' of the first descendant start tag with this local name, from `from`.
    size_t findStartTag(std::string_view localName, size_t from) const;

    std::string_view m_xml;
};

} // namespace Canto::Bench
