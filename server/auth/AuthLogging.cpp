#include "server/auth/AuthLogging.h"

namespace Canto {

Q_LOGGING_CATEGORY(lcAuth, "canto.auth")

} // namespace Canto
