#include "server/metrics/MetricsRegistry.h"

#include <QLocale>
#include <QSet>

#include <algorithm>
#include <cmath>

using namespace Qt::StringLiterals;

namespace Canto {

namespace {

// OpenMetrics numbers: integral values without a fraction, others in the shortest form that
// reads back exactly, infinities as +Inf/-Inf.
QString formatNumber(double value)
{
    if (std::isnan(value))
        return u"NaN"_s;
    if (std::isinf(value))
        return value > 0 ? u"+Inf"_s : u"-Inf"_s;
    if (std::trunc(value) == value && std::abs(value) < 1e15)
        return QString::number(qint64(value));
    return QString::number(value, 'g', QLocale::FloatingPointShortest);
}

QString escapeLabelValue(const QString& value)
{
    QString escaped = value;
    escaped.replace(u"\\"_s, u"\\\\"_s);
    escaped.replace(u"\""_s, u"\\\""_s);
    escaped.replace(u"\n"_s, u"\\n"_s);
    return escaped;
}

QString escapeHelp(const QString& text)
{
    QString escaped = text;
    escaped.replace(u"\\"_s, u"\\\\"_s);
    escaped.replace(u"\n"_s, u"\\n"_s);
    return escaped;
}

// "{k1="v1",k2="v2"}" including an optional extra pair (the histogram's "le"), or "" for none.
QString labelSet(const QStringList& keys, const QStringList& values, const QString& extraKey = {},
                 const QString& extraValue = {})
{
    QStringList pairs;
    for (qsizetype i = 0; i < keys.size(); ++i)
        pairs.append(keys.at(i) + u"=\"" + escapeLabelValue(values.value(i)) + u'"');
    if (!extraKey.isEmpty())
        pairs.append(extraKey + u"=\"" + escapeLabelValue(extraValue) + u'"');
    if (pairs.isEmpty())
        return {};
    return u'{' + pairs.join(u',') + u'}';
}

void renderFamily(const MetricFamily& family, QString& out)
{
    const QString name = MetricsRegistry::escapeName(family.name());
    out += u"# TYPE " + name + u' ' + metricTypeName(family.type()) + u'\n';
    if (!family.unit().isEmpty())
        out += u"# UNIT " + name + u' ' + family.unit() + u'\n';
    if (!family.description().isEmpty())
        out += u"# HELP " + name + u' ' + escapeHelp(family.description()) + u'\n';
    const QStringList& keys = family.labelKeys();
    for (const auto& [values, metric] : family.series()) {
        switch (family.type()) {
        case MetricType::Counter:
            out += name + u"_total" + labelSet(keys, values) + u' ' + formatNumber(metric->value()) + u'\n';
            break;
        case MetricType::Gauge:
            out += name + labelSet(keys, values) + u' ' + formatNumber(metric->value()) + u'\n';
            break;
        case MetricType::Histogram: {
            const QList<quint64> cumulative = metric->cumulativeBucketCounts();
            for (qsizetype i = 0; i < cumulative.size(); ++i) {
                out += name + u"_bucket" + labelSet(keys, values, u"le"_s, formatNumber(metric->bucketBounds().at(i))) +
                       u' ' + QString::number(cumulative.at(i)) + u'\n';
            }
            out += name + u"_bucket" + labelSet(keys, values, u"le"_s, u"+Inf"_s) + u' ' +
                   QString::number(metric->count()) + u'\n';
            out += name + u"_sum" + labelSet(keys, values) + u' ' + formatNumber(metric->sum()) + u'\n';
            out += name + u"_count" + labelSet(keys, values) + u' ' + QString::number(metric->count()) + u'\n';
            break;
        }
        case MetricType::Summary:
            out += name + u"_sum" + labelSet(keys, values) + u' ' + formatNumber(metric->sum()) + u'\n';
            out += name + u"_count" + labelSet(keys, values) + u' ' + QString::number(metric->count()) + u'\n';
            break;
        }
    }
}

} // namespace

QString MetricsRegistry::escapeName(const QString& name)
{
    QString escaped;
    escaped.reserve(name.size() + 4);
    for (const QChar c : name) {
        if (c == u'/')
            escaped += u"__"_s;
        else if ((c.unicode() < 128 && c.isLetterOrNumber()) || c == u'_')
            escaped += c;
        else
            escaped += u'_';
    }
    return escaped;
}

bool MetricsRegistry::isValidLabelKey(const QString& key)
{
    if (key.isEmpty() || key.front().isDigit())
        return false;
    return std::all_of(key.cbegin(), key.cend(),
                       [](QChar c) { return (c.unicode() < 128 && c.isLetterOrNumber()) || c == u'_'; });
}

Result<std::shared_ptr<MetricFamily>> MetricsRegistry::family(MetricType type, const QString& name, const QString& unit,
                                                              const QString& description, const QStringList& labelKeys,
                                                              const QList<double>& bucketBounds)
{
    using R = Result<std::shared_ptr<MetricFamily>>;
    if (name.isEmpty())
        return R::failure(u"bad-request"_s, u"a metric needs a name"_s);
    for (const QString& key : labelKeys) {
        if (!isValidLabelKey(key))
            return R::failure(u"bad-request"_s, u"invalid label key '" + key + u"' for metric " + name);
        // These label names carry the buckets and quantiles in the exported text.
        if ((type == MetricType::Histogram && key == u"le") || (type == MetricType::Summary && key == u"quantile"))
            return R::failure(u"bad-request"_s, u"label key '" + key + u"' is reserved for metric " + name);
    }
    if (labelKeys.size() != QSet<QString>(labelKeys.cbegin(), labelKeys.cend()).size())
        return R::failure(u"bad-request"_s, u"duplicate label keys for metric " + name);
    const QList<double> bounds = type == MetricType::Histogram ? bucketBounds : QList<double>();
    if (!std::is_sorted(bounds.cbegin(), bounds.cend()) ||
        std::adjacent_find(bounds.cbegin(), bounds.cend()) != bounds.cend())
        return R::failure(u"bad-request"_s, u"histogram buckets of " + name + u" must be sorted ascending");
    if (std::any_of(bounds.cbegin(), bounds.cend(), [](double b) { return std::isnan(b) || std::isinf(b); }))
        return R::failure(u"bad-request"_s, u"histogram buckets of " + name + u" must be finite numbers");

    const QString suffix = u'_' + unit;
    const QString fullName = unit.isEmpty() || name.endsWith(suffix) ? name : name + suffix;
    if (const std::shared_ptr<MetricFamily> existing = m_byName.value(fullName)) {
        if (existing->type() != type || existing->unit() != unit || existing->labelKeys() != labelKeys ||
            existing->bucketBounds() != bounds) {
            return R::failure(u"conflict"_s, u"metric " + fullName +
                                                 u" is already declared with a different type, unit, "
                                                 u"labels or buckets");
        }
        return existing;
    }
    auto created = std::make_shared<MetricFamily>(type, fullName, unit, description, labelKeys, bounds);
    m_families.append(created);
    m_byName.insert(fullName, created);
    return created;
}

std::shared_ptr<MetricFamily> MetricsRegistry::find(const QString& name) const
{
    return m_byName.value(name);
}

bool MetricsRegistry::remove(const QString& name)
{
    const std::shared_ptr<MetricFamily> family = m_byName.take(name);
    if (!family)
        return false;
    m_families.removeOne(family);
    return true;
}

QString MetricsRegistry::renderOpenMetrics() const
{
    QString out;
    for (const std::shared_ptr<MetricFamily>& family : m_families)
        renderFamily(*family, out);
    out += u"# EOF\n"_s;
    return out;
}

} // namespace Canto
