#include "server/config/ConfigLexer.h"

#include <QStringDecoder>

#include <cmath>
#include <limits>

using namespace Qt::StringLiterals;

namespace Canto {

namespace {

constexpr int MaxSourceShown = 40;

bool isNameStart(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

bool isNameChar(char c)
{
    return isNameStart(c) || isDigit(c);
}

int hexValue(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

void appendUtf8(QByteArray& out, quint32 cp)
{
    if (cp < 0x80) {
        out += char(cp);
    } else if (cp < 0x800) {
        out += char(0xC0 | (cp >> 6));
        out += char(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += char(0xE0 | (cp >> 12));
        out += char(0x80 | ((cp >> 6) & 0x3F));
        out += char(0x80 | (cp & 0x3F));
    } else {
        out += char(0xF0 | (cp >> 18));
        out += char(0x80 | ((cp >> 12) & 0x3F));
        out += char(0x80 | ((cp >> 6) & 0x3F));
        out += char(0x80 | (cp & 0x3F));
    }
}

} // namespace

ConfigLexer::ConfigLexer(QByteArray text, QString fileName) : m_text(std::move(text)), m_fileName(std::move(fileName))
{
    // A UTF-8 byte order mark is not part of the config.
    if (m_text.startsWith("\xEF\xBB\xBF"))
        m_pos = m_lineStart = 3;
    // A "#!" first line is skipped, as Lua does.
    if (QByteArrayView(m_text).sliced(m_pos).startsWith("#")) {
        while (!atEnd() && peek() != '\n' && peek() != '\r')
            ++m_pos;
    }
}

char ConfigLexer::peek(qsizetype ahead) const
{
    const qsizetype at = m_pos + ahead;
    return at < m_text.size() ? m_text.at(at) : '\0';
}

int ConfigLexer::columnAt(qsizetype pos) const
{
    int column = 1;
    for (qsizetype i = m_lineStart; i < pos && i < m_text.size(); ++i) {
        // UTF-8 continuation bytes belong to the previous character.
        if ((static_cast<unsigned char>(m_text.at(i)) & 0xC0) != 0x80)
            ++column;
    }
    return column;
}

ConfigLocation ConfigLexer::here() const
{
    return ConfigLocation{m_fileName, m_line, columnAt(m_pos)};
}

void ConfigLexer::newline()
{
    // Lua counts "\r\n" and "\n\r" as one line break.
    const char first = peek();
    ++m_pos;
    if ((peek() == '\n' || peek() == '\r') && peek() != first)
        ++m_pos;
    ++m_line;
    m_lineStart = m_pos;
}

void ConfigLexer::error(const ConfigLocation& location, const QString& message, QList<ConfigProblem>& problems) const
{
    problems.append(ConfigProblem{ConfigProblem::Severity::Error, location, message});
}

int ConfigLexer::longBracketLevel() const
{
    // At '[': returns the level of a long bracket "[==[" or -1 when this is not one.
    int level = 0;
    while (peek(1 + level) == '=')
        ++level;
    return peek(1 + level) == '[' ? level : -1;
}

bool ConfigLexer::readLongBracket(int level, QByteArray* content, const ConfigLocation& start, const QString& what,
                                  QList<ConfigProblem>& problems)
{
    m_pos += level + 2;
    // A line break right after the opening bracket is not part of the content.
    if (peek() == '\r' || peek() == '\n')
        newline();
    while (!atEnd()) {
        const char c = peek();
        if (c == ']') {
            int closing = 0;
            while (peek(1 + closing) == '=')
                ++closing;
            if (closing == level && peek(1 + closing) == ']') {
                m_pos += level + 2;
                return true;
            }
            if (content)
                content->append(c);
            ++m_pos;
        } else if (c == '\n' || c == '\r') {
            newline();
            if (content)
                content->append('\n');
        } else {
            if (content)
                content->append(c);
            ++m_pos;
        }
    }
    const QString closer = u']' + QString(level, u'=') + u']';
    error(start, u"unfinished " + what + u" (no closing " + closer + u" before the end of the file)", problems);
    return false;
}

bool ConfigLexer::skipWhitespaceAndComments(QList<ConfigProblem>& problems)
{
    while (!atEnd()) {
        const char c = peek();
        if (c == '\n' || c == '\r') {
            newline();
        } else if (c == ' ' || c == '\t' || c == '\f' || c == '\v') {
            ++m_pos;
        } else if (c == '-' && peek(1) == '-') {
            const ConfigLocation start = here();
            m_pos += 2;
            if (peek() == '[' && longBracketLevel() >= 0) {
                if (!readLongBracket(longBracketLevel(), nullptr, start, u"long comment"_s, problems))
                    return false;
            } else {
                while (!atEnd() && peek() != '\n' && peek() != '\r')
                    ++m_pos;
            }
        } else {
            return true;
        }
    }
    return true;
}

QList<ConfigToken> ConfigLexer::tokenize(QList<ConfigProblem>& problems)
{
    QList<ConfigToken> tokens;
    while (skipWhitespaceAndComments(problems) && !atEnd()) {
        ConfigToken token;
        token.location = here();
        token.startsLine = m_line != m_lastTokenLine;
        const qsizetype start = m_pos;
        const char c = peek();
        if (isNameStart(c)) {
            while (isNameChar(peek()))
                ++m_pos;
            token.kind = ConfigToken::Kind::Name;
            token.text = QString::fromLatin1(m_text.mid(start, m_pos - start));
        } else if (isDigit(c) || (c == '.' && isDigit(peek(1)))) {
            readNumber(token, problems);
        } else if (c == '"' || c == '\'') {
            readShortString(token, problems);
        } else if (c == '[' && longBracketLevel() >= 0) {
            QByteArray content;
            readLongBracket(longBracketLevel(), &content, token.location, u"long string"_s, problems);
            token.kind = ConfigToken::Kind::String;
            token.text = QString::fromUtf8(content);
        } else {
            readSymbol(token);
        }
        QString source = QString::fromUtf8(m_text.mid(start, m_pos - start));
        if (source.contains(u'\n'))
            source = source.left(source.indexOf(u'\n'));
        if (source.size() > MaxSourceShown)
            source = source.left(MaxSourceShown) + u"...";
        token.source = source;
        m_lastTokenLine = m_line;
        tokens.append(token);
    }
    ConfigToken end;
    end.kind = ConfigToken::Kind::End;
    end.location = here();
    end.startsLine = true;
    tokens.append(end);
    return tokens;
}

void ConfigLexer::readNumber(ConfigToken& token, QList<ConfigProblem>& problems)
{
    const qsizetype start = m_pos;
    token.kind = ConfigToken::Kind::Number;
    bool ok = true;
    if (peek() == '0' && (peek(1) == 'x' || peek(1) == 'X')) {
        m_pos += 2;
        quint64 integer = 0;
        double mantissa = 0.0;
        int exponent = 0;
        bool anyDigit = false;
        bool isFloat = false;
        while (hexValue(peek()) >= 0) {
            integer = integer * 16 + quint64(hexValue(peek())); // wraps around, as in Lua
            mantissa = mantissa * 16 + hexValue(peek());
            anyDigit = true;
            ++m_pos;
        }
        if (peek() == '.') {
            isFloat = true;
            ++m_pos;
            while (hexValue(peek()) >= 0) {
                mantissa = mantissa * 16 + hexValue(peek());
                exponent -= 4;
                anyDigit = true;
                ++m_pos;
            }
        }
        if (peek() == 'p' || peek() == 'P') {
            isFloat = true;
            ++m_pos;
            int sign = 1;
            if (peek() == '+' || peek() == '-') {
                sign = peek() == '-' ? -1 : 1;
                ++m_pos;
            }
            if (!isDigit(peek()))
                ok = false;
            int value = 0;
            while (isDigit(peek())) {
                value = std::min(value * 10 + (peek() - '0'), 100000);
                ++m_pos;
            }
            exponent += sign * value;
        }
        ok = ok && anyDigit;
        token.isInteger = !isFloat;
        token.number = isFloat ? std::ldexp(mantissa, exponent) : double(qint64(integer));
    } else {
        bool isFloat = false;
        while (isDigit(peek()))
            ++m_pos;
        if (peek() == '.') {
            isFloat = true;
            ++m_pos;
            while (isDigit(peek()))
                ++m_pos;
        }
        if (peek() == 'e' || peek() == 'E') {
            isFloat = true;
            ++m_pos;
            if (peek() == '+' || peek() == '-')
                ++m_pos;
            if (!isDigit(peek()))
                ok = false;
            while (isDigit(peek()))
                ++m_pos;
        }
        const QByteArray text = m_text.mid(start, m_pos - start);
        if (!isFloat) {
            bool fits = false;
            const qint64 value = text.toLongLong(&fits);
            // Like Lua, a decimal integer too big for 64 bits becomes a float.
            token.isInteger = fits;
            token.number = fits ? double(value) : text.toDouble();
        } else {
            token.number = text.toDouble(&ok);
        }
    }
    // Lua reads a numeral greedily; letters or dots glued to it make it malformed ("3m", "1.2.3").
    if (isNameChar(peek()) || peek() == '.') {
        while (isNameChar(peek()) || peek() == '.')
            ++m_pos;
        ok = false;
    }
    if (!ok) {
        const QString text = QString::fromUtf8(m_text.mid(start, m_pos - start));
        error(token.location, u"malformed number '" + text + u"' (to write text, put it in quotes: \"" + text + u"\")",
              problems);
    }
}

bool ConfigLexer::readEscape(QByteArray& out, QList<ConfigProblem>& problems)
{
    // At the character after the backslash.
    const ConfigLocation location{m_fileName, m_line, columnAt(m_pos - 1)};
    const char c = peek();
    switch (c) {
    case 'a':
        out += '\a';
        ++m_pos;
        return true;
    case 'b':
        out += '\b';
        ++m_pos;
        return true;
    case 'f':
        out += '\f';
        ++m_pos;
        return true;
    case 'n':
        out += '\n';
        ++m_pos;
        return true;
    case 'r':
        out += '\r';
        ++m_pos;
        return true;
    case 't':
        out += '\t';
        ++m_pos;
        return true;
    case 'v':
        out += '\v';
        ++m_pos;
        return true;
    case '\\':
        out += '\\';
        ++m_pos;
        return true;
    case '"':
        out += '"';
        ++m_pos;
        return true;
    case '\'':
        out += '\'';
        ++m_pos;
        return true;
    case '\n':
    case '\r':
        newline();
        out += '\n';
        return true;
    case 'z':
        ++m_pos;
        while (!atEnd()) {
            if (peek() == '\n' || peek() == '\r')
                newline();
            else if (peek() == ' ' || peek() == '\t' || peek() == '\f' || peek() == '\v')
                ++m_pos;
            else
                break;
        }
        return true;
    case 'x': {
        ++m_pos;
        const int high = hexValue(peek());
        const int low = high >= 0 ? hexValue(peek(1)) : -1;
        if (low < 0) {
            error(location, u"hexadecimal digit expected in escape '\\x' (write two digits, e.g. \\x41)"_s, problems);
            return false;
        }
        m_pos += 2;
        out += char(high * 16 + low);
        return true;
    }
    case 'u': {
        ++m_pos;
        if (peek() != '{') {
            error(location, u"missing '{' in escape '\\u' (write it as \\u{XXXX})"_s, problems);
            return false;
        }
        ++m_pos;
        quint64 cp = 0;
        bool any = false;
        while (hexValue(peek()) >= 0) {
            cp = std::min<quint64>(cp * 16 + quint64(hexValue(peek())), 0xFFFFFFFFull);
            any = true;
            ++m_pos;
        }
        if (!any || peek() != '}') {
            error(location, u"malformed escape '\\u' (write it as \\u{XXXX} with hexadecimal digits)"_s, problems);
            return false;
        }
        ++m_pos;
        if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
            error(location, u"escape '\\u' is not a valid Unicode code point"_s, problems);
            return false;
        }
        appendUtf8(out, quint32(cp));
        return true;
    }
    default:
        if (isDigit(c)) {
            int value = 0;
            for (int i = 0; i < 3 && isDigit(peek()); ++i) {
                value = value * 10 + (peek() - '0');
                ++m_pos;
            }
            if (value > 255) {
                error(location, u"decimal escape too large (at most \\255)"_s, problems);
                return false;
            }
            out += char(value);
            return true;
        }
        error(location,
              u"invalid escape sequence '\\" + QString::fromUtf8(m_text.mid(m_pos, 1)) +
                  u"' (to write a backslash, double it: \\\\)",
              problems);
        ++m_pos;
        return false;
    }
}

void ConfigLexer::readShortString(ConfigToken& token, QList<ConfigProblem>& problems)
{
    const char quote = peek();
    ++m_pos;
    token.kind = ConfigToken::Kind::String;
    QByteArray content;
    bool valid = true;
    for (;;) {
        if (atEnd() || peek() == '\n' || peek() == '\r') {
            error(token.location,
                  u"unfinished string (missing closing " + QChar::fromLatin1(quote) +
                      u" on this line; use [[...]] for text spanning lines)",
                  problems);
            valid = false;
            break;
        }
        const char c = peek();
        if (c == quote) {
            ++m_pos;
            break;
        }
        if (c == '\\') {
            ++m_pos;
            valid = readEscape(content, problems) && valid;
            continue;
        }
        content += c;
        ++m_pos;
    }
    QStringDecoder decoder(QStringDecoder::Utf8);
    token.text = decoder(content);
    if (decoder.hasError() && valid)
        error(token.location, u"string is not valid UTF-8 text"_s, problems);
}

void ConfigLexer::readSymbol(ConfigToken& token)
{
    static const char* const multi[] = {"...", "..", "==", "~=", "<=", ">=", "//", "::", "<<", ">>"};
    token.kind = ConfigToken::Kind::Symbol;
    const QByteArrayView rest = QByteArrayView(m_text).sliced(m_pos);
    for (const char* symbol : multi) {
        if (rest.startsWith(symbol)) {
            token.text = QString::fromLatin1(symbol);
            m_pos += qsizetype(qstrlen(symbol));
            return;
        }
    }
    // One character (a whole UTF-8 sequence for non-ASCII, so messages show it intact).
    qsizetype length = 1;
    while (m_pos + length < m_text.size() && (static_cast<unsigned char>(m_text.at(m_pos + length)) & 0xC0) == 0x80)
        ++length;
    token.text = QString::fromUtf8(m_text.mid(m_pos, length));
    m_pos += length;
}

} // namespace Canto
