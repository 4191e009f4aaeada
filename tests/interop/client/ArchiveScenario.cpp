#include "ArchiveScenario.h"

#include "ClientOptions.h"
#include "Console.h"
#include "StanzaTap.h"
#include "StanzaXml.h"

namespace Canto::Interop {

namespace {

constexpr int MessageCount = 15;
constexpr int PageSize = 5;

QString directionOf(const QDomElement& message, const QString& owner)
{
    const QString fromBare = message.attribute(QStringLiteral("from")).section(QLatin1Char('/'), 0, 0);
    return fromBare.compare(owner, Qt::CaseInsensitive) == 0 ? QStringLiteral("a>b") : QStringLiteral("b>a");
}

} // namespace

Outcome ArchiveScenario::query(XmppSession& session, int max, const QString& after, const QString& before, Page* page)
{
    const QString queryId = QStringLiteral("q-") + token();
    QString rsm = QStringLiteral("<max>%1</max>").arg(max);
    if (!after.isNull()) {
        rsm += QStringLiteral("<after>%1</after>").arg(StanzaXml::escape(after));
    }
    if (!before.isNull()) {
        rsm += before.isEmpty() ? QStringLiteral("<before/>")
                                : QStringLiteral("<before>%1</before>").arg(StanzaXml::escape(before));
    }
    const QString xml = QStringLiteral("<iq type='set'><query xmlns='urn:xmpp:mam:2' queryid='%1'>"
                                       "<x xmlns='jabber:x:data' type='submit'>"
                                       "<field var='FORM_TYPE' type='hidden'><value>urn:xmpp:mam:2</value></field>"
                                       "<field var='with'><value>%2</value></field></x>"
                                       "<set xmlns='http://jabber.org/protocol/rsm'>%3</set></query></iq>")
                            .arg(queryId, StanzaXml::escape(m_with), rsm);
    m_console.step(QStringLiteral("MAM query %1: %2").arg(queryId, rsm));
    QDomDocument response;
    if (Outcome step = session.requestXml(xml, &response); !step) {
        return step;
    }
    // XEP-0313 §4.2: the results are sent before the IQ result, so all are in by now.
    *page = Page{};
    for (const QDomDocument& document : session.tap().stanzas()) {
        const QDomElement message = document.documentElement();
        const QDomElement result = StanzaXml::child(message, QLatin1String("result"), StanzaXml::NsMam);
        if (!StanzaXml::isStanza(message, QLatin1String("message")) ||
            result.attribute(QStringLiteral("queryid")) != queryId) {
            continue;
        }
        const QString from = message.attribute(QStringLiteral("from"));
        if (!from.isEmpty() && from.compare(m_owner, Qt::CaseInsensitive) != 0) {
            return Outcome::fail(
                QStringLiteral("archive result from '%1', expected the archive %2").arg(from, m_owner));
        }
        const QDomElement forwarded = StanzaXml::child(result, QLatin1String("forwarded"), StanzaXml::NsForward);
        const QDomElement delay = StanzaXml::child(forwarded, QLatin1String("delay"), StanzaXml::NsDelay);
        const QDomElement inner = StanzaXml::child(forwarded, QLatin1String("message"), StanzaXml::NsClient);
        if (inner.isNull() || !StanzaXml::parseStamp(delay.attribute(QStringLiteral("stamp"))).isValid()) {
            return Outcome::fail(QStringLiteral("archive result without <forwarded> <delay stamp/> and <message/>: %1")
                                     .arg(StanzaXml::toText(message)));
        }
        page->archiveIds << result.attribute(QStringLiteral("id"));
        page->messageIds << inner.attribute(QStringLiteral("id"));
        page->directions << directionOf(inner, m_owner);
    }
    const QDomElement fin = StanzaXml::child(response.documentElement(), QLatin1String("fin"), StanzaXml::NsMam);
    if (fin.isNull()) {
        return Outcome::fail(QStringLiteral("MAM result without <fin xmlns='urn:xmpp:mam:2'/>: %1")
                                 .arg(StanzaXml::toText(response.documentElement())));
    }
    const QString complete = fin.attribute(QStringLiteral("complete"));
    page->complete = complete == QLatin1String("true") || complete == QLatin1String("1");
    const QDomElement set = StanzaXml::child(fin, QLatin1String("set"), StanzaXml::NsRsm);
    page->first = StanzaXml::child(set, QLatin1String("first"), StanzaXml::NsRsm).text();
    page->last = StanzaXml::child(set, QLatin1String("last"), StanzaXml::NsRsm).text();
    m_console.detail(
        QStringLiteral("%1 results, first '%2', last '%3', complete %4")
            .arg(page->archiveIds.size())
            .arg(page->first, page->last, page->complete ? QStringLiteral("true") : QStringLiteral("false")));
    return Outcome::pass();
}

Outcome ArchiveScenario::checkPage(const QString& where, const Page& page, const QStringList& expectedIds,
                                   const QStringList& expectedDirections, bool expectedComplete)
{
    if (page.messageIds != expectedIds) {
        return Outcome::fail(
            QStringLiteral("%1: messages [%2], expected [%3]")
                .arg(where, page.messageIds.join(QLatin1Char(' ')), expectedIds.join(QLatin1Char(' '))));
    }
    if (page.directions != expectedDirections) {
        return Outcome::fail(
            QStringLiteral("%1: directions [%2], expected [%3]")
                .arg(where, page.directions.join(QLatin1Char(' ')), expectedDirections.join(QLatin1Char(' '))));
    }
    if (page.archiveIds.contains(QString()) || page.first != page.archiveIds.constFirst() ||
        page.last != page.archiveIds.constLast()) {
        return Outcome::fail(QStringLiteral("%1: <set> first '%2' last '%3' do not match the result ids [%4]")
                                 .arg(where, page.first, page.last, page.archiveIds.join(QLatin1Char(' '))));
    }
    if (page.complete != expectedComplete) {
        return Outcome::fail(QStringLiteral("%1: complete is %2, expected %3")
                                 .arg(where, page.complete ? QStringLiteral("true") : QStringLiteral("false"),
                                      expectedComplete ? QStringLiteral("true") : QStringLiteral("false")));
    }
    return Outcome::pass();
}

Outcome ArchiveScenario::run()
{
    if (Outcome step = requirePeer(); !step) {
        return step;
    }
    m_owner = bareJid(Account::Alice);
    m_with = bareJid(Account::Bob);
    std::unique_ptr<XmppSession> alice;
    std::unique_ptr<XmppSession> bob;
    if (Outcome step = login(Account::Alice, QStringLiteral("alice"), QStringLiteral("mam-") + token(), 0, &alice);
        !step) {
        return step;
    }
    if (Outcome step = login(Account::Bob, QStringLiteral("bob"), QStringLiteral("mam-") + token(), 0, &bob); !step) {
        return step;
    }

    // Where this run starts in the archive: the last id so far (none if the archive is empty).
    Page marker;
    if (Outcome step = query(*alice, 1, QString(), QStringLiteral(""), &marker); !step) {
        return step;
    }
    const QString start = marker.last;

    const QString run = token();
    QStringList ids;
    QStringList directions;
    for (int i = 0; i < MessageCount; ++i) {
        const bool fromAlice = i % 2 == 0;
        XmppSession& sender = fromAlice ? *alice : *bob;
        XmppSession& receiver = fromAlice ? *bob : *alice;
        const QString id = QStringLiteral("mam-%1-%2").arg(run).arg(i, 2, 10, QLatin1Char('0'));
        // One at a time: the archive order is the server's processing order, and waiting for
        // each delivery makes that the order of this list. Full JIDs, so that routing to the
        // bare JID (the delivery scenario's subject) cannot pick another resource of an account.
        if (Outcome step =
                sender.sendXml(chatXml(receiver.boundJid(), id, QStringLiteral("archived message %1").arg(i)));
            !step) {
            return step;
        }
        if (Outcome step = receiver.waitForStanza(QStringLiteral("message %1").arg(id),
                                                  [&id](const QDomElement& s) {
                                                      return StanzaXml::isStanza(s, QLatin1String("message")) &&
                                                             s.attribute(QStringLiteral("id")) == id;
                                                  });
            !step) {
            return step;
        }
        ids << id;
        directions << (fromAlice ? QStringLiteral("a>b") : QStringLiteral("b>a"));
    }

    m_console.step(QStringLiteral("forward paging, %1 per page, after '%2'").arg(PageSize).arg(start));
    QStringList forwardArchiveIds;
    QString after = start.isEmpty() ? QString() : start;
    for (int pageIndex = 0; pageIndex < MessageCount / PageSize; ++pageIndex) {
        Page page;
        if (Outcome step = query(*alice, PageSize, after, QString(), &page); !step) {
            return step;
        }
        const bool lastPage = pageIndex == MessageCount / PageSize - 1;
        if (Outcome step = checkPage(QStringLiteral("forward page %1").arg(pageIndex + 1), page,
                                     ids.mid(pageIndex * PageSize, PageSize),
                                     directions.mid(pageIndex * PageSize, PageSize), lastPage);
            !step) {
            return step;
        }
        forwardArchiveIds << page.archiveIds;
        after = page.last;
    }
    if (forwardArchiveIds.removeDuplicates() != 0) {
        return Outcome::fail(QStringLiteral("archive ids repeat across pages"));
    }

    m_console.step(QStringLiteral("backward paging from the end"));
    QString before = QStringLiteral(""); // <before/>: the last page
    for (int pageIndex = 0; pageIndex < MessageCount / PageSize; ++pageIndex) {
        Page page;
        if (Outcome step = query(*alice, PageSize, QString(), before, &page); !step) {
            return step;
        }
        const int offset = MessageCount - (pageIndex + 1) * PageSize;
        // Going backward the archive is complete once its oldest item is in: only on the last
        // page, and only if this run's messages are the whole conversation with bob.
        const bool expectedComplete = pageIndex == MessageCount / PageSize - 1 && start.isEmpty();
        if (Outcome step = checkPage(QStringLiteral("backward page %1").arg(pageIndex + 1), page,
                                     ids.mid(offset, PageSize), directions.mid(offset, PageSize), expectedComplete);
            !step) {
            return step;
        }
        if (page.archiveIds != forwardArchiveIds.mid(offset, PageSize)) {
            return Outcome::fail(QStringLiteral("backward page %1 has archive ids [%2], forward paging had [%3]")
                                     .arg(pageIndex + 1)
                                     .arg(page.archiveIds.join(QLatin1Char(' ')),
                                          forwardArchiveIds.mid(offset, PageSize).join(QLatin1Char(' '))));
        }
        before = page.first;
    }
    if (Outcome step = bob->logout(); !step) {
        return step;
    }
    return alice->logout();
}

} // namespace Canto::Interop
