#pragma once

#include "modules/smacks/SmQueue.h"

#include <QPointer>
#include <QString>
#include <QTimer>

namespace Canto::Modules {

/// What SmacksModule keeps for one client session that enabled stream management: the
/// namespace it used, the inbound counter, the unacked outbound queue, the resumption token and
/// the timers. Sessions that never send <enable/> have none (per-connection memory).
struct SmacksSession
{
    QString xmlns;            // urn:xmpp:sm:3 (or :2), echoed in every SM element
    quint32 handled = 0;      // inbound stanzas handled (h we report), mod 2^32
    SmQueue queue;            // outbound stanzas not yet acknowledged
    QString token;            // resumption id; empty: not resumable (or no longer)
    bool awaitingAck = false; // an <r/> is out and no <a/> came back yet
    bool ackScheduled = false;
    bool hasRequested = false;
    quint32 lastRequestedH = 0;  // the sent() count when the last <r/> went out
    bool closing = false;        // a close for overflow is on its way
    qint64 hibernatingSince = 0; // ms since epoch; 0: connected
    QPointer<QTimer> watchdog;   // hibernation timeout (owned by the module)
    QPointer<QTimer> ackTimer;   // smacks_max_ack_delay (owned by the module)

    bool isHibernating() const { return hibernatingSince != 0; }
};

} // namespace Canto::Modules
