#include "server/core/Router.h"

#include "server/core/ClientSession.h"
#include "server/core/EventBus.h"
#include "server/core/Host.h"
#include "server/core/HostManager.h"
#include "server/core/ServerContext.h"
#include "server/xmpp/Namespaces.h"
#include "server/xmpp/Stanza.h"
#include "shared/Jid.h"

#include <QLoggingCategory>

using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcRouter, "canto.core.router")

namespace Canto {

namespace {

bool isStanzaName(const QString& name)
{
    return name == u"message"_s || name == u"presence"_s || name == u"iq"_s;
}

// The namespace-qualified name of an IQ's payload, "xmlns:tag" (child xmlns defaults to
// jabber:client as in Prosody).
QString payloadKey(const XmlElement& iq)
{
    const XmlElement* child = iq.firstChild();
    if (!child) {
        return {};
    }
    const QString xmlns = child->xmlns().isEmpty() ? Ns::Client.toString() : child->xmlns();
    return xmlns + u':' + child->name();
}

} // namespace

Router::Router(ServerContext& context, QObject* parent) : QObject(parent), m_context(context) {}

void Router::installHostHandlers(Host& host)
{
    // Prosody's mod_iq: dispatch IQs to bare/host/self addresses into namespaced sub-events.
    for (const QString& dest : {u"bare"_s, u"self"_s, u"host"_s}) {
        host.events().addHandler(u"iq/"_s + dest, [&host, dest](Event& event) -> QVariant {
            XmlElement& stanza = *event.stanza;
            const QString type = stanza.attribute(u"type");
            if (type == u"get"_s || type == u"set"_s) {
                const QString key = payloadKey(stanza);
                QVariant result = host.events().fire(u"iq/"_s + dest + u'/' + key, event);
                if (!result.isValid()) {
                    result = host.events().fire(u"iq-"_s + type + u'/' + dest + u'/' + key, event);
                }
                return result;
            }
            return host.events().fire(u"iq-"_s + type + u'/' + dest + u'/' + stanza.attribute(u"id"), event);
        });
    }
    if (host.type() == Host::Type::Local) {
        // RFC 3921 session establishment, still sent by some clients after binding: accepted.
        for (const QString& dest : {u"host"_s, u"bare"_s, u"self"_s}) {
            host.events().addHandler(u"iq-set/"_s + dest + u"/urn:ietf:params:xml:ns:xmpp-session:session"_s,
                                     [](Event& event) -> QVariant {
                                         event.origin->send(Stanza::reply(*event.stanza));
                                         return true;
                                     });
        }
        // IQs to a full JID go to that session; nobody there means service-unavailable.
        host.events().addHandler(u"iq/full"_s, [this, &host](Event& event) -> QVariant {
            XmlElement& stanza = *event.stanza;
            const QString to = stanza.attribute(u"to");
            const QString user = to.section(u'@', 0, 0);
            const QString resource = to.section(u'/', 1);
            if (ClientSession* target = host.clientSession(user, resource)) {
                target->send(stanza);
            } else if (event.origin) {
                const QString type = stanza.attribute(u"type");
                if (type == u"get"_s || type == u"set"_s) {
                    bounce(*event.origin, stanza, u"cancel"_s, u"service-unavailable"_s);
                }
            }
            return true;
        });
    }
}

void Router::processClientElement(ClientSession& origin, XmlElement element)
{
    if (element.xmlns() != Ns::Client || !isStanzaName(element.name())) {
        if (!fireStanzaEvent(origin, element, origin.host())) {
            origin.close(u"unsupported-stanza-type"_s, u"Unsupported element: "_s + element.name());
        }
        return;
    }
    const QString type = element.attribute(u"type");
    if (type == u"error"_s && element.childElementCount() == 0) {
        return; // an error without its error element: drop, never answer errors
    }
    if (element.name() == u"iq"_s) {
        if (type != u"get"_s && type != u"set"_s && type != u"result"_s && type != u"error"_s) {
            bounce(origin, element, u"modify"_s, u"bad-request"_s, u"Invalid IQ type"_s);
            return;
        }
        if (!element.hasAttribute(u"id")) {
            bounce(origin, element, u"modify"_s, u"bad-request"_s, u"Missing required 'id' attribute"_s);
            return;
        }
        if ((type == u"get"_s || type == u"set"_s) && element.childElementCount() != 1) {
            bounce(origin, element, u"modify"_s, u"bad-request"_s, u"Incorrect number of children for IQ stanza"_s);
            return;
        }
    }
    element.setAttribute(u"from"_s, origin.fullJid()); // spoofing is impossible: always stamped
    if (element.hasAttribute(u"to")) {
        QString error;
        const QString to = preppedTo(element.attribute(u"to"), &error);
        if (to.isEmpty()) {
            if (type != u"error"_s && type != u"result"_s) {
                bounce(origin, element, u"modify"_s, u"jid-malformed"_s);
            }
            return;
        }
        element.setAttribute(u"to"_s, to);
    }
    post(origin, std::move(element), true);
}

QString Router::preppedTo(const QString& to, QString* error)
{
    const auto cached = m_prepped.constFind(to);
    if (cached != m_prepped.cend()) {
        return *cached;
    }
    const Result<Jid> jid = Jid::parse(to);
    if (!jid) {
        *error = jid.error().text;
        return {};
    }
    if (m_prepped.size() >= MaxPreppedCache) {
        m_prepped.clear();
    }
    const QString prepped = jid->full();
    m_prepped.insert(to, prepped);
    return prepped;
}

bool Router::fireStanzaEvent(Session& origin, XmlElement& element, const QString& hostName)
{
    Host* host = m_context.hosts ? m_context.hosts->host(hostName) : nullptr;
    if (!host) {
        return false;
    }
    QString event;
    const QString type = element.attribute(u"type");
    if (element.xmlns() == Ns::Client && element.name() == u"iq"_s && (type == u"get"_s || type == u"set"_s) &&
        element.firstChild()) {
        event = u"stanza/iq/"_s + payloadKey(element);
    } else if (element.xmlns() == Ns::Client || element.xmlns().isEmpty()) {
        event = u"stanza/"_s + element.name();
    } else {
        event = u"stanza/"_s + element.xmlns() + u':' + element.name();
    }
    Event data(&origin, &element);
    return host->events().fire(event, data).isValid();
}

void Router::post(Session& origin, XmlElement stanza, bool preEvents)
{
    ++m_routed;
    const QString to = stanza.attribute(u"to");
    QString node, domain, resource;
    if (!to.isEmpty()) {
        const qsizetype slash = to.indexOf(u'/');
        const QString bare = slash >= 0 ? to.left(slash) : to;
        resource = slash >= 0 ? to.mid(slash + 1) : QString();
        const qsizetype at = bare.indexOf(u'@');
        node = at >= 0 ? bare.left(at) : QString();
        domain = at >= 0 ? bare.mid(at + 1) : bare;
    }

    QString destType;
    bool toSelf = false;
    if (to.isEmpty()) {
        destType = u"/bare"_s;
        toSelf = true;
    } else if (!node.isEmpty() && !resource.isEmpty()) {
        destType = u"/full"_s;
    } else if (!node.isEmpty()) {
        destType = u"/bare"_s;
        if (origin.isClient()) {
            const auto& client = static_cast<ClientSession&>(origin);
            if (node == client.username() && domain == client.host()) {
                toSelf = true;
                stanza.removeAttribute(u"to");
            }
        }
    } else {
        destType = u"/host"_s;
    }
    if (toSelf) {
        domain = origin.host();
    }

    Event event(&origin, &stanza);
    event.toSelf = toSelf;
    const QString name = stanza.name();

    if (preEvents) {
        if (Host* originHost = m_context.hosts->host(origin.host())) {
            if (originHost->events().fire(u"pre-stanza"_s, event).isValid()) {
                return;
            }
            const QVariant blocked = originHost->events().fire(u"pre-"_s + name + destType, event);
            if (blocked.isValid() && blocked.toBool()) {
                return;
            }
        }
    }

    Host* dest = m_context.hosts->host(domain);
    if (!dest) {
        // Not a local host: remote routing (s2s) is not available yet.
        Event remote(&origin, &stanza);
        remote.set(u"from_host"_s, origin.host());
        remote.set(u"to_host"_s, domain);
        Host* originHost = m_context.hosts->host(origin.host());
        if (!originHost || !originHost->events().fire(u"route/remote"_s, remote).isValid()) {
            bounce(origin, stanza, u"cancel"_s, u"remote-server-not-found"_s,
                   u"Communication with remote domains is not enabled"_s);
        }
        return;
    }

    QVariant result = dest->events().fire(name + destType, event);
    if (!result.isValid() && toSelf) {
        result = dest->events().fire(name + u"/self"_s, event);
    }
    if (!result.isValid()) {
        handleUnhandled(origin, stanza);
    }
}

void Router::route(Session& origin, const XmlElement& stanza)
{
    post(origin, stanza, false);
}

void Router::handleUnhandled(Session& origin, const XmlElement& stanza)
{
    const QString type = stanza.attribute(u"type");
    if (type == u"error"_s || type == u"result"_s) {
        return; // errors are never answered with errors
    }
    if (stanza.name() == u"iq"_s || stanza.name() == u"message"_s) {
        if (type == u"get"_s || type == u"set"_s || stanza.name() == u"message"_s) {
            bounce(origin, stanza, u"cancel"_s, u"service-unavailable"_s);
        }
    }
    qCDebug(lcRouter).noquote() << "Unhandled" << stanza.name() << "from" << stanza.attribute(u"from") << "to"
                                << stanza.attribute(u"to");
}

void Router::bounce(Session& origin, const XmlElement& stanza, const QString& type, const QString& condition,
                    const QString& text)
{
    const QString stanzaType = stanza.attribute(u"type");
    if (stanzaType == u"error"_s || stanzaType == u"result"_s) {
        return;
    }
    XmlElement reply = Stanza::errorReply(stanza, type, condition, text);
    if (origin.isClient() && reply.attribute(u"to") == static_cast<ClientSession&>(origin).fullJid()) {
        origin.send(reply);
        return;
    }
    if (reply.attribute(u"to").isEmpty()) {
        origin.send(reply);
        return;
    }
    route(origin.isClient() ? static_cast<Session&>(*m_context.hosts->host(origin.host())) : origin, reply);
}

} // namespace Canto
