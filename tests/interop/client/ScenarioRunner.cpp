#include "ScenarioRunner.h"

#include "ArchiveScenario.h"
#include "ClientOptions.h"
#include "Console.h"
#include "MalformedStreamProbe.h"
#include "MessagingScenarios.h"
#include "ResumptionScenario.h"
#include "RosterScenarios.h"
#include "StanzaTap.h"
#include "Waiter.h"
#include "XmppSession.h"

#include <QDateTime>
#include <QUuid>

namespace Canto::Interop {

namespace {

QString uniqueToken()
{
    return QUuid::createUuid().toString(QUuid::WithoutBraces);
}

} // namespace

ScenarioRunner::ScenarioRunner(const ClientOptions& options, Console& console, QObject* parent)
    : QObject(parent), m_options(options), m_console(console), m_waiter(new Waiter(options.timeoutMs, this))
{}

ScenarioRunner::~ScenarioRunner() = default;

int ScenarioRunner::run()
{
    const Outcome outcome = runScenario();
    m_console.verdict(m_options.scenario, outcome.ok, outcome.reason);
    return outcome.ok ? 0 : 1;
}

Outcome ScenarioRunner::runScenario()
{
    const QString& name = m_options.scenario;
    if (name == QLatin1String("login")) {
        return login();
    }
    if (name == QLatin1String("ping")) {
        return ping();
    }
    if (name == QLatin1String("disco")) {
        return disco();
    }
    if (name == QLatin1String("version")) {
        return version();
    }
    if (name == QLatin1String("time")) {
        return time();
    }
    if (name == QLatin1String("self-message")) {
        return selfMessage();
    }
    if (name == QLatin1String("wrong-password")) {
        return wrongPassword();
    }
    if (name == QLatin1String("malformed")) {
        return malformed();
    }
    if (name == QLatin1String("roster")) {
        return RosterScenarios(m_options, m_console, *m_waiter).roster();
    }
    if (name == QLatin1String("subscription")) {
        return RosterScenarios(m_options, m_console, *m_waiter).subscription();
    }
    if (name == QLatin1String("delivery")) {
        return MessagingScenarios(m_options, m_console, *m_waiter).delivery();
    }
    if (name == QLatin1String("offline")) {
        return MessagingScenarios(m_options, m_console, *m_waiter).offline();
    }
    if (name == QLatin1String("carbons")) {
        return MessagingScenarios(m_options, m_console, *m_waiter).carbons();
    }
    if (name == QLatin1String("mam")) {
        return ArchiveScenario(m_options, m_console, *m_waiter).run();
    }
    if (name == QLatin1String("resume")) {
        return ResumptionScenario(m_options, m_console, *m_waiter).run();
    }
    return Outcome::fail(QStringLiteral("unknown scenario ") + name);
}

Outcome ScenarioRunner::login()
{
    XmppSession session(m_options, QStringLiteral("client"), m_console, *m_waiter);
    if (Outcome step = session.login(m_options.jid, m_options.password, m_options.resource); !step) {
        return step;
    }
    return session.logout();
}

Outcome ScenarioRunner::pingServer(XmppSession& session)
{
    m_console.step(QStringLiteral("XEP-0199 ping to %1").arg(m_options.domain));
    QXmppPingIq ping;
    ping.setTo(m_options.domain);
    QDomDocument response;
    if (Outcome step = session.request(ping, &response); !step) {
        return step;
    }
    m_console.detail(QStringLiteral("pong (empty result) received"));
    return Outcome::pass();
}

Outcome ScenarioRunner::ping()
{
    XmppSession session(m_options, QStringLiteral("client"), m_console, *m_waiter);
    if (Outcome step = session.login(m_options.jid, m_options.password, m_options.resource); !step) {
        return step;
    }
    if (Outcome step = pingServer(session); !step) {
        return step;
    }
    return session.logout();
}

Outcome ScenarioRunner::disco()
{
    XmppSession session(m_options, QStringLiteral("client"), m_console, *m_waiter);
    if (Outcome step = session.login(m_options.jid, m_options.password, m_options.resource); !step) {
        return step;
    }
    m_console.step(QStringLiteral("XEP-0030 disco#info to %1").arg(m_options.domain));
    QXmppDiscoveryIq request;
    request.setType(QXmppIq::Get);
    request.setQueryType(QXmppDiscoveryIq::InfoQuery);
    request.setTo(m_options.domain);
    QDomDocument response;
    if (Outcome step = session.request(request, &response); !step) {
        return step;
    }
    QXmppDiscoveryIq info;
    info.parse(response.documentElement());

    bool isServer = false;
    for (const QXmppDiscoveryIq::Identity& identity : info.identities()) {
        m_console.detail(QStringLiteral("identity category=%1 type=%2 name=%3")
                             .arg(identity.category(), identity.type(), identity.name()));
        isServer = isServer || identity.category() == QLatin1String("server");
    }
    QStringList features = info.features();
    features.sort();
    for (const QString& feature : std::as_const(features)) {
        m_console.detail(QStringLiteral("feature %1").arg(feature));
    }
    if (!isServer) {
        return Outcome::fail(QStringLiteral("no identity with category 'server'"));
    }
    QStringList required{QStringLiteral("http://jabber.org/protocol/disco#info"), QStringLiteral("urn:xmpp:ping")};
    required << m_options.expectedFeatures;
    QStringList missing;
    for (const QString& feature : std::as_const(required)) {
        if (!features.contains(feature)) {
            missing << feature;
        }
    }
    if (!missing.isEmpty()) {
        return Outcome::fail(
            QStringLiteral("features missing from disco#info: %1").arg(missing.join(QLatin1Char(' '))));
    }
    return session.logout();
}

Outcome ScenarioRunner::version()
{
    XmppSession session(m_options, QStringLiteral("client"), m_console, *m_waiter);
    if (Outcome step = session.login(m_options.jid, m_options.password, m_options.resource); !step) {
        return step;
    }
    m_console.step(QStringLiteral("XEP-0092 software version of %1").arg(m_options.domain));
    QXmppVersionIq request;
    request.setType(QXmppIq::Get);
    request.setTo(m_options.domain);
    QDomDocument response;
    if (Outcome step = session.request(request, &response); !step) {
        return step;
    }
    QXmppVersionIq answer;
    answer.parse(response.documentElement());
    m_console.detail(
        QStringLiteral("name='%1' version='%2' os='%3'").arg(answer.name(), answer.version(), answer.os()));
    if (answer.name().isEmpty() || answer.version().isEmpty()) {
        return Outcome::fail(QStringLiteral("version result lacks <name/> or <version/>"));
    }
    return session.logout();
}

Outcome ScenarioRunner::time()
{
    XmppSession session(m_options, QStringLiteral("client"), m_console, *m_waiter);
    if (Outcome step = session.login(m_options.jid, m_options.password, m_options.resource); !step) {
        return step;
    }
    m_console.step(QStringLiteral("XEP-0202 entity time of %1").arg(m_options.domain));
    QXmppEntityTimeIq request;
    request.setType(QXmppIq::Get);
    request.setTo(m_options.domain);
    QDomDocument response;
    if (Outcome step = session.request(request, &response); !step) {
        return step;
    }
    const QDomElement timeElement = response.documentElement().firstChildElement(QStringLiteral("time"));
    const QString tzo = timeElement.firstChildElement(QStringLiteral("tzo")).text();
    const QString utcText = timeElement.firstChildElement(QStringLiteral("utc")).text();
    QXmppEntityTimeIq answer;
    answer.parse(response.documentElement());
    m_console.detail(QStringLiteral("tzo='%1' utc='%2'").arg(tzo, utcText));
    if (tzo.isEmpty() || utcText.isEmpty() || !answer.utc().isValid()) {
        return Outcome::fail(QStringLiteral("time result lacks a <tzo/> or a valid <utc/>"));
    }
    // Same machine in the tests: a server clock far off means a wrong conversion, not drift.
    const qint64 skew = qAbs(answer.utc().secsTo(QDateTime::currentDateTimeUtc()));
    if (skew > 300) {
        return Outcome::fail(QStringLiteral("server time %1 is %2 s away from ours").arg(utcText).arg(skew));
    }
    return session.logout();
}

Outcome ScenarioRunner::sendToSelf(XmppSession& session, const QString& to)
{
    const QString id = QStringLiteral("canto-interop-") + uniqueToken();
    const QString body = QStringLiteral("self test <&> ") + uniqueToken();
    m_console.step(QStringLiteral("chat message to %1 (id %2)").arg(to, id));
    QXmppMessage message(QString(), to, body);
    message.setType(QXmppMessage::Chat);
    message.setId(id);
    if (!session.send(message)) {
        return Outcome::fail(QStringLiteral("could not send the message"));
    }
    QXmppMessage received;
    if (Outcome step = session.waitForMessage(id, &received); !step) {
        return step;
    }
    m_console.detail(QStringLiteral("received from %1").arg(received.from()));
    if (received.body() != body) {
        return Outcome::fail(QStringLiteral("body changed in transit: sent '%1', got '%2'").arg(body, received.body()));
    }
    if (received.from() != session.boundJid()) {
        return Outcome::fail(QStringLiteral("message came from '%1', expected our full JID %2")
                                 .arg(received.from(), session.boundJid()));
    }
    if (received.type() != QXmppMessage::Chat) {
        return Outcome::fail(QStringLiteral("message type changed in transit"));
    }
    return Outcome::pass();
}

Outcome ScenarioRunner::selfMessage()
{
    XmppSession session(m_options, QStringLiteral("client"), m_console, *m_waiter);
    if (Outcome step = session.login(m_options.jid, m_options.password, m_options.resource); !step) {
        return step;
    }
    // Full JID: routed straight to this session. Bare JID: delivered to the account's available
    // resources, which needs the initial presence QXmpp sends on connect to have been processed.
    if (Outcome step = sendToSelf(session, session.boundJid()); !step) {
        return step;
    }
    if (Outcome step = sendToSelf(session, m_options.jid); !step) {
        return step;
    }
    return session.logout();
}

Outcome ScenarioRunner::wrongPassword()
{
    XmppSession session(m_options, QStringLiteral("client"), m_console, *m_waiter);
    const QString wrong = m_options.password + QStringLiteral("-wrong");
    m_console.step(QStringLiteral("login with a wrong password must be refused"));
    if (Outcome step = session.loginExpectingRefusal(m_options.jid, wrong); !step) {
        return step;
    }
    const QString condition = session.saslFailureCondition();
    m_console.detail(QStringLiteral("SASL <failure/> condition: %1, text: '%2'")
                         .arg(condition.isEmpty() ? QStringLiteral("(none)") : condition, session.saslFailureText()));
    if (!session.usedMechanism().isEmpty()) {
        m_console.detail(QStringLiteral("SASL mechanism tried: %1").arg(session.usedMechanism()));
    }
    if (!m_options.mechanism.isEmpty() && session.usedMechanism() != m_options.mechanism) {
        return Outcome::fail(QStringLiteral("mechanism %1 was required but %2 was tried")
                                 .arg(m_options.mechanism, session.usedMechanism()));
    }
    // QXmpp maps the non-standard <bad-auth/> to NotAuthorized too, so check the raw condition.
    if (condition != QLatin1String("not-authorized")) {
        return Outcome::fail(QStringLiteral("expected SASL failure <not-authorized/>, got %1")
                                 .arg(condition.isEmpty() ? QStringLiteral("no SASL failure") : condition));
    }
    if (session.qxmppStreamError() != QXmppStanza::Error::NotAuthorized ||
        !session.clientErrors().contains(QXmppClient::XmppStreamError)) {
        return Outcome::fail(QStringLiteral("QXmpp did not report the refusal as XmppStreamError/NotAuthorized"));
    }
    if (session.isConnected()) {
        return Outcome::fail(QStringLiteral("still connected after the refusal"));
    }
    return Outcome::pass();
}

Outcome ScenarioRunner::malformed()
{
    // A bystander logged in before the garbage shows that one broken stream only kills itself.
    const bool hasPeer = !m_options.peerJid.isEmpty();
    XmppSession bystander(m_options, QStringLiteral("bystander"), m_console, *m_waiter);
    const QString resource = hasPeer ? m_options.resource : QStringLiteral("bystander-") + uniqueToken().left(8);
    if (Outcome step = bystander.login(hasPeer ? m_options.peerJid : m_options.jid,
                                       hasPeer ? m_options.peerPassword : m_options.password, resource);
        !step) {
        return step;
    }

    MalformedStreamProbe probe(m_options, m_console, *m_waiter);
    if (Outcome step = probe.run(QByteArrayLiteral("<message><<</")); !step) {
        return step;
    }

    m_console.step(QStringLiteral("bystander must be unaffected"));
    if (!bystander.isConnected()) {
        return Outcome::fail(QStringLiteral("the bystander lost its connection"));
    }
    if (Outcome step = pingServer(bystander); !step) {
        return step;
    }
    return bystander.logout();
}

} // namespace Canto::Interop
