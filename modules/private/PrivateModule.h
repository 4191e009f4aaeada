#pragma once

#include "server/core/Module.h"
#include "server/metrics/MeasureFactory.h"

#include <memory>

namespace Canto {
class Event;
class MapStore;
class XmlElement;
} // namespace Canto

namespace Canto::Modules {

/// Private XML Storage (XEP-0049), as Prosody's mod_private: a user gets and sets one element per
/// request inside <query xmlns='jabber:iq:private'/>, keyed "name:xmlns" in the map store
/// "private" (values in Prosody's st.preserialize() shape, see PreserializedXml). Getting an
/// element never stored echoes the empty request; setting an element without content deletes
/// it. Only the account itself may use its storage ("forbidden" for anyone else, as XEP-0049
/// prefers); a query without exactly one child, or whose child is in no namespace of its own,
/// is "not-acceptable" (XEP-0049 §2.3). Reserved namespaces are not refused (optional in
/// XEP-0049; Prosody stores them, and its databases may hold such data).
class PrivateModule : public Module
{
    Q_OBJECT

public:
    using Module::Module;
    Result<void> load() override;

private:
    QVariant onQuery(Event& event);
    void refuse(const XmlElement& iq, const QString& type, const QString& condition, const QString& text = {});

    std::shared_ptr<MapStore> m_store;
    MeasureFactory::Setter m_refused; // counter of refused requests
};

} // namespace Canto::Modules
