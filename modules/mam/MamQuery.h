#pragma once

#include "server/storage/ArchiveQuery.h"
#include "server/xmpp/XmlElement.h"
#include "shared/Result.h"

#include <QList>
#include <QString>

#include <optional>

namespace Canto::Modules {

/// An archive query request (XEP-0313 §4, urn:xmpp:mam:2) with its result-set paging
/// (XEP-0059), read the way Prosody's mod_mam reads it:
/// - data form fields with, start, end, before-id, after-id, ids (mam:2#extended); unknown fields
///   are ignored; a wrong FORM_TYPE, a bad JID or a bad timestamp is "bad-request";
/// - RSM <max/> (default 20, capped at max_archive_query_results), <after/>, <before/> (empty =
///   the last page); <before/> pages backwards: the store is read newest first and the page is
///   sent oldest first again (unless <flip-page/> asks for the other order);
/// - one item more than the page is asked for, to know whether the result is complete.
struct MamQuery
{
    static constexpr int DefaultMax = 20;

    QString queryId;
    ArchiveQuery archive; // what to ask the store
    int max = DefaultMax; // the page size (after the cap)
    bool reverse = false; // paging backwards (RSM before)
    bool flip = false;    // send the page in the opposite order of the store's

    static Result<MamQuery> parse(const XmlElement& query, int maxMax, bool useTotal);

    /// The result of a query: the messages to send (in order) and the <fin/> for the iq result.
    struct Page
    {
        QList<XmlElement> messages;
        XmlElement fin;
        int count = 0; // items sent
    };
    /// Wraps found items for the querying resource `to` (results come `from` the archive's JID,
    /// empty when the request had no 'to').
    Page page(const ArchiveResult& found, const QString& to, const QString& from) const;

    /// The query form offered by form discovery (XEP-0313 §4.1.1).
    static XmlElement form();

    /// XEP-0082 date-time in UTC with a 'Z', as Prosody's util.datetime.datetime().
    static QString timestamp(qint64 secondsSinceEpoch);
    /// XEP-0082 date-time, as Prosody's util.datetime.parse(): optional fraction, 'Z' or an
    /// offset (none means UTC); an impossible date is refused.
    static std::optional<qint64> parseTimestamp(const QString& text);
};

} // namespace Canto::Modules
