#include "modules/bookmarks/BookmarksModule.h"

#include "modules/bookmarks/BookmarkConversion.h"
#include "modules/pep/PepProvider.h"
#include "modules/pep/PepService.h"
#include "modules/pep/PepServiceManager.h"
#include "modules/vcard/PreserializedXml.h"
#include "server/core/ClientSession.h"
#include "server/core/ModuleApi.h"
#include "server/storage/MapStore.h"
#include "server/xmpp/Namespaces.h"
#include "server/xmpp/Stanza.h"

using namespace Qt::StringLiterals;

namespace Canto::Modules {

namespace {

const QString Bookmarks2Node = u"urn:xmpp:bookmarks:1"_s;
const QString Bookmarks2OldNode = u"urn:xmpp:bookmarks:0"_s;
const QString LegacyNode = u"storage:bookmarks"_s;
const QString PrivateKey = u"storage:storage:bookmarks"_s; // the "private" module's key for it

// XEP-0402 §3 node configuration (Prosody's default_options).
PepNodeConfig bookmarksOptions()
{
    return PepNodeConfig(QVariantMap{
        {u"persist_items"_s, true},
        {u"max_items"_s, u"max"_s},
        {u"send_last_published_item"_s, u"never"_s},
        {u"access_model"_s, u"whitelist"_s},
    });
}

ClientSession* clientOf(const Event& event)
{
    return event.origin && event.origin->isClient() ? static_cast<ClientSession*>(event.origin) : nullptr;
}

} // namespace

BookmarksModule::~BookmarksModule() = default;

Result<void> BookmarksModule::load()
{
    Result<Module*> pep = module().depends(u"pep"_s);
    if (!pep) {
        return pep.error();
    }
    auto* provider = dynamic_cast<PepProvider*>(pep.value());
    if (!provider) {
        return Result<void>::failure(u"internal-server-error"_s, u"the pep module offers no PEP services"_s);
    }
    m_services = &provider->pepServices();
    if (Result<std::shared_ptr<MapStore>> store = module().openMapStore(u"private"_s)) {
        m_private = store.value();
    } else {
        return store.error();
    }
    module().addFeature(Ns::PrivateStorage.toString());
    module().hook(u"account-disco-info"_s, [](Event& event) -> QVariant {
        if (!event.value(u"node"_s).toString().isEmpty()) {
            return {};
        }
        auto* reply = event.pointer<XmlElement>(u"reply"_s);
        if (XmlElement* query = reply ? reply->firstChild(u"query", Ns::DiscoInfo) : nullptr) {
            for (const QString& feature : QStringList{Bookmarks2Node + u"#compat"_s, Bookmarks2Node + u"#compat-pep"_s,
                                                      u"urn:xmpp:bookmarks-conversion:0"_s}) {
                query->addChild(u"feature"_s).setAttribute(u"var"_s, feature);
            }
        }
        return {};
    });
    // Priority 1: before the "private" module and the PEP service (priority 0) see the request.
    module().hook(
        u"iq/bare/jabber:iq:private:query"_s, [this](Event& event) { return onPrivateQuery(event); }, 1);
    module().hook(
        u"iq/bare/http://jabber.org/protocol/pubsub:pubsub"_s, [this](Event& event) { return onLegacyPep(event); }, 1);
    if (module().optionBoolean(u"upgrade_legacy_bookmarks"_s, true).value_or(true)) {
        module().hook(u"resource-bind"_s, [this](Event& event) -> QVariant {
            if (const ClientSession* session = clientOf(event)) {
                migrate(session->username(), session->fullJid());
            }
            return {};
        });
    }
    module().hook(u"presence/initial"_s, [this](Event& event) -> QVariant {
        if (const ClientSession* session = clientOf(event)) {
            const QString actor = session->fullJid();
            withService(session->username(), [this, actor](PepService& service) { legacyBroadcast(service, actor); });
        }
        return {};
    });
    // Any change of the bookmarks 2 node is shown to legacy PEP listeners as a new <storage/>.
    const auto changed = [this](const QString& user, const QString& node, const QString& actor) {
        if (node == Bookmarks2Node) {
            withService(user, [this, actor](PepService& service) { legacyBroadcast(service, actor); });
        }
    };
    connect(m_services, &PepServiceManager::itemPublished, this,
            [changed](const QString& user, const QString& node, const QString&, const QString& actor) {
                changed(user, node, actor);
            });
    connect(m_services, &PepServiceManager::itemRetracted, this,
            [changed](const QString& user, const QString& node, const QString&, const QString& actor) {
                changed(user, node, actor);
            });
    connect(m_services, &PepServiceManager::nodePurged, this, changed);
    connect(m_services, &PepServiceManager::nodeDeleted, this, changed);
    return {};
}

void BookmarksModule::withService(const QString& user, std::function<void(PepService&)> use)
{
    m_services->withService(user, [use = std::move(use)](Result<PepService*> service) {
        if (service) {
            use(*service.value());
        }
    });
}

QVariant BookmarksModule::onPrivateQuery(Event& event)
{
    const ClientSession* session = clientOf(event);
    const XmlElement* query = event.stanza->firstChild(u"query", Ns::PrivateStorage);
    const XmlElement* storage = query ? query->firstChild(u"storage", LegacyNode) : nullptr;
    if (!event.toSelf || !session || !storage) {
        return {}; // other private data: the "private" module's
    }
    const XmlElement stanza = *event.stanza;
    const bool get = stanza.attribute(u"type") == u"get"_s;
    m_services->withService(session->username(), [this, stanza, get](Result<PepService*> service) {
        if (!service) {
            module().send(Stanza::errorReply(stanza, u"wait"_s, u"internal-server-error"_s));
            return;
        }
        const QString actor = stanza.attribute(u"from");
        XmlElement reply = Stanza::reply(stanza);
        if (get) {
            const Result<QList<PepItem>> items = service.value()->items(Bookmarks2Node, actor);
            if (!items && items.error().condition != u"item-not-found"_s) {
                module().send(Stanza::errorReply(stanza, u"cancel"_s, items.error().condition,
                                                 u"Failed to retrieve bookmarks from PEP"_s));
                return;
            }
            reply.addChild(u"query"_s, Ns::PrivateStorage.toString())
                .addChild(BookmarkConversion::toLegacyStorage(items ? items.value() : QList<PepItem>()));
            module().send(reply);
            return;
        }
        const XmlElement* storageElement = stanza.firstChild()->firstChild(u"storage", LegacyNode);
        const Result<void> stored = publishToPep(*service.value(), actor, *storageElement, true);
        module().send(stored ? reply
                             : Stanza::errorReply(stanza, u"cancel"_s, u"internal-server-error"_s,
                                                  u"Failed to store bookmarks to PEP"_s));
    });
    return true;
}

QVariant BookmarksModule::onLegacyPep(Event& event)
{
    const ClientSession* session = clientOf(event);
    const XmlElement* pubsub = event.stanza->firstChild(u"pubsub", Ns::PubSub);
    if (!event.toSelf || !session || !pubsub) {
        return {};
    }
    const XmlElement stanza = *event.stanza;
    const bool get = stanza.attribute(u"type") == u"get"_s;
    const XmlElement* items = pubsub->firstChild(u"items");
    const XmlElement* publish = pubsub->firstChild(u"publish");
    if (get && items && items->attribute(u"node") == LegacyNode) {
        withService(session->username(), [this, stanza](PepService& service) {
            const Result<QList<PepItem>> found = service.items(Bookmarks2Node, stanza.attribute(u"from"));
            if (!found) {
                module().send(Stanza::errorReply(stanza, u"cancel"_s, found.error().condition,
                                                 u"Failed to retrieve bookmarks from PEP"_s));
                return;
            }
            XmlElement reply = Stanza::reply(stanza);
            XmlElement& list = reply.addChild(u"pubsub"_s, Ns::PubSub.toString()).addChild(u"items"_s);
            list.setAttribute(u"node"_s, LegacyNode);
            XmlElement& item = list.addChild(u"item"_s);
            item.setAttribute(u"id"_s, u"current"_s);
            item.addChild(BookmarkConversion::toLegacyStorage(found.value()));
            module().send(reply);
        });
        return true;
    }
    if (get || !publish) {
        return {};
    }
    if (publish->attribute(u"node") == Bookmarks2OldNode) {
        module().send(Stanza::errorReply(stanza, u"modify"_s, u"not-allowed"_s,
                                         u"Your client does XEP-0402 version 0.3.0 but 0.4.0+ is required"_s));
        return true;
    }
    const XmlElement* item = publish->firstChild(u"item");
    const XmlElement* storage = item ? item->firstChild(u"storage", LegacyNode) : nullptr;
    if (publish->attribute(u"node") != LegacyNode || !storage) {
        return {};
    }
    withService(session->username(), [this, stanza](PepService& service) {
        const XmlElement* legacy =
            stanza.firstChild()->firstChild(u"publish")->firstChild(u"item")->firstChild(u"storage", LegacyNode);
        const Result<void> stored = publishToPep(service, stanza.attribute(u"from"), *legacy, true);
        module().send(stored ? Stanza::reply(stanza)
                             : Stanza::errorReply(stanza, u"cancel"_s, u"internal-server-error"_s,
                                                  u"Failed to store bookmarks to PEP"_s));
    });
    return true;
}

Result<void> BookmarksModule::publishToPep(PepService& service, const QString& actor, const XmlElement& storage,
                                           bool synchronise)
{
    const QList<PepItem> wanted = BookmarkConversion::fromLegacyStorage(storage);
    if (wanted.isEmpty()) {
        if (!synchronise || !service.node(Bookmarks2Node)) {
            return {};
        }
        return service.purge(Bookmarks2Node, actor, true);
    }
    QList<PepItem> existing;
    if (!service.node(Bookmarks2Node)) {
        if (Result<void> created = service.create(Bookmarks2Node, actor, bookmarksOptions()); !created) {
            return created;
        }
    } else {
        Result<QList<PepItem>> current = service.items(Bookmarks2Node, actor);
        if (!current) {
            return current.error();
        }
        existing = current.value();
        // The node must keep the XEP-0402 configuration, whatever a client changed.
        PepNodeConfig config = service.node(Bookmarks2Node)->config;
        const PepNodeConfig required = bookmarksOptions();
        if (!config.firstMismatch(required).isEmpty()) {
            for (auto it = required.values().constBegin(); it != required.values().constEnd(); ++it) {
                config.set(it.key(), it.value());
            }
            if (Result<void> configured = service.configure(Bookmarks2Node, actor, config); !configured) {
                return configured;
            }
        }
    }
    QStringList toRemove;
    for (const PepItem& item : existing) {
        toRemove << item.id;
    }
    for (const PepItem& item : wanted) {
        const auto previous =
            std::find_if(existing.cbegin(), existing.cend(), [&item](const PepItem& e) { return e.id == item.id; });
        toRemove.removeAll(item.id);
        if (previous != existing.cend() && BookmarkConversion::sameBookmark(item, *previous)) {
            continue;
        }
        const Result<QString> published =
            service.publish(Bookmarks2Node, actor, item.id, item.payload, bookmarksOptions());
        if (!published) {
            return published.error();
        }
    }
    if (synchronise) {
        for (const QString& id : toRemove) {
            if (Result<void> retracted = service.retract(Bookmarks2Node, actor, id, true); !retracted) {
                return retracted;
            }
        }
    }
    return {};
}

void BookmarksModule::legacyBroadcast(PepService& service, const QString& actor)
{
    Result<QList<PepItem>> items = service.items(Bookmarks2Node, actor);
    if (!items && items.error().condition != u"item-not-found"_s) {
        return;
    }
    PepItem current{u"current"_s, BookmarkConversion::toLegacyStorage(items ? items.value() : QList<PepItem>()),
                    service.jid(), 0};
    PepNode legacy;
    legacy.name = LegacyNode; // no explicit subscribers: only +notify listeners get it
    m_services->broadcast(service, u"items"_s, legacy, current.toXml(false));
}

void BookmarksModule::migrate(const QString& user, const QString& fullJid)
{
    withService(user, [this, fullJid](PepService& service) {
        // Legacy PEP bookmarks → bookmarks 2, then the legacy node holds nothing.
        const Result<QList<PepItem>> legacy = service.items(LegacyNode, fullJid);
        if (legacy && !legacy.value().isEmpty()) {
            bool failed = false;
            for (const PepItem& item : legacy.value()) {
                if (item.payload.name() == u"storage"_s && item.payload.xmlns() == LegacyNode &&
                    !publishToPep(service, fullJid, item.payload, false)) {
                    failed = true;
                    break;
                }
            }
            if (!failed) {
                (void)service.purge(LegacyNode, fullJid, false);
            }
        }
        // The legacy node stays, private and without stored items (XEP-0411 §4).
        const PepNodeConfig legacyOptions(QVariantMap{{u"persist_items"_s, false},
                                                      {u"max_items"_s, 1},
                                                      {u"send_last_published_item"_s, u"never"_s},
                                                      {u"access_model"_s, u"whitelist"_s}});
        const PepNode* node = service.node(LegacyNode);
        if (!node) {
            (void)service.create(LegacyNode, fullJid, legacyOptions);
        } else if (node->config.accessModel() != u"whitelist"_s) {
            (void)service.configure(LegacyNode, fullJid, legacyOptions);
        }
    });
    // Legacy bookmarks in private XML storage → bookmarks 2, then removed from there.
    m_private->get(user, PrivateKey).then(this, [this, user, fullJid](Result<QVariant> stored) {
        if (!stored || !stored.value().isValid()) {
            return;
        }
        const Result<XmlElement> storage = PreserializedXml::toElement(stored.value());
        if (!storage) {
            module().log(ModuleApi::LogLevel::Warn,
                         u"unreadable legacy bookmarks of %1: %2"_s.arg(user, storage.error().toString()));
            return;
        }
        const XmlElement legacy = storage.value();
        withService(user, [this, user, fullJid, legacy](PepService& service) {
            if (const Result<void> moved = publishToPep(service, fullJid, legacy, false); !moved) {
                module().log(ModuleApi::LogLevel::Error,
                             u"cannot migrate the legacy bookmarks of %1: %2"_s.arg(user, moved.error().toString()));
                return;
            }
            m_private->set(user, PrivateKey, QVariant()).then(this, [this, user](Result<void> removed) {
                if (!removed) {
                    module().log(ModuleApi::LogLevel::Error, u"cannot remove the legacy bookmarks of %1: %2"_s.arg(
                                                                 user, removed.error().toString()));
                }
            });
        });
    });
}

} // namespace Canto::Modules
