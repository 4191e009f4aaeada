#pragma once

#include <QLoggingCategory>

namespace Canto {

/// Logging category of the authentication layer (SASL, credentials, TLS helpers).
Q_DECLARE_LOGGING_CATEGORY(lcAuth)

} // namespace Canto
