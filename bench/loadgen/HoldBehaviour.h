#pragma once

#include "SessionBehaviour.h"

namespace Canto::Bench {

// Keeps a session open and quiet: incoming data is discarded, except that XEP-0199 pings from
// the server are answered so it does not drop idle benchmark clients.
class HoldBehaviour : public SessionBehaviour
{
public:
    void onEstablished(Connection& connection) override;
    void onElement(Connection& connection, const XmlElement& element) override;
};

} // namespace Canto::Bench
