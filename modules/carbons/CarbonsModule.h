#pragma once

#include "server/core/Event.h"
#include "server/core/Module.h"

#include <QList>
#include <QString>

namespace Canto {
class ClientSession;
class XmlElement;
} // namespace Canto

namespace Canto::Modules {

/// Message Carbons (XEP-0280, urn:xmpp:carbons:2), as Prosody 0.12's mod_carbons.
///
/// A session turns carbons on or off with an IQ set of <enable/> or <disable/> to its own
/// account; the flag lives in the session field "carbons". Copies go only to sessions that
/// turned it on:
/// - sent: a message a user's client sends (pre-message/*) is copied, wrapped in
///   <sent><forwarded>, to that user's other carbons sessions;
/// - received: a message about to be delivered to a local user (message/bare, message/full) is
///   copied, wrapped in <received><forwarded>, to that user's carbons sessions that normal
///   delivery does not reach, so no resource gets the same message twice.
/// A message between two resources of the same account is copied once, on the receiving side.
/// Which messages are copied is decided by the `carbons-should-copy` event (field "c2s": sent
/// side; handler result: a boolean; field "reason": why), whose default handler follows XEP-0280
/// §6: chat; normal with a body or IM payload (receipts, chat states, markers); bounces to a
/// bare JID; not <private/> (which is removed before delivery), not <no-copy/> (XEP-0334), not
/// an incoming MUC private message to a full JID.
class CarbonsModule : public Module
{
    Q_OBJECT

public:
    using Module::Module;
    Result<void> load() override;

    /// The ClientSession field that holds the carbons state (true when enabled).
    static QString field();

private:
    QVariant onSent(Event& event);
    QVariant onReceived(Event& event);
    bool shouldCopy(Event& event, bool sentSide, const QString& userBare, QString* reason);
    /// The sessions of `user` that the message module delivers `stanza` to by itself.
    QList<ClientSession*> deliveredTo(const QString& user, const XmlElement& stanza) const;
    void sendCarbons(const QList<ClientSession*>& sessions, const XmlElement& stanza, const QString& direction,
                     const QString& userBare);
};

} // namespace Canto::Modules
