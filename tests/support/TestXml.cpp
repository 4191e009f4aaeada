#include "TestXml.h"

#include "server/xmpp/StreamParser.h"

#include <QTest>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace Canto {

namespace {

void dropWhitespace(XmlElement& element)
{
    auto& nodes = element.nodes();
    std::erase_if(nodes, [](const XmlNode& node) {
        const auto* text = std::get_if<QString>(&node);
        return text && text->trimmed().isEmpty();
    });
    for (XmlNode& node : nodes) {
        if (auto* child = std::get_if<XmlElement>(&node)) {
            dropWhitespace(*child);
        }
    }
}

void writeCanonical(const XmlElement& element, QString& out)
{
    out += u'<' + element.name() + u" {"_s + element.xmlns() + u'}';
    QList<XmlElement::Attribute> attributes = element.attributes();
    std::sort(attributes.begin(), attributes.end());
    for (const auto& [name, value] : attributes) {
        out += u' ' + name + u"='"_s + xmlEscape(value, true) + u'\'';
    }
    // Empty text nodes carry nothing: an element holding only those is written as empty.
    const bool empty = std::all_of(element.nodes().cbegin(), element.nodes().cend(), [](const XmlNode& node) {
        const auto* text = std::get_if<QString>(&node);
        return text && text->isEmpty();
    });
    if (empty) {
        out += u"/>"_s;
        return;
    }
    out += u'>';
    for (const XmlNode& node : element.nodes()) {
        if (const auto* child = std::get_if<XmlElement>(&node)) {
            writeCanonical(*child, out);
        } else {
            out += xmlEscape(std::get<QString>(node));
        }
    }
    out += u"</"_s + element.name() + u'>';
}

} // namespace

QList<XmlElement> TestXml::parseAll(const QString& xml)
{
    StreamParser parser;
    QList<XmlElement> elements;
    QObject::connect(&parser, &StreamParser::elementReceived,
                     [&elements](const XmlElement& element) { elements << element; });
    QString error;
    QObject::connect(&parser, &StreamParser::error,
                     [&error](const QString& condition, const QString& text) { error = condition + u": "_s + text; });
    parser.feed("<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' "
                "to='localhost' version='1.0'>");
    parser.feed(xml.toUtf8());
    if (!error.isEmpty()) {
        qWarning().noquote() << "TestXml: cannot parse" << xml << "-" << error;
        return {};
    }
    for (XmlElement& element : elements) {
        dropWhitespace(element);
    }
    return elements;
}

XmlElement TestXml::parse(const QString& xml)
{
    const QList<XmlElement> elements = parseAll(xml);
    if (elements.size() != 1) {
        qWarning().noquote() << "TestXml: expected exactly one element in" << xml;
        return {};
    }
    return elements.first();
}

QString TestXml::canonical(const XmlElement& element)
{
    QString out;
    writeCanonical(element, out);
    return out;
}

QStringList TestXml::canonical(const QList<XmlElement>& elements)
{
    QStringList out;
    for (const XmlElement& element : elements) {
        out << canonical(element);
    }
    return out;
}

QStringList TestXml::canonical(const QString& xml)
{
    return canonical(parseAll(xml));
}

char* toString(const XmlElement& element)
{
    return QTest::toString(TestXml::canonical(element));
}

} // namespace Canto
