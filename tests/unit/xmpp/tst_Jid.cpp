#include "shared/Jid.h"

#include <QSet>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace Canto;

class tst_Jid : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void parse_data();
    void parse();
    void parts();
    void strictUnassigned();
    void equalityAndHash();
    void withResource();
    void fromParts();
};

void tst_Jid::parse_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("expected"); // empty: invalid
    QTest::addColumn<QString>("node");
    QTest::addColumn<QString>("domain");
    QTest::addColumn<QString>("resource");

    const QString x1023(1023, u'x');
    const QString x1024(1024, u'x');
    QString longLabelDomain = QString(63, u'a') + u".example";
    QString tooLongLabelDomain = QString(64, u'a') + u".example";

    // valid
    QTest::newRow("domain") << u"example.com"_s << u"example.com"_s << QString() << u"example.com"_s << QString();
    QTest::newRow("bare") << u"juliet@example.com"_s << u"juliet@example.com"_s << u"juliet"_s << u"example.com"_s
                          << QString();
    QTest::newRow("full") << u"juliet@example.com/foo"_s << u"juliet@example.com/foo"_s << u"juliet"_s
                          << u"example.com"_s << u"foo"_s;
    QTest::newRow("case-folding") << u"Juliet@Example.COM/Balcony"_s << u"juliet@example.com/Balcony"_s << u"juliet"_s
                                  << u"example.com"_s << u"Balcony"_s;
    QTest::newRow("domain-resource") << u"example.com/foo"_s << u"example.com/foo"_s << QString() << u"example.com"_s
                                     << u"foo"_s;
    QTest::newRow("resource-with-slash-and-at")
        << u"juliet@example.com/foo/bar@baz"_s << u"juliet@example.com/foo/bar@baz"_s << u"juliet"_s << u"example.com"_s
        << u"foo/bar@baz"_s;
    QTest::newRow("resource-with-space") << u"juliet@example.com/foo bar"_s << u"juliet@example.com/foo bar"_s
                                         << u"juliet"_s << u"example.com"_s << u"foo bar"_s;
    QTest::newRow("at-in-resource-only") << u"example.com/a@b"_s << u"example.com/a@b"_s << QString()
                                         << u"example.com"_s << u"a@b"_s;
    QTest::newRow("trailing-dot") << u"juliet@example.com."_s << u"juliet@example.com"_s << u"juliet"_s
                                  << u"example.com"_s << QString();
    QTest::newRow("unicode-node-casefold") << u"\u00C9LISE@example.com"_s << u"\u00e9lise@example.com"_s
                                           << u"\u00e9lise"_s << u"example.com"_s << QString();
    QTest::newRow("unicode-domain-casefold") << u"romeo@M\u00DCNCHEN.example"_s << u"romeo@m\u00fcnchen.example"_s
                                             << u"romeo"_s << u"m\u00fcnchen.example"_s << QString();
    QTest::newRow("sharp-s-folds") << u"stra\u00DFe@example.com"_s << u"strasse@example.com"_s << u"strasse"_s
                                   << u"example.com"_s << QString();
    QTest::newRow("greek-final-sigma") << u"\u03A3\u03A3@example.com"_s << u"\u03c3\u03c3@example.com"_s
                                       << u"\u03c3\u03c3"_s << u"example.com"_s << QString();
    QTest::newRow("resource-keeps-case-unicode") << u"a@example.com/\u00C9t\u00E9"_s << u"a@example.com/\u00C9t\u00E9"_s
                                                 << u"a"_s << u"example.com"_s << u"\u00C9t\u00E9"_s;
    QTest::newRow("resource-nfkc") << u"a@example.com/\uFB01"_s << u"a@example.com/fi"_s << u"a"_s << u"example.com"_s
                                   << u"fi"_s;
    QTest::newRow("fullwidth-dot-separator")
        << u"a@example\u3002com"_s << u"a@example.com"_s << u"a"_s << u"example.com"_s << QString();
    QTest::newRow("ipv4") << u"a@192.168.0.1"_s << u"a@192.168.0.1"_s << u"a"_s << u"192.168.0.1"_s << QString();
    QTest::newRow("ipv6") << u"a@[::1]/r"_s << u"a@[::1]/r"_s << u"a"_s << u"[::1]"_s << u"r"_s;
    QTest::newRow("ipv6-uppercase") << u"[2001:DB8::1]"_s << u"[2001:db8::1]"_s << QString() << u"[2001:db8::1]"_s
                                    << QString();
    QTest::newRow("node-1023") << x1023 + u"@example.com" << x1023 + u"@example.com" << x1023 << u"example.com"_s
                               << QString();
    QTest::newRow("resource-1023") << u"a@b/"_s + x1023 << u"a@b/"_s + x1023 << u"a"_s << u"b"_s << x1023;
    QTest::newRow("label-63") << longLabelDomain << longLabelDomain << QString() << longLabelDomain << QString();
    QTest::newRow("soft-hyphen-mapped-out")
        << u"ju\u00ADliet@example.com"_s << u"juliet@example.com"_s << u"juliet"_s << u"example.com"_s << QString();

    // invalid
    const QString none;
    QTest::newRow("empty") << u""_s << none << none << none << none;
    QTest::newRow("empty-node") << u"@example.com"_s << none << none << none << none;
    QTest::newRow("empty-domain") << u"juliet@"_s << none << none << none << none;
    QTest::newRow("empty-resource") << u"example.com/"_s << none << none << none << none;
    QTest::newRow("empty-resource-full") << u"juliet@example.com/"_s << none << none << none << none;
    QTest::newRow("only-at") << u"@"_s << none << none << none << none;
    QTest::newRow("only-slash") << u"/"_s << none << none << none << none;
    QTest::newRow("only-resource") << u"/foo"_s << none << none << none << none;
    QTest::newRow("two-ats") << u"a@b@example.com"_s << none << none << none << none;
    QTest::newRow("node-quote") << u"\"juliet\"@example.com"_s << none << none << none << none;
    QTest::newRow("node-ampersand") << u"a&b@example.com"_s << none << none << none << none;
    QTest::newRow("node-apostrophe") << u"o'hara@example.com"_s << none << none << none << none;
    QTest::newRow("node-colon") << u"a:b@example.com"_s << none << none << none << none;
    QTest::newRow("node-lt") << u"a<b@example.com"_s << none << none << none << none;
    QTest::newRow("node-gt") << u"a>b@example.com"_s << none << none << none << none;
    QTest::newRow("node-space") << u"jul iet@example.com"_s << none << none << none << none;
    QTest::newRow("node-control") << u"a\u0007b@example.com"_s << none << none << none << none;
    QTest::newRow("node-1024") << x1024 + u"@example.com" << none << none << none << none;
    QTest::newRow("resource-1024") << u"a@b/"_s + x1024 << none << none << none << none;
    QTest::newRow("domain-space") << u"exa mple.com"_s << none << none << none << none;
    QTest::newRow("domain-empty-label") << u"example..com"_s << none << none << none << none;
    QTest::newRow("domain-leading-dot") << u".example.com"_s << none << none << none << none;
    QTest::newRow("domain-two-trailing-dots") << u"example.com.."_s << none << none << none << none;
    QTest::newRow("domain-only-dot") << u"."_s << none << none << none << none;
    QTest::newRow("label-64") << tooLongLabelDomain << none << none << none << none;
    QTest::newRow("domain-too-long") << QString(1030, u'a') << none << none << none << none;
    QTest::newRow("bad-ipv6") << u"a@[not-an-ip]"_s << none << none << none << none;
    QTest::newRow("ipv4-in-brackets") << u"a@[127.0.0.1]"_s << none << none << none << none;
    QTest::newRow("resource-control") << u"a@b/x\u0001"_s << none << none << none << none;
    QTest::newRow("node-prohibited-unicode") << u"a\u2028b@example.com"_s << none << none << none << none;
    QTest::newRow("bidi-mixed") << u"a\u05D0@example.com"_s << none << none << none << none;
    QTest::newRow("huge-input") << QString(100000, u'\u00e9') << none << none << none << none;
}

void tst_Jid::parse()
{
    QFETCH(QString, input);
    QFETCH(QString, expected);
    QFETCH(QString, node);
    QFETCH(QString, domain);
    QFETCH(QString, resource);

    const Result<Jid> jid = Jid::parse(input);
    if (expected.isEmpty()) {
        QVERIFY2(!jid, qPrintable(jid ? jid->full() : QString()));
        QCOMPARE(jid.error().condition, u"jid-malformed"_s);
        QVERIFY(!jid.error().text.isEmpty());
        QVERIFY(Jid::prepped(input).isNull());
        return;
    }
    QVERIFY2(jid, qPrintable(jid ? QString() : jid.error().toString()));
    QCOMPARE(jid->full(), expected);
    QCOMPARE(jid->node(), node);
    QCOMPARE(jid->domain(), domain);
    QCOMPARE(jid->resource(), resource);
    QCOMPARE(jid->isFull(), !resource.isEmpty());
    QCOMPARE(jid->isBare(), resource.isEmpty());
    QCOMPARE(jid->isDomain(), node.isEmpty() && resource.isEmpty());
    QCOMPARE(Jid::prepped(input), *jid);
    // Preparation is idempotent: the canonical form parses to itself.
    QCOMPARE(Jid::prepped(expected).full(), expected);
}

void tst_Jid::parts()
{
    const Jid jid = Jid::prepped(u"Romeo@Example.net/Orchard"_s);
    QCOMPARE(jid.bare().full(), u"romeo@example.net"_s);
    QCOMPARE(jid.bareString(), u"romeo@example.net"_s);
    QVERIFY(jid.bare().isBare());
    QVERIFY(!jid.bare().isDomain());
    QCOMPARE(jid.toString(), u"romeo@example.net/Orchard"_s);
    QVERIFY(Jid().isNull());
    QVERIFY(!Jid().isBare());
    QVERIFY(!Jid().isDomain());
    QCOMPARE(Jid().full(), QString());
}

void tst_Jid::strictUnassigned()
{
    // U+0221 is unassigned in Unicode 3.2 (the stringprep tables): allowed for queries only.
    const QString input = u"a\u0221@example.com"_s;
    QVERIFY(Jid::parse(input, false));
    QVERIFY(!Jid::parse(input, true));
}

void tst_Jid::equalityAndHash()
{
    const Jid a = Jid::prepped(u"JULIET@example.com/Balcony"_s);
    const Jid b = Jid::prepped(u"juliet@EXAMPLE.com/Balcony"_s);
    const Jid c = Jid::prepped(u"juliet@example.com/balcony"_s);
    QCOMPARE(a, b);
    QVERIFY(a != c); // resources are case-sensitive
    QCOMPARE(qHash(a), qHash(b));
    QSet<Jid> set{a, b, c, a.bare()};
    QCOMPARE(set.size(), 3);
    // Parts are compared separately: "a@b" is not the domain "a@b".
    QVERIFY(Jid::prepped(u"a@b.c"_s) != Jid::prepped(u"b.c/a"_s));
}

void tst_Jid::withResource()
{
    const Jid jid = Jid::prepped(u"juliet@example.com/one"_s);
    const Result<Jid> other = jid.withResource(u"two");
    QVERIFY(other);
    QCOMPARE(other->full(), u"juliet@example.com/two"_s);
    QCOMPARE(jid.withResource({})->full(), u"juliet@example.com"_s);
    QVERIFY(!jid.withResource(u"bad\u0001"));
}

void tst_Jid::fromParts()
{
    const Result<Jid> jid = Jid::fromParts(u"Juliet", u"Example.com", u"Balcony");
    QVERIFY(jid);
    QCOMPARE(jid->full(), u"juliet@example.com/Balcony"_s);
    QVERIFY(!Jid::fromParts(u"a@b", u"example.com"));
    QVERIFY(!Jid::fromParts(u"a", u""));
    QCOMPARE(Jid::nodeprep(u"ROMEO").valueOr({}), u"romeo"_s);
    QCOMPARE(Jid::nameprep(u"EXAMPLE.net.").valueOr({}), u"example.net"_s);
    QCOMPARE(Jid::resourceprep(u"Orchard").valueOr({}), u"Orchard"_s);
    QVERIFY(!Jid::nodeprep(u""));
}

QTEST_GUILESS_MAIN(tst_Jid)
#include "tst_Jid.moc"
