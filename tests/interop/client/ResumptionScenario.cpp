#include "ResumptionScenario.h"

#include "ClientOptions.h"
#include "Console.h"
#include "StanzaTap.h"
#include "StanzaXml.h"

namespace Canto::Interop {

namespace {

constexpr int ExtraCleanCloseRounds = 3;

XmppSession::StanzaMatch chatWithId(const QString& id)
{
    return [id](const QDomElement& stanza) {
        return StanzaXml::isStanza(stanza, QLatin1String("message")) && stanza.attribute(QStringLiteral("id")) == id;
    };
}

} // namespace

Outcome ResumptionScenario::run()
{
    if (Outcome step = requirePeer(); !step) {
        return step;
    }
    std::unique_ptr<XmppSession> alice;
    std::unique_ptr<XmppSession> bob;
    if (Outcome step = login(Account::Alice, QStringLiteral("alice"), QStringLiteral("sm-") + token(), 0, &alice);
        !step) {
        return step;
    }
    m_console.step(QStringLiteral("alice: stream management must be enabled with resumption"));
    if (!alice->tap().wasStreamManagementEnabled()) {
        return Outcome::fail(QStringLiteral("no <enabled xmlns='urn:xmpp:sm:3'/> after QXmpp's <enable resume='true'/> "
                                            "(is XEP-0198 offered in the stream features?)"));
    }
    if (!alice->tap().isResumptionOffered() || alice->tap().streamManagementId().isEmpty()) {
        return Outcome::fail(
            QStringLiteral("<enabled/> without resume='true' and an id: the stream cannot be resumed"));
    }
    m_console.detail(QStringLiteral("enabled, resumption id %1").arg(alice->tap().streamManagementId()));
    if (Outcome step = login(Account::Bob, QStringLiteral("bob"), QStringLiteral("sm-") + token(), 0, &bob); !step) {
        return step;
    }
    const QString aliceFullJid = alice->boundJid();

    if (Outcome step = alice->dropConnection(); !step) {
        return step;
    }
    const QString run = token();
    const QString whileAway = QStringLiteral("while-away-") + run;
    m_console.step(QStringLiteral("bob sends %1 to %2 while the connection is down").arg(whileAway, aliceFullJid));
    if (Outcome step = bob->sendXml(chatXml(aliceFullJid, whileAway, QStringLiteral("sent while you were away")));
        !step) {
        return step;
    }
    if (Outcome step = bob->sync(); !step) {
        return step;
    }
    if (const int bounces = bob->countStanzas(chatWithId(whileAway)); bounces != 0) {
        return Outcome::fail(QStringLiteral("the server bounced the message to the detached session instead of "
                                            "holding it for resumption"));
    }

    if (Outcome step = alice->resume(); !step) {
        return step;
    }
    if (alice->boundJid() != aliceFullJid) {
        return Outcome::fail(
            QStringLiteral("the resumed stream is bound to %1, expected %2").arg(alice->boundJid(), aliceFullJid));
    }
    QDomElement message;
    if (Outcome step = alice->waitForStanza(QStringLiteral("message %1 after resumption").arg(whileAway),
                                            chatWithId(whileAway), &message);
        !step) {
        return step;
    }
    if (message.attribute(QStringLiteral("from")) != bob->boundJid() ||
        StanzaXml::bodyOf(message) != QLatin1String("sent while you were away")) {
        return Outcome::fail(QStringLiteral("the held message changed: %1").arg(StanzaXml::toText(message)));
    }

    // A new message on the resumed stream; once it is in, a duplicate of the held one would be too.
    const QString afterResume = QStringLiteral("after-resume-") + run;
    m_console.step(QStringLiteral("bob sends %1 to the resumed stream").arg(afterResume));
    if (Outcome step = bob->sendXml(chatXml(aliceFullJid, afterResume, QStringLiteral("welcome back"))); !step) {
        return step;
    }
    if (Outcome step = alice->waitForStanza(QStringLiteral("message %1").arg(afterResume), chatWithId(afterResume));
        !step) {
        return step;
    }
    if (const int copies = alice->countStanzas(chatWithId(whileAway)); copies != 1) {
        return Outcome::fail(
            QStringLiteral("message %1 arrived %2 times, expected exactly once").arg(whileAway).arg(copies));
    }
    if (Outcome step = alice->sync(); !step) {
        return step;
    }
    if (Outcome step = bob->logout(); !step) {
        return step;
    }
    if (Outcome step = alice->logout(); !step) {
        return step;
    }
    if (Outcome step = expectClosedStreamNotResumable(*alice); !step) {
        return step;
    }
    // QXmpp writes </stream:stream> and closes the socket at once, so a server that looks at the
    // disconnect before the bytes that came with it takes a clean close for a network failure.
    // That is a race, hence a few more rounds with fresh streams.
    for (int round = 0; round < ExtraCleanCloseRounds; ++round) {
        std::unique_ptr<XmppSession> again;
        if (Outcome step = login(Account::Alice, QStringLiteral("alice-%1").arg(round + 2),
                                 QStringLiteral("sm-") + token(), 0, &again);
            !step) {
            return step;
        }
        if (Outcome step = again->logout(); !step) {
            return step;
        }
        if (Outcome step = expectClosedStreamNotResumable(*again); !step) {
            return step;
        }
    }
    return Outcome::pass();
}

Outcome ResumptionScenario::expectClosedStreamNotResumable(XmppSession& session)
{
    // XEP-0198 §7: </stream:stream> ends the session; only an unfinished stream is kept.
    m_console.step(QStringLiteral("%1 was closed cleanly: it must not be resumable").arg(session.boundJid()));
    const Outcome again = session.resume();
    if (again) {
        return Outcome::fail(QStringLiteral("the server resumed %1, whose stream had been closed with "
                                            "</stream:stream> (XEP-0198 §7)")
                                 .arg(session.boundJid()));
    }
    if (session.tap().streamManagementFailure().isEmpty()) {
        return Outcome::fail(QStringLiteral("expected <failed/> to the <resume/> of a closed stream: ") + again.reason);
    }
    m_console.detail(QStringLiteral("<failed/> %1").arg(session.tap().streamManagementFailure()));
    return session.logout();
}

} // namespace Canto::Interop
