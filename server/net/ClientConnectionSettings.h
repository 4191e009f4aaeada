#pragma once

#include "server/xmpp/StreamParser.h"

#include <QString>

#include <memory>

namespace Canto {

/// The c2s options of one listener, read from the config once (Prosody option names).
struct ClientConnectionSettings
{
    bool directTls = false;                               // XEP-0368 port: TLS from the first byte
    bool requireEncryption = true;                        // c2s_require_encryption
    bool allowUnencryptedPlain = false;                   // allow_unencrypted_plain_auth
    qint64 stanzaSizeLimit = 256 * 1024;                  // c2s_stanza_size_limit (bytes)
    int negotiationTimeoutSeconds = 60;                   // c2s_timeout: time to authenticate and bind
    int maxAuthFailures = 3;                              // SASL retries before the stream is closed (RFC 6120 §6.4.5)
    qint64 maxSendBuffer = 16 * 1024 * 1024;              // bytes queued to a slow reader before closing
    std::shared_ptr<StreamParser::InternPool> internPool; // names and namespaces shared by parsers
};

} // namespace Canto
