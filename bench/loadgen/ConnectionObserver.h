#pragma once

#include <string>

namespace Canto::Bench {

class Connection;

// Told about the life of each Connection; implemented by scenarios (they count and schedule).
// Calls come from inside Connection's event handling: an observer may start other connections
// but must not destroy the Connection it is told about.
class ConnectionObserver
{
public:
    virtual ~ConnectionObserver() = default;
    // Resource bound (and session established when required): the login is complete.
    virtual void onEstablished(Connection& connection) = 0;
    // The login did not complete; reason is a short stable text used to group failures.
    virtual void onLoginFailed(Connection& connection, const std::string& reason) = 0;
    // An established session ended without the benchmark asking for it.
    virtual void onSessionLost(Connection& connection, const std::string& reason) = 0;
};

} // namespace Canto::Bench
