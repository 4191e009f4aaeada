#pragma once

#include <QDateTime>
#include <QString>

namespace Canto {

/// A module's health as shown to the admin (seed 000 set_status/get_status). Severity orders
/// core < info < warn < error.
struct ModuleStatus
{
    enum class Type { Core = 0, Info = 1, Warn = 2, Error = 3 };

    Type type = Type::Core;
    QString message;
    QDateTime time;

    static QString typeName(Type type);
    /// Parses "info", "warn", "error", "core"; anything else is nullopt.
    static std::optional<Type> parseType(const QString& name);
};

inline QString ModuleStatus::typeName(Type type)
{
    switch (type) {
    case Type::Core:
        return QStringLiteral("core");
    case Type::Info:
        return QStringLiteral("info");
    case Type::Warn:
        return QStringLiteral("warn");
    case Type::Error:
        return QStringLiteral("error");
    }
    return {};
}

inline std::optional<ModuleStatus::Type> ModuleStatus::parseType(const QString& name)
{
    for (Type t : {Type::Core, Type::Info, Type::Warn, Type::Error}) {
        if (typeName(t) == name) {
            return t;
        }
    }
    return std::nullopt;
}

} // namespace Canto
