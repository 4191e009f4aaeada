#pragma once

// COMPAT: QXmpp 1.4's QXmppLogger.h (pulled in by every QXmpp header) uses the `emit` keyword in
// inline functions, which QT_NO_KEYWORDS removes. Every QXmpp include goes through this header,
// which maps `emit` to Q_EMIT for their duration only.
#define emit Q_EMIT
#include <QXmppClient.h>
#include <QXmppClientExtension.h>
#include <QXmppConfiguration.h>
#include <QXmppDiscoveryIq.h>
#include <QXmppEntityTimeIq.h>
#include <QXmppLogger.h>
#include <QXmppMessage.h>
#include <QXmppOutgoingClient.h>
#include <QXmppPingIq.h>
#include <QXmppPresence.h>
#include <QXmppStanza.h>
#include <QXmppUtils.h>
#include <QXmppVersionIq.h>
#undef emit
