#pragma once

#include "server/config/ConfigLocation.h"

#include <QString>

namespace Canto {

/// One lexical token of the config dialect, as produced by ConfigLexer.
struct ConfigToken
{
    enum class Kind {
        Name,   ///< identifier or keyword (text = the name)
        String, ///< string literal of any form (text = the decoded content)
        Number, ///< numeral (number, isInteger)
        Symbol, ///< punctuation or operator (text = the symbol, e.g. "=", "..", "{")
        End     ///< end of the file
    };

    Kind kind = Kind::End;
    QString text;
    double number = 0.0;
    bool isInteger = false;
    /// Whether this is the first token on its line; error recovery restarts at such tokens.
    bool startsLine = false;
    ConfigLocation location;
    /// The token as written in the file (shortened), for messages ("found 'foo'").
    QString source;

    bool isSymbol(QStringView symbol) const { return kind == Kind::Symbol && text == symbol; }
    bool isName(QStringView name) const { return kind == Kind::Name && text == name; }

    /// How a message names this token: 'foo', '=', "end of file".
    QString describe() const
    {
        if (kind == Kind::End)
            return QStringLiteral("end of file");
        return u'\'' + source + u'\'';
    }
};

} // namespace Canto
