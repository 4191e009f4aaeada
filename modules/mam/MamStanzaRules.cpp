#include "modules/mam/MamStanzaRules.h"

#include "server/xmpp/Namespaces.h"
#include "shared/Jid.h"

using namespace Qt::StringLiterals;

namespace Canto::Modules {

namespace {

// Namespaces only these rules look at; not yet in server/xmpp/Namespaces.h.
constexpr QStringView Eme = u"urn:xmpp:eme:0";
constexpr QStringView ChatMarkers = u"urn:xmpp:chat-markers:0";
constexpr QStringView Conference = u"jabber:x:conference";
constexpr QStringView JingleMessage0 = u"urn:xmpp:jingle-message:0";
constexpr QStringView JingleMessage1 = u"urn:xmpp:jingle-message:1";

} // namespace

bool MamStanzaRules::shouldStore(const XmlElement& stanza, QString* reason)
{
    const QString type = stanza.attribute(u"type", u"normal"_s);
    const auto answer = [reason](bool should, const QString& why) {
        *reason = why;
        return should;
    };
    if (type == u"headline"_s)
        return answer(false, u"headline"_s); // ephemeral by definition
    if (type == u"error"_s) {
        // Bounces of the user's own messages come to a full JID and are worth keeping; errors to
        // the bare JID are about things like PEP notifications.
        return answer(stanza.attribute(u"to").contains(u'/'), u"bounce"_s);
    }
    if (type == u"groupchat"_s)
        return answer(false, u"groupchat"_s); // archived by the room
    if (stanza.firstChild(u"no-store", Ns::Hints) || stanza.firstChild(u"no-permanent-store", Ns::Hints))
        return answer(false, u"hint"_s);
    if (stanza.firstChild(u"store", Ns::Hints))
        return answer(true, u"hint"_s);
    if (stanza.firstChild(u"body", Ns::Client))
        return answer(true, u"body"_s);
    if (stanza.firstChild(u"subject", Ns::Client))
        return answer(true, u"subject"_s);
    if (stanza.firstChild(u"encryption", Eme))
        return answer(true, u"encrypted"_s);
    if (stanza.firstChild({}, Ns::Receipts))
        return answer(true, u"receipt"_s);
    if (stanza.firstChild({}, ChatMarkers))
        return answer(true, u"marker"_s);
    const XmlElement* mucUser = stanza.firstChild(u"x", Ns::MucUser);
    if (stanza.firstChild(u"x", Conference) || (mucUser && mucUser->firstChild(u"invite", Ns::MucUser)))
        return answer(true, u"invite"_s);
    if (stanza.firstChild({}, JingleMessage0) || stanza.firstChild({}, JingleMessage1))
        return answer(true, u"jingle call"_s);
    return answer(false, u"default"_s);
}

void MamStanzaRules::stripOwnStanzaIds(XmlElement& stanza, const QString& user, const QString& host)
{
    auto& nodes = stanza.nodes();
    std::erase_if(nodes, [&](const XmlNode& node) {
        const XmlElement* child = std::get_if<XmlElement>(&node);
        if (!child || child->name() != u"stanza-id"_s || child->xmlns() != Ns::StanzaId)
            return false;
        const Jid by = Jid::prepped(child->attribute(u"by"));
        return by.isBare() && by.node() == user && by.domain() == host;
    });
}

void MamStanzaRules::addStanzaId(XmlElement& stanza, const QString& by, const QString& id)
{
    stanza.addChild(u"stanza-id"_s, Ns::StanzaId.toString()).setAttribute(u"by"_s, by).setAttribute(u"id"_s, id);
}

} // namespace Canto::Modules
