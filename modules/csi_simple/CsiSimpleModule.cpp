#include "modules/csi_simple/CsiSimpleModule.h"

#include "server/core/ClientSession.h"
#include "server/core/Event.h"
#include "server/core/ModuleApi.h"
#include "server/xmpp/Namespaces.h"
#include "server/xmpp/Stanza.h"

#include <QDateTime>

using namespace Qt::StringLiterals;

namespace Canto::Modules {

namespace {

ClientSession* asClient(Session* session)
{
    return session && session->isClient() ? static_cast<ClientSession*>(session) : nullptr;
}

// "{xmlns}name" or "name" (Prosody's csi_important_payloads paths, first level only).
bool hasPayload(const XmlElement& stanza, const QString& path)
{
    if (path.startsWith(u'{')) {
        const qsizetype end = path.indexOf(u'}');
        if (end < 0) {
            return false;
        }
        const QString name = path.mid(end + 1);
        return stanza.firstChild(name.isEmpty() ? QStringView() : QStringView(name), QStringView(path).mid(1, end - 1));
    }
    return stanza.firstChild(path);
}

} // namespace

Result<void> CsiSimpleModule::load()
{
    m_queueSize = int(module().optionInteger(u"csi_queue_size"_s, 256, 1).value_or(256));
    m_resumeDelay = module().optionNumber(u"csi_resume_inactive_delay"_s, 5, 0).value_or(5);
    m_importantPayloads = module().optionSet(u"csi_important_payloads"_s, QStringList()).value_or(QSet<QString>());

    module().hook(u"csi-client-inactive"_s, [this](Event& event) -> QVariant {
        if (ClientSession* session = asClient(event.origin)) {
            enable(*session);
        }
        return {};
    });
    module().hook(u"csi-client-active"_s, [this](Event& event) -> QVariant {
        if (ClientSession* session = asClient(event.origin)) {
            disable(*session);
        }
        return {};
    });
    // Priority 1: flush what is held before stream management writes its last <a/> and the
    // stream closes, or before it handles the unacked stanzas or hibernates (smacks uses 0).
    for (const QString& name : {u"pre-session-close"_s, u"pre-resource-unbind"_s}) {
        module().hook(
            name,
            [this](Event& event) -> QVariant {
                if (ClientSession* session = asClient(event.origin)) {
                    disable(*session);
                }
                return {};
            },
            1);
    }
    // Priority -1 as Prosody: the default rules, after any module with an opinion.
    module().hook(
        u"csi-is-stanza-important"_s,
        [this](Event& event) -> QVariant {
            if (!event.stanza) {
                return {};
            }
            QString reason;
            const bool important = isImportant(*event.stanza, &reason);
            event.set(u"reason"_s, reason);
            return important;
        },
        -1);
    return {};
}

void CsiSimpleModule::unload()
{
    const QList<ClientSession*> sessions = m_buffers.keys();
    for (ClientSession* session : sessions) {
        disable(*session);
    }
}

int CsiSimpleModule::heldCount(const ClientSession& session) const
{
    const BufferPtr buffer = m_buffers.value(const_cast<ClientSession*>(&session));
    return buffer ? int(buffer->held.size()) : 0;
}

bool CsiSimpleModule::isImportant(const XmlElement& stanza, QString* reason) const
{
    const auto because = [reason](const QString& why, bool important) {
        if (reason) {
            *reason = why;
        }
        return important;
    };
    if (!Stanza::isStanza(stanza)) {
        return because(u"nonza"_s, true);
    }
    const QString type = stanza.attribute(u"type");
    if (stanza.name() == u"presence"_s) {
        if (type.isEmpty() || type == u"unavailable"_s || type == u"error"_s) {
            return because(u"presence update"_s, false);
        }
        return because(u"subscription request"_s, true);
    }
    if (stanza.name() == u"iq"_s) {
        return because(u"iq"_s, true);
    }
    if (type == u"headline"_s) {
        return because(u"headline"_s, false); // ephemeral by definition
    }
    if (type == u"error"_s) {
        return because(u"delivery failure"_s, true);
    }
    if (stanza.firstChild(u"sent", Ns::Carbons)) {
        return because(u"carbon"_s, true);
    }
    const XmlElement* message = &stanza;
    if (const XmlElement* received = stanza.firstChild(u"received", Ns::Carbons)) {
        if (const XmlElement* forwarded = received->firstChild(u"forwarded", Ns::Forward)) {
            if (const XmlElement* inner = forwarded->firstChild(u"message", Ns::Client)) {
                message = inner;
            }
        }
    }
    if (message->firstChild(u"body")) {
        return because(u"body"_s, true);
    }
    if (message->firstChild(u"subject")) {
        return because(u"subject"_s, true); // the last step of a MUC join
    }
    if (message->firstChild(u"encryption", u"urn:xmpp:eme:0")) {
        return because(u"encrypted"_s, true);
    }
    if (message->firstChild(u"x", u"jabber:x:conference")) {
        return because(u"invite"_s, true);
    }
    if (const XmlElement* mucUser = message->firstChild(u"x", u"http://jabber.org/protocol/muc#user");
        mucUser && mucUser->firstChild(u"invite")) {
        return because(u"invite"_s, true);
    }
    if (message->firstChild({}, u"urn:xmpp:jingle-message:0") ||
        message->firstChild({}, u"urn:xmpp:jingle-message:1")) {
        return because(u"jingle call"_s, true);
    }
    for (const QString& payload : m_importantPayloads) {
        if (hasPayload(*message, payload)) {
            return because(u"important payload"_s, true);
        }
    }
    return because(u"unimportant"_s, false);
}

void CsiSimpleModule::enable(ClientSession& session)
{
    if (const BufferPtr existing = m_buffers.value(&session)) {
        existing->pausing = false;
        if (existing->pause) {
            existing->pause->stop();
        }
        return;
    }
    auto buffer = std::make_shared<Buffer>();
    m_buffers.insert(&session, buffer);
    const std::weak_ptr<Buffer> weak = buffer;
    // Priority 0: before stream management (-999), which must only count what really goes out.
    session.addOutgoingFilter(this, 0, [this, s = &session, weak](XmlElement& stanza) {
        const BufferPtr current = weak.lock();
        return current ? filter(*s, current, stanza) : true;
    });
    // Anything from the client means it is looking: give it what is held (Prosody: bytes/in).
    session.addIncomingFilter(this, 0, [this, s = &session, weak](const XmlElement&) {
        if (const BufferPtr current = weak.lock(); current && !current->held.empty()) {
            flush(*s, current, u"client activity"_s);
        }
    });
}

void CsiSimpleModule::disable(ClientSession& session)
{
    const BufferPtr buffer = m_buffers.take(&session);
    if (!buffer) {
        return;
    }
    session.removeFilters(this);
    if (buffer->pause) {
        buffer->pause->stop();
        buffer->pause->deleteLater();
    }
    flush(session, buffer, u"client active"_s);
}

bool CsiSimpleModule::filter(ClientSession& session, const BufferPtr& buffer, XmlElement& stanza)
{
    if (buffer->pausing) {
        return true;
    }
    bool important = int(buffer->held.size()) >= m_queueSize;
    QString reason = u"queue size limit reached"_s;
    if (!important) {
        Event event(&session, &stanza);
        const QVariant verdict = module().fireEvent(u"csi-is-stanza-important"_s, event);
        important = verdict.isValid() && verdict.toBool();
        reason = event.value(u"reason"_s).toString();
    }
    if (important) {
        flush(session, buffer, reason.isEmpty() ? u"important"_s : reason);
        return true; // after the held ones: order is kept
    }
    XmlElement held = stanza;
    if (held.name() != u"iq"_s && !held.firstChild(u"delay", Ns::Delay)) {
        XmlElement delay(u"delay"_s, Ns::Delay.toString());
        delay.setAttribute(u"from"_s, session.bareJid());
        delay.setAttribute(u"stamp"_s, QDateTime::currentDateTimeUtc().toString(Qt::ISODate));
        held.addChild(std::move(delay));
    }
    buffer->held.push_back(std::move(held));
    return false;
}

void CsiSimpleModule::flush(ClientSession& session, const BufferPtr& buffer, const QString& reason)
{
    // Taken first: sending may end the session, which flushes again (nothing twice).
    const std::vector<XmlElement> held = std::exchange(buffer->held, {});
    if (m_buffers.value(&session) == buffer && m_resumeDelay > 0) {
        // Stay unbuffered for a moment so replies and acks that follow pass (Prosody's delay).
        buffer->pausing = true;
        if (!buffer->pause) {
            buffer->pause = new QTimer(this);
            buffer->pause->setSingleShot(true);
            const std::weak_ptr<Buffer> weak = buffer;
            connect(buffer->pause, &QTimer::timeout, this, [weak] {
                if (const BufferPtr current = weak.lock()) {
                    current->pausing = false;
                }
            });
        }
        buffer->pause->start(int(m_resumeDelay * 1000));
    }
    if (held.empty()) {
        return;
    }
    module().log(ModuleApi::LogLevel::Debug,
                 session.logId() + u": flushing %1 held stanzas (%2)"_s.arg(held.size()).arg(reason));
    Event event(&session, nullptr);
    event.set(u"reason"_s, reason);
    module().fireEvent(u"csi-flushing"_s, event);
    for (const XmlElement& stanza : held) {
        session.sendAfter(this, stanza);
    }
}

} // namespace Canto::Modules
