#pragma once

#include "server/core/Module.h"
#include "server/xmpp/XmlElement.h"

#include <QHash>
#include <QPointer>
#include <QSet>
#include <QTimer>

#include <memory>
#include <vector>

namespace Canto {
class ClientSession;
class Event;
} // namespace Canto

namespace Canto::Modules {

/// The simple CSI policy, as Prosody's mod_csi_simple: while a client is inactive, stanzas that
/// can wait (presence updates, chat states, headlines, ...) are held back in order (with a delay
/// stamp); an important one (a message with a body, an IQ, a subscription request, ...; decided
/// by the `csi-is-stanza-important` event), a full buffer (`csi_queue_size`), anything from the
/// client or going active flushes them, in order, ahead of it. After a flush the session stays
/// unbuffered for `csi_resume_inactive_delay` seconds so replies and acks pass. Held stanzas
/// have not been sent yet: they reach stream management (smacks) only when flushed, and they are
/// flushed before a session unbinds or hibernates.
class CsiSimpleModule : public Module
{
    Q_OBJECT

public:
    using Module::Module;
    Result<void> load() override;
    void unload() override;

    /// Prosody's default importance rules.
    bool isImportant(const XmlElement& stanza, QString* reason = nullptr) const;
    /// Stanzas held for `session` right now.
    int heldCount(const ClientSession& session) const;

private:
    struct Buffer
    {
        std::vector<XmlElement> held;
        bool pausing = false;   // flushed recently: pass stanzas through until the timer fires
        QPointer<QTimer> pause; // csi_resume_inactive_delay (owned by the module)
    };
    using BufferPtr = std::shared_ptr<Buffer>;

    void enable(ClientSession& session);
    void disable(ClientSession& session);
    bool filter(ClientSession& session, const BufferPtr& buffer, XmlElement& stanza);
    void flush(ClientSession& session, const BufferPtr& buffer, const QString& reason);

    int m_queueSize = 256;
    double m_resumeDelay = 5;
    QSet<QString> m_importantPayloads;
    QHash<ClientSession*, BufferPtr> m_buffers;
};

} // namespace Canto::Modules
