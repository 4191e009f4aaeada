#pragma once

namespace Canto::Bench {

class Connection;
class XmlElement;

// What a connection does once logged in: the plug-in point for scenarios. The login scenario
// holds (HoldBehaviour); messaging scenarios (one-to-one pairs, fixed rate, MUC) provide their
// own. One instance per Connection, so a behaviour may keep per-session state.
class SessionBehaviour
{
public:
    virtual ~SessionBehaviour() = default;
    // Called once, right after the login completed (and initial presence, if enabled, was sent).
    virtual void onEstablished(Connection& connection) = 0;
    // Every top-level element received after login.
    virtual void onElement(Connection& connection, const XmlElement& element) = 0;
    // Periodic call from the scenario loop (about every 50 ms), for rate-driven behaviours.
    virtual void onTick(Connection& connection) { (void)connection; }
};

} // namespace Canto::Bench
