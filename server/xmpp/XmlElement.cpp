#include "XmlElement.h"

#include "Namespaces.h"

#include <algorithm>

using namespace Qt::StringLiterals;

namespace Canto {

namespace {

bool matches(const XmlElement& element, QStringView name, QStringView xmlns)
{
    return (name.isEmpty() || element.name() == name) && (xmlns.isEmpty() || element.xmlns() == xmlns);
}

// XML 1.0 Char production: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]
bool isXmlChar(char16_t c)
{
    return c >= 0x20 ? (c < 0xFFFE) : (c == 0x9 || c == 0xA || c == 0xD);
}

} // namespace

void appendXmlEscaped(QString& out, QStringView text, bool forAttribute)
{
    // Fast path: copy runs of characters that need no escaping in one append.
    const qsizetype n = text.size();
    qsizetype runStart = 0;
    auto flush = [&](qsizetype end) {
        if (end > runStart)
            out.append(text.mid(runStart, end - runStart));
    };
    for (qsizetype i = 0; i < n; ++i) {
        const char16_t c = text[i].unicode();
        QLatin1StringView replacement;
        if (c == u'&') {
            replacement = "&amp;"_L1;
        } else if (c == u'<') {
            replacement = "&lt;"_L1;
        } else if (c == u'>') {
            replacement = "&gt;"_L1;
        } else if (c == u'\r') {
            replacement = "&#13;"_L1;
        } else if (forAttribute && c == u'\'') {
            replacement = "&apos;"_L1;
        } else if (forAttribute && c == u'"') {
            replacement = "&quot;"_L1;
        } else if (forAttribute && c == u'\n') {
            replacement = "&#10;"_L1;
        } else if (forAttribute && c == u'\t') {
            replacement = "&#9;"_L1;
        } else if (QChar::isHighSurrogate(c)) {
            if (i + 1 < n && QChar::isLowSurrogate(text[i + 1].unicode())) {
                ++i; // a valid pair: keep both halves in the run
                continue;
            }
            flush(i);
            out.append(QChar::ReplacementCharacter);
            runStart = i + 1;
            continue;
        } else if (QChar::isLowSurrogate(c) || !isXmlChar(c)) {
            flush(i);
            out.append(QChar::ReplacementCharacter);
            runStart = i + 1;
            continue;
        } else {
            continue;
        }
        flush(i);
        out.append(replacement);
        runStart = i + 1;
    }
    flush(n);
}

QString xmlEscape(QStringView text, bool forAttribute)
{
    QString out;
    out.reserve(text.size() + 8);
    appendXmlEscaped(out, text, forAttribute);
    return out;
}

XmlElement::XmlElement(QString name, QString xmlns) : m_name(std::move(name)), m_xmlns(std::move(xmlns)) {}

bool XmlElement::hasAttribute(QStringView name) const
{
    return std::any_of(m_attributes.cbegin(), m_attributes.cend(), [&](const Attribute& a) { return a.first == name; });
}

QString XmlElement::attribute(QStringView name, const QString& defaultValue) const
{
    for (const Attribute& a : m_attributes) {
        if (a.first == name)
            return a.second;
    }
    return defaultValue;
}

XmlElement& XmlElement::setAttribute(const QString& name, const QString& value)
{
    for (Attribute& a : m_attributes) {
        if (a.first == name) {
            a.second = value;
            return *this;
        }
    }
    m_attributes.emplace_back(name, value);
    return *this;
}

void XmlElement::removeAttribute(QStringView name)
{
    m_attributes.removeIf([&](const Attribute& a) { return a.first == name; });
}

XmlElement& XmlElement::addChild(XmlElement child)
{
    m_nodes.emplace_back(std::in_place_index<0>, std::move(child));
    return std::get<0>(m_nodes.back());
}

XmlElement& XmlElement::addChild(const QString& name, const QString& xmlns)
{
    return addChild(XmlElement(name, xmlns.isEmpty() ? m_xmlns : xmlns));
}

XmlElement& XmlElement::addText(const QString& text)
{
    if (text.isEmpty())
        return *this;
    // Adjacent character data is one text node, as a parser would report it.
    if (!m_nodes.empty() && m_nodes.back().index() == 1)
        std::get<1>(m_nodes.back()).append(text);
    else
        m_nodes.emplace_back(std::in_place_index<1>, text);
    return *this;
}

XmlElement& XmlElement::addTextChild(const QString& name, const QString& xmlns, const QString& text)
{
    XmlElement& child = addChild(name, xmlns);
    child.addText(text);
    return child;
}

const XmlElement* XmlElement::firstChild(QStringView name, QStringView xmlns) const
{
    for (const XmlNode& node : m_nodes) {
        if (const auto* element = std::get_if<XmlElement>(&node); element && matches(*element, name, xmlns))
            return element;
    }
    return nullptr;
}

XmlElement* XmlElement::firstChild(QStringView name, QStringView xmlns)
{
    return const_cast<XmlElement*>(std::as_const(*this).firstChild(name, xmlns));
}

QList<const XmlElement*> XmlElement::children(QStringView name, QStringView xmlns) const
{
    QList<const XmlElement*> result;
    for (const XmlNode& node : m_nodes) {
        if (const auto* element = std::get_if<XmlElement>(&node); element && matches(*element, name, xmlns))
            result.append(element);
    }
    return result;
}

int XmlElement::childElementCount() const
{
    return int(std::count_if(m_nodes.cbegin(), m_nodes.cend(), [](const XmlNode& n) { return n.index() == 0; }));
}

int XmlElement::removeChildren(QStringView name, QStringView xmlns)
{
    const auto before = m_nodes.size();
    std::erase_if(m_nodes, [&](const XmlNode& node) {
        const auto* element = std::get_if<XmlElement>(&node);
        return element && matches(*element, name, xmlns);
    });
    return int(before - m_nodes.size());
}

QString XmlElement::text() const
{
    QString result;
    for (const XmlNode& node : m_nodes) {
        if (const auto* text = std::get_if<QString>(&node))
            result += *text;
    }
    return result;
}

QString XmlElement::childText(QStringView name, QStringView xmlns) const
{
    const XmlElement* child = firstChild(name, xmlns);
    return child ? child->text() : QString();
}

QString XmlElement::toXml(QStringView parentXmlns) const
{
    QString out;
    out.reserve(128);
    write(out, parentXmlns, !parentXmlns.isEmpty(), true, false);
    return out;
}

void XmlElement::appendXml(QString& out, QStringView parentXmlns) const
{
    write(out, parentXmlns, !parentXmlns.isEmpty(), true, false);
}

QString XmlElement::toOpenTag(QStringView parentXmlns) const
{
    QString out;
    write(out, parentXmlns, !parentXmlns.isEmpty(), true, true);
    return out;
}

void XmlElement::write(QString& out, QStringView scopeXmlns, bool streamPrefixBound, bool topLevel, bool openOnly) const
{
    // The default namespace in scope for our children, and whether we must declare ours.
    QStringView childScope = scopeXmlns;
    bool declare = false;
    bool prefixed = false;
    if (streamPrefixBound && m_xmlns == Ns::Streams) {
        prefixed = true; // written as stream:name; the default namespace stays as it was
    } else if (!m_xmlns.isEmpty()) {
        childScope = m_xmlns;
        const bool sameContentNamespace =
            topLevel && Ns::isStanzaNamespace(m_xmlns) && Ns::isStanzaNamespace(scopeXmlns);
        declare = m_xmlns != scopeXmlns && !sameContentNamespace;
    }

    out.append(u'<');
    if (prefixed)
        out.append("stream:"_L1);
    out.append(m_name);
    if (declare) {
        out.append(" xmlns='"_L1);
        appendXmlEscaped(out, m_xmlns, true);
        out.append(u'\'');
    }
    for (const Attribute& a : m_attributes) {
        out.append(u' ');
        out.append(a.first);
        out.append("='"_L1);
        appendXmlEscaped(out, a.second, true);
        out.append(u'\'');
    }
    if (openOnly) {
        out.append(u'>');
        return;
    }
    if (m_nodes.empty()) {
        out.append("/>"_L1);
        return;
    }
    out.append(u'>');
    for (const XmlNode& node : m_nodes) {
        if (const auto* element = std::get_if<XmlElement>(&node))
            element->write(out, childScope, streamPrefixBound, false, false);
        else
            appendXmlEscaped(out, std::get<QString>(node), false);
    }
    out.append("</"_L1);
    if (prefixed)
        out.append("stream:"_L1);
    out.append(m_name);
    out.append(u'>');
}

bool XmlElement::operator==(const XmlElement& other) const
{
    if (m_name != other.m_name || m_xmlns != other.m_xmlns || m_attributes.size() != other.m_attributes.size() ||
        m_nodes.size() != other.m_nodes.size())
        return false;
    for (const Attribute& a : m_attributes) {
        bool found = false;
        for (const Attribute& b : other.m_attributes) {
            if (a.first == b.first) {
                found = a.second == b.second;
                break;
            }
        }
        if (!found)
            return false;
    }
    return m_nodes == other.m_nodes;
}

} // namespace Canto
