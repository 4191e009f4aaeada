#include "modules/vcard/VcardModule.h"

#include "modules/vcard/PreserializedXml.h"
#include "server/core/ClientSession.h"
#include "server/core/ModuleApi.h"
#include "server/core/Session.h"
#include "server/storage/KeyValueStore.h"
#include "server/xmpp/Namespaces.h"
#include "server/xmpp/Stanza.h"

using namespace Qt::StringLiterals;

namespace Canto::Modules {

namespace {

// Large enough for a vCard with an embedded photo (clients put avatars there); the c2s stanza
// size limit (256 KiB by default) caps it anyway unless raised.
constexpr qint64 DefaultMaxSize = 256 * 1024;
constexpr qint64 MinMaxSize = 1024;

} // namespace

Result<void> VcardModule::load()
{
    auto store = module().openKeyValueStore(u"vcard"_s);
    if (!store) {
        return store.error();
    }
    m_store = std::move(store).value();
    m_maxSize = module().optionInteger(u"vcard_max_size"_s, DefaultMaxSize, MinMaxSize).value_or(DefaultMaxSize);
    auto refused = module().measure().counter(u"refused"_s);
    m_refused = refused ? std::move(refused).value() : MeasureFactory::Setter([](double) {});

    module().addFeature(Ns::VCardTemp.toString());
    const auto handler = [this](Event& event) {
        return onVcard(event);
    };
    module().hook(u"iq/bare/vcard-temp:vCard"_s, handler);
    module().hook(u"iq/host/vcard-temp:vCard"_s, handler);
    return {};
}

QVariant VcardModule::onVcard(Event& event)
{
    const XmlElement& iq = *event.stanza;
    const QString to = iq.attribute(u"to");
    const bool isHost = !to.isEmpty() && !to.contains(u'@');
    const ClientSession* client =
        event.origin && event.origin->isClient() ? static_cast<const ClientSession*>(event.origin) : nullptr;

    if (iq.attribute(u"type") == u"get"_s) {
        // The router removes 'to' when a user addresses their own bare JID.
        QString user;
        if (isHost) {
            user = QString(); // the host's own vCard (Prosody: vcards:get(nil))
        } else if (!to.isEmpty()) {
            user = to.section(u'@', 0, 0);
        } else if (client) {
            user = client->username();
        } else {
            refuse(iq, u"modify"_s, u"bad-request"_s);
            return true;
        }
        get(iq, user);
        return true;
    }

    // Only the owner sets a vCard, on their own account (no 'to').
    if (!to.isEmpty() || !client || !event.toSelf) {
        refuse(iq, u"auth"_s, u"forbidden"_s);
        return true;
    }
    set(iq, client->username());
    return true;
}

void VcardModule::get(const XmlElement& iq, const QString& user)
{
    m_store->get(user).then(this, [this, iq, user](Result<QVariant> stored) {
        if (!stored) {
            module().log(ModuleApi::LogLevel::Error,
                         u"cannot load the vCard of %1: %2"_s.arg(user, stored.error().toString()));
            refuse(iq, u"wait"_s, u"internal-server-error"_s);
            return;
        }
        if (!stored->isValid()) {
            refuse(iq, u"cancel"_s, u"item-not-found"_s);
            return;
        }
        auto vcard = PreserializedXml::fromKeyValue(*stored);
        if (!vcard || vcard->name() != u"vCard"_s || vcard->xmlns() != Ns::VCardTemp) {
            module().log(ModuleApi::LogLevel::Error,
                         u"the stored vCard of %1 is unreadable: %2"_s.arg(user, vcard ? u"not a vcard-temp vCard"_s
                                                                                       : vcard.error().toString()));
            refuse(iq, u"wait"_s, u"internal-server-error"_s);
            return;
        }
        XmlElement reply = Stanza::reply(iq);
        reply.addChild(std::move(vcard).value());
        module().send(reply);
    });
}

void VcardModule::set(const XmlElement& iq, const QString& user)
{
    const XmlElement* vcard = iq.firstChild(u"vCard", Ns::VCardTemp);
    Q_ASSERT(vcard); // the event name guarantees it
    const qint64 size = vcard->toXml().toUtf8().size();
    if (size > m_maxSize) {
        refuse(iq, u"modify"_s, u"not-acceptable"_s,
               u"The vCard is too large (%1 bytes, at most %2)"_s.arg(size).arg(m_maxSize));
        return;
    }
    m_store->set(user, PreserializedXml::toKeyValue(*vcard)).then(this, [this, iq, user](Result<void> saved) {
        if (!saved) {
            module().log(ModuleApi::LogLevel::Error,
                         u"cannot save the vCard of %1: %2"_s.arg(user, saved.error().toString()));
            refuse(iq, u"wait"_s, u"internal-server-error"_s);
            return;
        }
        module().send(Stanza::reply(iq));
    });
}

void VcardModule::refuse(const XmlElement& iq, const QString& type, const QString& condition, const QString& text)
{
    m_refused(1);
    // Replies go through the router: the requester may have gone while storage worked.
    module().send(Stanza::errorReply(iq, type, condition, text));
}

} // namespace Canto::Modules
