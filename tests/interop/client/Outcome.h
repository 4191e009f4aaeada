#pragma once

#include <QString>

#include <utility>

namespace Canto::Interop {

/// The verdict of one step of a scenario: passed, or failed with a reason a person can act on.
/// (The server's Canto::Result<T> needs Qt 6 and C++20; this Qt 5 program keeps its own.)
struct Outcome
{
    bool ok = true;
    QString reason;

    static Outcome pass() { return {}; }
    static Outcome fail(QString why) { return {false, std::move(why)}; }
    explicit operator bool() const { return ok; }
};

} // namespace Canto::Interop
