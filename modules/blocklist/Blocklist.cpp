#include "modules/blocklist/Blocklist.h"

using namespace Qt::StringLiterals;

namespace Canto::Modules {

namespace {

const QString HashKey = u"__hash"_s; // util.json's encoding of a table's non-string keys

bool isFalse(const QVariant& value)
{
    return !value.isValid() || (value.metaType().id() == QMetaType::Bool && !value.toBool());
}

} // namespace

Blocklist Blocklist::fromStored(const QVariant& stored)
{
    Blocklist list;
    const QVariantMap map = stored.toMap();
    for (auto it = map.cbegin(); it != map.cend(); ++it) {
        if (it.key() == HashKey) {
            // [k1, v1, k2, v2, ...]: the Lua key false holds the metadata.
            const QVariantList pairs = it.value().toList();
            for (qsizetype i = 0; i + 1 < pairs.size(); i += 2) {
                if (pairs.at(i).metaType().id() == QMetaType::Bool && !pairs.at(i).toBool()) {
                    list.m_metadata = pairs.at(i + 1).toMap();
                }
            }
            continue;
        }
        if (it.key().isEmpty() || isFalse(it.value())) {
            continue;
        }
        list.m_items.insert(it.key(), it.value());
    }
    return list;
}

QVariantMap Blocklist::toStored() const
{
    QVariantMap stored;
    for (auto it = m_items.cbegin(); it != m_items.cend(); ++it) {
        stored.insert(it.key(), it.value());
    }
    if (!m_metadata.isEmpty()) {
        stored.insert(QString(), QVariantMap{{HashKey, QVariantList{false, m_metadata}}});
    }
    return stored;
}

bool Blocklist::blocks(const QString& jid) const
{
    if (m_items.isEmpty() || jid.isEmpty()) {
        return false;
    }
    if (m_items.contains(jid)) {
        return true;
    }
    const qsizetype slash = jid.indexOf(u'/');
    const QString bare = slash >= 0 ? jid.left(slash) : jid;
    const QString resource = slash >= 0 ? jid.mid(slash) : QString(); // with its '/'
    const qsizetype at = bare.indexOf(u'@');
    const QString domain = at >= 0 ? bare.mid(at + 1) : bare;
    if (m_items.contains(bare) || m_items.contains(domain)) {
        return true;
    }
    return !resource.isEmpty() && at >= 0 && m_items.contains(domain + resource);
}

void Blocklist::block(const QString& jid, qint64 now)
{
    if (!m_items.contains(jid)) {
        m_items.insert(jid, now);
    }
}

bool Blocklist::unblock(const QString& jid)
{
    return m_items.remove(jid) > 0;
}

void Blocklist::touch(qint64 now)
{
    if (!m_metadata.contains(u"created"_s)) {
        m_metadata.insert(u"created"_s, now);
    }
    m_metadata.insert(u"modified"_s, now);
}

} // namespace Canto::Modules
