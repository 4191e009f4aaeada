#include "StanzaTap.h"

#include <QXmlStreamWriter>

namespace Canto::Interop {

namespace {

constexpr QLatin1String NsStream = QLatin1String("http://etherx.jabber.org/streams");
constexpr QLatin1String NsStreamErrors = QLatin1String("urn:ietf:params:xml:ns:xmpp-streams");
constexpr QLatin1String NsTls = QLatin1String("urn:ietf:params:xml:ns:xmpp-tls");
constexpr QLatin1String NsSasl = QLatin1String("urn:ietf:params:xml:ns:xmpp-sasl");
constexpr QLatin1String NsBind = QLatin1String("urn:ietf:params:xml:ns:xmpp-bind");
constexpr QLatin1String NsClient = QLatin1String("jabber:client");
constexpr QLatin1String NsSm = QLatin1String("urn:xmpp:sm:3");

QDomDocument copyOf(const QDomElement& element)
{
    QDomDocument copy;
    copy.appendChild(copy.importNode(element, true));
    return copy;
}

// The defined condition of a stream or SASL error: the first child that is not <text/>.
QString conditionOf(const QDomElement& error, QLatin1String ns)
{
    for (QDomElement child = error.firstChildElement(); !child.isNull(); child = child.nextSiblingElement()) {
        if (child.tagName() != QLatin1String("text") && child.namespaceURI() == ns) {
            return child.tagName();
        }
    }
    return QStringLiteral("(no condition element)");
}

} // namespace

bool StanzaTap::handleStanza(const QDomElement& element)
{
    const QString ns = element.namespaceURI();
    const QString name = element.tagName();
    bool claimed = false;

    if (ns == NsStream && name == QLatin1String("features")) {
        onFeatures(element);
        claimed = resumeInsteadOfQxmpp(element);
    } else if (ns == NsStream && name == QLatin1String("error")) {
        m_streamErrorCondition = conditionOf(element, NsStreamErrors);
    } else if (ns == NsTls && name == QLatin1String("proceed")) {
        m_tlsProceedReceived = true;
    } else if (ns == NsSasl && name == QLatin1String("success")) {
        m_saslSuccessReceived = true;
    } else if (ns == NsSasl && name == QLatin1String("failure")) {
        m_saslFailureCondition = conditionOf(element, NsSasl);
        m_saslFailureText = element.firstChildElement(QStringLiteral("text")).text();
    } else if (ns == NsSm) {
        onStreamManagement(element);
    } else if (name == QLatin1String("iq")) {
        const QString type = element.attribute(QStringLiteral("type"));
        const QString id = element.attribute(QStringLiteral("id"));
        const QDomElement bind = element.firstChildElement(QStringLiteral("bind"));
        if (type == QLatin1String("result") && !bind.isNull() && bind.namespaceURI() == NsBind) {
            m_boundJid = bind.firstChildElement(QStringLiteral("jid")).text();
            ++m_bindCount;
        }
        if ((type == QLatin1String("result") || type == QLatin1String("error")) && m_tracked.remove(id)) {
            m_responses.insert(id, copyOf(element));
            claimed = true;
        }
    }
    const bool isStanza = ns == NsClient && (name == QLatin1String("message") || name == QLatin1String("presence") ||
                                             name == QLatin1String("iq"));
    // Counted as QXmppStream counts: every stanza once stream management is on, claimed or not.
    if (isStanza && m_smEnabled) {
        ++m_inboundStanzas;
    }
    if (isStanza && !claimed) {
        m_stanzas << copyOf(element);
    }

    Q_EMIT observed();
    return claimed;
}

void StanzaTap::track(const QString& iqId)
{
    m_tracked.insert(iqId);
}

void StanzaTap::onStreamManagement(const QDomElement& element)
{
    const QString name = element.tagName();
    if (name == QLatin1String("enabled")) {
        const QString resume = element.attribute(QStringLiteral("resume"));
        m_smEnabled = true;
        m_smResumable = resume == QLatin1String("true") || resume == QLatin1String("1");
        m_smId = element.attribute(QStringLiteral("id"));
        m_inboundStanzas = 0;
    } else if (name == QLatin1String("resumed")) {
        ++m_smResumedCount;
        m_serverAckedOnResume = element.attribute(QStringLiteral("h")).toUInt();
    } else if (name == QLatin1String("failed")) {
        QDomElement condition = element.firstChildElement();
        m_smFailure = condition.isNull() ? QStringLiteral("(no condition)") : condition.tagName();
    }
}

bool StanzaTap::resumeInsteadOfQxmpp(const QDomElement& features)
{
    bool offersStreamManagement = false;
    for (QDomElement child = features.firstChildElement(); !child.isNull(); child = child.nextSiblingElement()) {
        offersStreamManagement =
            offersStreamManagement || (child.namespaceURI() == NsSm && child.tagName() == QLatin1String("sm"));
    }
    auto* stream = client() ? client()->findChild<QXmppOutgoingClient*>() : nullptr;
    if (!m_resumeArmed || !offersStreamManagement || !stream) {
        return false;
    }
    m_resumeArmed = false;
    QByteArray resume;
    QXmlStreamWriter writer(&resume);
    writer.writeStartElement(QStringLiteral("resume"));
    writer.writeDefaultNamespace(NsSm);
    writer.writeAttribute(QStringLiteral("h"), QString::number(m_inboundStanzas));
    writer.writeAttribute(QStringLiteral("previd"), m_smId);
    writer.writeEndElement();
    stream->sendData(resume);
    return true;
}

void StanzaTap::onFeatures(const QDomElement& features)
{
    ++m_featuresSeen;
    for (QDomElement child = features.firstChildElement(); !child.isNull(); child = child.nextSiblingElement()) {
        if (child.namespaceURI() == NsTls && child.tagName() == QLatin1String("starttls")) {
            m_startTlsOffered = true;
        } else if (child.namespaceURI() == NsSasl && child.tagName() == QLatin1String("mechanisms")) {
            m_offeredMechanisms.clear();
            for (QDomElement mech = child.firstChildElement(QStringLiteral("mechanism")); !mech.isNull();
                 mech = mech.nextSiblingElement(QStringLiteral("mechanism"))) {
                m_offeredMechanisms << mech.text().trimmed();
            }
        }
    }
}

} // namespace Canto::Interop
