#include "server/core/ClientSession.h"

namespace Canto {

ClientSession::ClientSession(QString id, QString host, Writer writer, Closer closer)
    : m_id(std::move(id)), m_host(std::move(host)), m_writer(std::move(writer)), m_closer(std::move(closer))
{}

void ClientSession::send(const XmlElement& stanza)
{
    if (m_writer) {
        m_writer(stanza);
    }
}

void ClientSession::close(const QString& condition, const QString& text)
{
    if (m_closer) {
        m_closer(condition, text);
    }
}

} // namespace Canto
