#pragma once

#include "server/xmpp/XmlElement.h"

#include <QString>

namespace Canto::Modules {

/// The per-stanza rules of the mam module, as Prosody's mod_mam applies them.
class MamStanzaRules
{
public:
    MamStanzaRules() = delete;

    /// Prosody's should_store: whether a message is worth archiving, and why (`reason`: body,
    /// hint, receipt, headline, groupchat, bounce, ...). Headlines, groupchat, no-store and
    /// no-permanent-store hints and errors to a bare JID are not; bodies, subjects, store hints,
    /// encrypted messages, receipts, markers, invitations and call signalling are.
    static bool shouldStore(const XmlElement& stanza, QString* reason);
    /// Removes <stanza-id xmlns='urn:xmpp:sid:0'/> children that claim to be by user@host: only
    /// the server may say that (XEP-0359 §"Security Considerations").
    static void stripOwnStanzaIds(XmlElement& stanza, const QString& user, const QString& host);
    /// Adds <stanza-id xmlns='urn:xmpp:sid:0' by=... id=.../>.
    static void addStanzaId(XmlElement& stanza, const QString& by, const QString& id);
};

} // namespace Canto::Modules
