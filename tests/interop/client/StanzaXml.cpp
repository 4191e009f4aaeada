#include "StanzaXml.h"

#include <QRegularExpression>
#include <QTextStream>

namespace Canto::Interop {

QDomElement StanzaXml::child(const QDomElement& parent, QLatin1String localName, QLatin1String ns)
{
    for (QDomElement element = parent.firstChildElement(); !element.isNull(); element = element.nextSiblingElement()) {
        if (is(element, localName, ns)) {
            return element;
        }
    }
    return {};
}

bool StanzaXml::is(const QDomElement& element, QLatin1String localName, QLatin1String ns)
{
    return !element.isNull() && element.localName() == localName && element.namespaceURI() == ns;
}

bool StanzaXml::isStanza(const QDomElement& element, QLatin1String kind)
{
    return is(element, kind, NsClient);
}

QString StanzaXml::errorOf(const QDomElement& stanza)
{
    const QDomElement error = child(stanza, QLatin1String("error"), NsClient);
    if (error.isNull()) {
        return {};
    }
    for (QDomElement condition = error.firstChildElement(); !condition.isNull();
         condition = condition.nextSiblingElement()) {
        if (condition.namespaceURI() == NsStanzas && condition.localName() != QLatin1String("text")) {
            return error.attribute(QStringLiteral("type")) + QLatin1Char('/') + condition.localName();
        }
    }
    return error.attribute(QStringLiteral("type")) + QStringLiteral("/(no condition)");
}

QString StanzaXml::bodyOf(const QDomElement& message)
{
    const QDomElement body = child(message, QLatin1String("body"), NsClient);
    return body.isNull() ? QString() : body.text();
}

QDateTime StanzaXml::parseStamp(const QString& text)
{
    // XEP-0082 DateTime: CCYY-MM-DDThh:mm:ss[.sss]TZD with TZD 'Z' or +hh:mm/-hh:mm.
    static const QRegularExpression pattern(
        QStringLiteral("^(\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2})(\\.\\d+)?(Z|[+-]\\d{2}:\\d{2})$"));
    const QRegularExpressionMatch match = pattern.match(text);
    if (!match.hasMatch()) {
        return {};
    }
    QDateTime stamp = QDateTime::fromString(match.captured(1), Qt::ISODate);
    if (!stamp.isValid()) {
        return {};
    }
    stamp.setTimeSpec(Qt::UTC);
    const QString fraction = match.captured(2);
    if (!fraction.isEmpty()) {
        stamp = stamp.addMSecs(qRound(fraction.toDouble() * 1000));
    }
    const QString zone = match.captured(3);
    if (zone != QLatin1String("Z")) {
        const int sign = zone.startsWith(QLatin1Char('-')) ? -1 : 1;
        const int offsetSeconds = (zone.mid(1, 2).toInt() * 3600 + zone.mid(4, 2).toInt() * 60) * sign;
        stamp = stamp.addSecs(-offsetSeconds);
    }
    return stamp;
}

QString StanzaXml::toText(const QDomElement& element)
{
    QString text;
    QTextStream stream(&text);
    element.save(stream, -1);
    return text.trimmed();
}

QDomDocument StanzaXml::parse(const QString& xml, QString* error)
{
    QDomDocument document;
    QString message;
    int line = 0;
    int column = 0;
    if (!document.setContent(xml, false, &message, &line, &column)) {
        *error = QStringLiteral("bad scenario XML at %1:%2: %3").arg(line).arg(column).arg(message);
        return {};
    }
    return document;
}

QString StanzaXml::escape(const QString& text)
{
    QString escaped = text.toHtmlEscaped();
    escaped.replace(QLatin1Char('\''), QStringLiteral("&apos;"));
    return escaped;
}

} // namespace Canto::Interop
