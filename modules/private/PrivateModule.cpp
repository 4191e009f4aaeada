#include "modules/private/PrivateModule.h"

#include "modules/vcard/PreserializedXml.h"
#include "server/core/ClientSession.h"
#include "server/core/ModuleApi.h"
#include "server/storage/MapStore.h"
#include "server/xmpp/Namespaces.h"
#include "server/xmpp/Stanza.h"

using namespace Qt::StringLiterals;

namespace Canto::Modules {

Result<void> PrivateModule::load()
{
    auto store = module().openMapStore(u"private"_s);
    if (!store) {
        return store.error();
    }
    m_store = std::move(store).value();
    auto refused = module().measure().counter(u"refused"_s);
    m_refused = refused ? std::move(refused).value() : MeasureFactory::Setter([](double) {});

    module().addFeature(Ns::PrivateStorage.toString());
    // iq/bare (not only iq/self as in Prosody) so requests for another user get "forbidden"
    // (XEP-0049) instead of service-unavailable.
    module().hook(u"iq/bare/jabber:iq:private:query"_s, [this](Event& event) { return onQuery(event); });
    return {};
}

QVariant PrivateModule::onQuery(Event& event)
{
    const XmlElement& iq = *event.stanza;
    if (!event.toSelf || !event.origin || !event.origin->isClient()) {
        refuse(iq, u"auth"_s, u"forbidden"_s, u"Private storage belongs to the account itself"_s);
        return true;
    }
    const QString user = static_cast<const ClientSession*>(event.origin)->username();
    const XmlElement* query = iq.firstChild();
    const QList<const XmlElement*> children = query->children();
    if (children.size() != 1) {
        refuse(iq, u"modify"_s, u"not-acceptable"_s, u"Exactly one element per request"_s);
        return true;
    }
    const XmlElement& element = *children.first();
    if (element.xmlns().isEmpty() || element.xmlns() == Ns::PrivateStorage) {
        refuse(iq, u"modify"_s, u"not-acceptable"_s, u"The element needs a namespace of its own"_s);
        return true;
    }
    const QString key = element.name() + u':' + element.xmlns();

    if (iq.attribute(u"type") == u"get"_s) {
        m_store->get(user, key).then(this, [this, iq, user, key, element](Result<QVariant> stored) {
            if (!stored) {
                module().log(ModuleApi::LogLevel::Error,
                             u"cannot load %1 of %2: %3"_s.arg(key, user, stored.error().toString()));
                refuse(iq, u"wait"_s, u"internal-server-error"_s);
                return;
            }
            XmlElement reply = Stanza::reply(iq);
            XmlElement& answer = reply.addChild(u"query"_s, Ns::PrivateStorage.toString());
            if (!stored->isValid()) {
                answer.addChild(element); // nothing stored: the empty request comes back
                module().send(reply);
                return;
            }
            auto data = PreserializedXml::toElement(*stored);
            if (!data) {
                module().log(ModuleApi::LogLevel::Error,
                             u"stored %1 of %2 is unreadable: %3"_s.arg(key, user, data.error().toString()));
                refuse(iq, u"wait"_s, u"internal-server-error"_s);
                return;
            }
            answer.addChild(std::move(data).value());
            module().send(reply);
        });
        return true;
    }

    // As Prosody: an element without any content removes the stored one.
    const QVariant value = element.nodes().empty() ? QVariant() : QVariant(PreserializedXml::fromElement(element));
    m_store->set(user, key, value).then(this, [this, iq, user, key](Result<void> saved) {
        if (!saved) {
            module().log(ModuleApi::LogLevel::Error,
                         u"cannot save %1 of %2: %3"_s.arg(key, user, saved.error().toString()));
            refuse(iq, u"wait"_s, u"internal-server-error"_s);
            return;
        }
        module().send(Stanza::reply(iq));
    });
    return true;
}

void PrivateModule::refuse(const XmlElement& iq, const QString& type, const QString& condition, const QString& text)
{
    m_refused(1);
    // Replies go through the router: the requester may have gone while storage worked.
    module().send(Stanza::errorReply(iq, type, condition, text));
}

} // namespace Canto::Modules
