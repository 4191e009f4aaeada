#include "StanzaError.h"

#include "Namespaces.h"

#include <array>
#include <utility>

using namespace Qt::StringLiterals;

namespace Canto {

namespace {

// RFC 6120 §8.3.3: each defined condition with the error type its examples use.
constexpr std::array<std::pair<QStringView, QStringView>, 22> DefinedConditions{{
    {u"bad-request", u"modify"},
    {u"conflict", u"cancel"},
    {u"feature-not-implemented", u"cancel"},
    {u"forbidden", u"auth"},
    {u"gone", u"cancel"},
    {u"internal-server-error", u"cancel"},
    {u"item-not-found", u"cancel"},
    {u"jid-malformed", u"modify"},
    {u"not-acceptable", u"modify"},
    {u"not-allowed", u"cancel"},
    {u"not-authorized", u"auth"},
    {u"policy-violation", u"modify"},
    {u"recipient-unavailable", u"wait"},
    {u"redirect", u"modify"},
    {u"registration-required", u"auth"},
    {u"remote-server-not-found", u"cancel"},
    {u"remote-server-timeout", u"wait"},
    {u"resource-constraint", u"wait"},
    {u"service-unavailable", u"cancel"},
    {u"subscription-required", u"auth"},
    {u"undefined-condition", u"cancel"},
    {u"unexpected-request", u"wait"},
}};

} // namespace

StanzaError StanzaError::make(const QString& condition, const QString& text)
{
    StanzaError error;
    error.type = defaultType(condition);
    error.condition = condition;
    error.text = text;
    return error;
}

QString StanzaError::defaultType(QStringView condition)
{
    for (const auto& [name, type] : DefinedConditions) {
        if (name == condition)
            return type.toString();
    }
    return u"cancel"_s;
}

bool StanzaError::isDefinedCondition(QStringView condition)
{
    for (const auto& entry : DefinedConditions) {
        if (entry.first == condition)
            return true;
    }
    return false;
}

bool StanzaError::isValidType(QStringView type)
{
    return type == u"auth" || type == u"cancel" || type == u"continue" || type == u"modify" || type == u"wait";
}

XmlElement StanzaError::toElement() const
{
    XmlElement error(u"error"_s, Ns::Client.toString());
    error.setAttribute(u"type"_s, type);
    if (!by.isEmpty())
        error.setAttribute(u"by"_s, by);
    const QString stanzasNs = Ns::Stanzas.toString();
    XmlElement& cond = error.addChild(condition.isEmpty() ? u"undefined-condition"_s : condition, stanzasNs);
    cond.addText(conditionText);
    if (!text.isEmpty())
        error.addTextChild(u"text"_s, stanzasNs, text);
    if (!applicationCondition.isNull())
        error.addChild(applicationCondition);
    return error;
}

Result<StanzaError> StanzaError::fromElement(const XmlElement& errorOrStanza)
{
    const XmlElement* error = &errorOrStanza;
    if (errorOrStanza.name() != u"error") {
        error = errorOrStanza.firstChild(u"error");
        if (!error)
            return Result<StanzaError>::failure(u"bad-request"_s, u"no <error/> element"_s);
    }
    StanzaError result;
    result.type = error->attribute(u"type");
    if (!isValidType(result.type))
        return Result<StanzaError>::failure(u"bad-request"_s, u"missing or invalid error type"_s);
    result.by = error->attribute(u"by");
    for (const XmlNode& node : error->nodes()) {
        const auto* child = std::get_if<XmlElement>(&node);
        if (!child)
            continue;
        if (child->xmlns() == Ns::Stanzas) {
            if (child->name() == u"text") {
                result.text = child->text();
            } else if (result.condition.isEmpty()) {
                const bool known = isDefinedCondition(child->name());
                result.condition = known ? child->name() : u"undefined-condition"_s;
                result.conditionText = child->text();
            }
        } else if (result.applicationCondition.isNull()) {
            result.applicationCondition = *child;
        }
    }
    if (result.condition.isEmpty())
        result.condition = u"undefined-condition"_s;
    return result;
}

} // namespace Canto
