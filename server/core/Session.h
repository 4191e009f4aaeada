#pragma once

#include <QString>

namespace Canto {

class XmlElement;

/// Anything a stanza can come from or be delivered to: a client session, a local host or
/// component (as the origin of stanzas modules send), or later a server-to-server stream.
/// The C++ counterpart of Prosody's "origin" objects.
class Session
{
public:
    enum class Kind { Client, Host, Component, Server };

    virtual ~Session() = default;
    virtual Kind kind() const = 0;
    /// The local host this session belongs to.
    virtual const QString& host() const = 0;
    /// Delivers a stanza to the entity behind this session (for a host: routes it).
    virtual void send(const XmlElement& stanza) = 0;
    /// Short identifier for log lines (e.g. "c2s3f2a" or "localhost").
    virtual QString logId() const = 0;

    bool isClient() const { return kind() == Kind::Client; }
};

} // namespace Canto
