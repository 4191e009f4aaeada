#include "Stanza.h"

#include "Namespaces.h"

using namespace Qt::StringLiterals;

namespace Canto {

namespace {

XmlElement makeStanza(const QString& name, const QString& from, const QString& to)
{
    XmlElement stanza(name, Ns::Client.toString());
    if (!from.isEmpty())
        stanza.setAttribute(u"from"_s, from);
    if (!to.isEmpty())
        stanza.setAttribute(u"to"_s, to);
    return stanza;
}

} // namespace

XmlElement Stanza::message(const QString& from, const QString& to, const QString& type, const QString& body)
{
    XmlElement stanza = makeStanza(u"message"_s, from, to);
    if (!type.isEmpty())
        stanza.setAttribute(u"type"_s, type);
    if (!body.isNull())
        stanza.addTextChild(u"body"_s, {}, body);
    return stanza;
}

XmlElement Stanza::presence(const QString& from, const QString& to, const QString& type)
{
    XmlElement stanza = makeStanza(u"presence"_s, from, to);
    if (!type.isEmpty())
        stanza.setAttribute(u"type"_s, type);
    return stanza;
}

XmlElement Stanza::iq(const QString& type, const QString& id, const QString& from, const QString& to, XmlElement child)
{
    XmlElement stanza = makeStanza(u"iq"_s, from, to);
    stanza.setAttribute(u"type"_s, type);
    stanza.setAttribute(u"id"_s, id);
    if (!child.isNull())
        stanza.addChild(std::move(child));
    return stanza;
}

XmlElement Stanza::reply(const XmlElement& stanza)
{
    XmlElement result(stanza.name(), stanza.xmlns());
    const QString to = stanza.attribute(u"from");
    const QString from = stanza.attribute(u"to");
    if (!to.isEmpty())
        result.setAttribute(u"to"_s, to);
    if (!from.isEmpty())
        result.setAttribute(u"from"_s, from);
    if (stanza.hasAttribute(u"id"))
        result.setAttribute(u"id"_s, stanza.attribute(u"id"));
    if (stanza.name() == u"iq")
        result.setAttribute(u"type"_s, u"result"_s);
    else if (stanza.hasAttribute(u"type"))
        result.setAttribute(u"type"_s, stanza.attribute(u"type"));
    return result;
}

XmlElement Stanza::errorReply(const XmlElement& stanza, const QString& type, const QString& condition,
                              const QString& text, const QString& by)
{
    StanzaError error;
    error.type = type;
    error.condition = condition;
    error.text = text;
    error.by = by;
    return errorReply(stanza, error);
}

XmlElement Stanza::errorReply(const XmlElement& stanza, const StanzaError& error)
{
    if (isError(stanza))
        return {};
    XmlElement result = reply(stanza);
    result.setAttribute(u"type"_s, u"error"_s);
    StanzaError copy = error;
    if (copy.type.isEmpty())
        copy.type = StanzaError::defaultType(copy.condition);
    if (copy.by == result.attribute(u"from"))
        copy.by.clear();
    XmlElement element = copy.toElement();
    // The error element lives in the stanza's own namespace (jabber:server on s2s, ...).
    if (!stanza.xmlns().isEmpty())
        element.setXmlns(stanza.xmlns());
    result.addChild(std::move(element));
    return result;
}

Stanza::Kind Stanza::kind(const XmlElement& element)
{
    if (!element.xmlns().isEmpty() && !Ns::isStanzaNamespace(element.xmlns()))
        return Kind::Other;
    const QString& name = element.name();
    if (name == u"message")
        return Kind::Message;
    if (name == u"presence")
        return Kind::Presence;
    if (name == u"iq")
        return Kind::Iq;
    return Kind::Other;
}

bool Stanza::isError(const XmlElement& element)
{
    return element.attribute(u"type") == u"error";
}

bool Stanza::isIqRequest(const XmlElement& element)
{
    if (!isIq(element))
        return false;
    const QString type = element.attribute(u"type");
    return type == u"get" || type == u"set";
}

bool Stanza::isIqResponse(const XmlElement& element)
{
    if (!isIq(element))
        return false;
    const QString type = element.attribute(u"type");
    return type == u"result" || type == u"error";
}

QString Stanza::kindName(Kind kind)
{
    switch (kind) {
    case Kind::Message:
        return u"message"_s;
    case Kind::Presence:
        return u"presence"_s;
    case Kind::Iq:
        return u"iq"_s;
    case Kind::Other:
        break;
    }
    return {};
}

} // namespace Canto
