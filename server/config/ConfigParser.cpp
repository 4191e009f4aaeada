#include "server/config/ConfigParser.h"

#include "server/config/ConfigLexer.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

using namespace Qt::StringLiterals;

namespace Canto {

namespace {

// Past this many errors the file is probably not a config file at all; stop the noise.
constexpr int MaxErrors = 200;
constexpr int MaxIncludeDepth = 16;
const QString GlobalSection = u"*"_s;

bool isLuaKeyword(const QString& name)
{
    static const QStringList keywords = {u"and"_s,   u"break"_s, u"do"_s,       u"else"_s, u"elseif"_s, u"end"_s,
                                         u"false"_s, u"for"_s,   u"function"_s, u"goto"_s, u"if"_s,     u"in"_s,
                                         u"local"_s, u"nil"_s,   u"not"_s,      u"or"_s,   u"repeat"_s, u"return"_s,
                                         u"then"_s,  u"true"_s,  u"until"_s,    u"while"_s};
    return keywords.contains(name);
}

bool isHostDirective(const QString& name)
{
    return name == u"VirtualHost" || name == u"Host" || name == u"host";
}

bool isComponentDirective(const QString& name)
{
    return name == u"Component" || name == u"component";
}

bool isDirective(const QString& name)
{
    return isHostDirective(name) || isComponentDirective(name) || name == u"Include";
}

// Prosody config functions Canto deliberately does not implement: they run code or read
// secrets and files at load time, which a declarative parser cannot do safely.
bool isUnsupportedFunction(const QString& name)
{
    static const QStringList names = {u"Lua"_s,      u"RunScript"_s, u"FileContents"_s,
                                      u"FileLine"_s, u"FileLines"_s, u"Credential"_s};
    return names.contains(name);
}

QString unsupportedMessage(const QString& name)
{
    return u"'" + name +
           u"' is not supported by Canto: the config file cannot run Lua code or read files, credentials "
           u"or environment variables; write the value itself"_s;
}

// The message for a token that would continue a Lua expression, or an empty string.
QString expressionMessage(const ConfigToken& token)
{
    static const QStringList arithmetic = {u"+"_s, u"-"_s, u"*"_s, u"/"_s, u"//"_s, u"%"_s, u"^"_s};
    static const QStringList comparison = {u"=="_s, u"~="_s, u"<"_s, u">"_s,  u"<="_s, u">="_s,
                                           u"&"_s,  u"|"_s,  u"~"_s, u"<<"_s, u">>"_s};
    if (token.kind == ConfigToken::Kind::Symbol) {
        if (token.text == u"..")
            return u"joining strings with '..' is not supported; write the whole value as one string"_s;
        if (arithmetic.contains(token.text))
            return u"arithmetic ('" + token.text + u"') is not supported; write the resulting number"_s;
        if (comparison.contains(token.text))
            return u"Lua expressions ('" + token.text + u"') are not supported; write a plain value"_s;
        if (token.text == u"." || token.text == u":" || token.text == u"[")
            return u"indexing with '" + token.text + u"' is not supported in the config file"_s;
        if (token.text == u"(")
            return u"function calls are not supported in the config file"_s;
    }
    if (token.kind == ConfigToken::Kind::Name && (token.text == u"and" || token.text == u"or"))
        return u"Lua expressions ('" + token.text + u"') are not supported; write a plain value"_s;
    return {};
}

} // namespace

ConfigParser::ConfigParser()
{
    m_sections.append(ConfigSection(GlobalSection, ConfigSection::Kind::Global));
    m_sectionIndex.insert(GlobalSection, 0);
}

bool ConfigParser::hasErrors() const
{
    for (const ConfigProblem& problem : m_problems) {
        if (problem.isError())
            return true;
    }
    return false;
}

void ConfigParser::parseFile(const QString& path)
{
    includeFile(path, ConfigLocation{});
}

void ConfigParser::parseText(const QByteArray& text, const QString& fileName, const QString& baseDirectory)
{
    m_files.append(fileName);
    ConfigLexer lexer(text, fileName);
    parseTokens(lexer.tokenize(m_problems), baseDirectory);
}

void ConfigParser::includeFile(const QString& path, const ConfigLocation& from)
{
    const QFileInfo info(path);
    const QString canonical = info.canonicalFilePath();
    if (!canonical.isEmpty() && m_includeStack.contains(canonical)) {
        error(from, u"Include cycle: '" + path + u"' is already being read"_s);
        return;
    }
    if (m_includeStack.size() >= MaxIncludeDepth) {
        error(from, u"too many nested Include levels (at most " + QString::number(MaxIncludeDepth) + u")"_s);
        return;
    }
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        const QString message = u"cannot read config file '" + path + u"': " + file.errorString();
        error(from.isValid() ? from : ConfigLocation{path, 0, 0}, message);
        return;
    }
    const QByteArray text = file.readAll();
    m_includeStack.append(canonical);
    m_files.append(path);
    ConfigLexer lexer(text, path);
    parseTokens(lexer.tokenize(m_problems), info.absolutePath());
    m_includeStack.removeLast();
}

void ConfigParser::parseTokens(QList<ConfigToken> tokens, const QString& directory)
{
    FileState saved = std::move(m_state);
    m_state = FileState{};
    m_state.tokens = std::move(tokens);
    m_state.section = GlobalSection;
    m_state.directory = directory;
    while (current().kind != ConfigToken::Kind::End && m_errorCount < MaxErrors) {
        if (!parseStatement())
            synchronize();
    }
    if (m_errorCount >= MaxErrors && current().kind != ConfigToken::Kind::End)
        m_problems.append({ConfigProblem::Severity::Error, current().location, u"too many errors, giving up"_s});
    m_state = std::move(saved);
}

const ConfigToken& ConfigParser::current() const
{
    return lookAhead(0);
}

const ConfigToken& ConfigParser::lookAhead(qsizetype ahead) const
{
    const qsizetype at = std::min(m_state.index + ahead, m_state.tokens.size() - 1);
    return m_state.tokens.at(at);
}

ConfigToken ConfigParser::take()
{
    ConfigToken token = current();
    if (m_state.index < m_state.tokens.size() - 1)
        ++m_state.index;
    return token;
}

void ConfigParser::error(const ConfigLocation& location, const QString& message)
{
    ++m_errorCount;
    if (m_errorCount <= MaxErrors)
        m_problems.append({ConfigProblem::Severity::Error, location, message});
}

void ConfigParser::warning(const ConfigLocation& location, const QString& message)
{
    m_problems.append({ConfigProblem::Severity::Warning, location, message});
}

QString ConfigParser::describeSection(const QString& name) const
{
    const ConfigSection& section = m_sections.at(m_sectionIndex.value(name));
    switch (section.kind()) {
    case ConfigSection::Kind::Global:
        return u"the global section"_s;
    case ConfigSection::Kind::VirtualHost:
        return u"VirtualHost \"" + name + u"\"";
    case ConfigSection::Kind::Component:
        return u"Component \"" + name + u"\"";
    }
    return name;
}

bool ConfigParser::parseStatement()
{
    m_state.statementStart = m_state.index;
    m_state.statementColumn = current().location.column;
    const ConfigToken& token = current();
    if (token.isSymbol(u";")) {
        take();
        return true;
    }
    if (token.kind != ConfigToken::Kind::Name) {
        QString message = expressionMessage(token);
        if (message.isEmpty() || token.isSymbol(u"("))
            message = u"expected an option name, VirtualHost, Component or Include, found " + token.describe();
        error(token.location, message);
        return false;
    }
    if (isLuaKeyword(token.text)) {
        if (token.text == u"local")
            error(token.location, u"'local' variables are not supported; set options directly (name = value)"_s);
        else
            error(token.location, u"Lua statements ('" + token.text +
                                      u"') are not supported; the config file accepts only options (name = value), "
                                      u"VirtualHost, Component and Include"_s);
        return false;
    }
    if (lookAhead().isSymbol(u"="))
        return parseAssignment();
    return parseDirective();
}

bool ConfigParser::parseAssignment()
{
    const ConfigToken name = take();
    take(); // '='
    const std::optional<ConfigValue> value = parseValue(u"'='"_s);
    if (!value)
        return false;
    setOption(m_state.section, name.text, *value);
    return checkStatementEnd(u"the value of option '" + name.text + u"'");
}

bool ConfigParser::parseDirective()
{
    const ConfigToken name = current();
    if (isHostDirective(name.text) || isComponentDirective(name.text)) {
        take();
        return parseHostDirective(name, isComponentDirective(name.text));
    }
    if (name.text == u"Include") {
        take();
        return parseInclude(name);
    }
    if (isUnsupportedFunction(name.text)) {
        error(name.location, unsupportedMessage(name.text));
        return false;
    }
    const ConfigToken& next = lookAhead();
    if (next.kind == ConfigToken::Kind::String || next.isSymbol(u"(") || next.isSymbol(u"{")) {
        error(name.location, u"'" + name.text +
                                 u"' is not a known directive; the config file accepts options (name = value), "
                                 u"VirtualHost, Component and Include"_s);
    } else {
        error(next.location, u"expected '=' after option name '" + name.text + u"', found " + next.describe());
    }
    return false;
}

bool ConfigParser::atStringArgument() const
{
    return current().kind == ConfigToken::Kind::String ||
           (current().isSymbol(u"(") && lookAhead().kind == ConfigToken::Kind::String);
}

std::optional<ConfigToken> ConfigParser::parseStringArgument(const QString& directive, const QString& what)
{
    if (current().kind == ConfigToken::Kind::String)
        return take();
    if (current().isSymbol(u"(")) {
        take();
        if (current().kind != ConfigToken::Kind::String) {
            error(current().location, u"expected " + what + u" as a string in quotes inside " + directive +
                                          u"(...), found " + current().describe());
            return std::nullopt;
        }
        const ConfigToken argument = take();
        if (!current().isSymbol(u")")) {
            error(current().location,
                  u"expected ')' after " + what + u" in " + directive + u"(...), found " + current().describe());
            return std::nullopt;
        }
        take();
        return argument;
    }
    error(current().location,
          u"expected " + what + u" in quotes after " + directive + u", found " + current().describe());
    return std::nullopt;
}

bool ConfigParser::parseHostDirective(const ConfigToken& directive, bool isComponent)
{
    const std::optional<ConfigToken> name =
        parseStringArgument(directive.text, isComponent ? u"the component's name"_s : u"the host name"_s);
    if (!name)
        return false;
    const ConfigSection::Kind kind = isComponent ? ConfigSection::Kind::Component : ConfigSection::Kind::VirtualHost;
    const QString host = name->text;
    bool usable = true;
    if (host.trimmed().isEmpty() || host == GlobalSection) {
        error(name->location, directive.text + u" needs a host name, not \"" + host + u"\""_s);
        usable = false;
    } else if (!m_sectionIndex.contains(host)) {
        m_sectionIndex.insert(host, m_sections.size());
        m_sections.append(ConfigSection(host, kind, directive.location));
    } else {
        const ConfigSection& existing = m_sections.at(m_sectionIndex.value(host));
        if (existing.kind() != kind) {
            const QString existingKind =
                existing.kind() == ConfigSection::Kind::Component ? u"Component"_s : u"VirtualHost"_s;
            error(name->location, u"\"" + host + u"\" is already declared as a " + existingKind + u" at " +
                                      existing.location().toString() +
                                      u"; a name cannot be both a VirtualHost and a Component"_s);
            usable = false;
        }
    }
    QString module = u"component"_s; // an external (XEP-0114) component, as in Prosody
    if (isComponent && atStringArgument()) {
        const std::optional<ConfigToken> moduleName =
            parseStringArgument(u"Component \"" + host + u"\"", u"the module name"_s);
        if (!moduleName)
            return false;
        module = moduleName->text;
    }
    if (usable) {
        m_state.section = host;
        if (isComponent)
            m_sections[m_sectionIndex.value(host)].setComponentModule(module);
    }
    // Prosody also accepts options as a table after the directive: VirtualHost "x" { key = value }.
    if (current().isSymbol(u"{")) {
        const std::optional<ConfigValue> options = parseTable();
        if (!options)
            return false;
        if (!options->array().isEmpty())
            error(options->array().first().location(),
                  u"options in a " + directive.text + u" { ... } block need names (name = value)"_s);
        if (usable) {
            for (const ConfigValue::MapEntry& entry : options->map())
                setOption(host, entry.first, entry.second);
        }
    }
    return checkStatementEnd(directive.text + u" \"" + host + u"\"");
}

bool ConfigParser::parseInclude(const ConfigToken& directive)
{
    const std::optional<ConfigToken> argument = parseStringArgument(directive.text, u"a file name or pattern"_s);
    if (!argument)
        return false;
    const QString pattern = argument->text;
    const QString path = QDir(m_state.directory).filePath(pattern);
    const QFileInfo info(path);
    const QString fileName = info.fileName();
    const QString directory = info.path();
    if (directory.contains(u'*') || directory.contains(u'?')) {
        error(argument->location, u"wildcards ('*', '?') are only allowed in the file name part of an Include, "
                                  u"not in its directories"_s);
    } else if (fileName.contains(u'*') || fileName.contains(u'?')) {
        const QStringList matches =
            QDir(directory).entryList(QStringList{fileName}, QDir::Files | QDir::Readable, QDir::Name);
        if (matches.isEmpty())
            warning(argument->location, u"Include \"" + pattern + u"\" matches no files"_s);
        for (const QString& match : matches)
            includeFile(QDir(directory).filePath(match), argument->location);
    } else if (!info.exists()) {
        error(argument->location, u"included file '" + path + u"' does not exist"_s);
    } else {
        includeFile(path, argument->location);
    }
    return checkStatementEnd(u"Include \"" + pattern + u"\"");
}

bool ConfigParser::checkStatementEnd(const QString& after)
{
    const ConfigToken& token = current();
    if (token.kind == ConfigToken::Kind::End || token.isSymbol(u";"))
        return true;
    QString message = expressionMessage(token);
    if (token.kind == ConfigToken::Kind::Name && message.isEmpty())
        return true;
    if (message.isEmpty()) {
        if (token.isSymbol(u"}"))
            message = u"unexpected '}': no table is open here"_s;
        else
            message = u"unexpected " + token.describe() + u" after " + after +
                      u"; write each option as name = value on its own line"_s;
    }
    error(token.location, message);
    return false;
}

std::optional<ConfigValue> ConfigParser::parseValue(const QString& after)
{
    const ConfigToken& token = current();
    switch (token.kind) {
    case ConfigToken::Kind::String: {
        const ConfigToken string = take();
        return ConfigValue::fromString(string.text, string.location);
    }
    case ConfigToken::Kind::Number: {
        const ConfigToken number = take();
        if (number.isInteger)
            return ConfigValue::fromInteger(qint64(number.number), number.location);
        return ConfigValue::fromNumber(number.number, number.location);
    }
    case ConfigToken::Kind::Symbol:
        if (token.isSymbol(u"{"))
            return parseTable();
        if (token.isSymbol(u"-")) {
            const ConfigToken minus = take();
            // Lua allows repeated unary minus ("- -4").
            bool negative = true;
            while (current().isSymbol(u"-")) {
                take();
                negative = !negative;
            }
            if (current().kind != ConfigToken::Kind::Number) {
                error(current().location, u"expected a number after '-', found " + current().describe());
                return std::nullopt;
            }
            const ConfigToken number = take();
            const double sign = negative ? -1.0 : 1.0;
            if (number.isInteger)
                return ConfigValue::fromInteger(qint64(sign * number.number), minus.location);
            return ConfigValue::fromNumber(sign * number.number, minus.location);
        }
        break;
    case ConfigToken::Kind::Name:
        if (token.text == u"true" || token.text == u"false") {
            const ConfigToken boolean = take();
            return ConfigValue::fromBool(boolean.text == u"true", boolean.location);
        }
        if (token.text == u"nil") {
            const ConfigToken nil = take();
            ConfigValue value;
            value.setLocation(nil.location);
            return value;
        }
        if (isUnsupportedFunction(token.text)) {
            error(token.location, unsupportedMessage(token.text));
            return std::nullopt;
        }
        if (token.text.startsWith(u"ENV_")) {
            error(token.location, u"'" + token.text +
                                      u"' (reading environment variables) is not supported by Canto; write the "
                                      u"value itself"_s);
            return std::nullopt;
        }
        if (token.text == u"function") {
            error(token.location, u"functions are not supported in the config file"_s);
            return std::nullopt;
        }
        break;
    case ConfigToken::Kind::End:
        break;
    }
    error(token.location,
          u"expected a value (a string, number, boolean or table) after " + after + u", found " + token.describe());
    return std::nullopt;
}

std::optional<ConfigValue> ConfigParser::parseTable()
{
    const ConfigToken open = take();
    ++m_state.braceDepth;
    QList<ConfigValue> array;
    QList<ConfigValue::MapEntry> map;
    QString after = u"'{'"_s;
    const auto addKey = [&map, this](const QString& key, const ConfigValue& value) {
        for (ConfigValue::MapEntry& entry : map) {
            if (entry.first == key) {
                warning(value.location(), u"key '" + key + u"' is set twice in this table (first at " +
                                              entry.second.location().toString() + u"); the last value is used");
                entry.second = value;
                return;
            }
        }
        map.append({key, value});
    };
    for (;;) {
        const ConfigToken& token = current();
        if (token.isSymbol(u"}")) {
            take();
            --m_state.braceDepth;
            return ConfigValue::fromTable(std::move(array), std::move(map), open.location);
        }
        if (token.isSymbol(u"[")) {
            take();
            const ConfigToken key = current();
            if (key.kind != ConfigToken::Kind::String) {
                error(key.location, u"only strings in quotes can be used as keys in [...], found " + key.describe());
                return std::nullopt;
            }
            take();
            if (!current().isSymbol(u"]")) {
                error(current().location, u"expected ']' after the key, found " + current().describe());
                return std::nullopt;
            }
            take();
            if (!current().isSymbol(u"=")) {
                error(current().location,
                      u"expected '=' after the key [\"" + key.text + u"\"], found " + current().describe());
                return std::nullopt;
            }
            take();
            const std::optional<ConfigValue> value = parseValue(u"'='"_s);
            if (!value)
                return std::nullopt;
            addKey(key.text, *value);
        } else if (token.kind == ConfigToken::Kind::Name && lookAhead().isSymbol(u"=") && !isLuaKeyword(token.text)) {
            const ConfigToken key = take();
            take();
            const std::optional<ConfigValue> value = parseValue(u"'='"_s);
            if (!value)
                return std::nullopt;
            addKey(key.text, *value);
        } else {
            const std::optional<ConfigValue> value = parseValue(after);
            if (!value)
                return std::nullopt;
            array.append(*value);
        }
        const ConfigToken& separator = current();
        if (separator.isSymbol(u",") || separator.isSymbol(u";")) {
            after = u"'" + separator.text + u"'";
            take();
            continue;
        }
        if (separator.isSymbol(u"}"))
            continue;
        QString message = expressionMessage(separator);
        if (message.isEmpty())
            message = u"expected ',' or '}' after a table item (to close the '{' at line " +
                      QString::number(open.location.line) + u"), found " + separator.describe();
        error(separator.location, message);
        return std::nullopt;
    }
}

void ConfigParser::setOption(const QString& section, const QString& option, const ConfigValue& value)
{
    ConfigSection& target = m_sections[m_sectionIndex.value(section)];
    if (target.contains(option)) {
        warning(value.location(), u"option '" + option + u"' is set more than once in " + describeSection(section) +
                                      u" (first at " + target.value(option).location().toString() +
                                      u"); the last value is used");
    }
    // As in Lua, assigning nil unsets the option (a host then sees the global value again).
    if (value.isNil())
        target.remove(option);
    else
        target.set(option, value);
}

void ConfigParser::synchronize()
{
    // Resume at the next statement: a line starting with a name, once any table opened by the
    // broken statement is closed. A line that starts with a directive, or with "name =" no more
    // indented than the broken statement, is a new statement even inside an unclosed table
    // (the usual cause being a missing '}').
    const int statementColumn = m_state.statementColumn;
    int depth = m_state.braceDepth;
    m_state.braceDepth = 0;
    const auto isRestart = [&](const ConfigToken& token) {
        if (!token.startsLine || token.kind != ConfigToken::Kind::Name)
            return false;
        if (isDirective(token.text))
            return true;
        return lookAhead().isSymbol(u"=") && token.location.column <= statementColumn;
    };
    if (m_state.index > m_state.statementStart && isRestart(current()))
        return;
    for (bool first = true;; first = false) {
        const ConfigToken& token = current();
        if (token.kind == ConfigToken::Kind::End)
            return;
        if (!first) {
            if (depth <= 0 && token.isSymbol(u";")) {
                take();
                return;
            }
            if (depth <= 0 && token.startsLine && token.kind == ConfigToken::Kind::Name)
                return;
            if (isRestart(token))
                return;
        }
        if (token.isSymbol(u"{"))
            ++depth;
        else if (token.isSymbol(u"}"))
            --depth;
        take();
    }
}

} // namespace Canto
