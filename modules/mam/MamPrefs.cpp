#include "modules/mam/MamPrefs.h"

#include "server/xmpp/Namespaces.h"
#include "shared/Jid.h"

using namespace Qt::StringLiterals;

namespace Canto::Modules {

namespace {

// util.json's key for a table's non-string keys (here Lua's `false`, the default policy).
const QString HashKey = u"__hash"_s;

std::optional<MamPrefs::Policy> policyFromStored(const QVariant& value)
{
    if (value.metaType().id() == QMetaType::Bool)
        return value.toBool() ? MamPrefs::Policy::Always : MamPrefs::Policy::Never;
    if (value.toString() == u"roster"_s)
        return MamPrefs::Policy::Roster;
    return std::nullopt;
}

QVariant policyToStored(MamPrefs::Policy policy)
{
    switch (policy) {
    case MamPrefs::Policy::Always:
        return true;
    case MamPrefs::Policy::Never:
        return false;
    case MamPrefs::Policy::Roster:
        break;
    }
    return u"roster"_s;
}

void readJids(const XmlElement* list, bool always, MamPrefs& prefs)
{
    if (!list)
        return;
    for (const XmlElement* jid : list->children(u"jid")) {
        const Jid prepped = Jid::prepped(jid->text());
        if (!prepped.isNull())
            prefs.setRule(prepped.full(), always);
    }
}

} // namespace

MamPrefs MamPrefs::fromStored(const QVariant& stored, std::optional<Policy> fallback)
{
    if (!stored.isValid())
        return MamPrefs(fallback);
    MamPrefs prefs;
    const QVariantMap map = stored.toMap();
    for (auto it = map.cbegin(); it != map.cend(); ++it) {
        if (it.key() == HashKey) {
            // Pairs of (non-string key, value); only `false` (the default) means something here.
            const QVariantList pairs = it.value().toList();
            for (qsizetype i = 0; i + 1 < pairs.size(); i += 2)
                if (pairs[i].metaType().id() == QMetaType::Bool && !pairs[i].toBool())
                    prefs.m_default = policyFromStored(pairs[i + 1]);
        } else if (!it.key().isEmpty() && it.value().metaType().id() == QMetaType::Bool) {
            prefs.m_rules.insert(it.key(), it.value().toBool());
        }
    }
    return prefs;
}

QVariantMap MamPrefs::toStored() const
{
    QVariantMap map;
    for (auto it = m_rules.cbegin(); it != m_rules.cend(); ++it)
        map.insert(it.key(), it.value());
    if (m_default)
        map.insert(QString(), QVariantMap{{HashKey, QVariantList{false, policyToStored(*m_default)}}});
    return map;
}

Result<MamPrefs> MamPrefs::fromXml(const XmlElement& element)
{
    const std::optional<Policy> policy = parsePolicy(element.attribute(u"default"));
    if (!policy)
        return Result<MamPrefs>::failure(u"bad-request"_s, u"The default attribute must be always, never or roster"_s);
    MamPrefs prefs(policy);
    readJids(element.firstChild(u"always", Ns::Mam), true, prefs);
    readJids(element.firstChild(u"never", Ns::Mam), false, prefs);
    return prefs;
}

XmlElement MamPrefs::toXml() const
{
    XmlElement prefs(u"prefs"_s, Ns::Mam.toString());
    // No default (a Prosody record without one) behaves as "never".
    prefs.setAttribute(u"default"_s, policyName(m_default.value_or(Policy::Never)));
    // Built apart: a reference to one child would not survive adding the next.
    XmlElement always(u"always"_s, Ns::Mam.toString());
    XmlElement never(u"never"_s, Ns::Mam.toString());
    for (auto it = m_rules.cbegin(); it != m_rules.cend(); ++it)
        (it.value() ? always : never).addTextChild(u"jid"_s, Ns::Mam.toString(), it.key());
    prefs.addChild(std::move(always));
    prefs.addChild(std::move(never));
    return prefs;
}

MamPrefs::Decision MamPrefs::decide(const QString& with) const
{
    const auto rule = m_rules.constFind(with);
    if (rule != m_rules.cend())
        return rule.value() ? Decision::Store : Decision::Skip;
    if (!m_default)
        return Decision::Skip;
    switch (*m_default) {
    case Policy::Always:
        return Decision::Store;
    case Policy::Never:
        return Decision::Skip;
    case Policy::Roster:
        break;
    }
    return Decision::AskRoster;
}

QString MamPrefs::policyName(Policy policy)
{
    switch (policy) {
    case Policy::Always:
        return u"always"_s;
    case Policy::Never:
        return u"never"_s;
    case Policy::Roster:
        break;
    }
    return u"roster"_s;
}

std::optional<MamPrefs::Policy> MamPrefs::parsePolicy(const QString& name)
{
    if (name == u"always"_s)
        return Policy::Always;
    if (name == u"never"_s)
        return Policy::Never;
    if (name == u"roster"_s)
        return Policy::Roster;
    return std::nullopt;
}

} // namespace Canto::Modules
