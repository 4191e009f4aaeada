#include "server/auth/LoginThrottle.h"

#include <QTest>

using namespace Qt::StringLiterals;
using namespace Canto;
using namespace std::chrono_literals;

class tst_LoginThrottle : public QObject
{
    Q_OBJECT

    std::chrono::milliseconds m_now{1'000'000};

    LoginThrottle makeThrottle(int maxEntries = 1000)
    {
        LoginThrottle::Policy policy;
        policy.maxFailures = 3;
        policy.maxAddressFailures = 3;
        policy.window = 60s;
        policy.backoff = 10s;
        policy.maxBackoff = 40s;
        policy.maxEntries = maxEntries;
        return LoginThrottle(policy, [this] { return m_now; });
    }

private Q_SLOTS:
    void init() { m_now = 1'000'000ms; }

    // Many users behind one address: the address tolerates more failures than one account.
    void addressAndAccountLimitsDiffer()
    {
        LoginThrottle::Policy policy;
        policy.maxFailures = 2;
        policy.maxAddressFailures = 4;
        LoginThrottle throttle(policy, [this] { return m_now; });
        throttle.recordFailure(u"192.0.2.7"_s, u"romeo@example.org"_s);
        throttle.recordFailure(u"192.0.2.7"_s, u"romeo@example.org"_s);
        QVERIFY(!throttle.check(u"192.0.2.7"_s, u"romeo@example.org"_s).isAllowed); // the account
        QVERIFY(throttle.check(u"192.0.2.7"_s, u"juliet@example.org"_s).isAllowed); // not the address
        throttle.recordFailure(u"192.0.2.7"_s, u"juliet@example.org"_s);
        QVERIFY(throttle.check(u"192.0.2.7"_s, u"mercutio@example.org"_s).isAllowed);
        throttle.recordFailure(u"192.0.2.7"_s, u"mercutio@example.org"_s);
        QVERIFY(!throttle.check(u"192.0.2.7"_s, u"tybalt@example.org"_s).isAllowed); // 4 from the address
    }

    void blocksAfterMaxFailures()
    {
        LoginThrottle throttle = makeThrottle();
        for (int i = 0; i < 2; ++i) {
            throttle.recordFailure(u"192.0.2.1"_s, u"juliet@example.org"_s);
            QVERIFY(throttle.check(u"192.0.2.1"_s, u"juliet@example.org"_s).isAllowed);
        }
        throttle.recordFailure(u"192.0.2.1"_s, u"juliet@example.org"_s);
        const auto decision = throttle.check(u"192.0.2.1"_s, u"juliet@example.org"_s);
        QVERIFY(!decision.isAllowed);
        QCOMPARE(decision.retryAfter, 10s);

        // Blocked by address for other accounts, and by account from other addresses.
        QVERIFY(!throttle.check(u"192.0.2.1"_s, u"romeo@example.org"_s).isAllowed);
        QVERIFY(!throttle.check(u"198.51.100.7"_s, u"juliet@example.org"_s).isAllowed);
        QVERIFY(throttle.check(u"198.51.100.7"_s, u"romeo@example.org"_s).isAllowed);

        m_now += 9s;
        QCOMPARE(throttle.check(u"192.0.2.1"_s, {}).retryAfter, 1s);
        m_now += 1s;
        QVERIFY(throttle.check(u"192.0.2.1"_s, u"juliet@example.org"_s).isAllowed);
    }

    void backoffDoublesUpToMaximum()
    {
        LoginThrottle throttle = makeThrottle();
        for (int i = 0; i < 3; ++i)
            throttle.recordFailure(u"192.0.2.1"_s, {});
        QCOMPARE(throttle.check(u"192.0.2.1"_s, {}).retryAfter, 10s);
        const std::chrono::milliseconds expected[] = {20s, 40s, 40s};
        for (const auto backoff : expected) {
            m_now += 10s; // after (or during) the block, another failure
            throttle.recordFailure(u"192.0.2.1"_s, {});
            QCOMPARE(throttle.check(u"192.0.2.1"_s, {}).retryAfter, backoff);
        }
    }

    void failuresExpireAfterWindow()
    {
        LoginThrottle throttle = makeThrottle();
        throttle.recordFailure(u"192.0.2.1"_s, {});
        throttle.recordFailure(u"192.0.2.1"_s, {});
        m_now += 61s;
        throttle.recordFailure(u"192.0.2.1"_s, {}); // the window restarted: one failure only
        QVERIFY(throttle.check(u"192.0.2.1"_s, {}).isAllowed);
        throttle.recordFailure(u"192.0.2.1"_s, {});
        QVERIFY(throttle.check(u"192.0.2.1"_s, {}).isAllowed);
        throttle.recordFailure(u"192.0.2.1"_s, {});
        QVERIFY(!throttle.check(u"192.0.2.1"_s, {}).isAllowed);
    }

    void successClearsAccountOnly()
    {
        LoginThrottle throttle = makeThrottle();
        for (int i = 0; i < 3; ++i)
            throttle.recordFailure(u"192.0.2.1"_s, u"juliet@example.org"_s);
        throttle.recordSuccess(u"192.0.2.1"_s, u"juliet@example.org"_s);
        QVERIFY(throttle.check(u"198.51.100.7"_s, u"juliet@example.org"_s).isAllowed);
        QVERIFY(!throttle.check(u"192.0.2.1"_s, u"romeo@example.org"_s).isAllowed);
    }

    void purgeDropsExpiredRecords()
    {
        LoginThrottle throttle = makeThrottle();
        throttle.recordFailure(u"192.0.2.1"_s, u"juliet@example.org"_s);
        for (int i = 0; i < 3; ++i)
            throttle.recordFailure(u"192.0.2.2"_s, {});
        QCOMPARE(throttle.trackedCount(), 3);
        m_now += 60s;
        throttle.purgeExpired();
        QCOMPARE(throttle.trackedCount(), 0);
    }

    void blockOutlivesWindow()
    {
        LoginThrottle::Policy policy;
        policy.maxFailures = 1;
        policy.maxAddressFailures = 1;
        policy.window = 5s;
        policy.backoff = 30s;
        LoginThrottle throttle(policy, [this] { return m_now; });
        throttle.recordFailure(u"192.0.2.1"_s, {});
        m_now += 20s;
        throttle.purgeExpired();
        QCOMPARE(throttle.trackedCount(), 1);
        QVERIFY(!throttle.check(u"192.0.2.1"_s, {}).isAllowed);
        m_now += 10s;
        QVERIFY(throttle.check(u"192.0.2.1"_s, {}).isAllowed);
    }

    void tableIsBounded()
    {
        LoginThrottle throttle = makeThrottle(100);
        for (int i = 0; i < 1000; ++i) {
            m_now += 1ms;
            throttle.recordFailure(u"10.0.%1.%2"_s.arg(i / 256).arg(i % 256), {});
        }
        QVERIFY(throttle.trackedCount() <= 100);
        QVERIFY(throttle.trackedCount() >= 80);
        // The most recent addresses are still tracked.
        for (int i = 0; i < 2; ++i)
            throttle.recordFailure(u"10.0.3.231"_s, {});
        QVERIFY(!throttle.check(u"10.0.3.231"_s, {}).isAllowed);
    }

    void emptyKeysAreIgnored()
    {
        LoginThrottle throttle = makeThrottle();
        for (int i = 0; i < 5; ++i)
            throttle.recordFailure({}, {});
        QCOMPARE(throttle.trackedCount(), 0);
        QVERIFY(throttle.check({}, {}).isAllowed);
    }
};

QTEST_GUILESS_MAIN(tst_LoginThrottle)
#include "tst_LoginThrottle.moc"
