#include "ScramKeyCache.h"

namespace Canto::Bench {

const std::string* ScramKeyCache::find(const std::string& hash, const std::string& password, const std::string& salt,
                                       int iterations) const
{
    const auto it = m_entries.find(Key(hash, password, salt, iterations));
    if (it == m_entries.end()) {
        ++m_misses;
        return nullptr;
    }
    ++m_hits;
    return &it->second;
}

void ScramKeyCache::insert(const std::string& hash, const std::string& password, const std::string& salt,
                           int iterations, std::string saltedPassword)
{
    // Bound memory if every account has its own salt: the cache then only costs, never helps.
    if (m_entries.size() >= 4096)
        m_entries.clear();
    m_entries.emplace(Key(hash, password, salt, iterations), std::move(saltedPassword));
}

} // namespace Canto::Bench
