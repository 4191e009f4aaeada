#pragma once

#include <QHash>
#include <QString>

#include <memory>

namespace Canto {

/// The registry behind ModuleApi::shared(): data shared between modules (and kept across a
/// module's reload) under paths of the form "/host/module/name". An entry lives as long as some
/// module holds a reference to it, like Prosody's weak-valued shared tables.
class SharedTables
{
public:
    /// The object at `path`, created default-constructed by the first caller. Callers must agree
    /// on the type T for one path.
    template <typename T> std::shared_ptr<T> get(const QString& path)
    {
        if (auto existing = m_entries.value(path).lock()) {
            return std::static_pointer_cast<T>(existing);
        }
        auto created = std::make_shared<T>();
        m_entries.insert(path, created);
        return created;
    }

    bool contains(const QString& path) const { return !m_entries.value(path).expired(); }

private:
    QHash<QString, std::weak_ptr<void>> m_entries;
};

} // namespace Canto
