#pragma once

#include "ImScenarioBase.h"

#include <QStringList>

namespace Canto::Interop {

/// XEP-0313 message archive with XEP-0059 paging ("mam"): alice and bob exchange 15 chats, then
/// alice pages her archive (filtered 'with' bob) forward five at a time and backward from the end.
/// Each page must hold exactly the expected messages in chronological order, <fin/> must name its
/// first and last result ids and say complete='true' only on the last page, and both directions
/// must agree on every archive id. Earlier runs' messages are cut off by paging after the archive's
/// last id before the exchange.
class ArchiveScenario : public ImScenarioBase
{
public:
    using ImScenarioBase::ImScenarioBase;

    Outcome run();

private:
    struct Page
    {
        QStringList archiveIds; // result ids, in the order received
        QStringList messageIds; // the forwarded messages' ids
        QStringList directions; // "a>b" or "b>a" per message, from the forwarded from/to
        QString first;          // <fin><set><first/>
        QString last;           // <fin><set><last/>
        bool complete = false;
    };

    /// One query page; `after`/`before` null: not sent, empty `before`: <before/> (the last page).
    Outcome query(XmppSession& session, int max, const QString& after, const QString& before, Page* page);
    Outcome checkPage(const QString& where, const Page& page, const QStringList& expectedIds,
                      const QStringList& expectedDirections, bool expectedComplete);

    QString m_with;
    QString m_owner;
};

} // namespace Canto::Interop
