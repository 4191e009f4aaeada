#include "modules/register/RegistrationForm.h"

#include "server/xmpp/Namespaces.h"

using namespace Qt::StringLiterals;

namespace Canto::Modules {

RegistrationForm::RegistrationForm(QString title, QString instructions)
    : m_title(std::move(title)), m_instructions(std::move(instructions))
{}

XmlElement RegistrationForm::query() const
{
    const QString ns = Ns::Register.toString();
    XmlElement query(u"query"_s, ns);
    query.addTextChild(u"instructions"_s, ns, m_instructions);
    query.addChild(u"username"_s);
    query.addChild(u"password"_s);

    XmlElement& form = query.addChild(u"x"_s, Ns::DataForms.toString());
    form.setAttribute(u"type"_s, u"form"_s);
    form.addTextChild(u"title"_s, {}, m_title);
    form.addTextChild(u"instructions"_s, {}, m_instructions);
    XmlElement& formType = form.addChild(u"field"_s);
    formType.setAttribute(u"var"_s, u"FORM_TYPE"_s).setAttribute(u"type"_s, u"hidden"_s);
    formType.addTextChild(u"value"_s, {}, ns);
    const auto required = [&form](const QString& var, const QString& type, const QString& label) {
        XmlElement& field = form.addChild(u"field"_s);
        field.setAttribute(u"var"_s, var).setAttribute(u"type"_s, type).setAttribute(u"label"_s, label);
        field.addChild(u"required"_s);
    };
    required(u"username"_s, u"text-single"_s, u"Username"_s);
    required(u"password"_s, u"text-private"_s, u"Password"_s);
    return query;
}

RegistrationForm::Submission RegistrationForm::parse(const XmlElement& query)
{
    Submission submission;
    if (const XmlElement* form = query.firstChild(u"x", Ns::DataForms)) {
        for (const XmlElement* field : form->children(u"field")) {
            const QString var = field->attribute(u"var");
            if (var == u"username"_s) {
                submission.username = field->childText(u"value");
            } else if (var == u"password"_s) {
                submission.password = field->childText(u"value");
            }
        }
    } else {
        submission.username = query.childText(u"username");
        submission.password = query.childText(u"password");
    }
    if (submission.username.isEmpty()) {
        submission.missing << u"username"_s;
    }
    if (submission.password.isEmpty()) {
        submission.missing << u"password"_s;
    }
    return submission;
}

QString RegistrationForm::missingText(const QStringList& missing)
{
    QStringList lines;
    for (const QString& field : missing) {
        lines << field.left(1).toUpper() + field.mid(1) + u": Required value missing"_s;
    }
    return lines.join(u'\n');
}

} // namespace Canto::Modules
