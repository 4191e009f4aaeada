#include "modules/mam/MamQuery.h"

#include "server/xmpp/Namespaces.h"
#include "shared/Jid.h"

#include <QDateTime>
#include <QRegularExpression>
#include <QTimeZone>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace Canto::Modules {

namespace {

// XEP-0122; not yet in server/xmpp/Namespaces.h.
constexpr QStringView XDataValidate = u"http://jabber.org/protocol/xdata-validate";

XmlElement field(const QString& var, const QString& type)
{
    XmlElement element(u"field"_s, Ns::DataForms.toString());
    element.setAttribute(u"var"_s, var);
    element.setAttribute(u"type"_s, type);
    return element;
}

const XmlElement* formField(const XmlElement& form, QStringView var)
{
    for (const XmlElement* candidate : form.children(u"field", Ns::DataForms))
        if (candidate->attribute(u"var") == var)
            return candidate;
    return nullptr;
}

Result<MamQuery> badRequest(const QString& text)
{
    return Result<MamQuery>::failure(u"bad-request"_s, text);
}

// Reads the submitted form into `query` (util.dataforms semantics: absent fields are ignored).
Result<void> readForm(const XmlElement& form, MamQuery& query, std::optional<QString>& beforeId,
                      std::optional<QString>& afterId)
{
    const XmlElement* formType = formField(form, u"FORM_TYPE");
    const QString type = formType ? formType->childText(u"value", Ns::DataForms) : QString();
    if (type != Ns::Mam)
        return Result<void>::failure(u"bad-request"_s, u"Unexpected FORM_TYPE, expected '"_s + Ns::Mam + u"'"_s);
    if (const XmlElement* with = formField(form, u"with")) {
        const QString text = with->childText(u"value", Ns::DataForms);
        const Jid jid = Jid::prepped(text);
        if (jid.isNull())
            return Result<void>::failure(u"bad-request"_s, u"Invalid JID: "_s + text);
        query.archive.with = jid.bareString();
    }
    for (const QString& name : {u"start"_s, u"end"_s}) {
        if (const XmlElement* stamp = formField(form, name)) {
            const std::optional<qint64> when = MamQuery::parseTimestamp(stamp->childText(u"value", Ns::DataForms));
            if (!when)
                return Result<void>::failure(u"bad-request"_s, u"invalid timestamp"_s);
            (name == u"start"_s ? query.archive.start : query.archive.end) = when;
        }
    }
    if (const XmlElement* before = formField(form, u"before-id"))
        beforeId = before->childText(u"value", Ns::DataForms);
    if (const XmlElement* after = formField(form, u"after-id"))
        afterId = after->childText(u"value", Ns::DataForms);
    if (const XmlElement* ids = formField(form, u"ids")) {
        QSet<QString> set;
        for (const XmlElement* value : ids->children(u"value", Ns::DataForms))
            set.insert(value->text());
        if (!set.isEmpty())
            query.archive.ids = set;
    }
    return {};
}

} // namespace

Result<MamQuery> MamQuery::parse(const XmlElement& element, int maxMax, bool useTotal)
{
    MamQuery query;
    query.queryId = element.attribute(u"queryid");
    std::optional<QString> beforeId;
    std::optional<QString> afterId;
    if (const XmlElement* form = element.firstChild(u"x", Ns::DataForms)) {
        if (auto read = readForm(*form, query, beforeId, afterId); !read)
            return read.error();
    }

    // RSM: Prosody's util.rsm ignores an empty <set/>.
    const XmlElement* set = element.firstChild(u"set", Ns::Rsm);
    if (set && set->childElementCount() == 0)
        set = nullptr;
    std::optional<int> max;
    std::optional<QString> rsmBefore; // "" = <before/>: the last page
    std::optional<QString> rsmAfter;
    if (set) {
        if (const XmlElement* maxElement = set->firstChild(u"max")) {
            bool ok = false;
            const int value = maxElement->text().trimmed().toInt(&ok);
            if (ok && value < 0)
                return badRequest(u"RSM max must not be negative"_s);
            if (ok)
                max = value;
        }
        if (const XmlElement* before = set->firstChild(u"before"))
            rsmBefore = before->text();
        if (const XmlElement* after = set->firstChild(u"after"))
            rsmAfter = after->text();
    }
    query.max = std::min(max.value_or(DefaultMax), maxMax);
    query.reverse = rsmBefore.has_value();
    if (rsmBefore) {
        if (!rsmBefore->isEmpty())
            query.archive.before = *rsmBefore;
    } else if (beforeId) {
        query.archive.before = *beforeId;
    }
    if (rsmAfter)
        query.archive.after = *rsmAfter;
    else if (afterId)
        query.archive.after = *afterId;
    query.flip = query.reverse;
    if (element.firstChild(u"flip-page", Ns::Mam))
        query.flip = !query.flip;

    // One more than the page, to learn whether there is more (limit 0 only counts).
    query.archive.limit = query.max == 0 ? 0 : query.max + 1;
    query.archive.reverse = query.reverse;
    query.archive.total = useTotal || query.max == 0;
    return query;
}

MamQuery::Page MamQuery::page(const ArchiveResult& found, const QString& to, const QString& from) const
{
    Page page;
    QString first;
    QString last;
    bool complete = true;
    for (const ArchiveItem& item : found.items) {
        if (page.count == max) {
            complete = false; // the extra item: there is more to page through
            break;
        }
        ++page.count;
        XmlElement message(u"message"_s, Ns::Client.toString());
        message.setAttribute(u"to"_s, to);
        if (!from.isEmpty())
            message.setAttribute(u"from"_s, from);
        XmlElement& result = message.addChild(u"result"_s, Ns::Mam.toString());
        if (!queryId.isNull())
            result.setAttribute(u"queryid"_s, queryId);
        result.setAttribute(u"id"_s, item.key);
        XmlElement& forwarded = result.addChild(u"forwarded"_s, Ns::Forward.toString());
        forwarded.addChild(u"delay"_s, Ns::Delay.toString()).setAttribute(u"stamp"_s, timestamp(item.when));
        XmlElement stanza = item.value.value<XmlElement>();
        stanza.setXmlns(Ns::Client.toString());
        forwarded.addChild(std::move(stanza));
        if (first.isNull())
            first = item.key;
        last = item.key;
        page.messages.append(std::move(message));
    }
    if (flip)
        std::reverse(page.messages.begin(), page.messages.end());
    if (reverse)
        std::swap(first, last);

    page.fin = XmlElement(u"fin"_s, Ns::Mam.toString());
    // As Prosody: complete='true' or nothing (XEP-0313: absent means false).
    if (complete)
        page.fin.setAttribute(u"complete"_s, u"true"_s);
    XmlElement& rsm = page.fin.addChild(u"set"_s, Ns::Rsm.toString());
    if (!first.isNull()) {
        rsm.addTextChild(u"first"_s, Ns::Rsm.toString(), first);
        rsm.addTextChild(u"last"_s, Ns::Rsm.toString(), last);
    }
    if (found.total)
        rsm.addTextChild(u"count"_s, Ns::Rsm.toString(), QString::number(*found.total));
    return page;
}

XmlElement MamQuery::form()
{
    XmlElement form(u"x"_s, Ns::DataForms.toString());
    form.setAttribute(u"type"_s, u"form"_s);
    form.addChild(field(u"FORM_TYPE"_s, u"hidden"_s))
        .addTextChild(u"value"_s, Ns::DataForms.toString(), Ns::Mam.toString());
    form.addChild(field(u"with"_s, u"jid-single"_s));
    for (const QString& name : {u"start"_s, u"end"_s}) {
        form.addChild(field(name, u"text-single"_s))
            .addChild(u"validate"_s, XDataValidate.toString())
            .setAttribute(u"datatype"_s, u"xs:dateTime"_s);
    }
    form.addChild(field(u"before-id"_s, u"text-single"_s));
    form.addChild(field(u"after-id"_s, u"text-single"_s));
    form.addChild(field(u"ids"_s, u"list-multi"_s));
    return form;
}

QString MamQuery::timestamp(qint64 secondsSinceEpoch)
{
    return QDateTime::fromSecsSinceEpoch(secondsSinceEpoch, QTimeZone::utc()).toString(u"yyyy-MM-ddTHH:mm:ss'Z'"_s);
}

std::optional<qint64> MamQuery::parseTimestamp(const QString& text)
{
    static const QRegularExpression pattern(
        uR"(^(\d{4})-?(\d{2})-?(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d*)?(Z|[+-](\d{2}):?(\d{2})?)?$)"_s);
    const QRegularExpressionMatch match = pattern.match(text);
    if (!match.hasMatch())
        return std::nullopt;
    const QDate date(match.captured(1).toInt(), match.captured(2).toInt(), match.captured(3).toInt());
    const QTime time(match.captured(4).toInt(), match.captured(5).toInt(), match.captured(6).toInt());
    if (!date.isValid() || !time.isValid())
        return std::nullopt;
    qint64 seconds = QDateTime(date, time, QTimeZone::utc()).toSecsSinceEpoch();
    const QString zone = match.captured(7);
    if (!zone.isEmpty() && zone != u"Z"_s) {
        const qint64 offset = match.captured(8).toInt() * 3600 + match.captured(9).toInt() * 60;
        seconds -= zone.startsWith(u'-') ? -offset : offset;
    }
    return seconds;
}

} // namespace Canto::Modules
