#include "server/storage/StoredXmlParser.h"

#include <QXmlStreamReader>

#include <vector>

using namespace Qt::StringLiterals;

namespace Canto {

Result<XmlElement> StoredXmlParser::parse(const QString& text)
{
    QXmlStreamReader reader(text);
    reader.setNamespaceProcessing(true);
    // Elements under construction, outermost first; a finished child is moved into its parent.
    std::vector<XmlElement> open;
    XmlElement root;
    bool haveRoot = false;
    while (!reader.atEnd()) {
        switch (reader.readNext()) {
        case QXmlStreamReader::StartElement: {
            if (haveRoot)
                return Result<XmlElement>::failure(u"internal-server-error"_s, u"stored XML has several roots"_s);
            XmlElement element(reader.name().toString(), reader.namespaceUri().toString());
            for (const QXmlStreamAttribute& attribute : reader.attributes())
                element.setAttribute(attribute.qualifiedName().toString(), attribute.value().toString());
            open.push_back(std::move(element));
            break;
        }
        case QXmlStreamReader::EndElement: {
            XmlElement finished = std::move(open.back());
            open.pop_back();
            if (open.empty()) {
                root = std::move(finished);
                haveRoot = true;
            } else {
                open.back().addChild(std::move(finished));
            }
            break;
        }
        case QXmlStreamReader::Characters:
            if (!open.empty())
                open.back().addText(reader.text().toString());
            break;
        case QXmlStreamReader::DTD:
        case QXmlStreamReader::EntityReference:
            return Result<XmlElement>::failure(u"internal-server-error"_s, u"stored XML contains a DTD or entity"_s);
        default:
            break;
        }
    }
    if (reader.hasError())
        return Result<XmlElement>::failure(u"internal-server-error"_s,
                                           u"stored XML is malformed: "_s + reader.errorString());
    if (!haveRoot)
        return Result<XmlElement>::failure(u"internal-server-error"_s, u"stored XML has no element"_s);
    return root;
}

} // namespace Canto
