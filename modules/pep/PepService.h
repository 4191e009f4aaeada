#pragma once

#include "modules/pep/PepNode.h"
#include "shared/Result.h"

#include <QMap>
#include <QString>
#include <QStringList>

#include <optional>

namespace Canto {
class Roster;
}

namespace Canto::Modules {

class PepServiceManager;

/// The pubsub service of one account (XEP-0163 on XEP-0060), Prosody's util.pubsub service with
/// mod_pep's settings: nodes are created on first publish, the owner (the account's bare JID) may
/// do everything, others get the capabilities of their node affiliation, or of the node's access
/// model (open: member; presence: member if subscribed to the owner's presence; roster: the same
/// and in an allowed roster group; whitelist: outcast unless affiliated).
///
/// Everything is in memory once loaded (PepServiceManager loads it), so operations are
/// synchronous; each change is written through to storage in order. An empty actor is the
/// server itself (allowed everything), as Prosody's `true` actor. Errors carry Prosody's pubsub
/// error names as conditions (forbidden, item-not-found, conflict, not-acceptable,
/// precondition-not-met, invalid-item, persistent-items-unsupported, not-subscribed).
class PepService
{
public:
    PepService(PepServiceManager& manager, QString user, bool exists, QMap<QString, PepNode> nodes);

    const QString& user() const { return m_user; }
    /// The account's bare JID (the service's address).
    QString jid() const;
    /// False for an account that does not exist: nobody may do anything there.
    bool exists() const { return m_exists; }
    /// The owner's roster, for presence/roster access checks during one operation (set by the
    /// manager around each use; null means "no contacts").
    void setRoster(const Roster* roster) { m_roster = roster; }
    const Roster* roster() const { return m_roster; }

    /// util.pubsub's capability check for `action` ("publish", "get_items", "subscribe", ...).
    bool may(const QString& node, const QString& actor, const QString& action) const;
    QString affiliation(const QString& node, const QString& actor) const;
    /// The owner, or a contact that sees the owner's presence (Prosody's subscription_presence).
    bool hasPresenceSubscription(const QString& jid) const;

    const QMap<QString, PepNode>& nodes() const { return m_nodes; }
    const PepNode* node(const QString& name) const;
    /// Nodes the actor may see in disco#items (get_nodes and get_items on the node).
    QStringList visibleNodes(const QString& actor) const;

    Result<void> create(const QString& node, const QString& actor, const PepNodeConfig& config = PepNodeConfig());
    /// Publishes (auto-creating the node with `options`); with an existing node, `options` are
    /// preconditions. Returns the item id.
    Result<QString> publish(const QString& node, const QString& actor, QString id, const XmlElement& payload,
                            const std::optional<PepNodeConfig>& options = std::nullopt);
    Result<void> retract(const QString& node, const QString& actor, const QString& id, bool notify);
    Result<void> purge(const QString& node, const QString& actor, bool notify);
    Result<void> remove(const QString& node, const QString& actor);
    /// Items oldest first: the `ids` asked for (in that order), else the newest `max` (all if
    /// not given).
    Result<QList<PepItem>> items(const QString& node, const QString& actor, const QStringList& ids = {},
                                 std::optional<int> max = std::nullopt) const;
    /// The newest item, if any.
    Result<std::optional<PepItem>> lastItem(const QString& node, const QString& actor) const;
    Result<PepNodeConfig> config(const QString& node, const QString& actor) const;
    Result<void> configure(const QString& node, const QString& actor, const PepNodeConfig& config);
    Result<void> setAffiliation(const QString& node, const QString& actor, const QString& jid,
                                const QString& affiliation);
    Result<void> subscribe(const QString& node, const QString& actor, const QString& jid);
    Result<void> unsubscribe(const QString& node, const QString& actor, const QString& jid);

private:
    QString defaultAffiliation(const QString& node, const QString& actor) const;
    void saveNode(const PepNode& node);
    void storeItem(const PepNode& node, const PepItem& item);
    void trim(PepNode& node);

    PepServiceManager& m_manager;
    QString m_user;
    bool m_exists;
    QMap<QString, PepNode> m_nodes;
    const Roster* m_roster = nullptr;
};

} // namespace Canto::Modules
