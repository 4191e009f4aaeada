#pragma once

#include <map>
#include <string>
#include <tuple>

namespace Canto::Bench {

// Remembers SaltedPassword per (hash, password, salt, iterations). PBKDF2 is the client's
// most expensive step; when accounts share a salt (bulk-created test accounts), computing it once
// keeps the load generator from becoming the bottleneck. The server's work is unchanged: it
// stores StoredKey/ServerKey and never runs PBKDF2 at login.
class ScramKeyCache
{
public:
    const std::string* find(const std::string& hash, const std::string& password, const std::string& salt,
                            int iterations) const;
    void insert(const std::string& hash, const std::string& password, const std::string& salt, int iterations,
                std::string saltedPassword);
    size_t hits() const { return m_hits; }
    size_t misses() const { return m_misses; }

private:
    using Key = std::tuple<std::string, std::string, std::string, int>;
    std::map<Key, std::string> m_entries;
    mutable size_t m_hits = 0;
    mutable size_t m_misses = 0;
};

} // namespace Canto::Bench
