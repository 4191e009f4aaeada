#include "server/auth/StringPrep.h"

#include <QTest>

using namespace Qt::StringLiterals;
using namespace Canto;

class tst_StringPrep : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void saslPrep_data()
    {
        QTest::addColumn<QString>("input");
        QTest::addColumn<QString>("expected"); // null: prohibited
        // RFC 4013 §3 examples.
        QTest::newRow("soft-hyphen") << u"I\u00adX"_s << u"IX"_s;
        QTest::newRow("plain") << u"user"_s << u"user"_s;
        QTest::newRow("case-kept") << u"USER"_s << u"USER"_s;
        QTest::newRow("feminine-ordinal") << u"\u00aa"_s << u"a"_s;
        QTest::newRow("roman-nine") << u"\u2168"_s << u"IX"_s;
        QTest::newRow("control") << u"\u0007"_s << QString();
        QTest::newRow("bidi-mixed") << u"\u0627\u0031"_s << QString();
        QTest::newRow("nbsp") << u"a\u00a0b"_s << u"a b"_s;
    }

    void saslPrep()
    {
        QFETCH(QString, input);
        QFETCH(QString, expected);
        const auto prepared = StringPrep::saslPrep(input);
        QCOMPARE(prepared.has_value(), !expected.isNull());
        if (prepared)
            QCOMPARE(*prepared, expected);
    }

    void saslPrepBytes()
    {
        QCOMPARE(StringPrep::saslPrep(QByteArray("I\xc2\xad"
                                                 "X"))
                     .value_or("?"),
                 QByteArray("IX"));
        QVERIFY(!StringPrep::saslPrep(QByteArray("bad\xff")));
        QVERIFY(!StringPrep::saslPrep(QByteArray("nul\0inside", 10)));
    }

    void nodePrep_data()
    {
        QTest::addColumn<QString>("input");
        QTest::addColumn<QString>("expected");
        QTest::newRow("lowercase") << u"Juliet"_s << u"juliet"_s;
        QTest::newRow("umlaut") << u"J\u00dcRGEN"_s << u"j\u00fcrgen"_s;
        QTest::newRow("sharp-s") << u"stra\u00dfe"_s << u"strasse"_s;
        QTest::newRow("at") << u"a@b"_s << QString();
        QTest::newRow("slash") << u"a/b"_s << QString();
        QTest::newRow("quote") << u"a\"b"_s << QString();
        QTest::newRow("space") << u"a b"_s << QString();
        QTest::newRow("comma-allowed") << u"a,b=c"_s << u"a,b=c"_s;
    }

    void nodePrep()
    {
        QFETCH(QString, input);
        QFETCH(QString, expected);
        const auto prepared = StringPrep::nodePrep(input);
        QCOMPARE(prepared.has_value(), !expected.isNull());
        if (prepared)
            QCOMPARE(*prepared, expected);
    }
};

QTEST_GUILESS_MAIN(tst_StringPrep)
#include "tst_StringPrep.moc"
