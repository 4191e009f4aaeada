#include "StanzaTap.h"

namespace Canto::Interop {

namespace {

constexpr QLatin1String NsStream = QLatin1String("http://etherx.jabber.org/streams");
constexpr QLatin1String NsStreamErrors = QLatin1String("urn:ietf:params:xml:ns:xmpp-streams");
constexpr QLatin1String NsTls = QLatin1String("urn:ietf:params:xml:ns:xmpp-tls");
constexpr QLatin1String NsSasl = QLatin1String("urn:ietf:params:xml:ns:xmpp-sasl");
constexpr QLatin1String NsBind = QLatin1String("urn:ietf:params:xml:ns:xmpp-bind");

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
    } else if (ns == NsStream && name == QLatin1String("error")) {
        m_streamErrorCondition = conditionOf(element, NsStreamErrors);
    } else if (ns == NsTls && name == QLatin1String("proceed")) {
        m_tlsProceedReceived = true;
    } else if (ns == NsSasl && name == QLatin1String("success")) {
        m_saslSuccessReceived = true;
    } else if (ns == NsSasl && name == QLatin1String("failure")) {
        m_saslFailureCondition = conditionOf(element, NsSasl);
        m_saslFailureText = element.firstChildElement(QStringLiteral("text")).text();
    } else if (name == QLatin1String("iq")) {
        const QString type = element.attribute(QStringLiteral("type"));
        const QString id = element.attribute(QStringLiteral("id"));
        const QDomElement bind = element.firstChildElement(QStringLiteral("bind"));
        if (type == QLatin1String("result") && !bind.isNull() && bind.namespaceURI() == NsBind) {
            m_boundJid = bind.firstChildElement(QStringLiteral("jid")).text();
        }
        if ((type == QLatin1String("result") || type == QLatin1String("error")) && m_tracked.remove(id)) {
            QDomDocument copy;
            copy.appendChild(copy.importNode(element, true));
            m_responses.insert(id, copy);
            claimed = true;
        }
    }

    Q_EMIT observed();
    return claimed;
}

void StanzaTap::track(const QString& iqId)
{
    m_tracked.insert(iqId);
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
