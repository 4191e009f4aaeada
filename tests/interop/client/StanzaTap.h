#pragma once

#include "QXmppHeaders.h"

#include <QDomDocument>
#include <QHash>
#include <QSet>
#include <QStringList>

namespace Canto::Interop {

/// A QXmpp extension installed first in the chain, so it sees every element the server sends,
/// including the negotiation that QXmpp 1.4 handles silently (stream features, STARTTLS
/// <proceed/>, SASL <success/>/<failure/>, the bind result). It records what it saw for the
/// scenario's checks and claims the IQ responses the scenario asked it to track, which QXmpp 1.4
/// (no IQ futures before 1.5) would otherwise hand to its own managers.
class StanzaTap : public QXmppClientExtension
{
    Q_OBJECT

public:
    StanzaTap() = default;

    bool handleStanza(const QDomElement& element) override;

    /// Claims the response to the IQ with this id; it is kept until takeResponse().
    void track(const QString& iqId);
    bool hasResponse(const QString& iqId) const { return m_responses.contains(iqId); }
    /// The response as a standalone document (the parser's DOM is not ours to keep).
    QDomDocument takeResponse(const QString& iqId) { return m_responses.take(iqId); }

    QStringList offeredMechanisms() const { return m_offeredMechanisms; }
    bool wasStartTlsOffered() const { return m_startTlsOffered; }
    bool wasTlsProceedReceived() const { return m_tlsProceedReceived; }
    bool wasSaslSuccessReceived() const { return m_saslSuccessReceived; }
    QString saslFailureCondition() const { return m_saslFailureCondition; }
    QString saslFailureText() const { return m_saslFailureText; }
    QString streamErrorCondition() const { return m_streamErrorCondition; }
    QString boundJid() const { return m_boundJid; }
    int featuresSeen() const { return m_featuresSeen; }

Q_SIGNALS:
    /// Something arrived; waiting code re-checks its condition.
    void observed();

private:
    void onFeatures(const QDomElement& features);

    QSet<QString> m_tracked;
    QHash<QString, QDomDocument> m_responses;
    QStringList m_offeredMechanisms;
    QString m_saslFailureCondition;
    QString m_saslFailureText;
    QString m_streamErrorCondition;
    QString m_boundJid;
    int m_featuresSeen = 0;
    bool m_startTlsOffered = false;
    bool m_tlsProceedReceived = false;
    bool m_saslSuccessReceived = false;
};

} // namespace Canto::Interop
