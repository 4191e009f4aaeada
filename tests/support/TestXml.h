#pragma once

#include "server/xmpp/XmlElement.h"

#include <QList>
#include <QString>
#include <QStringList>

namespace Canto {

/// XML helpers for in-process tests: parse stanzas written as text (in a jabber:client stream,
/// as a client would send them) and compare elements canonically, so expected and actual
/// stanzas can be compared with QCOMPARE and a readable diff.
class TestXml
{
public:
    TestXml() = delete;

    /// Parses one element written in a jabber:client stream. Whitespace-only text nodes are
    /// dropped, so expectations can be indented. A parse error gives a null element (and a
    /// warning naming the error).
    static XmlElement parse(const QString& xml);
    /// Parses a sequence of first-level elements.
    static QList<XmlElement> parseAll(const QString& xml);

    /// A canonical form for comparisons: every element with its namespace spelled out,
    /// attributes sorted by name, children in order.
    static QString canonical(const XmlElement& element);
    static QStringList canonical(const QList<XmlElement>& elements);
    /// canonical(parseAll(xml)), for expectations.
    static QStringList canonical(const QString& xml);
};

/// Lets QCOMPARE print XmlElements (found by argument-dependent lookup).
char* toString(const XmlElement& element);

} // namespace Canto
