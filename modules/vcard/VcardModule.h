#pragma once

#include "server/core/Module.h"
#include "server/metrics/MeasureFactory.h"

#include <memory>

namespace Canto {
class Event;
class KeyValueStore;
class XmlElement;
} // namespace Canto

namespace Canto::Modules {

/// vcard-temp (XEP-0054), as Prosody's mod_vcard: anyone may get a user's vCard (iq get to the
/// user's bare JID; to the host: the host's own vCard); a user sets only their own (iq set
/// without 'to'), anything else is "forbidden". No stored vCard is "item-not-found" (Prosody's
/// answer; XEP-0054 allows it). Keyval store "vcard", one entry per user in Prosody's
/// st.preserialize() shape (see PreserializedXml), so vCards written by either server read back.
/// Option `vcard_max_size` (bytes of serialized XML, default 256 KiB) refuses larger vCards with
/// "not-acceptable".
class VcardModule : public Module
{
    Q_OBJECT

public:
    using Module::Module;
    Result<void> load() override;

private:
    QVariant onVcard(Event& event);
    void get(const XmlElement& iq, const QString& user);
    void set(const XmlElement& iq, const QString& user);
    void refuse(const XmlElement& iq, const QString& type, const QString& condition, const QString& text = {});

    std::shared_ptr<KeyValueStore> m_store;
    qint64 m_maxSize = 0;
    MeasureFactory::Setter m_refused; // counter of refused requests
};

} // namespace Canto::Modules
