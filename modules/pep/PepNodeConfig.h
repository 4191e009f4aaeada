#pragma once

#include "server/xmpp/XmlElement.h"
#include "shared/Result.h"

#include <QString>
#include <QStringList>
#include <QVariantMap>

namespace Canto::Modules {

/// The configuration of one PEP node, kept as Prosody 0.12 keeps it: a table with the options
/// that were set explicitly, under Prosody's names (max_items, persist_items, access_model,
/// publish_model, send_last_published_item, notify_items, include_payload, notify_delete,
/// notify_retract, notification_type, title, description, payload_type; Canto adds
/// roster_groups_allowed for the "roster" access model). Reads fall back to the PEP defaults
/// (XEP-0163 §5: one persistent item, presence access, last item on subscription and presence).
/// Converts to and from the pubsub#node_config data form (XEP-0060 §16.4.4).
class PepNodeConfig
{
public:
    PepNodeConfig() = default;
    explicit PepNodeConfig(QVariantMap values) : m_values(std::move(values)) {}

    /// The explicitly set options, as stored.
    const QVariantMap& values() const { return m_values; }
    /// The value of `name` (Prosody's option name) or its default.
    QVariant value(const QString& name) const;
    void set(const QString& name, const QVariant& value) { m_values.insert(name, value); }

    /// max_items as a number ("max" is `serviceMax`).
    int maxItems(int serviceMax) const;
    bool persistItems() const { return value(QStringLiteral("persist_items")).toBool(); }
    QString accessModel() const { return value(QStringLiteral("access_model")).toString(); }
    QString publishModel() const { return value(QStringLiteral("publish_model")).toString(); }
    QString sendLastPublishedItem() const { return value(QStringLiteral("send_last_published_item")).toString(); }
    QStringList rosterGroupsAllowed() const { return value(QStringLiteral("roster_groups_allowed")).toStringList(); }
    /// notify_items/notify_retract/notify_delete/notify_purge: false only when set to false.
    bool notifies(const QString& kind) const;
    bool includePayload() const { return value(QStringLiteral("include_payload")).toBool(); }

    /// Prosody's check_node_config for PEP: max_items within 1..serviceMax (or "max") and an
    /// access model PEP supports.
    bool isAcceptable(int serviceMax) const;
    /// publish-options preconditions (XEP-0060 §7.1.5): every option in `required` has the same
    /// value here. Returns the name of the first mismatching option, or an empty string.
    QString firstMismatch(const PepNodeConfig& required) const;

    /// The node_config form (type "form") with every option's effective value.
    XmlElement toForm(int serviceMax) const;
    /// Reads a submitted node_config or publish-options form on top of `base`. Unknown fields
    /// are ignored; malformed values are a "bad-request" error naming the field.
    static Result<PepNodeConfig> fromForm(const XmlElement& form, const PepNodeConfig& base = PepNodeConfig());

private:
    QVariantMap m_values;
};

} // namespace Canto::Modules
