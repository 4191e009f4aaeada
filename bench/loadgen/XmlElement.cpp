#include "XmlElement.h"

namespace Canto::Bench {

namespace {

bool isNameEnd(char c)
{
    return c == ' ' || c == '>' || c == '/' || c == '\t' || c == '\n' || c == '\r';
}

std::string decodeEntities(std::string_view in)
{
    std::string out;
    out.reserve(in.size());
    for (size_t i = 0; i < in.size(); ++i) {
        if (in[i] != '&') {
            out.push_back(in[i]);
            continue;
        }
        const size_t semi = in.find(';', i);
        if (semi == std::string_view::npos) {
            out.append(in.substr(i));
            break;
        }
        const std::string_view entity = in.substr(i + 1, semi - i - 1);
        if (entity == "lt")
            out.push_back('<');
        else if (entity == "gt")
            out.push_back('>');
        else if (entity == "amp")
            out.push_back('&');
        else if (entity == "quot")
            out.push_back('"');
        else if (entity == "apos")
            out.push_back('\'');
        else
            out.append(in.substr(i, semi - i + 1));
        i = semi;
    }
    return out;
}

// End of the start tag beginning at `start` ('>' position), honouring quoted values.
size_t tagEnd(std::string_view xml, size_t start)
{
    char quote = 0;
    for (size_t i = start; i < xml.size(); ++i) {
        const char c = xml[i];
        if (quote) {
            if (c == quote)
                quote = 0;
        } else if (c == '"' || c == '\'') {
            quote = c;
        } else if (c == '>') {
            return i;
        }
    }
    return std::string_view::npos;
}

} // namespace

std::string_view XmlElement::name() const
{
    if (m_xml.size() < 2 || m_xml[0] != '<')
        return {};
    size_t end = 1;
    while (end < m_xml.size() && !isNameEnd(m_xml[end]))
        ++end;
    std::string_view qualified = m_xml.substr(1, end - 1);
    const size_t colon = qualified.find(':');
    return colon == std::string_view::npos ? qualified : qualified.substr(colon + 1);
}

std::string XmlElement::attribute(std::string_view attributeName) const
{
    const size_t end = tagEnd(m_xml, 0);
    if (end == std::string_view::npos)
        return {};
    const std::string_view tag = m_xml.substr(0, end);
    size_t at = 0;
    while ((at = tag.find(attributeName, at + 1)) != std::string_view::npos) {
        const char before = tag[at - 1];
        size_t eq = at + attributeName.size();
        if ((before != ' ' && before != '\t' && before != '\n' && before != '\r') || eq >= tag.size())
            continue;
        while (eq < tag.size() && (tag[eq] == ' '))
            ++eq;
        if (eq >= tag.size() || tag[eq] != '=')
            continue;
        size_t quotePos = eq + 1;
        while (quotePos < tag.size() && tag[quotePos] == ' ')
            ++quotePos;
        if (quotePos >= tag.size())
            return {};
        const char quote = tag[quotePos];
        const size_t close = tag.find(quote, quotePos + 1);
        if (close == std::string_view::npos)
            return {};
        return decodeEntities(tag.substr(quotePos + 1, close - quotePos - 1));
    }
    return {};
}

std::string XmlElement::text() const
{
    const size_t end = tagEnd(m_xml, 0);
    if (end == std::string_view::npos || m_xml[end - 1] == '/')
        return {};
    const size_t next = m_xml.find('<', end + 1);
    return decodeEntities(m_xml.substr(end + 1, next - end - 1));
}

std::string_view XmlElement::firstChildName() const
{
    const size_t end = tagEnd(m_xml, 0);
    if (end == std::string_view::npos || m_xml[end - 1] == '/')
        return {};
    size_t at = m_xml.find('<', end + 1);
    while (at != std::string_view::npos && at + 1 < m_xml.size() && (m_xml[at + 1] == '!' || m_xml[at + 1] == '?'))
        at = m_xml.find('<', at + 1);
    if (at == std::string_view::npos || at + 1 >= m_xml.size() || m_xml[at + 1] == '/')
        return {};
    return XmlElement(m_xml.substr(at)).name();
}

size_t XmlElement::findStartTag(std::string_view localName, size_t from) const
{
    for (size_t at = m_xml.find('<', from); at != std::string_view::npos; at = m_xml.find('<', at + 1)) {
        size_t nameStart = at + 1;
        if (nameStart >= m_xml.size() || m_xml[nameStart] == '/')
            continue;
        size_t nameEnd = nameStart;
        while (nameEnd < m_xml.size() && !isNameEnd(m_xml[nameEnd]))
            ++nameEnd;
        std::string_view qualified = m_xml.substr(nameStart, nameEnd - nameStart);
        const size_t colon = qualified.find(':');
        if (colon != std::string_view::npos)
            qualified = qualified.substr(colon + 1);
        if (qualified == localName)
            return at;
    }
    return std::string_view::npos;
}

bool XmlElement::hasChild(std::string_view localName) const
{
    return findStartTag(localName, 1) != std::string_view::npos;
}

std::vector<std::string> XmlElement::childTexts(std::string_view localName) const
{
    std::vector<std::string> texts;
    for (size_t at = findStartTag(localName, 1); at != std::string_view::npos; at = findStartTag(localName, at + 1)) {
        texts.push_back(XmlElement(m_xml.substr(at)).text());
    }
    return texts;
}

std::string_view XmlElement::child(std::string_view localName) const
{
    const size_t at = findStartTag(localName, 1);
    if (at == std::string_view::npos)
        return {};
    const size_t end = tagEnd(m_xml, at);
    if (end == std::string_view::npos)
        return {};
    if (m_xml[end - 1] == '/')
        return m_xml.substr(at, end - at + 1);
    // Find the matching end tag of this element by counting same-named nesting.
    const std::string_view qualified = [&] {
        size_t nameEnd = at + 1;
        while (nameEnd < m_xml.size() && !isNameEnd(m_xml[nameEnd]))
            ++nameEnd;
        return m_xml.substr(at + 1, nameEnd - at - 1);
    }();
    const std::string closing = "</" + std::string(qualified) + ">";
    const size_t close = m_xml.find(closing, end);
    if (close == std::string_view::npos)
        return {};
    return m_xml.substr(at, close + closing.size() - at);
}

} // namespace Canto::Bench
