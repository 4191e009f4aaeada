#pragma once

#include "server/xmpp/XmlElement.h"
#include "shared/Result.h"

#include <QMap>
#include <QString>
#include <QVariant>

#include <optional>

namespace Canto::Modules {

/// One user's archiving preferences (XEP-0313 §5 "Preferences"), in the shape Prosody's
/// mamprefs keeps in the keyval store "archive_prefs": one boolean per JID (true = always,
/// false = never) plus the default under Lua's key `false` (true, false or "roster"), which
/// util.json writes as the row "" = {"__hash": [false, <default>]}. A missing default (possible
/// in a Prosody database) archives nothing that no JID rule asks for, as Prosody does.
class MamPrefs
{
public:
    enum class Policy { Always, Never, Roster };
    enum class Decision { Store, Skip, AskRoster };

    MamPrefs() = default;
    explicit MamPrefs(std::optional<Policy> defaultPolicy) : m_default(defaultPolicy) {}

    /// Reads the keyval value (an invalid QVariant is "no preferences": the given default).
    static MamPrefs fromStored(const QVariant& stored, std::optional<Policy> fallback);
    QVariantMap toStored() const;

    /// Parses a <prefs/> element of a set request; "bad-request" for a missing or unknown
    /// default (XEP-0313 makes it required). JIDs are prepared; unpreparable ones are skipped.
    static Result<MamPrefs> fromXml(const XmlElement& prefs);
    XmlElement toXml() const;

    /// What to do with a message exchanged with `with` (a bare JID).
    Decision decide(const QString& with) const;

    std::optional<Policy> defaultPolicy() const { return m_default; }
    const QMap<QString, bool>& rules() const { return m_rules; }
    void setRule(const QString& jid, bool always) { m_rules.insert(jid, always); }

    /// "always", "never", "roster" (the XML attribute values).
    static QString policyName(Policy policy);
    static std::optional<Policy> parsePolicy(const QString& name);

    bool operator==(const MamPrefs&) const = default;

private:
    std::optional<Policy> m_default;
    QMap<QString, bool> m_rules; // prepared JID -> always (true) / never (false)
};

} // namespace Canto::Modules
