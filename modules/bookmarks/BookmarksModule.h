#pragma once

#include "server/core/Event.h"
#include "server/core/Module.h"

#include <QString>

#include <memory>

namespace Canto {
class MapStore;
class XmlElement;
} // namespace Canto

namespace Canto::Modules {

class PepService;
class PepServiceManager;

/// Bookmarks (Prosody's mod_bookmarks): XEP-0402 bookmarks in the urn:xmpp:bookmarks:1 PEP node
/// are the single truth; XEP-0048 clients keep working through two views of it, private XML
/// storage (jabber:iq:private <storage xmlns='storage:bookmarks'/>, answered here before the
/// "private" module sees it) and the legacy storage:bookmarks PEP node. Both views are converted
/// on each request and writes replace the bookmarks 2 items (publish changed ones, retract
/// removed ones). Changes of the bookmarks 2 node are pushed to +notify listeners of the legacy
/// node. On login, legacy bookmarks left in private storage or the legacy node move to
/// bookmarks 2 (upgrade_legacy_bookmarks, default true).
class BookmarksModule : public Module
{
    Q_OBJECT

public:
    using Module::Module;
    ~BookmarksModule() override;
    Result<void> load() override;

private:
    QVariant onPrivateQuery(Event& event);
    QVariant onLegacyPep(Event& event);
    /// Prosody's publish_to_pep: stores `storage` as bookmarks 2 items; with `synchronise`,
    /// bookmarks missing from it are retracted.
    Result<void> publishToPep(PepService& service, const QString& actor, const XmlElement& storage, bool synchronise);
    void legacyBroadcast(PepService& service, const QString& actor);
    void migrate(const QString& user, const QString& fullJid);
    void withService(const QString& user, std::function<void(PepService&)> use);

    PepServiceManager* m_services = nullptr;
    std::shared_ptr<MapStore> m_private;
};

} // namespace Canto::Modules
