#pragma once

#include "modules/pep/PepNode.h"
#include "server/xmpp/XmlElement.h"

#include <QList>

namespace Canto::Modules {

/// Converts between XEP-0048 bookmarks (<storage xmlns='storage:bookmarks'/> with one
/// <conference/> per room) and XEP-0402 bookmarks (one urn:xmpp:bookmarks:1 <conference/> item
/// per room, the room JID as item id), as Prosody's mod_bookmarks does: name, autojoin, nick and
/// password carry over; URLs and extensions of either side do not.
class BookmarkConversion
{
public:
    BookmarkConversion() = delete;

    /// The legacy <storage/> for the bookmarks 2 items.
    static XmlElement toLegacyStorage(const QList<PepItem>& items);
    /// One bookmarks 2 item (id = room JID, payload = <conference/>) per legacy conference.
    static QList<PepItem> fromLegacyStorage(const XmlElement& storage);
    /// Whether two bookmarks 2 items say the same (Prosody's compare_bookmark2).
    static bool sameBookmark(const PepItem& a, const PepItem& b);
};

} // namespace Canto::Modules
