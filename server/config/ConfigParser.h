#pragma once

#include "server/config/ConfigProblem.h"
#include "server/config/ConfigSection.h"
#include "server/config/ConfigToken.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace Canto {

/// Parses Prosody's declarative config dialect (canto.cfg.lua) without a Lua interpreter:
/// `name = value` (strings, numbers, booleans, nil, tables), `VirtualHost "name"` (also `Host`,
/// `host`), `Component "name" ["module"]` (also `component`), `Include "path-or-glob"`, with
/// or without call parentheses, and Lua comments. Anything else (function calls, expressions,
/// `local`, RunScript/FileContents/Credential/Lua/ENV_*) is an error naming the file, line and
/// column. Parsing does not stop at the first error: it resumes at the next statement, so every
/// problem of a file is reported at once.
///
/// Each file, including an included one, starts in the global section, as in Prosody; a host
/// directive in an included file does not change the section of the including file.
/// Included paths are relative to the including file's directory; `*` and `?` in the file name
/// part match files, which are read in name order.
class ConfigParser
{
public:
    ConfigParser();

    /// Parses a file (and the files it includes) into the sections gathered so far.
    void parseFile(const QString& path);
    /// Parses config text; `fileName` names it in messages, `baseDirectory` anchors Include.
    void parseText(const QByteArray& text, const QString& fileName, const QString& baseDirectory);

    /// The sections: global ("*") first, then hosts in order of first declaration.
    const QList<ConfigSection>& sections() const { return m_sections; }
    /// Errors and warnings in the order they were found.
    const QList<ConfigProblem>& problems() const { return m_problems; }
    bool hasErrors() const;
    /// Every file read, the main one first.
    const QStringList& files() const { return m_files; }

private:
    struct FileState
    {
        QList<ConfigToken> tokens;
        qsizetype index = 0;
        QString section;
        QString directory;
        int braceDepth = 0;
        qsizetype statementStart = 0;
        int statementColumn = 1;
    };

    const ConfigToken& current() const;
    const ConfigToken& lookAhead(qsizetype ahead = 1) const;
    ConfigToken take();
    void error(const ConfigLocation& location, const QString& message);
    void warning(const ConfigLocation& location, const QString& message);
    void parseTokens(QList<ConfigToken> tokens, const QString& directory);
    bool parseStatement();
    bool parseAssignment();
    bool parseDirective();
    bool parseHostDirective(const ConfigToken& directive, bool isComponent);
    bool parseInclude(const ConfigToken& directive);
    std::optional<ConfigToken> parseStringArgument(const QString& directive, const QString& what);
    bool atStringArgument() const;
    bool checkStatementEnd(const QString& option);
    std::optional<ConfigValue> parseValue(const QString& after);
    std::optional<ConfigValue> parseTable();
    void setOption(const QString& section, const QString& option, const ConfigValue& value);
    void includeFile(const QString& path, const ConfigLocation& from);
    void synchronize();
    QString describeSection(const QString& name) const;

    FileState m_state;
    QList<ConfigSection> m_sections;
    QHash<QString, qsizetype> m_sectionIndex;
    QList<ConfigProblem> m_problems;
    QStringList m_files;
    QStringList m_includeStack;
    int m_errorCount = 0;
};

} // namespace Canto
