#include "RawStanza.h"

#include <QXmlStreamWriter>

namespace Canto::Interop {

namespace {

// The document was parsed without namespace processing, so an xmlns declaration is a plain
// attribute here and is written back as one: the wire sees exactly what the scenario wrote.
void writeElement(QXmlStreamWriter* writer, const QDomElement& element)
{
    writer->writeStartElement(element.tagName());
    const QDomNamedNodeMap attributes = element.attributes();
    for (int i = 0; i < attributes.count(); ++i) {
        const QDomAttr attribute = attributes.item(i).toAttr();
        writer->writeAttribute(attribute.name(), attribute.value());
    }
    for (QDomNode node = element.firstChild(); !node.isNull(); node = node.nextSibling()) {
        if (node.isElement()) {
            writeElement(writer, node.toElement());
        } else if (node.isText()) {
            writer->writeCharacters(node.toText().data());
        }
    }
    writer->writeEndElement();
}

} // namespace

RawStanza::RawStanza(QDomDocument document) : m_document(std::move(document)) {}

void RawStanza::toXml(QXmlStreamWriter* writer) const
{
    writeElement(writer, m_document.documentElement());
}

} // namespace Canto::Interop
