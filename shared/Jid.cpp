#include "Jid.h"

#include <QHostAddress>

#include <idn-free.h>
#include <idna.h>
#include <stringprep.h>

#include <vector>

using namespace Qt::StringLiterals;

namespace Canto {

namespace {

// RFC 7622 §3.2-3.4: each part is at most 1023 bytes once prepared.
constexpr qsizetype MaxPartBytes = 1023;
// Longer input cannot shrink below the limit in any realistic case; refusing it early keeps
// hostile input from reaching stringprep.
constexpr qsizetype MaxRawPartBytes = 4 * MaxPartBytes;
constexpr qsizetype MaxLabelBytes = 63;

Error malformed(const QString& text)
{
    return Error{u"jid-malformed"_s, text};
}

bool isNodeForbiddenAscii(char16_t c)
{
    // RFC 7622 §3.3.1 (and the extra prohibitions of RFC 6122 Nodeprep)
    switch (c) {
    case u'"':
    case u'&':
    case u'\'':
    case u'/':
    case u':':
    case u'<':
    case u'>':
    case u'@':
        return true;
    default:
        return false;
    }
}

bool isAscii(QStringView s)
{
    for (QChar c : s) {
        if (c.unicode() >= 0x80)
            return false;
    }
    return true;
}

QString asciiLower(QStringView s)
{
    QString out = s.toString();
    for (QChar& c : out) {
        if (c >= u'A' && c <= u'Z')
            c = QChar(c.unicode() + 32);
    }
    return out;
}

/// Runs a libidn stringprep profile over UTF-8 (libidn works in place in a caller buffer).
Result<QString> runStringprep(QStringView input, const Stringprep_profile* profile, bool strict, const char* what)
{
    const QByteArray utf8 = input.toUtf8();
    if (utf8.size() > MaxRawPartBytes)
        return malformed(u"%1 is too long"_s.arg(QLatin1StringView(what)));
    // Case folding can expand the text; grow the buffer if libidn says it is too small.
    std::vector<char> buffer(size_t(utf8.size()) * 3 + 16);
    const auto flags = strict ? Stringprep_profile_flags(STRINGPREP_NO_UNASSIGNED) : Stringprep_profile_flags(0);
    for (int attempt = 0; attempt < 4; ++attempt) {
        std::fill(buffer.begin(), buffer.end(), '\0');
        std::copy(utf8.cbegin(), utf8.cend(), buffer.begin());
        const int rc = stringprep(buffer.data(), buffer.size(), flags, profile);
        if (rc == STRINGPREP_OK)
            return QString::fromUtf8(buffer.data());
        if (rc != STRINGPREP_TOO_SMALL_BUFFER)
            return malformed(u"%1 is invalid: %2"_s.arg(QLatin1StringView(what),
                                                        QLatin1StringView(stringprep_strerror(Stringprep_rc(rc)))));
        buffer.resize(buffer.size() * 2);
    }
    return malformed(u"%1 is too long"_s.arg(QLatin1StringView(what)));
}

Result<void> checkLength(const QString& prepped, const char* what)
{
    if (prepped.isEmpty())
        return malformed(u"%1 is empty"_s.arg(QLatin1StringView(what)));
    // UTF-8 length without converting: 1-3 bytes per UTF-16 unit, 4 per surrogate pair.
    qsizetype bytes = 0;
    for (QChar c : prepped) {
        const char16_t u = c.unicode();
        bytes += u < 0x80 ? 1 : u < 0x800 ? 2 : QChar::isSurrogate(u) ? 2 : 3;
    }
    if (bytes > MaxPartBytes)
        return malformed(u"%1 is longer than 1023 bytes"_s.arg(QLatin1StringView(what)));
    return {};
}

Result<QString> prepIpLiteral(QStringView domain)
{
    const QStringView inner = domain.mid(1, domain.size() - 2);
    QHostAddress address;
    if (inner.isEmpty() || !address.setAddress(inner.toString()) ||
        address.protocol() != QAbstractSocket::IPv6Protocol || inner.contains(u'%'))
        return malformed(u"invalid IPv6 address literal"_s);
    return QString(u'[' + inner.toString().toLower() + u']');
}

} // namespace

Result<QString> Jid::nodeprep(QStringView node, bool strict)
{
    QString result;
    bool fast = isAscii(node);
    if (fast) {
        for (QChar c : node) {
            const char16_t u = c.unicode();
            if (u <= 0x20 || u == 0x7F || isNodeForbiddenAscii(u)) {
                fast = false; // let stringprep produce the precise reason
                break;
            }
        }
    }
    if (fast) {
        result = asciiLower(node);
    } else {
        Result<QString> prepped = runStringprep(node, stringprep_xmpp_nodeprep, strict, "localpart");
        if (!prepped)
            return prepped;
        result = std::move(prepped).value();
        for (QChar c : std::as_const(result)) {
            if (isNodeForbiddenAscii(c.unicode()))
                return malformed(u"localpart contains a forbidden character"_s);
        }
    }
    if (Result<void> length = checkLength(result, "localpart"); !length)
        return length.error();
    return result;
}

Result<QString> Jid::resourceprep(QStringView resource, bool strict)
{
    QString result;
    bool fast = isAscii(resource);
    for (QChar c : resource) {
        if (!fast)
            break;
        fast = c.unicode() >= 0x20 && c.unicode() != 0x7F;
    }
    if (fast) {
        // ASCII printable characters and space are unchanged by Resourceprep.
        result = resource.toString();
    } else {
        Result<QString> prepped = runStringprep(resource, stringprep_xmpp_resourceprep, strict, "resourcepart");
        if (!prepped)
            return prepped;
        result = std::move(prepped).value();
    }
    if (Result<void> length = checkLength(result, "resourcepart"); !length)
        return length.error();
    return result;
}

Result<QString> Jid::nameprep(QStringView domain, bool strict)
{
    if (domain.size() >= 2 && domain.front() == u'[' && domain.back() == u']')
        return prepIpLiteral(domain);

    // IDNA label separators (RFC 3490 §3.1) become full stops before anything else.
    QString text = domain.toString();
    for (QChar& c : text) {
        const char16_t u = c.unicode();
        if (u == 0x3002 || u == 0xFF0E || u == 0xFF61)
            c = u'.';
    }
    // RFC 7622 §3.2: a trailing dot is stripped, once.
    if (text.endsWith(u'.'))
        text.chop(1);
    if (text.isEmpty())
        return malformed(u"domainpart is empty"_s);

    QString result;
    if (isAscii(text)) {
        result = asciiLower(text);
    } else {
        Result<QString> prepped = runStringprep(text, stringprep_nameprep, strict, "domainpart");
        if (!prepped)
            return prepped;
        result = std::move(prepped).value();
    }
    if (Result<void> length = checkLength(result, "domainpart"); !length)
        return length.error();

    for (QChar c : std::as_const(result)) {
        const char16_t u = c.unicode();
        // Nameprep itself allows ASCII controls and space; no DNS name or JID can carry them.
        if (u <= 0x20 || u == 0x7F || u == u'@' || u == u'/')
            return malformed(u"domainpart contains a forbidden character"_s);
    }

    const auto labels = QStringView(result).split(u'.');
    for (QStringView label : labels) {
        if (label.isEmpty())
            return malformed(u"domainpart has an empty label"_s);
        if (isAscii(label)) {
            if (label.size() > MaxLabelBytes)
                return malformed(u"domain label longer than 63 octets"_s);
            continue;
        }
        // A U-label must fit in 63 octets once converted to its A-label (punycode) form.
        char* ascii = nullptr;
        const int rc = idna_to_ascii_8z(label.toUtf8().constData(), &ascii, strict ? 0 : IDNA_ALLOW_UNASSIGNED);
        const qsizetype asciiLength = ascii ? qsizetype(qstrlen(ascii)) : 0;
        idn_free(ascii);
        if (rc != IDNA_SUCCESS || asciiLength == 0 || asciiLength > MaxLabelBytes)
            return malformed(u"invalid internationalized domain label"_s);
    }
    return result;
}

Result<Jid> Jid::parse(QStringView text, bool strict)
{
    QStringView rest = text;
    QStringView resource;
    bool hasResource = false;
    if (const qsizetype slash = rest.indexOf(u'/'); slash >= 0) {
        resource = rest.mid(slash + 1);
        rest = rest.left(slash);
        hasResource = true;
    }
    QStringView node;
    bool hasNode = false;
    if (const qsizetype at = rest.indexOf(u'@'); at >= 0) {
        node = rest.left(at);
        rest = rest.mid(at + 1);
        hasNode = true;
    }
    if (hasNode && node.isEmpty())
        return malformed(u"localpart is empty"_s);
    if (hasResource && resource.isEmpty())
        return malformed(u"resourcepart is empty"_s);
    return fromParts(node, rest, resource, strict);
}

Jid Jid::prepped(QStringView text)
{
    return parse(text).valueOr(Jid());
}

Result<Jid> Jid::fromParts(QStringView node, QStringView domain, QStringView resource, bool strict)
{
    Jid jid;
    Result<QString> preppedDomain = nameprep(domain, strict);
    if (!preppedDomain)
        return preppedDomain.error();
    jid.m_domain = std::move(preppedDomain).value();
    if (!node.isEmpty()) {
        Result<QString> preppedNode = nodeprep(node, strict);
        if (!preppedNode)
            return preppedNode.error();
        jid.m_node = std::move(preppedNode).value();
    }
    if (!resource.isEmpty()) {
        Result<QString> preppedResource = resourceprep(resource, strict);
        if (!preppedResource)
            return preppedResource.error();
        jid.m_resource = std::move(preppedResource).value();
    }
    return jid;
}

Jid Jid::bare() const
{
    Jid jid = *this;
    jid.m_resource.clear();
    return jid;
}

Result<Jid> Jid::withResource(QStringView resource) const
{
    Jid jid = bare();
    if (resource.isEmpty())
        return jid;
    Result<QString> prepped = resourceprep(resource);
    if (!prepped)
        return prepped.error();
    jid.m_resource = std::move(prepped).value();
    return jid;
}

QString Jid::bareString() const
{
    return m_node.isEmpty() ? m_domain : m_node + u'@' + m_domain;
}

QString Jid::full() const
{
    return m_resource.isEmpty() ? bareString() : bareString() + u'/' + m_resource;
}

} // namespace Canto
