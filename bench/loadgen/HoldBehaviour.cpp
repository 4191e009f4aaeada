#include "HoldBehaviour.h"

#include "Connection.h"
#include "XmlElement.h"

namespace Canto::Bench {

void HoldBehaviour::onEstablished(Connection& connection)
{
    (void)connection;
}

void HoldBehaviour::onElement(Connection& connection, const XmlElement& element)
{
    if (element.name() != "iq" || element.attribute("type") != "get" || element.firstChildName() != "ping")
        return;
    std::string reply = "<iq type='result' id='" + Connection::escapeAttribute(element.attribute("id")) + "'";
    const std::string from = element.attribute("from");
    if (!from.empty())
        reply += " to='" + Connection::escapeAttribute(from) + "'";
    reply += "/>";
    connection.send(reply);
}

} // namespace Canto::Bench
