#pragma once

#include "server/xmpp/XmlElement.h"

#include <QString>
#include <QStringList>

namespace Canto::Modules {

/// The registration form of XEP-0077 §3.1 as Prosody's mod_register_ibr offers it: the legacy
/// fields (<instructions/>, <username/>, <password/>) plus the same form as XEP-0004 data form
/// (FORM_TYPE jabber:iq:register), and the parsing of a submission in either shape.
class RegistrationForm
{
public:
    struct Submission
    {
        QString username;
        QString password;
        QStringList missing; // required fields left empty ("username", "password")
    };

    RegistrationForm(QString title, QString instructions);

    /// The <query xmlns='jabber:iq:register'/> of the answer to a get.
    XmlElement query() const;
    /// Reads a submitted <query/>: a jabber:x:data form if there is one, else the legacy fields.
    static Submission parse(const XmlElement& query);
    /// "Username: Required value missing\n..." for a not-acceptable error.
    static QString missingText(const QStringList& missing);

private:
    QString m_title;
    QString m_instructions;
};

} // namespace Canto::Modules
