#include "modules/pep/PepNodeConfig.h"

using namespace Qt::StringLiterals;

namespace Canto::Modules {

namespace {

const QString DataFormsNs = u"jabber:x:data"_s;
const QString NodeConfigFormType = u"http://jabber.org/protocol/pubsub#node_config"_s;

enum class FieldType { Text, IntegerOrMax, Boolean, ListSingle, ListMulti };

struct Field
{
    QString var;
    QString name;
    FieldType type;
    QStringList options;
};

// The node_config fields Canto understands, in form order (XEP-0060 §16.4.4 names).
const QList<Field>& fields()
{
    static const QList<Field> all{
        {u"pubsub#title"_s, u"title"_s, FieldType::Text, {}},
        {u"pubsub#description"_s, u"description"_s, FieldType::Text, {}},
        {u"pubsub#type"_s, u"payload_type"_s, FieldType::Text, {}},
        {u"pubsub#max_items"_s, u"max_items"_s, FieldType::IntegerOrMax, {}},
        {u"pubsub#persist_items"_s, u"persist_items"_s, FieldType::Boolean, {}},
        {u"pubsub#access_model"_s,
         u"access_model"_s,
         FieldType::ListSingle,
         {u"open"_s, u"presence"_s, u"roster"_s, u"whitelist"_s}},
        {u"pubsub#roster_groups_allowed"_s, u"roster_groups_allowed"_s, FieldType::ListMulti, {}},
        {u"pubsub#publish_model"_s,
         u"publish_model"_s,
         FieldType::ListSingle,
         {u"publishers"_s, u"subscribers"_s, u"open"_s}},
        {u"pubsub#send_last_published_item"_s,
         u"send_last_published_item"_s,
         FieldType::ListSingle,
         {u"never"_s, u"on_sub"_s, u"on_sub_and_presence"_s}},
        {u"pubsub#deliver_notifications"_s, u"notify_items"_s, FieldType::Boolean, {}},
        {u"pubsub#deliver_payloads"_s, u"include_payload"_s, FieldType::Boolean, {}},
        {u"pubsub#notification_type"_s, u"notification_type"_s, FieldType::ListSingle, {u"normal"_s, u"headline"_s}},
        {u"pubsub#notify_delete"_s, u"notify_delete"_s, FieldType::Boolean, {}},
        {u"pubsub#notify_retract"_s, u"notify_retract"_s, FieldType::Boolean, {}},
    };
    return all;
}

// PEP node defaults (Prosody's mod_pep node_defaults over util.pubsub's and the form's).
const QVariantMap& defaults()
{
    static const QVariantMap all{
        {u"max_items"_s, 1},
        {u"persist_items"_s, true},
        {u"access_model"_s, u"presence"_s},
        {u"publish_model"_s, u"publishers"_s},
        {u"send_last_published_item"_s, u"on_sub_and_presence"_s},
        {u"notify_items"_s, true},
        {u"include_payload"_s, true},
        {u"notify_delete"_s, true},
        {u"notify_retract"_s, true},
        {u"notification_type"_s, u"headline"_s},
    };
    return all;
}

std::optional<bool> parseBoolean(const QString& text)
{
    if (text == u"1"_s || text == u"true"_s) {
        return true;
    }
    if (text == u"0"_s || text == u"false"_s) {
        return false;
    }
    return std::nullopt;
}

// Values compare by meaning: 1 == "1", true == "true" (stored JSON may have either form).
QString normalized(const QVariant& value)
{
    if (value.typeId() == QMetaType::Bool) {
        return value.toBool() ? u"true"_s : u"false"_s;
    }
    if (value.typeId() == QMetaType::QStringList || value.typeId() == QMetaType::QVariantList) {
        QStringList list = value.toStringList();
        list.sort();
        return list.join(u'\n');
    }
    if (value.typeId() == QMetaType::Double) {
        return QString::number(qint64(value.toDouble()));
    }
    return value.toString();
}

} // namespace

QVariant PepNodeConfig::value(const QString& name) const
{
    const auto it = m_values.constFind(name);
    return it != m_values.constEnd() ? *it : defaults().value(name);
}

int PepNodeConfig::maxItems(int serviceMax) const
{
    const QVariant max = value(u"max_items"_s);
    if (max.toString() == u"max"_s) {
        return serviceMax;
    }
    bool ok = false;
    const int number = max.toInt(&ok);
    return ok ? qBound(1, number, serviceMax) : 1;
}

bool PepNodeConfig::notifies(const QString& kind) const
{
    const QVariant v = value(u"notify_"_s + kind);
    return !(v.isValid() && v.typeId() == QMetaType::Bool && !v.toBool());
}

bool PepNodeConfig::isAcceptable(int serviceMax) const
{
    const QVariant max = value(u"max_items"_s);
    if (max.toString() != u"max"_s) {
        bool ok = false;
        const qint64 number = max.toLongLong(&ok);
        if (!ok || number < 1 || number > serviceMax) {
            return false;
        }
    }
    const QString access = accessModel();
    return access == u"presence"_s || access == u"whitelist"_s || access == u"open"_s || access == u"roster"_s;
}

QString PepNodeConfig::firstMismatch(const PepNodeConfig& required) const
{
    for (auto it = required.m_values.constBegin(); it != required.m_values.constEnd(); ++it) {
        if (normalized(value(it.key())) != normalized(it.value())) {
            for (const Field& field : fields()) {
                if (field.name == it.key()) {
                    return field.var;
                }
            }
            return it.key();
        }
    }
    return {};
}

XmlElement PepNodeConfig::toForm(int serviceMax) const
{
    XmlElement form(u"x"_s, DataFormsNs);
    form.setAttribute(u"type"_s, u"form"_s);
    XmlElement& formType = form.addChild(u"field"_s);
    formType.setAttribute(u"var"_s, u"FORM_TYPE"_s).setAttribute(u"type"_s, u"hidden"_s);
    formType.addTextChild(u"value"_s, DataFormsNs, NodeConfigFormType);
    for (const Field& field : fields()) {
        XmlElement& element = form.addChild(u"field"_s);
        element.setAttribute(u"var"_s, field.var);
        const QVariant v = value(field.name);
        switch (field.type) {
        case FieldType::Text:
            element.setAttribute(u"type"_s, u"text-single"_s);
            if (v.isValid()) {
                element.addTextChild(u"value"_s, DataFormsNs, v.toString());
            }
            break;
        case FieldType::IntegerOrMax: {
            element.setAttribute(u"type"_s, u"text-single"_s);
            // XEP-0122 validation: an integer up to the service's limit, or "max".
            XmlElement& validate = element.addChild(u"validate"_s, u"http://jabber.org/protocol/xdata-validate"_s);
            validate.setAttribute(u"datatype"_s, u"pubsub:integer-or-max"_s);
            validate.addChild(u"range"_s)
                .setAttribute(u"min"_s, u"1"_s)
                .setAttribute(u"max"_s, QString::number(serviceMax));
            element.addTextChild(u"value"_s, DataFormsNs, normalized(v));
            break;
        }
        case FieldType::Boolean:
            element.setAttribute(u"type"_s, u"boolean"_s);
            element.addTextChild(u"value"_s, DataFormsNs, v.toBool() ? u"1"_s : u"0"_s);
            break;
        case FieldType::ListSingle:
            element.setAttribute(u"type"_s, u"list-single"_s);
            for (const QString& option : field.options) {
                element.addChild(u"option"_s).addTextChild(u"value"_s, DataFormsNs, option);
            }
            if (v.isValid()) {
                element.addTextChild(u"value"_s, DataFormsNs, v.toString());
            }
            break;
        case FieldType::ListMulti:
            element.setAttribute(u"type"_s, u"list-multi"_s);
            for (const QString& group : v.toStringList()) {
                element.addTextChild(u"value"_s, DataFormsNs, group);
            }
            break;
        }
    }
    return form;
}

Result<PepNodeConfig> PepNodeConfig::fromForm(const XmlElement& form, const PepNodeConfig& base)
{
    PepNodeConfig config = base;
    for (const XmlElement* element : form.children(u"field", DataFormsNs)) {
        const QString var = element->attribute(u"var");
        const auto field = std::find_if(fields().begin(), fields().end(), [&](const Field& f) { return f.var == var; });
        if (field == fields().end()) {
            continue; // FORM_TYPE and options Canto does not know (Prosody ignores them too)
        }
        QStringList values;
        for (const XmlElement* value : element->children(u"value", DataFormsNs)) {
            values << value->text();
        }
        const QString text = values.value(0).trimmed();
        const auto bad = [&var](const QString& why) {
            return Result<PepNodeConfig>::failure(u"bad-request"_s, var + u": "_s + why);
        };
        switch (field->type) {
        case FieldType::Text:
            config.set(field->name, values.value(0));
            break;
        case FieldType::IntegerOrMax: {
            if (text == u"max"_s) {
                config.set(field->name, u"max"_s);
                break;
            }
            bool ok = false;
            const int number = text.toInt(&ok);
            if (!ok) {
                return bad(u"not an integer or 'max'"_s);
            }
            config.set(field->name, number);
            break;
        }
        case FieldType::Boolean: {
            const std::optional<bool> b = parseBoolean(text);
            if (!b) {
                return bad(u"not a boolean"_s);
            }
            config.set(field->name, *b);
            break;
        }
        case FieldType::ListSingle:
            if (!field->options.contains(text)) {
                return bad(u"invalid value"_s);
            }
            config.set(field->name, text);
            break;
        case FieldType::ListMulti:
            config.set(field->name, values);
            break;
        }
    }
    return config;
}

} // namespace Canto::Modules
