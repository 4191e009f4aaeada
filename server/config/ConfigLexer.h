#pragma once

#include "server/config/ConfigProblem.h"
#include "server/config/ConfigToken.h"

#include <QByteArray>
#include <QList>
#include <QString>

namespace Canto {

/// Splits config text (UTF-8) into tokens following Lua 5.4's lexical rules: names, numerals
/// (decimal, hexadecimal, floats, exponents), short strings with every Lua escape (\n \t \\ \"
/// \' \ddd \xHH \z \u{XXX}), long strings [[...]] / [==[...]==], comments -- and --[[ ]], and
/// symbols. Lexical errors (an unfinished string, a bad escape, a malformed number) are added to
/// the problem list and lexing goes on, so one pass reports every problem in the file.
class ConfigLexer
{
public:
    ConfigLexer(QByteArray text, QString fileName);

    /// All tokens of the text, always ending with a Kind::End token.
    QList<ConfigToken> tokenize(QList<ConfigProblem>& problems);

private:
    char peek(qsizetype ahead = 0) const;
    bool atEnd() const { return m_pos >= m_text.size(); }
    ConfigLocation here() const;
    int columnAt(qsizetype pos) const;
    void newline();
    bool skipWhitespaceAndComments(QList<ConfigProblem>& problems);
    int longBracketLevel() const;
    bool readLongBracket(int level, QByteArray* content, const ConfigLocation& start, const QString& what,
                         QList<ConfigProblem>& problems);
    void readShortString(ConfigToken& token, QList<ConfigProblem>& problems);
    bool readEscape(QByteArray& out, QList<ConfigProblem>& problems);
    void readNumber(ConfigToken& token, QList<ConfigProblem>& problems);
    void readSymbol(ConfigToken& token);
    void error(const ConfigLocation& location, const QString& message, QList<ConfigProblem>& problems) const;

    QByteArray m_text;
    QString m_fileName;
    qsizetype m_pos = 0;
    qsizetype m_lineStart = 0;
    int m_line = 1;
    int m_lastTokenLine = 0;
};

} // namespace Canto
