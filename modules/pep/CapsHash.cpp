#include "modules/pep/CapsHash.h"

#include <QCryptographicHash>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace Canto::Modules {

namespace {

const QString DataFormsNs = u"jabber:x:data"_s;

// i;octet collation: compare the UTF-8 bytes.
void sortOctets(QList<QByteArray>& list)
{
    std::sort(list.begin(), list.end());
}

} // namespace

QByteArray CapsHash::verificationString(const XmlElement& query)
{
    QByteArray s;
    QList<QByteArray> identities;
    for (const XmlElement* identity : query.children(u"identity")) {
        identities << (identity->attribute(u"category") + u'/' + identity->attribute(u"type") + u'/' +
                       identity->attribute(u"xml:lang") + u'/' + identity->attribute(u"name"))
                          .toUtf8();
    }
    sortOctets(identities);
    for (const QByteArray& identity : identities) {
        s += identity + '<';
    }
    QList<QByteArray> features;
    for (const XmlElement* feature : query.children(u"feature")) {
        features << feature->attribute(u"var").toUtf8();
    }
    sortOctets(features);
    for (const QByteArray& feature : features) {
        s += feature + '<';
    }
    // Extensions: each form by its FORM_TYPE, then its fields by var with sorted values.
    QList<std::pair<QByteArray, QByteArray>> forms;
    for (const XmlElement* form : query.children(u"x", DataFormsNs)) {
        QByteArray formType;
        QList<std::pair<QByteArray, QList<QByteArray>>> fields;
        for (const XmlElement* field : form->children(u"field", DataFormsNs)) {
            QList<QByteArray> values;
            for (const XmlElement* value : field->children(u"value", DataFormsNs)) {
                values << value->text().toUtf8();
            }
            const QString var = field->attribute(u"var");
            if (var == u"FORM_TYPE"_s) {
                formType = values.value(0);
                continue;
            }
            sortOctets(values);
            fields.append({var.toUtf8(), values});
        }
        std::sort(fields.begin(), fields.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
        QByteArray text = formType + '<';
        for (const auto& [var, values] : fields) {
            text += var + '<';
            for (const QByteArray& value : values) {
                text += value + '<';
            }
        }
        forms.append({formType, text});
    }
    std::sort(forms.begin(), forms.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    for (const auto& form : forms) {
        s += form.second;
    }
    return s;
}

QString CapsHash::compute(const XmlElement& query, const QString& hashName)
{
    QCryptographicHash::Algorithm algorithm;
    if (hashName == u"sha-1"_s) {
        algorithm = QCryptographicHash::Sha1;
    } else if (hashName == u"sha-224"_s) {
        algorithm = QCryptographicHash::Sha224;
    } else if (hashName == u"sha-256"_s) {
        algorithm = QCryptographicHash::Sha256;
    } else if (hashName == u"sha-384"_s) {
        algorithm = QCryptographicHash::Sha384;
    } else if (hashName == u"sha-512"_s) {
        algorithm = QCryptographicHash::Sha512;
    } else {
        return {};
    }
    return QString::fromLatin1(QCryptographicHash::hash(verificationString(query), algorithm).toBase64());
}

QSet<QString> CapsHash::notifyNodes(const XmlElement& query)
{
    QSet<QString> nodes;
    for (const XmlElement* feature : query.children(u"feature")) {
        const QString var = feature->attribute(u"var");
        if (var.endsWith(u"+notify"_s)) {
            nodes.insert(var.chopped(7));
        }
    }
    return nodes;
}

} // namespace Canto::Modules
