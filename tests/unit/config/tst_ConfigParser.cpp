#include "server/config/ConfigParser.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace Canto;

namespace {

const QString FileName = u"canto.cfg.lua"_s;

ConfigParser parse(const QString& text)
{
    ConfigParser parser;
    parser.parseText(text.toUtf8(), FileName, QDir::tempPath());
    return parser;
}

QList<ConfigProblem> errorsOf(const ConfigParser& parser)
{
    QList<ConfigProblem> errors;
    for (const ConfigProblem& problem : parser.problems()) {
        if (problem.isError())
            errors.append(problem);
    }
    return errors;
}

QList<ConfigProblem> warningsOf(const ConfigParser& parser)
{
    QList<ConfigProblem> warnings;
    for (const ConfigProblem& problem : parser.problems()) {
        if (!problem.isError())
            warnings.append(problem);
    }
    return warnings;
}

QString describe(const QList<ConfigProblem>& problems)
{
    QStringList lines;
    for (const ConfigProblem& problem : problems)
        lines.append(problem.toString());
    return lines.join(u'\n');
}

const ConfigSection& sectionNamed(const QList<ConfigSection>& sections, const QString& name)
{
    for (const ConfigSection& section : sections) {
        if (section.name() == name)
            return section;
    }
    static const ConfigSection none;
    return none;
}

void writeFile(const QString& path, const QByteArray& content)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile file(path);
    QVERIFY2(file.open(QIODevice::WriteOnly), qPrintable(path));
    file.write(content);
}

} // namespace

class tst_ConfigParser : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void values_data();
    void values();
    void strings_data();
    void strings();
    void numberTypes();
    void sections_data();
    void sections();
    void hostOptionBlock();
    void nilUnsetsOption();
    void errors_data();
    void errors();
    void collectsAllErrors();
    void recoversFromMissingBrace();
    void duplicateOptionWarns();
    void duplicateTableKeyWarns();
    void valueLocations();
    void includeGlob();
    void includeMissingFile();
    void includeCycle();
    void includeGlobWithoutMatch();
};

void tst_ConfigParser::values_data()
{
    QTest::addColumn<QString>("source");
    QTest::addColumn<QString>("expected"); // the value of option "a", written back as Lua

    QTest::newRow("double-quoted") << u"a = \"hello\""_s << u"\"hello\""_s;
    QTest::newRow("single-quoted") << u"a = 'hello'"_s << u"\"hello\""_s;
    QTest::newRow("integer") << u"a = 42"_s << u"42"_s;
    QTest::newRow("negative") << u"a = -42"_s << u"-42"_s;
    QTest::newRow("double negative") << u"a = - -4"_s << u"4"_s;
    QTest::newRow("float") << u"a = 1.5"_s << u"1.5"_s;
    QTest::newRow("float without integer part") << u"a = .5"_s << u"0.5"_s;
    QTest::newRow("float with zero fraction") << u"a = 5.0"_s << u"5.0"_s;
    QTest::newRow("exponent") << u"a = 1e3"_s << u"1000.0"_s;
    QTest::newRow("negative exponent") << u"a = 25E-1"_s << u"2.5"_s;
    QTest::newRow("hex") << u"a = 0xff"_s << u"255"_s;
    QTest::newRow("hex float") << u"a = 0x1p4"_s << u"16.0"_s;
    QTest::newRow("true") << u"a = true"_s << u"true"_s;
    QTest::newRow("false") << u"a = false"_s << u"false"_s;
    QTest::newRow("empty table") << u"a = { }"_s << u"{ }"_s;
    QTest::newRow("array") << u"a = { \"x\", \"y\"; \"z\", }"_s << u"{ \"x\", \"y\", \"z\" }"_s;
    QTest::newRow("map") << u"a = { key = 1; [\"with space\"] = true }"_s << u"{ key = 1, [\"with space\"] = true }"_s;
    QTest::newRow("mixed keeps parts") << u"a = { \"x\", k = \"v\", \"y\" }"_s << u"{ \"x\", \"y\", k = \"v\" }"_s;
    QTest::newRow("nested") << u"a = { c2s = { rate = \"10kb/s\" }, s2sin = { rate = \"30kb/s\" } }"_s
                            << u"{ c2s = { rate = \"10kb/s\" }, s2sin = { rate = \"30kb/s\" } }"_s;
    QTest::newRow("multi-line table") << u"a = {\n  \"x\";\n  \"y\";\n}\n"_s << u"{ \"x\", \"y\" }"_s;
    QTest::newRow("long string") << u"a = [[text]]"_s << u"\"text\""_s;
    QTest::newRow("long string skips first newline") << u"a = [[\nline1\nline2]]"_s << u"\"line1\\nline2\""_s;
    QTest::newRow("long string level 2") << u"a = [==[with ]] inside]==]"_s << u"\"with ]] inside\""_s;
    QTest::newRow("line comment") << u"-- comment\na = 1 -- trailing"_s << u"1"_s;
    QTest::newRow("block comment") << u"--[[ a = 2\n a = 3 ]] a = 1"_s << u"1"_s;
    QTest::newRow("level block comment") << u"--[==[ ]] a = 2 ]==]\na = 1"_s << u"1"_s;
    QTest::newRow("semicolons") << u"b = 2; a = 1;"_s << u"1"_s;
    QTest::newRow("two on a line") << u"b = 2 a = 1"_s << u"1"_s;
    QTest::newRow("string call of long string") << u"a = [==[]==]"_s << u"\"\""_s;
    QTest::newRow("byte order mark") << u"\uFEFFa = 1"_s << u"1"_s;
    QTest::newRow("CRLF line ends") << u"b = 2\r\na = 1\r\n"_s << u"1"_s;
}

void tst_ConfigParser::values()
{
    QFETCH(QString, source);
    QFETCH(QString, expected);
    const ConfigParser parser = parse(source);
    QVERIFY2(parser.problems().isEmpty(), qPrintable(describe(parser.problems())));
    QCOMPARE(parser.sections().first().value(u"a"_s).toLua(), expected);
}

void tst_ConfigParser::strings_data()
{
    QTest::addColumn<QString>("literal");
    QTest::addColumn<QString>("expected");

    QTest::newRow("newline and tab") << uR"("a\nb\tc")"_s << u"a\nb\tc"_s;
    QTest::newRow("backslash and quotes") << uR"("\\ \" \'")"_s << uR"(\ " ')"_s;
    QTest::newRow("single quote in single quotes") << uR"('it\'s')"_s << u"it's"_s;
    QTest::newRow("double quote in single quotes") << uR"('say "hi"')"_s << u"say \"hi\""_s;
    QTest::newRow("decimal escapes") << uR"("\65\066\0671")"_s << u"ABC1"_s;
    QTest::newRow("hex escapes") << uR"("\x41\x62")"_s << u"Ab"_s;
    QTest::newRow("utf-8 bytes as decimal escapes") << uR"("\195\169")"_s << u"\u00e9"_s;
    QTest::newRow("unicode escapes") << uR"("\u{48}\u{E9}\u{1F600}")"_s << u"H\u00e9\U0001F600"_s;
    QTest::newRow("z skips whitespace") << u"\"a\\z   \n   b\""_s << u"ab"_s;
    QTest::newRow("escaped newline") << u"\"a\\\nb\""_s << u"a\nb"_s;
    QTest::newRow("raw utf-8") << u"\"caf\u00e9 \u2603\""_s << u"caf\u00e9 \u2603"_s;
    QTest::newRow("bell and friends") << uR"("\a\b\f\r\v")"_s << u"\a\b\f\r\v"_s;
    QTest::newRow("long string keeps escapes raw") << uR"([[\n]])"_s << uR"(\n)"_s;
}

void tst_ConfigParser::strings()
{
    QFETCH(QString, literal);
    QFETCH(QString, expected);
    const ConfigParser parser = parse(u"a = " + literal);
    QVERIFY2(parser.problems().isEmpty(), qPrintable(describe(parser.problems())));
    const ConfigValue value = parser.sections().first().value(u"a"_s);
    QVERIFY(value.isString());
    QCOMPARE(value.toString(), expected);
}

void tst_ConfigParser::numberTypes()
{
    const ConfigParser parser = parse(u"i = 5\nf = 5.0\nh = 0x10\ne = 1e2\nbig = 9223372036854775808\nn = -7"_s);
    QVERIFY2(parser.problems().isEmpty(), qPrintable(describe(parser.problems())));
    const ConfigSection& global = parser.sections().first();
    QVERIFY(global.value(u"i"_s).isInteger());
    QVERIFY(global.value(u"f"_s).isNumber());
    QVERIFY(!global.value(u"f"_s).isInteger());
    QVERIFY(global.value(u"h"_s).isInteger());
    QCOMPARE(global.value(u"h"_s).toNumber(), 16.0);
    QVERIFY(!global.value(u"e"_s).isInteger());
    // Like Lua, a decimal integer beyond 64 bits becomes a float.
    QVERIFY(!global.value(u"big"_s).isInteger());
    QCOMPARE(global.value(u"big"_s).toNumber(), 9223372036854775808.0);
    QVERIFY(global.value(u"n"_s).isInteger());
    QCOMPARE(global.value(u"n"_s).toNumber(), -7.0);
}

void tst_ConfigParser::sections_data()
{
    QTest::addColumn<QString>("source");
    QTest::addColumn<QString>("host");
    QTest::addColumn<int>("kind");
    QTest::addColumn<QString>("module");

    const int vhost = int(ConfigSection::Kind::VirtualHost);
    const int component = int(ConfigSection::Kind::Component);
    QTest::newRow("VirtualHost") << u"VirtualHost \"example.org\"\nx = 1"_s << u"example.org"_s << vhost << QString();
    QTest::newRow("Host") << u"Host \"example.org\"\nx = 1"_s << u"example.org"_s << vhost << QString();
    QTest::newRow("host") << u"host 'example.org'\nx = 1"_s << u"example.org"_s << vhost << QString();
    QTest::newRow("call syntax") << u"VirtualHost(\"example.org\")\nx = 1"_s << u"example.org"_s << vhost << QString();
    QTest::newRow("long string name") << u"VirtualHost [[example.org]]\nx = 1"_s << u"example.org"_s << vhost
                                      << QString();
    QTest::newRow("Component with module")
        << u"Component \"muc.example.org\" \"muc\"\nx = 1"_s << u"muc.example.org"_s << component << u"muc"_s;
    QTest::newRow("component alias") << u"component \"muc.example.org\" \"muc\"\nx = 1"_s << u"muc.example.org"_s
                                     << component << u"muc"_s;
    QTest::newRow("external component") << u"Component \"gw.example.org\"\n  component_secret = \"s\"\nx = 1"_s
                                        << u"gw.example.org"_s << component << u"component"_s;
    QTest::newRow("Component call syntax")
        << u"Component(\"muc.example.org\")(\"muc\")\nx = 1"_s << u"muc.example.org"_s << component << u"muc"_s;
    QTest::newRow("Component mixed syntax")
        << u"Component(\"muc.example.org\") \"muc\" x = 1"_s << u"muc.example.org"_s << component << u"muc"_s;
}

void tst_ConfigParser::sections()
{
    QFETCH(QString, source);
    QFETCH(QString, host);
    QFETCH(int, kind);
    QFETCH(QString, module);
    const ConfigParser parser = parse(u"before = true\n" + source);
    QVERIFY2(parser.problems().isEmpty(), qPrintable(describe(parser.problems())));
    const QList<ConfigSection> sections = parser.sections();
    QCOMPARE(sections.size(), 2);
    QCOMPARE(sections.at(0).name(), u"*"_s);
    QVERIFY(sections.at(0).contains(u"before"_s));
    QVERIFY(!sections.at(0).contains(u"x"_s));
    QCOMPARE(sections.at(1).name(), host);
    QCOMPARE(int(sections.at(1).kind()), kind);
    QCOMPARE(sections.at(1).componentModule(), module);
    QCOMPARE(sections.at(1).value(u"x"_s).toNumber(), 1.0);
    QCOMPARE(sections.at(1).location().line, 2);
}

void tst_ConfigParser::hostOptionBlock()
{
    const ConfigParser parser = parse(u"VirtualHost \"a.example\" { x = 1, y = \"two\" }\nz = 3"_s);
    QVERIFY2(parser.problems().isEmpty(), qPrintable(describe(parser.problems())));
    const ConfigSection& host = sectionNamed(parser.sections(), u"a.example"_s);
    QCOMPARE(host.optionNames(), (QStringList{u"x"_s, u"y"_s, u"z"_s}));
    QCOMPARE(host.value(u"y"_s).toString(), u"two"_s);
}

void tst_ConfigParser::nilUnsetsOption()
{
    const ConfigParser parser = parse(u"a = 1\nb = 2\na = nil"_s);
    QCOMPARE(parser.sections().first().optionNames(), QStringList{u"b"_s});
    QVERIFY(!parser.hasErrors());
}

void tst_ConfigParser::errors_data()
{
    QTest::addColumn<QString>("source");
    QTest::addColumn<QString>("location");
    QTest::addColumn<QString>("message");

    // clang-format off
    QTest::newRow("bare identifier value") << u"option = foo"_s << u"canto.cfg.lua:1:10"_s
        << u"expected a value (a string, number, boolean or table) after '=', found 'foo'"_s;
    QTest::newRow("missing value at end") << u"a ="_s << u"canto.cfg.lua:1:4"_s
        << u"after '=', found end of file"_s;
    QTest::newRow("concatenation") << u"a = \"x\" .. \"y\""_s << u"canto.cfg.lua:1:9"_s
        << u"joining strings with '..' is not supported"_s;
    QTest::newRow("arithmetic") << u"a = 1 + 2"_s << u"canto.cfg.lua:1:7"_s << u"arithmetic ('+') is not supported"_s;
    QTest::newRow("subtraction") << u"a = 5 -1"_s << u"canto.cfg.lua:1:7"_s << u"arithmetic ('-')"_s;
    QTest::newRow("comparison") << u"a = 1 == 2"_s << u"canto.cfg.lua:1:7"_s << u"Lua expressions ('==')"_s;
    QTest::newRow("and") << u"a = true and false"_s << u"canto.cfg.lua:1:10"_s << u"Lua expressions ('and')"_s;
    QTest::newRow("function call") << u"print(\"hello\")"_s << u"canto.cfg.lua:1:1"_s
        << u"'print' is not a known directive"_s;
    QTest::newRow("function call in value") << u"a = os.getenv(\"HOME\")"_s << u"canto.cfg.lua:1:5"_s
        << u"found 'os'"_s;
    QTest::newRow("local") << u"local x = 1"_s << u"canto.cfg.lua:1:1"_s << u"'local' variables are not supported"_s;
    QTest::newRow("if") << u"if x then y = 1 end"_s << u"canto.cfg.lua:1:1"_s << u"Lua statements ('if')"_s;
    QTest::newRow("function value") << u"a = function() end"_s << u"canto.cfg.lua:1:5"_s
        << u"functions are not supported"_s;
    QTest::newRow("RunScript") << u"RunScript \"x.lua\""_s << u"canto.cfg.lua:1:1"_s
        << u"'RunScript' is not supported by Canto"_s;
    QTest::newRow("Lua") << u"Lua.print(\"x\")"_s << u"canto.cfg.lua:1:1"_s << u"'Lua' is not supported by Canto"_s;
    QTest::newRow("FileContents") << u"ssl_key = FileContents(\"key.pem\")"_s << u"canto.cfg.lua:1:11"_s
        << u"'FileContents' is not supported by Canto"_s;
    QTest::newRow("FileLine") << u"motd = FileLine \"motd.txt\""_s << u"canto.cfg.lua:1:8"_s
        << u"'FileLine' is not supported by Canto"_s;
    QTest::newRow("FileLines") << u"admins = FileLines \"admins.txt\""_s << u"canto.cfg.lua:1:10"_s
        << u"'FileLines' is not supported by Canto"_s;
    QTest::newRow("Credential") << u"secret = Credential(\"db\")"_s << u"canto.cfg.lua:1:10"_s
        << u"'Credential' is not supported by Canto"_s;
    QTest::newRow("ENV_") << u"home = ENV_HOME"_s << u"canto.cfg.lua:1:8"_s
        << u"'ENV_HOME' (reading environment variables) is not supported"_s;
    QTest::newRow("unfinished string") << u"a = \"abc\nb = 1"_s << u"canto.cfg.lua:1:5"_s << u"unfinished string"_s;
    QTest::newRow("invalid escape") << u"a = \"a\\qb\""_s << u"canto.cfg.lua:1:7"_s
        << u"invalid escape sequence '\\q'"_s;
    QTest::newRow("bad hex escape") << u"a = \"\\xZZ\""_s << u"canto.cfg.lua:1:6"_s << u"hexadecimal digit expected"_s;
    QTest::newRow("decimal escape too large") << u"a = \"\\300\""_s << u"canto.cfg.lua:1:6"_s
        << u"decimal escape too large"_s;
    QTest::newRow("bad unicode escape") << u"a = \"\\u{110000}\""_s << u"canto.cfg.lua:1:6"_s
        << u"not a valid Unicode code point"_s;
    QTest::newRow("malformed number") << u"a = 3m"_s << u"canto.cfg.lua:1:5"_s << u"malformed number '3m'"_s;
    QTest::newRow("missing equals") << u"a 5"_s << u"canto.cfg.lua:1:3"_s
        << u"expected '=' after option name 'a', found '5'"_s;
    QTest::newRow("append syntax") << u"modules_enabled:append { \"x\" }"_s << u"canto.cfg.lua:1:16"_s
        << u"expected '=' after option name 'modules_enabled', found ':'"_s;
    QTest::newRow("host without quotes") << u"VirtualHost example"_s << u"canto.cfg.lua:1:13"_s
        << u"expected the host name in quotes after VirtualHost, found 'example'"_s;
    QTest::newRow("host call without string") << u"VirtualHost(example)"_s << u"canto.cfg.lua:1:13"_s
        << u"expected the host name as a string in quotes inside VirtualHost(...)"_s;
    QTest::newRow("host call unclosed") << u"VirtualHost(\"a\" x = 1"_s << u"canto.cfg.lua:1:17"_s
        << u"expected ')' after the host name"_s;
    QTest::newRow("empty host") << u"VirtualHost \"\""_s << u"canto.cfg.lua:1:13"_s << u"needs a host name"_s;
    QTest::newRow("name clash") << u"VirtualHost \"a.example\"\nComponent \"a.example\" \"muc\""_s
        << u"canto.cfg.lua:2:11"_s
        << u"\"a.example\" is already declared as a VirtualHost at canto.cfg.lua:1:1"_s;
    QTest::newRow("name clash other way") << u"Component \"a.example\"\nHost \"a.example\""_s
        << u"canto.cfg.lua:2:6"_s << u"is already declared as a Component"_s;
    QTest::newRow("table missing separator") << u"a = { \"x\" \"y\" }"_s << u"canto.cfg.lua:1:11"_s
        << u"expected ',' or '}' after a table item (to close the '{' at line 1), found '\"y\"'"_s;
    QTest::newRow("table unclosed at end") << u"a = { \"x\","_s << u"canto.cfg.lua:1:11"_s
        << u"after ',', found end of file"_s;
    QTest::newRow("bare identifier in table") << u"\n\nmodules = { \"a\", b }"_s << u"canto.cfg.lua:3:18"_s
        << u"after ',', found 'b'"_s;
    QTest::newRow("numeric key") << u"a = { [1] = \"x\" }"_s << u"canto.cfg.lua:1:8"_s
        << u"only strings in quotes can be used as keys"_s;
    QTest::newRow("stray brace") << u"}"_s << u"canto.cfg.lua:1:1"_s
        << u"expected an option name, VirtualHost, Component or Include, found '}'"_s;
    QTest::newRow("stray brace after value") << u"a = 1 }"_s << u"canto.cfg.lua:1:7"_s
        << u"unexpected '}': no table is open here"_s;
    QTest::newRow("string after value") << u"a = \"x\" \"y\""_s << u"canto.cfg.lua:1:9"_s
        << u"unexpected '\"y\"' after the value of option 'a'"_s;
    QTest::newRow("unfinished long string") << u"a = [[abc\ndef"_s << u"canto.cfg.lua:1:5"_s
        << u"unfinished long string (no closing ]] before the end of the file)"_s;
    QTest::newRow("unfinished long comment") << u"a = 1\n  --[=[ abc"_s << u"canto.cfg.lua:2:3"_s
        << u"unfinished long comment (no closing ]=]"_s;
    QTest::newRow("minus without number") << u"a = -\"x\""_s << u"canto.cfg.lua:1:6"_s
        << u"expected a number after '-'"_s;
    QTest::newRow("column counts characters") << u"a = \"\u00e9\u00e9\" .. \"x\""_s << u"canto.cfg.lua:1:10"_s
        << u"joining strings"_s;
    QTest::newRow("tab is one column") << u"\ta = foo"_s << u"canto.cfg.lua:1:6"_s << u"found 'foo'"_s;
    QTest::newRow("include missing") << u"Include \"does-not-exist.cfg.lua\""_s << u"canto.cfg.lua:1:9"_s
        << u"does not exist"_s;
    QTest::newRow("include glob in directory") << u"Include \"conf*/x.cfg.lua\""_s << u"canto.cfg.lua:1:9"_s
        << u"only allowed in the file name part"_s;
    QTest::newRow("unknown directive with table") << u"Settings { a = 1 }"_s << u"canto.cfg.lua:1:1"_s
        << u"'Settings' is not a known directive"_s;
    QTest::newRow("array in host block") << u"VirtualHost \"h\" { \"x\" }"_s << u"canto.cfg.lua:1:19"_s
        << u"need names (name = value)"_s;
    // clang-format on
}

void tst_ConfigParser::errors()
{
    QFETCH(QString, source);
    QFETCH(QString, location);
    QFETCH(QString, message);
    const ConfigParser parser = parse(source);
    const QList<ConfigProblem> errors = errorsOf(parser);
    QVERIFY2(errors.size() == 1, qPrintable(u"expected one error, got:\n" + describe(parser.problems())));
    QCOMPARE(errors.first().location.toString(), location);
    QVERIFY2(errors.first().message.contains(message), qPrintable(errors.first().toString()));
    QVERIFY(errors.first().toString().startsWith(location + u": "));
    QVERIFY(parser.hasErrors());
}

void tst_ConfigParser::collectsAllErrors()
{
    const QString source = uR"(a = foo
b = "ok"
c = 1 + 2
modules = {
    "x",
    bad,
    "y",
}
d = true
VirtualHost "h"
e = ENV_X
f = 5
local g = 1
h = { 1, 2 } .. "x"
i = 6
)"_s;
    const ConfigParser parser = parse(source);
    const QList<ConfigProblem> errors = errorsOf(parser);
    QStringList locations;
    for (const ConfigProblem& error : errors)
        locations.append(error.location.toString());
    QCOMPARE(locations, (QStringList{u"canto.cfg.lua:1:5"_s, u"canto.cfg.lua:3:7"_s, u"canto.cfg.lua:6:5"_s,
                                     u"canto.cfg.lua:11:5"_s, u"canto.cfg.lua:13:1"_s, u"canto.cfg.lua:14:14"_s}));
    // Statements between the broken ones are still read, in the right sections.
    const ConfigSection& global = sectionNamed(parser.sections(), u"*"_s);
    QCOMPARE(global.optionNames(), (QStringList{u"b"_s, u"c"_s, u"d"_s}));
    const ConfigSection& host = sectionNamed(parser.sections(), u"h"_s);
    QCOMPARE(host.optionNames(), (QStringList{u"f"_s, u"h"_s, u"i"_s}));
}

void tst_ConfigParser::recoversFromMissingBrace()
{
    const ConfigParser parser = parse(u"m = {\n    \"a\",\n    \"b\"\nn = 1\nVirtualHost \"x\"\no = 2\n"_s);
    const QList<ConfigProblem> errors = errorsOf(parser);
    QCOMPARE(errors.size(), 1);
    QCOMPARE(errors.first().location.toString(), u"canto.cfg.lua:4:1"_s);
    QVERIFY(errors.first().message.contains(u"to close the '{' at line 1"_s));
    QCOMPARE(sectionNamed(parser.sections(), u"*"_s).value(u"n"_s).toNumber(), 1.0);
    QCOMPARE(sectionNamed(parser.sections(), u"x"_s).value(u"o"_s).toNumber(), 2.0);
}

void tst_ConfigParser::duplicateOptionWarns()
{
    const ConfigParser parser =
        parse(u"a = 1\nVirtualHost \"h\"\na = 3\nVirtualHost \"i\"\na = 4\nVirtualHost \"h\"\n  a = 5"_s);
    QVERIFY(!parser.hasErrors());
    const QList<ConfigProblem> warnings = warningsOf(parser);
    QCOMPARE(warnings.size(), 1);
    QCOMPARE(warnings.first().location.toString(), u"canto.cfg.lua:7:7"_s);
    QCOMPARE(warnings.first().message, u"option 'a' is set more than once in VirtualHost \"h\" (first at "
                                       u"canto.cfg.lua:3:5); the last value is used"_s);
    QCOMPARE(warnings.first().toString().left(33), u"canto.cfg.lua:7:7: warning: optio"_s);
    QCOMPARE(sectionNamed(parser.sections(), u"h"_s).value(u"a"_s).toNumber(), 5.0);

    const ConfigParser global = parse(u"a = 1\na = 2"_s);
    QCOMPARE(warningsOf(global).size(), 1);
    QVERIFY(warningsOf(global).first().message.contains(u"in the global section"_s));
}

void tst_ConfigParser::duplicateTableKeyWarns()
{
    const ConfigParser parser = parse(u"a = { k = 1, k = 2 }"_s);
    QVERIFY(!parser.hasErrors());
    QCOMPARE(warningsOf(parser).size(), 1);
    QCOMPARE(parser.sections().first().value(u"a"_s).value(u"k"_s).toNumber(), 2.0);
}

void tst_ConfigParser::valueLocations()
{
    const ConfigParser parser = parse(u"\nlimits = {\n  c2s = { rate = \"10kb/s\" }\n}\nport = -5"_s);
    const ConfigSection& global = parser.sections().first();
    const ConfigValue limits = global.value(u"limits"_s);
    QCOMPARE(limits.location().toString(), u"canto.cfg.lua:2:10"_s);
    QCOMPARE(limits.value(u"c2s"_s).value(u"rate"_s).location().toString(), u"canto.cfg.lua:3:18"_s);
    QCOMPARE(global.value(u"port"_s).location().toString(), u"canto.cfg.lua:5:8"_s);
}

void tst_ConfigParser::includeGlob()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    writeFile(dir.filePath(u"canto.cfg.lua"_s), "first = 1\n"
                                                "VirtualHost \"main.example\"\n"
                                                "Include \"conf.d/*.cfg.lua\"\n"
                                                "main_option = true\n"
                                                "Include(\"other/single.cfg.lua\")\n");
    writeFile(dir.filePath(u"conf.d/b.cfg.lua"_s), "order = \"b\"\nVirtualHost \"b.example\"\nb_option = 2\n");
    writeFile(dir.filePath(u"conf.d/a.cfg.lua"_s), "order = \"a\"\n");
    writeFile(dir.filePath(u"conf.d/c.txt"_s), "this is not read\n");
    // Paths in an included file are relative to that file.
    writeFile(dir.filePath(u"other/single.cfg.lua"_s), "Include \"../shared/last.cfg.lua\"\n");
    writeFile(dir.filePath(u"shared/last.cfg.lua"_s), "last = \"yes\"\n");

    ConfigParser parser;
    parser.parseFile(dir.filePath(u"canto.cfg.lua"_s));
    QVERIFY2(!parser.hasErrors(), qPrintable(describe(parser.problems())));
    // a.cfg.lua is read before b.cfg.lua, so b's value wins (with a duplicate warning).
    const ConfigSection& global = sectionNamed(parser.sections(), u"*"_s);
    QCOMPARE(global.value(u"order"_s).toString(), u"b"_s);
    QCOMPARE(warningsOf(parser).size(), 1);
    QCOMPARE(warningsOf(parser).first().location.toString(), dir.filePath(u"conf.d/b.cfg.lua"_s) + u":1:9");
    QCOMPARE(global.value(u"last"_s).toString(), u"yes"_s);
    // A host directive in an included file does not change the including file's section.
    QCOMPARE(sectionNamed(parser.sections(), u"b.example"_s).optionNames(), QStringList{u"b_option"_s});
    QCOMPARE(sectionNamed(parser.sections(), u"main.example"_s).optionNames(), QStringList{u"main_option"_s});
    QCOMPARE(parser.files().size(), 5);
    QCOMPARE(parser.files().at(1), dir.filePath(u"conf.d/a.cfg.lua"_s));
    QCOMPARE(global.value(u"order"_s).location().file, dir.filePath(u"conf.d/b.cfg.lua"_s));
}

void tst_ConfigParser::includeMissingFile()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    writeFile(dir.filePath(u"canto.cfg.lua"_s), "\n  Include \"missing.cfg.lua\"\nok = 1\n");
    ConfigParser parser;
    parser.parseFile(dir.filePath(u"canto.cfg.lua"_s));
    const QList<ConfigProblem> errors = errorsOf(parser);
    QCOMPARE(errors.size(), 1);
    QCOMPARE(errors.first().location.toString(), dir.filePath(u"canto.cfg.lua"_s) + u":2:11");
    QVERIFY(errors.first().message.contains(u"missing.cfg.lua' does not exist"_s));
    QVERIFY(parser.sections().first().contains(u"ok"_s));

    ConfigParser missingMain;
    missingMain.parseFile(dir.filePath(u"nothing-here.cfg.lua"_s));
    QCOMPARE(errorsOf(missingMain).size(), 1);
    QVERIFY(errorsOf(missingMain).first().message.startsWith(u"cannot read config file"_s));
}

void tst_ConfigParser::includeCycle()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    writeFile(dir.filePath(u"a.cfg.lua"_s), "a = 1\nInclude \"b.cfg.lua\"\n");
    writeFile(dir.filePath(u"b.cfg.lua"_s), "b = 1\nInclude \"a.cfg.lua\"\n");
    ConfigParser parser;
    parser.parseFile(dir.filePath(u"a.cfg.lua"_s));
    const QList<ConfigProblem> errors = errorsOf(parser);
    QCOMPARE(errors.size(), 1);
    QCOMPARE(errors.first().location.toString(), dir.filePath(u"b.cfg.lua"_s) + u":2:9");
    QVERIFY(errors.first().message.startsWith(u"Include cycle"_s));
}

void tst_ConfigParser::includeGlobWithoutMatch()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    writeFile(dir.filePath(u"canto.cfg.lua"_s), "Include \"conf.d/*.cfg.lua\"\n");
    ConfigParser parser;
    parser.parseFile(dir.filePath(u"canto.cfg.lua"_s));
    QVERIFY(!parser.hasErrors());
    QCOMPARE(warningsOf(parser).size(), 1);
    QVERIFY(warningsOf(parser).first().message.contains(u"matches no files"_s));
}

QTEST_GUILESS_MAIN(tst_ConfigParser)
#include "tst_ConfigParser.moc"
