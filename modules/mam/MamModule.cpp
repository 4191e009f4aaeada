#include "modules/mam/MamModule.h"

#include "modules/mam/MamExpiry.h"
#include "modules/mam/MamPrefsCache.h"
#include "modules/mam/MamQuery.h"
#include "modules/mam/MamStanzaRules.h"
#include "server/core/AccountManager.h"
#include "server/core/ClientSession.h"
#include "server/core/Host.h"
#include "server/core/ModuleApi.h"
#include "server/core/Roster.h"
#include "server/core/RosterManager.h"
#include "server/storage/ArchiveIdGenerator.h"
#include "server/storage/ArchiveStore.h"
#include "server/storage/KeyValueStore.h"
#include "server/storage/StorageManager.h"
#include "server/xmpp/Namespaces.h"
#include "server/xmpp/Stanza.h"

#include <QDateTime>
#include <QPointer>

#include <cmath>

using namespace Qt::StringLiterals;

namespace Canto::Modules {

namespace {

// XEP-0313 §"Extended features"; not yet in server/xmpp/Namespaces.h.
constexpr QStringView MamExtended = u"urn:xmpp:mam:2#extended";

// Event fields shared by the sent and received passes of one message (the router fires both
// with the same Event): who archived it and under which id, so a message within one account
// is archived once.
const QString ArchivedUserField = u"mam/user"_s;
const QString ArchivedIdField = u"mam/id"_s;
// A session field, as Prosody's origin.mam_requested.
const QString RequestedField = u"mam_requested"_s;

MeasureFactory::Tick tickOrNothing(Result<MeasureFactory::Tick> tick)
{
    return tick ? std::move(tick).value() : MeasureFactory::Tick([] {});
}

QString bareOf(const QString& jid)
{
    return jid.section(u'/', 0, 0);
}

qint64 now()
{
    return QDateTime::currentSecsSinceEpoch();
}

} // namespace

MamModule::~MamModule() = default;

bool MamModule::isReady() const
{
    return m_prefs && m_prefs->isReady();
}

Result<void> MamModule::load()
{
    readOptions();
    const QString storeName = module().optionString(u"archive_store"_s, u"archive"_s).value_or(u"archive"_s);
    auto archive = module().openArchiveStore(storeName);
    if (!archive)
        return archive.error();
    m_archive = std::move(archive).value();
    auto prefsStore = module().openKeyValueStore(storeName + u"_prefs"_s);
    if (!prefsStore)
        return prefsStore.error();

    // default_archive_policy: true, false or "roster" (Prosody reads the string first).
    std::optional<MamPrefs::Policy> policy = MamPrefs::Policy::Always;
    if (module().optionScalar(u"default_archive_policy"_s).toString() == u"roster"_s)
        policy = MamPrefs::Policy::Roster;
    else if (!module().optionBoolean(u"default_archive_policy"_s, true).value_or(true))
        policy = MamPrefs::Policy::Never;
    m_prefs = new MamPrefsCache(std::move(prefsStore).value(), policy, this);

    auto age = MamExpiry::parseAge(module().option(u"archive_expires_after"_s, ConfigValue::fromString(u"1w"_s)));
    if (!age)
        return Result<void>::failure(age.error().condition, age.error().text);
    if (*age) {
        m_expiry = new MamExpiry(m_archive, **age, this);
        connect(m_expiry, &MamExpiry::finished, this, [this](int deleted, int users) {
            module().log(ModuleApi::LogLevel::Info,
                         u"Deleted %1 expired messages for %2 users"_s.arg(deleted).arg(users));
        });
        connect(m_expiry, &MamExpiry::failed, this, [this](const QString& user, const QString& error) {
            module().log(ModuleApi::LogLevel::Error, u"Could not delete messages of '"_s + user + u"': "_s + error);
        });
        const std::optional<double> interval = module().optionPeriod(u"archive_cleanup_interval"_s);
        if (interval && std::isfinite(*interval) && *interval > 0) {
            module().addTimer(*interval, [this, interval]() -> std::optional<double> {
                m_expiry->run(now());
                return *interval;
            });
        } else {
            module().daily(u"Remove expired messages"_s,
                           [this](const CronTask&, qint64 startedAt) { m_expiry->run(startedAt); });
        }
    } else {
        // Counting an archive that is never trimmed can get slow (as Prosody).
        m_useTotal = module().optionBoolean(u"mam_include_total"_s, false).value_or(false);
    }

    m_prefs->load([this](const QString& error) { module().logStatus(ModuleApi::LogLevel::Error, error); });
    hookEvents();
    return {};
}

void MamModule::readOptions()
{
    m_maxResults = int(module().optionInteger(u"max_archive_query_results"_s, 50, 0).value_or(50));
    m_useTotal = module().optionBoolean(u"mam_include_total"_s, true).value_or(true);
    m_stripNamespaces = module()
                            .optionSet(u"dont_archive_namespaces"_s, QStringList{Ns::ChatStates.toString()})
                            .value_or(QSet<QString>());
    if (module().context().storage)
        m_itemLimit = module().context().storage->settings().archiveItemLimit;
    m_archived = tickOrNothing(module().measure().rate(u"archived"_s));
    m_skipped = tickOrNothing(module().measure().rate(u"not_archived"_s));
    m_failed = tickOrNothing(module().measure().rate(u"archive_failures"_s));
    m_queryErrors = tickOrNothing(module().measure().rate(u"query_errors"_s));
}

void MamModule::hookEvents()
{
    // Priority -1: Prosody's rules are the fallback; other modules may decide first.
    module().hook(
        u"archive-should-store"_s,
        [](Event& event) -> QVariant {
            QString reason;
            const bool should = MamStanzaRules::shouldStore(*event.stanza, &reason);
            event.set(u"reason"_s, reason);
            return should;
        },
        -1);
    for (const QString& name : {u"pre-message/bare"_s, u"pre-message/full"_s}) {
        module().hook(name, [this](Event& event) { return onMessage(event, Direction::Sent); });
        // Priority -1: after the other handlers (carbons copies keep the id), before the message
        // leaves: our id on a sent message would tell the recipient about the sender's archive.
        module().hook(
            name,
            [this](Event& event) -> QVariant {
                if (event.stanza && event.origin && event.origin->isClient())
                    MamStanzaRules::stripOwnStanzaIds(
                        *event.stanza, static_cast<ClientSession*>(event.origin)->username(), module().host());
                return {};
            },
            -1);
    }
    for (const QString& name : {u"message/bare"_s, u"message/full"_s})
        module().hook(name, [this](Event& event) { return onMessage(event, Direction::Received); });

    // Priority -2, after offline storage (-1): a message nobody else kept is not lost when it is
    // in the archive, so it must not bounce.
    module().hook(
        u"message/offline/handle"_s,
        [this](Event& event) -> QVariant {
            const QString user = event.value(u"username"_s).toString() + u'@' + module().host();
            for (const XmlElement* id : event.stanza->children(u"stanza-id", Ns::StanzaId))
                if (id->attribute(u"by") == user)
                    return true;
            return {};
        },
        -2);
    // A client that queried the archive fetches its history from there.
    module().hook(u"message/offline/broadcast"_s, [](Event& event) -> QVariant {
        if (event.origin && event.origin->isClient() &&
            static_cast<ClientSession*>(event.origin)->field(RequestedField).toBool())
            return true;
        return {};
    });

    module().hook(u"iq-set/self/urn:xmpp:mam:2:query"_s, [this](Event& event) { return onQuery(event); });
    module().hook(u"iq-get/self/urn:xmpp:mam:2:query"_s, [this](Event& event) { return onQueryForm(event); });
    module().hook(u"iq-get/self/urn:xmpp:mam:2:prefs"_s, [this](Event& event) { return onPrefs(event); });
    module().hook(u"iq-set/self/urn:xmpp:mam:2:prefs"_s, [this](Event& event) { return onPrefs(event); });
    module().hook(u"iq-get/self/urn:xmpp:mam:2:metadata"_s, [this](Event& event) { return onMetadata(event); });
    module().hook(u"account-disco-info"_s, [this](Event& event) -> QVariant {
        onAccountDiscoInfo(event);
        return {};
    });
}

bool MamModule::shouldStore(Event& event, QString* reason)
{
    Event check(event.origin, event.stanza);
    const bool should = module().fireEvent(u"archive-should-store"_s, check).toBool();
    *reason = check.value(u"reason"_s).toString();
    return should;
}

XmlElement MamModule::storedForm(const XmlElement& stanza) const
{
    XmlElement stored = stanza;
    if (m_stripNamespaces.isEmpty())
        return stored;
    std::erase_if(stored.nodes(), [this](const XmlNode& node) {
        const XmlElement* child = std::get_if<XmlElement>(&node);
        return child && m_stripNamespaces.contains(child->xmlns());
    });
    return stored.childElementCount() == 0 ? XmlElement() : stored;
}

QVariant MamModule::onMessage(Event& event, Direction direction)
{
    if (!event.stanza)
        return {};
    XmlElement& stanza = *event.stanza;
    const bool sent = direction == Direction::Sent;
    ClientSession* client =
        event.origin && event.origin->isClient() ? static_cast<ClientSession*>(event.origin) : nullptr;
    if (sent && (!client || client->host() != module().host()))
        return {};
    const QString from = stanza.attribute(u"from");
    const QString to = stanza.hasAttribute(u"to") ? stanza.attribute(u"to") : from; // none: to the own account
    const QString user = sent ? client->username() : bareOf(to).section(u'@', 0, 0);
    const QString with = bareOf(sent ? to : from);
    if (user.isEmpty())
        return {};
    MamStanzaRules::stripOwnStanzaIds(stanza, user, module().host());

    // Within one account both passes see the message: archive it once, mark both copies.
    if (!sent && event.value(ArchivedUserField).toString() == user) {
        if (const QString id = event.value(ArchivedIdField).toString(); !id.isEmpty())
            MamStanzaRules::addStanzaId(stanza, user + u'@' + module().host(), id);
        return {};
    }
    if (sent)
        event.set(ArchivedUserField, user);

    QString reason;
    if (!shouldStore(event, &reason)) {
        m_skipped();
        return {};
    }
    XmlElement stored = storedForm(stanza);
    if (stored.isNull()) {
        m_skipped(); // nothing left once the ignored namespaces are gone
        return {};
    }
    const qint64 when = now();
    std::optional<MamPrefs::Decision> decision;
    if (m_prefs->isReady()) {
        decision = m_prefs->prefs(user).decide(with);
        if (*decision == MamPrefs::Decision::AskRoster) {
            if (Roster* roster = module().context().rosters->cached(module().host(), user))
                decision = roster->item(with) ? MamPrefs::Decision::Store : MamPrefs::Decision::Skip;
            else
                decision.reset();
        }
    }
    // A user with sessions exists; anyone else is checked before anything is stored (the message
    // module bounces messages to unknown users, with or without our id on them).
    const bool known = sent || !module().hostObject()->clientSessions(user).isEmpty();
    if (!decision) {
        decideLater(user, with, std::move(stored), when, !known);
        return {};
    }
    if (*decision == MamPrefs::Decision::Skip) {
        m_skipped();
        return {};
    }
    const QString id = ArchiveIdGenerator::generate();
    append(user, id, stored, when, with, !known);
    MamStanzaRules::addStanzaId(stanza, user + u'@' + module().host(), id);
    event.set(ArchivedIdField, id);
    return {};
}

void MamModule::decideLater(const QString& user, const QString& with, XmlElement stored, qint64 when, bool checkAccount)
{
    m_prefs->whenReady([this, user, with, stored, when, checkAccount] {
        const MamPrefs::Decision decision = m_prefs->prefs(user).decide(with);
        if (decision == MamPrefs::Decision::Store) {
            append(user, ArchiveIdGenerator::generate(), stored, when, with, checkAccount);
            return;
        }
        if (decision == MamPrefs::Decision::Skip) {
            m_skipped();
            return;
        }
        QPointer<MamModule> self(this);
        module().context().rosters->withRoster(
            module().host(), user, [self, user, with, stored, when, checkAccount](Result<Roster*> roster) {
                if (!self)
                    return;
                if (!roster) {
                    self->module().log(ModuleApi::LogLevel::Error,
                                       u"Not archiving for "_s + user + u", no roster: "_s + roster.error().toString());
                    self->m_failed();
                } else if (roster.value()->item(with)) {
                    self->append(user, ArchiveIdGenerator::generate(), stored, when, with, checkAccount);
                } else {
                    self->m_skipped();
                }
            });
    });
}

void MamModule::append(const QString& user, const QString& id, const XmlElement& stored, qint64 when,
                       const QString& with, bool checkAccount)
{
    AccountManager* accounts = module().context().accounts;
    if (!checkAccount || !accounts) {
        appendWithQuota(user, id, stored, when, with, QuotaStep::First);
        return;
    }
    accounts->exists(module().host(), user).then(this, [this, user, id, stored, when, with](Result<bool> exists) {
        if (exists && exists.value())
            appendWithQuota(user, id, stored, when, with, QuotaStep::First);
        else
            m_skipped();
    });
}

void MamModule::appendWithQuota(const QString& user, const QString& id, const XmlElement& stored, qint64 when,
                                const QString& with, QuotaStep step)
{
    m_archive->append(user, id, QVariant::fromValue(stored), when, with)
        .then(this, [this, user, id, stored, when, with, step](Result<QString> appended) {
            if (appended) {
                m_archived();
                XmlElement copy = stored;
                Event added(nullptr, &copy);
                added.set(u"for_user"_s, user);
                added.set(u"id"_s, id);
                module().fireEvent(u"archive-message-added"_s, added);
                return;
            }
            // Over quota (as Prosody): first drop what has expired, then the oldest 1%, retrying
            // after each step.
            ArchiveQuery cleanup;
            QuotaStep next = QuotaStep::GaveUp;
            if (appended.error().condition == u"quota-limit"_s) {
                if (step == QuotaStep::First && m_expiry) {
                    cleanup.end = now() - m_expiry->maxAge();
                    next = QuotaStep::Expired;
                } else if (step != QuotaStep::Truncated && m_itemLimit) {
                    cleanup.truncate = int(std::floor(*m_itemLimit * 0.99));
                    next = QuotaStep::Truncated;
                }
            }
            if (next == QuotaStep::GaveUp) {
                m_failed();
                module().log(ModuleApi::LogLevel::Error,
                             u"Could not archive a message for "_s + user + u": "_s + appended.error().toString());
                return;
            }
            m_archive->deleteItems(user, cleanup).then(this, [this, user, id, stored, when, with, next](Result<int>) {
                appendWithQuota(user, id, stored, when, with, next);
            });
        });
}

QVariant MamModule::onQuery(Event& event)
{
    if (!event.origin || !event.origin->isClient())
        return {};
    auto* client = static_cast<ClientSession*>(event.origin);
    client->setField(RequestedField, true);
    const XmlElement stanza = *event.stanza;
    auto query = MamQuery::parse(*stanza.firstChild(u"query", Ns::Mam), m_maxResults, m_useTotal);
    if (!query) {
        m_queryErrors();
        client->send(Stanza::errorReply(stanza, u"modify"_s, query.error().condition, query.error().text));
        return true;
    }
    const QString user = client->username();
    const QString resource = client->resource();
    m_archive->find(user, query->archive)
        .then(this, [this, stanza, query = query.value(), user, resource](Result<ArchiveResult> found) {
            ClientSession* session = module().hostObject()->clientSession(user, resource);
            if (!session)
                return; // gone while the store was busy
            if (!found) {
                m_queryErrors();
                if (found.error().condition == u"item-not-found"_s) {
                    session->send(Stanza::errorReply(stanza, u"modify"_s, u"item-not-found"_s));
                } else {
                    module().log(ModuleApi::LogLevel::Error,
                                 u"Archive query of "_s + user + u" failed: "_s + found.error().toString());
                    session->send(Stanza::errorReply(stanza, u"cancel"_s, u"internal-server-error"_s));
                }
                return;
            }
            MamQuery::Page page = query.page(found.value(), stanza.attribute(u"from"), stanza.attribute(u"to"));
            for (const XmlElement& message : page.messages)
                session->send(message);
            XmlElement reply = Stanza::reply(stanza);
            reply.addChild(std::move(page.fin));
            session->send(reply);
        });
    return true;
}

QVariant MamModule::onQueryForm(Event& event)
{
    XmlElement reply = Stanza::reply(*event.stanza);
    reply.addChild(u"query"_s, Ns::Mam.toString()).addChild(MamQuery::form());
    event.origin->send(reply);
    return true;
}

QVariant MamModule::onPrefs(Event& event)
{
    if (!event.origin || !event.origin->isClient())
        return {};
    auto* client = static_cast<ClientSession*>(event.origin);
    const XmlElement stanza = *event.stanza;
    const QString user = client->username();
    const QString resource = client->resource();
    const auto answer = [this, stanza, user, resource] {
        if (ClientSession* session = module().hostObject()->clientSession(user, resource)) {
            XmlElement reply = Stanza::reply(stanza);
            reply.addChild(m_prefs->prefs(user).toXml());
            session->send(reply);
        }
    };
    if (stanza.attribute(u"type") == u"get"_s) {
        m_prefs->whenReady(answer);
        return true;
    }
    auto prefs = MamPrefs::fromXml(*stanza.firstChild(u"prefs", Ns::Mam));
    if (!prefs) {
        client->send(Stanza::errorReply(stanza, u"modify"_s, prefs.error().condition, prefs.error().text));
        return true;
    }
    m_prefs->set(user, prefs.value()).then(this, [this, stanza, user, resource, answer](Result<void> stored) {
        if (stored) {
            answer();
            return;
        }
        module().log(ModuleApi::LogLevel::Error,
                     u"Could not store the archive preferences of "_s + user + u": "_s + stored.error().toString());
        if (ClientSession* session = module().hostObject()->clientSession(user, resource))
            session->send(
                Stanza::errorReply(stanza, u"cancel"_s, u"internal-server-error"_s, u"Error storing preferences"_s));
    });
    return true;
}

QVariant MamModule::onMetadata(Event& event)
{
    if (!event.origin || !event.origin->isClient())
        return {};
    auto* client = static_cast<ClientSession*>(event.origin);
    const XmlElement stanza = *event.stanza;
    const QString user = client->username();
    const QString resource = client->resource();
    ArchiveQuery oldest;
    oldest.limit = 1;
    ArchiveQuery newest = oldest;
    newest.reverse = true;
    m_archive->find(user, oldest).then(this, [this, stanza, user, resource, newest](Result<ArchiveResult> first) {
        m_archive->find(user, newest).then(this, [this, stanza, user, resource, first](Result<ArchiveResult> last) {
            ClientSession* session = module().hostObject()->clientSession(user, resource);
            if (!session)
                return;
            if (!first || !last) {
                session->send(Stanza::errorReply(stanza, u"cancel"_s, u"internal-server-error"_s));
                return;
            }
            XmlElement reply = Stanza::reply(stanza);
            XmlElement& metadata = reply.addChild(u"metadata"_s, Ns::Mam.toString());
            const auto mark = [&metadata](const QString& name, const ArchiveResult& found) {
                if (found.items.isEmpty())
                    return;
                metadata.addChild(name)
                    .setAttribute(u"id"_s, found.items.first().key)
                    .setAttribute(u"timestamp"_s, MamQuery::timestamp(found.items.first().when));
            };
            mark(u"start"_s, first.value());
            mark(u"end"_s, last.value());
            session->send(reply);
        });
    });
    return true;
}

void MamModule::onAccountDiscoInfo(Event& event)
{
    auto* reply = event.pointer<XmlElement>(u"reply"_s);
    if (!reply || !event.value(u"node"_s).toString().isEmpty())
        return;
    XmlElement* query = reply->firstChild(u"query", Ns::DiscoInfo);
    if (!query)
        return;
    for (QStringView feature : {Ns::Mam, MamExtended, Ns::StanzaId})
        query->addChild(u"feature"_s).setAttribute(u"var"_s, feature.toString());
}

} // namespace Canto::Modules
