#pragma once

#include "modules/mam/MamPrefs.h"
#include "server/core/Event.h"
#include "server/core/Module.h"
#include "server/metrics/MeasureFactory.h"
#include "server/xmpp/XmlElement.h"

#include <QSet>
#include <QString>

#include <memory>
#include <optional>

namespace Canto {
class ArchiveStore;
}

namespace Canto::Modules {

class MamExpiry;
class MamPrefsCache;

/// Message Archive Management for user accounts (Prosody's mod_mam, XEP-0313 urn:xmpp:mam:2
/// with #extended, XEP-0359 stanza ids), using Prosody's stores and options:
/// - archives messages users send (pre-message/*) and receive (message/*) into the archive store
///   "archive" (`with` = the other party's bare JID, value = the stanza) when the
///   `archive-should-store` event (Prosody's rules) and the user's preferences (keyval
///   "archive_prefs", default_archive_policy) agree; children in dont_archive_namespaces are
///   not stored;
/// - the id is chosen before the message moves on, so the delivered copy carries
///   <stanza-id by='user@host'/>; ids claiming to be by the user are stripped on the way in and,
///   after the other handlers (carbons), from what the sender sent;
/// - answers archive queries, form discovery, preferences and metadata on the own bare JID;
/// - expires items older than archive_expires_after (daily, or every archive_cleanup_interval).
///
/// The decision is taken synchronously from cached preferences (MamPrefsCache) and, for the
/// "roster" policy, the cached roster. Until the preferences are loaded, or when a "roster"
/// decision needs a roster that is not loaded, the message is archived (or not) once the data
/// is there, and the delivered copy has no stanza-id of ours (an id must never name nothing).
class MamModule : public Module
{
    Q_OBJECT

public:
    using Module::Module;
    ~MamModule() override;
    Result<void> load() override;

    /// The expiry job, nullptr when archive_expires_after is "never".
    MamExpiry* expiry() const { return m_expiry; }
    /// Whether the preferences are loaded (archiving decisions are synchronous from then on).
    bool isReady() const;

private:
    enum class Direction { Sent, Received };

    void readOptions();
    void hookEvents();
    QVariant onMessage(Event& event, Direction direction);
    bool shouldStore(Event& event, QString* reason);
    /// The stanza as stored: without children in dont_archive_namespaces; null if nothing is left.
    XmlElement storedForm(const XmlElement& stanza) const;
    void decideLater(const QString& user, const QString& with, XmlElement stored, qint64 when, bool checkAccount);
    void append(const QString& user, const QString& id, const XmlElement& stored, qint64 when, const QString& with,
                bool checkAccount);
    enum class QuotaStep { First, Expired, Truncated, GaveUp }; // what was done to make room
    void appendWithQuota(const QString& user, const QString& id, const XmlElement& stored, qint64 when,
                         const QString& with, QuotaStep step);

    QVariant onQuery(Event& event);
    QVariant onQueryForm(Event& event);
    QVariant onPrefs(Event& event);
    QVariant onMetadata(Event& event);
    void onAccountDiscoInfo(Event& event);

    std::shared_ptr<ArchiveStore> m_archive;
    MamPrefsCache* m_prefs = nullptr; // child of this module
    MamExpiry* m_expiry = nullptr;    // child of this module; null: never expire
    QSet<QString> m_stripNamespaces;
    int m_maxResults = 50;
    bool m_useTotal = true;
    std::optional<int> m_itemLimit;
    MeasureFactory::Tick m_archived;
    MeasureFactory::Tick m_skipped;
    MeasureFactory::Tick m_failed;
    MeasureFactory::Tick m_queryErrors;
};

} // namespace Canto::Modules
