#include "modules/bookmarks/BookmarkConversion.h"

using namespace Qt::StringLiterals;

namespace Canto::Modules {

namespace {

const QString Bookmarks2Ns = u"urn:xmpp:bookmarks:1"_s;
const QString LegacyNs = u"storage:bookmarks"_s;

// Copies name/autojoin and the nick/password children from one conference form to the other.
XmlElement convert(const XmlElement* from, const QString& xmlns)
{
    XmlElement conference(u"conference"_s, xmlns);
    if (!from) {
        return conference;
    }
    for (const QString& attribute : {u"name"_s, u"autojoin"_s}) {
        if (from->hasAttribute(attribute)) {
            conference.setAttribute(attribute, from->attribute(attribute));
        }
    }
    for (const QString& child : {u"nick"_s, u"password"_s}) {
        const QString text = from->childText(child);
        if (!text.isNull()) {
            conference.addTextChild(child, xmlns, text);
        }
    }
    return conference;
}

} // namespace

XmlElement BookmarkConversion::toLegacyStorage(const QList<PepItem>& items)
{
    XmlElement storage(u"storage"_s, LegacyNs);
    for (const PepItem& item : items) {
        const bool valid = item.payload.name() == u"conference"_s && item.payload.xmlns() == Bookmarks2Ns;
        const XmlElement converted = convert(valid ? &item.payload : nullptr, LegacyNs);
        XmlElement& conference = storage.addChild(u"conference"_s);
        conference.setAttribute(u"jid"_s, item.id); // first, as clients write it
        for (const auto& [name, value] : converted.attributes()) {
            conference.setAttribute(name, value);
        }
        conference.nodes() = converted.nodes();
    }
    return storage;
}

QList<PepItem> BookmarkConversion::fromLegacyStorage(const XmlElement& storage)
{
    QList<PepItem> items;
    for (const XmlElement* conference : storage.children(u"conference", LegacyNs)) {
        const QString jid = conference->attribute(u"jid");
        if (jid.isEmpty()) {
            continue;
        }
        items << PepItem{jid, convert(conference, Bookmarks2Ns), {}, 0};
    }
    return items;
}

bool BookmarkConversion::sameBookmark(const PepItem& a, const PepItem& b)
{
    return a.id == b.id && a.payload.attribute(u"name") == b.payload.attribute(u"name") &&
           a.payload.attribute(u"autojoin") == b.payload.attribute(u"autojoin") &&
           a.payload.childText(u"nick") == b.payload.childText(u"nick") &&
           a.payload.childText(u"password") == b.payload.childText(u"password");
}

} // namespace Canto::Modules
