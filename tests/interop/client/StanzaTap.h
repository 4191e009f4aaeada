#pragma once

#include "QXmppHeaders.h"

#include <QDomDocument>
#include <QHash>
#include <QList>
#include <QSet>
#include <QStringList>

namespace Canto::Interop {

/// A QXmpp extension installed first in the chain, so it sees every element the server sends,
/// including the negotiation that QXmpp 1.4 handles silently (stream features, STARTTLS
/// <proceed/>, SASL <success/>/<failure/>, the bind result). It records what it saw for the
/// scenario's checks and claims the IQ responses the scenario asked it to track, which QXmpp 1.4
/// (no IQ futures before 1.5) would otherwise hand to its own managers. Every other stanza
/// (message, presence, IQ request or push) is kept in arrival order for the IM scenarios, and the
/// XEP-0198 answers (<enabled/>, <resumed/>, <failed/>) are noted.
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
    /// How many bind results arrived: a new one after a reconnect means a new session.
    int bindCount() const { return m_bindCount; }
    int featuresSeen() const { return m_featuresSeen; }

    /// Received stanzas in arrival order, each as its own document (tracked IQ responses excluded).
    const QList<QDomDocument>& stanzas() const { return m_stanzas; }

    bool wasStreamManagementEnabled() const { return m_smEnabled; }
    /// The <enabled/> answer carried resume='true' (or '1') and an id to resume with.
    bool isResumptionOffered() const { return m_smResumable; }
    QString streamManagementId() const { return m_smId; }
    int resumedCount() const { return m_smResumedCount; }
    QString streamManagementFailure() const { return m_smFailure; }
    /// Stanzas received since <enabled/>: the 'h' this client must report (XEP-0198 §4).
    quint32 inboundStanzaCount() const { return m_inboundStanzas; }
    /// The 'h' the server reported in its last <resumed/>.
    quint32 serverAckedOnResume() const { return m_serverAckedOnResume; }

    /// COMPAT: QXmpp 1.4 cannot resume a XEP-0198 stream: its <enabled/> parser drops the 'id',
    /// so it sends <resume previd=''/>, and without the urn:xmpp:sm:3 namespace (the server
    /// answers unsupported-stanza-type). Armed, the tap claims the next stream features that
    /// offer stream management (after authentication) from QXmpp and answers them with a correct
    /// <resume/>; QXmpp's own handling of <resumed/> then re-enables its counters.
    void armResumption() { m_resumeArmed = true; }

Q_SIGNALS:
    /// Something arrived; waiting code re-checks its condition.
    void observed();

private:
    void onFeatures(const QDomElement& features);

    void onStreamManagement(const QDomElement& element);
    bool resumeInsteadOfQxmpp(const QDomElement& features);

    QSet<QString> m_tracked;
    QList<QDomDocument> m_stanzas;
    QString m_smId;
    QString m_smFailure;
    int m_smResumedCount = 0;
    quint32 m_inboundStanzas = 0;
    quint32 m_serverAckedOnResume = 0;
    bool m_resumeArmed = false;
    bool m_smEnabled = false;
    bool m_smResumable = false;
    QHash<QString, QDomDocument> m_responses;
    QStringList m_offeredMechanisms;
    QString m_saslFailureCondition;
    QString m_saslFailureText;
    QString m_streamErrorCondition;
    QString m_boundJid;
    int m_featuresSeen = 0;
    int m_bindCount = 0;
    bool m_startTlsOffered = false;
    bool m_tlsProceedReceived = false;
    bool m_saslSuccessReceived = false;
};

} // namespace Canto::Interop
