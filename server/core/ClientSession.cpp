#include "server/core/ClientSession.h"

#include <algorithm>

namespace Canto {

struct ClientSession::Filters
{
    template <typename F> struct Entry
    {
        const void* owner;
        int priority;
        F filter;
    };
    std::vector<Entry<OutgoingFilter>> outgoing;
    std::vector<Entry<IncomingFilter>> incoming;
};

namespace {
// Inserts after every entry of the same or a higher priority (equal priorities keep their order).
template <typename List, typename Entry> void insertOrdered(List& list, Entry entry)
{
    const auto at = std::find_if(list.begin(), list.end(),
                                 [&entry](const auto& existing) { return existing.priority < entry.priority; });
    list.insert(at, std::move(entry));
}
} // namespace

ClientSession::ClientSession(QString id, QString host, Writer writer, Closer closer)
    : m_id(std::move(id)), m_host(std::move(host)), m_writer(std::move(writer)), m_closer(std::move(closer))
{}

ClientSession::~ClientSession() = default;

void ClientSession::send(const XmlElement& stanza)
{
    if (m_filters && !m_filters->outgoing.empty()) {
        runOutgoing(0, stanza);
    } else if (m_writer) {
        m_writer(stanza);
    }
}

void ClientSession::sendAfter(const void* owner, const XmlElement& stanza)
{
    std::size_t first = 0;
    if (m_filters) {
        const auto& list = m_filters->outgoing;
        for (std::size_t i = 0; i < list.size(); ++i) {
            if (list[i].owner == owner) {
                first = i + 1;
            }
        }
    }
    runOutgoing(first, stanza);
}

void ClientSession::runOutgoing(std::size_t first, const XmlElement& stanza)
{
    if (m_filters && first < m_filters->outgoing.size()) {
        // A copy: a filter may add or remove filters (or close the session) while it runs.
        const auto chain = m_filters->outgoing;
        XmlElement copy = stanza;
        for (std::size_t i = first; i < chain.size(); ++i) {
            if (!chain[i].filter(copy)) {
                return;
            }
        }
        write(copy);
        return;
    }
    write(stanza);
}

void ClientSession::write(const XmlElement& element)
{
    if (m_writer) {
        m_writer(element);
    }
}

void ClientSession::addOutgoingFilter(const void* owner, int priority, OutgoingFilter filter)
{
    if (!m_filters) {
        m_filters = std::make_unique<Filters>();
    }
    insertOrdered(m_filters->outgoing, Filters::Entry<OutgoingFilter>{owner, priority, std::move(filter)});
}

void ClientSession::addIncomingFilter(const void* owner, int priority, IncomingFilter filter)
{
    if (!m_filters) {
        m_filters = std::make_unique<Filters>();
    }
    insertOrdered(m_filters->incoming, Filters::Entry<IncomingFilter>{owner, priority, std::move(filter)});
}

void ClientSession::removeFilters(const void* owner)
{
    if (!m_filters) {
        return;
    }
    std::erase_if(m_filters->outgoing, [owner](const auto& entry) { return entry.owner == owner; });
    std::erase_if(m_filters->incoming, [owner](const auto& entry) { return entry.owner == owner; });
    if (m_filters->outgoing.empty() && m_filters->incoming.empty()) {
        m_filters.reset();
    }
}

void ClientSession::filterIncoming(const XmlElement& element)
{
    if (!m_filters || m_filters->incoming.empty()) {
        return;
    }
    const auto chain = m_filters->incoming;
    for (const auto& entry : chain) {
        entry.filter(element);
    }
}

void ClientSession::attachConnection(Writer writer, Closer closer, Transfer transfer)
{
    m_writer = std::move(writer);
    m_closer = std::move(closer);
    m_transfer = std::move(transfer);
}

void ClientSession::detachConnection()
{
    m_writer = nullptr;
    m_closer = nullptr;
    m_transfer = nullptr;
}

bool ClientSession::transferConnection(ClientSession* target)
{
    if (!m_transfer) {
        return false;
    }
    // The callback may replace this session's connection handlers: call a copy.
    const Transfer transfer = m_transfer;
    transfer(target);
    return true;
}

void ClientSession::close(const QString& condition, const QString& text)
{
    if (m_closer) {
        m_closer(condition, text);
    }
}

} // namespace Canto
