#pragma once

#include <QString>

#include <optional>
#include <utility>
#include <variant>

namespace Canto {

/// An error with an XMPP-style condition ("item-not-found", "internal-server-error", ...) and
/// English text. Used by every fallible internal call (see Result<T>).
struct Error
{
    QString condition;
    QString text;

    QString toString() const { return text.isEmpty() ? condition : condition + u": " + text; }
};

/// The value of a fallible call, or the Error that prevented it. (std::expected is not
/// available with g++ 12.)
template <typename T> class [[nodiscard]] Result
{
public:
    Result(T value) : m_data(std::in_place_index<0>, std::move(value)) {}
    Result(Error error) : m_data(std::in_place_index<1>, std::move(error)) {}

    static Result failure(QString condition, QString text = {})
    {
        return Result(Error{std::move(condition), std::move(text)});
    }

    bool isOk() const { return m_data.index() == 0; }
    explicit operator bool() const { return isOk(); }

    const T& value() const& { return std::get<0>(m_data); }
    T& value() & { return std::get<0>(m_data); }
    T&& value() && { return std::get<0>(std::move(m_data)); }
    const T& operator*() const& { return value(); }
    const T* operator->() const { return &value(); }
    T valueOr(T fallback) const { return isOk() ? value() : std::move(fallback); }

    const Error& error() const { return std::get<1>(m_data); }

private:
    std::variant<T, Error> m_data;
};

/// Result of a call that produces no value.
template <> class [[nodiscard]] Result<void>
{
public:
    Result() = default;
    Result(Error error) : m_error(std::move(error)) {}

    static Result failure(QString condition, QString text = {})
    {
        return Result(Error{std::move(condition), std::move(text)});
    }

    bool isOk() const { return !m_error.has_value(); }
    explicit operator bool() const { return isOk(); }
    const Error& error() const { return *m_error; }

private:
    std::optional<Error> m_error;
};

} // namespace Canto
