#include "StreamError.h"

#include "Namespaces.h"

#include <array>

using namespace Qt::StringLiterals;

namespace Canto {

namespace {

// RFC 6120 §4.9.3
constexpr std::array<QStringView, 24> DefinedConditions{
    u"bad-format",
    u"bad-namespace-prefix",
    u"conflict",
    u"connection-timeout",
    u"host-gone",
    u"host-unknown",
    u"improper-addressing",
    u"internal-server-error",
    u"invalid-from",
    u"invalid-namespace",
    u"invalid-xml",
    u"not-authorized",
    u"not-well-formed",
    u"policy-violation",
    u"remote-connection-failed",
    u"reset",
    u"resource-constraint",
    u"restricted-xml",
    u"see-other-host",
    u"system-shutdown",
    u"undefined-condition",
    u"unsupported-encoding",
    u"unsupported-feature",
    u"unsupported-stanza-type",
};

} // namespace

StreamError::StreamError(QString condition, QString text) : m_condition(std::move(condition)), m_text(std::move(text))
{}

bool StreamError::isDefinedCondition(QStringView condition)
{
    for (QStringView c : DefinedConditions) {
        if (c == condition)
            return true;
    }
    // COMPAT: RFC 3920 conditions some peers still send.
    return condition == u"unsupported-version" || condition == u"xml-not-well-formed";
}

XmlElement StreamError::toElement() const
{
    XmlElement error(u"error"_s, Ns::Streams.toString());
    const QString ns = Ns::StreamErrors.toString();
    error.addChild(m_condition.isEmpty() ? u"undefined-condition"_s : m_condition, ns);
    if (!m_text.isEmpty())
        error.addTextChild(u"text"_s, ns, m_text);
    return error;
}

QString StreamError::toXml() const
{
    // Any content namespace works: it only tells the writer that the stream prefix is bound.
    return toElement().toXml(Ns::Client);
}

Result<StreamError> StreamError::fromElement(const XmlElement& element)
{
    if (element.name() != u"error" || element.xmlns() != Ns::Streams)
        return Result<StreamError>::failure(u"bad-format"_s, u"not a stream error"_s);
    QString condition;
    QString text;
    for (const XmlNode& node : element.nodes()) {
        const auto* child = std::get_if<XmlElement>(&node);
        if (!child || child->xmlns() != Ns::StreamErrors)
            continue;
        if (child->name() == u"text")
            text = child->text();
        else if (condition.isEmpty())
            condition = isDefinedCondition(child->name()) ? child->name() : u"undefined-condition"_s;
    }
    if (condition.isEmpty())
        condition = u"undefined-condition"_s;
    return StreamError(condition, text);
}

} // namespace Canto
