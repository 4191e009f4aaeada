#include "modules/smacks/SmacksModule.h"

#include "server/core/ClientSession.h"
#include "server/core/Event.h"
#include "server/core/Host.h"
#include "server/core/ModuleApi.h"
#include "server/core/SessionManager.h"
#include "server/xmpp/Namespaces.h"
#include "server/xmpp/Stanza.h"

#include <QDateTime>
#include <QRandomGenerator>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace Canto::Modules {

namespace {

constexpr QStringView Sm3 = u"urn:xmpp:sm:3";
constexpr QStringView Sm2 = u"urn:xmpp:sm:2"; // COMPAT: older clients (Prosody still offers it)
constexpr QStringView Mam2 = u"urn:xmpp:mam:2";

QString newToken()
{
    return QString::number(QRandomGenerator::global()->generate64(), 36) +
           QString::number(QRandomGenerator::global()->generate64(), 36);
}

ClientSession* asClient(Session* session)
{
    return session && session->isClient() ? static_cast<ClientSession*>(session) : nullptr;
}

std::optional<quint32> parseH(const XmlElement& element)
{
    bool ok = false;
    const quint32 h = element.attribute(u"h").toUInt(&ok);
    return ok ? std::optional<quint32>(h) : std::nullopt;
}

QTimer* stopTimer(QPointer<QTimer>& timer)
{
    if (timer) {
        timer->stop();
    }
    return timer;
}

void deleteTimer(QPointer<QTimer>& timer)
{
    if (timer) {
        timer->stop();
        timer->deleteLater(); // may be the timer whose timeout is running
    }
    timer = nullptr;
}

} // namespace

Result<void> SmacksModule::load()
{
    m_maxQueueSize = int(module().optionInteger(u"smacks_max_queue_size"_s, 500, 1).value_or(500));
    m_hibernationTime = module().optionNumber(u"smacks_hibernation_time"_s, 600, 0).value_or(600);
    m_maxUnacked = int(module().optionInteger(u"smacks_max_unacked_stanzas"_s, 0, 0).value_or(0));
    m_maxInactiveUnacked = int(module().optionInteger(u"smacks_max_inactive_unacked_stanzas"_s, 256, 0).value_or(256));
    m_maxAckDelay = module().optionNumber(u"smacks_max_ack_delay"_s, 30, 0).value_or(30);
    m_maxOldSessions = int(module().optionInteger(u"smacks_max_old_sessions"_s, 10, 0).value_or(10));
    m_maxHibernatedSessions = int(module().optionInteger(u"smacks_max_hibernated_sessions"_s, 10, 1).value_or(10));

    module().hook(u"stream-features"_s, [this](Event& event) -> QVariant {
        ClientSession* session = asClient(event.origin);
        if (session && event.stanza && session->isAuthenticated() && !m_states.contains(session)) {
            event.stanza->addChild(u"sm"_s, Sm2.toString()).addChild(u"optional"_s);
            event.stanza->addChild(u"sm"_s, Sm3.toString()).addChild(u"optional"_s);
        }
        return {};
    });
    for (const QStringView xmlns : {Sm3, Sm2}) {
        const QString ns = xmlns.toString();
        // Priority 100 as Prosody: stream management elements are ours before anything else.
        module().hookTag(
            ns, u"enable"_s,
            [this](Session& origin, XmlElement& element, Event&) { return handleEnable(origin, element); }, 100);
        module().hookTag(ns, u"resume"_s, [this](Session& origin, XmlElement& element, Event&) {
            return handleResume(origin, element);
        });
        module().hookTag(ns, u"r"_s, [this](Session& origin, XmlElement&, Event&) { return handleAckRequest(origin); });
        module().hookTag(ns, u"a"_s,
                         [this](Session& origin, XmlElement& element, Event&) { return handleAck(origin, element); });
    }
    module().hook(u"pre-session-close"_s, [this](Event& event) -> QVariant {
        onPreSessionClose(event);
        return {};
    });
    module().hook(u"pre-resource-unbind"_s, [this](Event& event) { return onPreUnbind(event); });
    module().hook(u"delivery/failure"_s, [this](Event& event) { return onDeliveryFailure(event); });
    // Going active is a good moment to learn what the client has seen (Prosody forces an <r/>).
    module().hook(u"csi-client-active"_s, [this](Event& event) -> QVariant {
        if (ClientSession* session = asClient(event.origin)) {
            if (const StatePtr state = m_states.value(session)) {
                requestAck(*session, *state, true);
            }
        }
        return {};
    });
    return {};
}

void SmacksModule::unload()
{
    const QList<ClientSession*> sessions = m_states.keys();
    for (ClientSession* session : sessions) {
        const StatePtr state = m_states.value(session);
        if (!state) {
            continue;
        }
        if (state->isHibernating()) {
            expireHibernation(*session, state, u"Stream management unloaded"_s);
        } else {
            revokeToken(*session, *state);
            dropState(*session);
        }
    }
}

const SmacksSession* SmacksModule::state(const ClientSession& session) const
{
    return m_states.value(const_cast<ClientSession*>(&session)).get();
}

QString SmacksModule::registryKey(const QString& username, const QString& token) const
{
    return username + u'/' + token;
}

XmlElement SmacksModule::smElement(const SmacksSession& state, const QString& name) const
{
    return XmlElement(name, state.xmlns);
}

XmlElement SmacksModule::failed(const QString& xmlns, const QString& condition, std::optional<quint32> h) const
{
    XmlElement element(u"failed"_s, xmlns);
    if (h) {
        element.setAttribute(u"h"_s, QString::number(*h));
    }
    element.addChild(condition, Ns::Stanzas.toString());
    return element;
}

QVariant SmacksModule::handleEnable(Session& origin, const XmlElement& element)
{
    ClientSession* session = asClient(&origin);
    if (!session) {
        return {};
    }
    if (m_states.contains(session)) {
        session->write(failed(element.xmlns(), u"unexpected-request"_s));
        return true;
    }
    if (!session->isBound()) {
        module().log(ModuleApi::LogLevel::Debug, session->logId() + u": <enable/> before binding a resource"_s);
        session->write(failed(element.xmlns(), u"unexpected-request"_s));
        return true;
    }
    auto state = std::make_shared<SmacksSession>();
    state->xmlns = element.xmlns();
    const QString resume = element.attribute(u"resume");
    if (resume == u"true"_s || resume == u"1"_s) {
        state->token = newToken();
        m_registry.insert(registryKey(session->username(), state->token), session);
    }
    m_states.insert(session, state);
    const std::weak_ptr<SmacksSession> weak = state;
    // Priority 999 as Prosody: count what arrives before anything else sees it.
    session->addIncomingFilter(this, 999, [weak](const XmlElement& incoming) {
        if (const StatePtr counted = weak.lock(); counted && Stanza::isStanza(incoming)) {
            ++counted->handled; // wraps at 2^32 as h must
        }
    });
    // Priority -999 as Prosody: queue what really goes out, after filters that hold stanzas back.
    session->addOutgoingFilter(this, -999, [this, session, weak](XmlElement& stanza) {
        const StatePtr queued = weak.lock();
        return queued ? filterOutgoing(*session, queued, stanza) : true;
    });

    XmlElement enabled = smElement(*state, u"enabled"_s);
    if (!state->token.isEmpty()) {
        enabled.setAttribute(u"id"_s, state->token);
        enabled.setAttribute(u"resume"_s, u"true"_s);
        enabled.setAttribute(u"max"_s, QString::number(qint64(m_hibernationTime)));
    }
    session->write(enabled);

    // Forget the oldest expired tokens beyond smacks_max_old_sessions (Prosody does this here).
    auto old = m_oldSessions.find(session->username());
    if (old != m_oldSessions.end()) {
        while (old->size() > m_maxOldSessions) {
            auto oldest = std::min_element(old->begin(), old->end(),
                                           [](const OldSession& a, const OldSession& b) { return a.time < b.time; });
            old->erase(oldest);
        }
        if (old->isEmpty()) {
            m_oldSessions.erase(old);
        }
    }
    return true;
}

bool SmacksModule::filterOutgoing(ClientSession& session, const StatePtr& state, XmlElement& stanza)
{
    if (!Stanza::isStanza(stanza)) {
        return true;
    }
    XmlElement cached = stanza;
    if (cached.name() != u"iq"_s && !cached.firstChild(u"delay", Ns::Delay)) {
        // XEP-0198 §5: stanzas re-sent after a resumption carry their original time.
        XmlElement delay(u"delay"_s, Ns::Delay.toString());
        delay.setAttribute(u"from"_s, session.bareJid());
        delay.setAttribute(u"stamp"_s, QDateTime::currentDateTimeUtc().toString(Qt::ISODate));
        cached.addChild(std::move(delay));
    }
    if (state->queue.unacked() >= m_maxQueueSize && !state->closing) {
        // The client does not acknowledge (or is gone for long): end the session instead of
        // dropping stanzas; everything queued is then handled as unacked (nothing is lost).
        state->closing = true;
        const std::weak_ptr<SmacksSession> weak = state;
        QMetaObject::invokeMethod(
            this,
            [this, session = &session, weak] {
                const StatePtr full = weak.lock();
                if (!full || m_states.value(session) != full) {
                    return;
                }
                module().log(ModuleApi::LogLevel::Info,
                             session->logId() + u": more than %1 unacked stanzas"_s.arg(m_maxQueueSize));
                if (full->isHibernating()) {
                    expireHibernation(*session, full, u"Too many unacked stanzas"_s);
                } else {
                    revokeToken(*session, *full);
                    session->close(u"resource-constraint"_s, u"Too many unacked stanzas"_s);
                }
            },
            Qt::QueuedConnection);
    }
    state->queue.push(std::move(cached));
    if (!session.isConnected()) {
        return false; // hibernating: the stanza waits in the queue for a resumption
    }
    scheduleAckRequest(session, state);
    return true;
}

void SmacksModule::scheduleAckRequest(ClientSession& session, const StatePtr& state)
{
    if (state->ackScheduled || state->awaitingAck) {
        return;
    }
    // Once per burst of stanzas, after it is written (Prosody asks when the buffer drains).
    state->ackScheduled = true;
    const std::weak_ptr<SmacksSession> weak = state;
    QMetaObject::invokeMethod(
        this,
        [this, session = &session, weak] {
            const StatePtr current = weak.lock();
            if (!current || m_states.value(session) != current) {
                return;
            }
            current->ackScheduled = false;
            requestAck(*session, *current, false);
        },
        Qt::QueuedConnection);
}

void SmacksModule::requestAck(ClientSession& session, SmacksSession& state, bool force)
{
    if (state.isHibernating() || !session.isConnected() || state.awaitingAck) {
        return;
    }
    if (!force) {
        const bool inactive = session.field(u"csi"_s).toString() == u"inactive"_s;
        if (state.queue.unacked() <= (inactive ? m_maxInactiveUnacked : m_maxUnacked)) {
            return;
        }
        // No new request until more stanzas went out (prevents ack loops with confused clients).
        if (state.hasRequested && state.lastRequestedH == state.queue.sent()) {
            return;
        }
    }
    state.awaitingAck = true;
    state.hasRequested = true;
    state.lastRequestedH = state.queue.sent();
    session.write(smElement(state, u"r"_s));
    if (m_maxAckDelay > 0 && m_states.contains(&session)) {
        if (!state.ackTimer) {
            state.ackTimer = new QTimer(this);
            state.ackTimer->setSingleShot(true);
            connect(state.ackTimer, &QTimer::timeout, this, [this, session = &session] {
                if (!m_states.contains(session)) {
                    return;
                }
                Event event(session, nullptr);
                module().fireEvent(u"smacks-ack-delayed"_s, event);
            });
        }
        state.ackTimer->start(int(m_maxAckDelay * 1000));
    }
}

QVariant SmacksModule::handleAckRequest(Session& origin)
{
    ClientSession* session = asClient(&origin);
    const StatePtr state = session ? m_states.value(session) : nullptr;
    if (!state) {
        return {};
    }
    XmlElement a = smElement(*state, u"a"_s);
    a.setAttribute(u"h"_s, QString::number(state->handled));
    session->write(a);
    requestAck(*session, *state, false); // piggyback our own request if one is due
    return true;
}

QVariant SmacksModule::handleAck(Session& origin, const XmlElement& element)
{
    ClientSession* session = asClient(&origin);
    const StatePtr state = session ? m_states.value(session) : nullptr;
    if (!state) {
        return {};
    }
    state->awaitingAck = false;
    stopTimer(state->ackTimer);
    const std::optional<quint32> h = parseH(element);
    if (!h) {
        session->close(u"invalid-xml"_s, u"Missing or invalid 'h' attribute"_s);
        return true;
    }
    const Result<int> acked = state->queue.ack(*h);
    if (!acked) {
        module().log(ModuleApi::LogLevel::Warn,
                     session->logId() + u": "_s + acked.error().text +
                         u" (h=%1, acked %2, sent %3)"_s.arg(*h).arg(state->queue.acked()).arg(state->queue.sent()));
        session->close(u"undefined-condition"_s, acked.error().text);
        return true;
    }
    requestAck(*session, *state, false);
    return true;
}

void SmacksModule::onPreSessionClose(Event& event)
{
    ClientSession* session = asClient(event.origin);
    const StatePtr state = session ? m_states.value(session) : nullptr;
    if (!state) {
        return;
    }
    // A deliberate close (either side) is the end: no resumption. Tell the client what we
    // handled (XEP-0198 §4: a last <a/> before closing).
    revokeToken(*session, *state);
    if (session->isConnected()) {
        XmlElement a = smElement(*state, u"a"_s);
        a.setAttribute(u"h"_s, QString::number(state->handled));
        session->write(a);
    }
}

QVariant SmacksModule::onPreUnbind(Event& event)
{
    ClientSession* session = asClient(event.origin);
    const StatePtr state = session ? m_states.value(session) : nullptr;
    if (!state) {
        return {};
    }
    if (event.value(u"keepable"_s).toBool() && !state->token.isEmpty() && !state->isHibernating() &&
        m_hibernationTime > 0) {
        startHibernation(*session, state);
        return true; // keep the session bound without its connection
    }
    revokeToken(*session, *state);
    handleUnacked(*session, *state);
    dropState(*session);
    return {};
}

void SmacksModule::startHibernation(ClientSession& session, const StatePtr& state)
{
    state->hibernatingSince = QDateTime::currentMSecsSinceEpoch();
    state->awaitingAck = false;
    stopTimer(state->ackTimer);
    if (!state->watchdog) {
        state->watchdog = new QTimer(this);
        state->watchdog->setSingleShot(true);
        const std::weak_ptr<SmacksSession> weak = state;
        connect(state->watchdog, &QTimer::timeout, this, [this, session = &session, weak] {
            const StatePtr expired = weak.lock();
            if (expired && m_states.value(session) == expired && expired->isHibernating()) {
                expireHibernation(*session, expired, u"Hibernating too long"_s);
            }
        });
    }
    state->watchdog->start(int(m_hibernationTime * 1000));
    module().log(ModuleApi::LogLevel::Debug,
                 session.logId() + u": hibernating with %1 unacked stanzas"_s.arg(state->queue.unacked()));
    Event event(&session, nullptr);
    event.set(u"queue"_s, state->queue.unacked());
    module().fireEvent(u"smacks-hibernation-start"_s, event);
    limitHibernatedSessions(session.username());
}

void SmacksModule::limitHibernatedSessions(const QString& username)
{
    for (;;) {
        ClientSession* oldest = nullptr;
        StatePtr oldestState;
        int count = 0;
        for (auto it = m_states.cbegin(); it != m_states.cend(); ++it) {
            if (it.key()->username() != username || !it.value()->isHibernating()) {
                continue;
            }
            ++count;
            if (!oldestState || it.value()->hibernatingSince < oldestState->hibernatingSince) {
                oldest = it.key();
                oldestState = it.value();
            }
        }
        if (count <= m_maxHibernatedSessions || !oldest) {
            return;
        }
        expireHibernation(*oldest, oldestState, u"Too many hibernating sessions"_s);
    }
}

void SmacksModule::expireHibernation(ClientSession& session, const StatePtr& state, const QString& reason)
{
    if (m_states.value(&session) != state) {
        return;
    }
    module().log(ModuleApi::LogLevel::Debug, session.logId() + u": ending hibernated session: "_s + reason);
    if (!state->token.isEmpty()) {
        auto& old = m_oldSessions[session.username()];
        old.insert(state->token, OldSession{state->handled, QDateTime::currentSecsSinceEpoch()});
    }
    revokeToken(session, *state);
    const bool connected = session.isConnected();
    // The normal unbind path: pre-resource-unbind handles the unacked stanzas, resource-unbind
    // lets presence tell the contacts.
    module().context().sessions->unbind(session, reason);
    if (connected) {
        session.close(u"undefined-condition"_s, reason);
    }
}

void SmacksModule::revokeToken(ClientSession& session, SmacksSession& state)
{
    if (!state.token.isEmpty()) {
        const QString key = registryKey(session.username(), state.token);
        if (m_registry.value(key) == &session) {
            m_registry.remove(key);
        }
        state.token.clear();
    }
    deleteTimer(state.watchdog);
}

void SmacksModule::handleUnacked(ClientSession& session, SmacksSession& state)
{
    session.removeFilters(this); // nothing may be queued any more
    const std::deque<XmlElement> unacked = state.queue.takeAll();
    if (unacked.empty()) {
        return;
    }
    module().log(ModuleApi::LogLevel::Debug,
                 session.logId() + u": session ends with %1 unacked stanzas"_s.arg(unacked.size()));
    for (const XmlElement& queued : unacked) {
        XmlElement stanza = queued;
        Event event(&session, &stanza);
        const QVariant handled = module().fireEvent(u"delivery/failure"_s, event);
        if (handled.isValid() && handled.toBool()) {
            continue;
        }
        if (stanza.attribute(u"type") != u"error"_s && stanza.attribute(u"from") != session.fullJid()) {
            module().send(Stanza::errorReply(stanza, u"cancel"_s, u"recipient-unavailable"_s));
        }
    }
}

QVariant SmacksModule::onDeliveryFailure(Event& event)
{
    ClientSession* session = asClient(event.origin);
    if (!session || !event.stanza || !session->isAuthenticated()) {
        return {};
    }
    const XmlElement& stanza = *event.stanza;
    const QString type = stanza.attribute(u"type", u"normal"_s);
    if (stanza.name() != u"message"_s || (type != u"chat"_s && type != u"normal"_s)) {
        return {};
    }
    if (stanza.firstChild(u"result", Mam2)) {
        return true; // a MAM result: the archive still has it
    }
    if (stanza.firstChild(u"sent", Ns::Carbons) || stanza.firstChild(u"received", Ns::Carbons)) {
        return true; // a copy: the original reached another resource
    }
    const Host* host = module().hostObject();
    QList<ClientSession*> others;
    int bestOther = -129;
    for (ClientSession* other : host ? host->clientSessions(session->username()) : QList<ClientSession*>()) {
        if (other != session && other->isAvailable() && other->priority() >= 0) {
            others << other;
            bestOther = std::max(bestOther, other->priority());
        }
    }
    if (others.isEmpty()) {
        Event offline(session, event.stanza);
        offline.set(u"username"_s, session->username());
        return module().fireEvent(u"message/offline/handle"_s, offline);
    }
    const bool toThisResource = stanza.attribute(u"to") == session->fullJid();
    if (!toThisResource) {
        // Sent to the bare JID: a normal message reached every available resource, a chat
        // message the highest-priority ones; only resources that did not get it get it now.
        if (type == u"normal"_s || bestOther >= session->priority()) {
            return true;
        }
        others.removeIf([bestOther](const ClientSession* other) { return other->priority() != bestOther; });
    }
    for (ClientSession* other : others) {
        other->send(stanza);
    }
    return true;
}

void SmacksModule::dropState(ClientSession& session)
{
    const StatePtr state = m_states.take(&session);
    if (!state) {
        return;
    }
    session.removeFilters(this);
    revokeToken(session, *state);
    deleteTimer(state->ackTimer);
}

QVariant SmacksModule::handleResume(Session& origin, const XmlElement& element)
{
    ClientSession* fresh = asClient(&origin);
    if (!fresh) {
        return {};
    }
    const QString xmlns = element.xmlns();
    if (fresh->isBound() || !fresh->isAuthenticated()) {
        fresh->write(failed(xmlns, u"unexpected-request"_s));
        return true;
    }
    const QString previd = element.attribute(u"previd");
    ClientSession* target = m_registry.value(registryKey(fresh->username(), previd));
    const StatePtr state = target ? m_states.value(target) : nullptr;
    if (!state) {
        auto old = m_oldSessions.find(fresh->username());
        if (old != m_oldSessions.end() && old->contains(previd)) {
            fresh->write(failed(xmlns, u"item-not-found"_s, old->take(previd).h));
        } else {
            fresh->write(failed(xmlns, u"item-not-found"_s));
        }
        return true;
    }
    const std::optional<quint32> h = parseH(element);
    if (!h) {
        fresh->write(failed(xmlns, u"bad-request"_s));
        return true;
    }
    if (const Result<int> acked = state->queue.ack(*h); !acked) {
        module().log(ModuleApi::LogLevel::Warn, fresh->logId() + u": resume: "_s + acked.error().text);
        fresh->write(failed(xmlns, u"undefined-condition"_s, state->handled));
        expireHibernation(*target, state, acked.error().text);
        return true;
    }
    stopTimer(state->watchdog);
    if (const Result<void> resumed = module().context().sessions->resume(*fresh, *target); !resumed) {
        module().log(ModuleApi::LogLevel::Warn, fresh->logId() + u": resume failed: "_s + resumed.error().toString());
        if (state->isHibernating() && state->watchdog) {
            state->watchdog->start();
        }
        fresh->write(failed(xmlns, u"internal-server-error"_s));
        return true;
    }
    // `target` now writes to the connection that sent <resume/>.
    const qint64 since = state->hibernatingSince;
    state->hibernatingSince = 0;
    state->awaitingAck = false;
    state->closing = false;
    stopTimer(state->ackTimer);
    XmlElement resumed = smElement(*state, u"resumed"_s);
    resumed.setAttribute(u"h"_s, QString::number(state->handled));
    resumed.setAttribute(u"previd"_s, previd);
    target->write(resumed);
    // What the client has not acknowledged goes again, in order; it stays queued until acked.
    const std::deque<XmlElement> unacked = state->queue.items();
    for (const XmlElement& stanza : unacked) {
        target->write(stanza);
    }
    module().log(ModuleApi::LogLevel::Debug,
                 target->logId() + u": resumed after %1 ms, re-sent %2 stanzas"_s
                                       .arg(since ? QDateTime::currentMSecsSinceEpoch() - since : 0)
                                       .arg(unacked.size()));
    Event event(target, nullptr);
    event.setPointer(u"resumed"_s, fresh);
    event.set(u"queue"_s, state->queue.unacked());
    module().fireEvent(u"smacks-hibernation-end"_s, event);
    if (m_states.value(target) == state) {
        requestAck(*target, *state, true);
    }
    return true;
}

} // namespace Canto::Modules
