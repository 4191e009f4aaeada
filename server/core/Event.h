#pragma once

#include <QHash>
#include <QString>
#include <QVariant>

namespace Canto {

class Session;
class XmlElement;

/// The data passed to event handlers: the C++ form of Prosody's event table. The common stanza
/// fields are typed members; anything else goes into named fields (room, occupant, form, ...).
/// Handlers may modify the event (e.g. change the stanza); the firer sees the changes.
class Event
{
public:
    Event() = default;
    Event(Session* origin, XmlElement* stanza) : origin(origin), stanza(stanza) {}

    Session* origin = nullptr;    // the session the stanza came from (client, host, component)
    XmlElement* stanza = nullptr; // the stanza being routed, if any
    bool toSelf = false;          // the stanza was addressed to the sender's own bare JID

    bool has(const QString& field) const { return m_fields.contains(field); }
    QVariant value(const QString& field) const { return m_fields.value(field); }
    void set(const QString& field, const QVariant& value) { m_fields.insert(field, value); }

    template <typename T> T get(const QString& field) const { return m_fields.value(field).template value<T>(); }
    template <typename T> void setPointer(const QString& field, T* pointer)
    {
        m_fields.insert(field, QVariant::fromValue(static_cast<void*>(pointer)));
    }
    template <typename T> T* pointer(const QString& field) const
    {
        return static_cast<T*>(m_fields.value(field).template value<void*>());
    }

    const QHash<QString, QVariant>& fields() const { return m_fields; }

private:
    QHash<QString, QVariant> m_fields;
};

} // namespace Canto
