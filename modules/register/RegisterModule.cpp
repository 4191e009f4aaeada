#include "modules/register/RegisterModule.h"

#include "modules/register/AccountManagement.h"
#include "modules/register/SessionToken.h"
#include "server/core/AccountManager.h"
#include "server/core/ClientSession.h"
#include "server/core/ModuleApi.h"
#include "server/storage/KeyValueStore.h"
#include "server/xmpp/Namespaces.h"
#include "server/xmpp/Stanza.h"
#include "shared/Jid.h"

#include <QDateTime>

using namespace Qt::StringLiterals;

namespace Canto::Modules {

namespace {

const QString DefaultTitle = u"Creating a new account"_s;
const QString DefaultInstructions = u"Choose a username and password for use with this service."_s;

MeasureFactory::Setter counterOrNothing(Result<MeasureFactory::Setter> setter)
{
    return setter ? std::move(setter).value() : MeasureFactory::Setter([](double) {});
}

} // namespace

RegisterModule::RegisterModule(ModuleApi& api) : Module(api) {}

RegisterModule::~RegisterModule() = default;

RegistrationLimits::Settings RegisterModule::limitSettings(const ModuleApi& api)
{
    RegistrationLimits::Settings settings;
    // Prosody: min_seconds_between_registrations = N is a throttle of 1 per N seconds; the
    // registration_throttle_* options override either part.
    const std::optional<double> minSeconds = api.optionPeriod(u"min_seconds_between_registrations"_s);
    settings.throttleMax =
        api.optionNumber(u"registration_throttle_max"_s, minSeconds ? std::optional<double>(1) : std::nullopt, 1);
    settings.throttlePeriod = api.optionPeriod(u"registration_throttle_period"_s,
                                               minSeconds ? std::optional<OptionReader::Period>(*minSeconds)
                                                          : std::optional<OptionReader::Period>(),
                                               OptionReader::Period(0))
                                  .value_or(0);
    if (settings.throttleMax && settings.throttlePeriod <= 0) {
        api.log(ModuleApi::LogLevel::Warn,
                u"registration_throttle_max is set without registration_throttle_period: no throttle"_s);
        settings.throttleMax.reset();
    }
    settings.cacheSize = int(api.optionInteger(u"registration_throttle_cache_size"_s, 100, 1, 1000000).value_or(100));
    // The current names first, then the ones Prosody still reads for compatibility.
    settings.allowlist =
        api.optionArray(u"registration_allowlist"_s, api.optionArray(u"registration_whitelist"_s, settings.allowlist))
            .value_or(settings.allowlist);
    settings.blocklist =
        api.optionArray(u"registration_blocklist"_s, api.optionArray(u"registration_blacklist"_s, QStringList()))
            .value_or(QStringList());
    settings.allowlistOnly =
        api.optionBoolean(u"allowlist_registration_only"_s, api.optionBoolean(u"whitelist_registration_only"_s, false))
            .value_or(false);
    return settings;
}

Result<void> RegisterModule::load()
{
    m_allowRegistration = module().optionBoolean(u"allow_registration"_s, false).value_or(false);
    m_requireEncryption =
        module()
            .optionBoolean(u"c2s_require_encryption"_s, module().optionBoolean(u"require_encryption"_s, true))
            .value_or(true);
    m_form = std::make_unique<RegistrationForm>(
        module().optionString(u"registration_title"_s, DefaultTitle).value_or(DefaultTitle),
        module().optionString(u"registration_instructions"_s, DefaultInstructions).value_or(DefaultInstructions));
    m_limits = std::make_unique<RegistrationLimits>(limitSettings(module()));
    m_clock.start();
    auto details = module().openKeyValueStore(u"account_details"_s);
    if (!details) {
        return details.error();
    }
    m_details = std::move(details).value();
    m_refused = counterOrNothing(module().measure().counter(u"refused"_s));
    m_registered = counterOrNothing(module().measure().counter(u"registered"_s));

    // Account management (mod_user_account_management) is always on.
    module().addFeature(Ns::Register.toString());
    m_management = new AccountManagement(module(), this);
    module().hook(u"iq/self/jabber:iq:register:query"_s, [this](Event& e) { return m_management->handle(e); });
    if (module().optionBoolean(u"registration_compat"_s, true).value_or(true)) {
        // COMPAT: old clients address the query to the server instead of their account.
        module().hook(u"iq/host/jabber:iq:register:query"_s, [this](Event& e) -> QVariant {
            if (e.origin && e.origin->isClient() && e.stanza->attribute(u"to") == module().host()) {
                return m_management->handle(e);
            }
            return {};
        });
    }

    module().hook(u"stream-features/pre-auth"_s, [this](Event& event) -> QVariant {
        const auto* session =
            event.origin && event.origin->isClient() ? static_cast<ClientSession*>(event.origin) : nullptr;
        if (m_allowRegistration && session && event.stanza && (session->isSecure() || !m_requireEncryption)) {
            event.stanza->addChild(u"register"_s, Ns::RegisterFeature.toString());
        }
        return {};
    });
    module().hook(u"stanza/iq/jabber:iq:register:query"_s, [this](Event& e) { return onUnauthenticated(e); });
    return {};
}

void RegisterModule::refuse(ClientSession& session, const XmlElement& iq, const QString& type, const QString& condition,
                            const QString& text)
{
    m_refused(1);
    module().log(ModuleApi::LogLevel::Debug, u"registration refused for %1 (%2): %3 %4"_s.arg(
                                                 session.logId(), session.peerAddress(), condition, text));
    session.send(Stanza::errorReply(iq, type, condition, text));
}

QVariant RegisterModule::onUnauthenticated(Event& event)
{
    if (!event.origin || !event.origin->isClient()) {
        return {};
    }
    auto& session = static_cast<ClientSession&>(*event.origin);
    const XmlElement& iq = *event.stanza;
    if (session.isAuthenticated()) {
        session.send(Stanza::errorReply(iq, u"cancel"_s, u"service-unavailable"_s));
        return true;
    }
    if (!m_allowRegistration) {
        refuse(session, iq, u"cancel"_s, u"not-allowed"_s, u"Registration is disabled"_s);
        return true;
    }
    if (m_requireEncryption && !session.isSecure()) {
        refuse(session, iq, u"modify"_s, u"policy-violation"_s, u"Encryption is required"_s);
        return true;
    }
    if (iq.attribute(u"type") == u"get"_s) {
        XmlElement reply = Stanza::reply(iq);
        reply.addChild(m_form->query());
        session.send(reply);
        return true;
    }
    const XmlElement& query = *iq.firstChild();
    if (query.firstChild(u"remove")) {
        refuse(session, iq, u"auth"_s, u"registration-required"_s);
        return true;
    }
    const RegistrationForm::Submission submission = RegistrationForm::parse(query);
    if (!submission.missing.isEmpty()) {
        refuse(session, iq, u"modify"_s, u"not-acceptable"_s, RegistrationForm::missingText(submission.missing));
        return true;
    }
    const Result<QString> username = Jid::nodeprep(submission.username, true);
    if (!username || username.value().isEmpty()) {
        refuse(session, iq, u"modify"_s, u"not-acceptable"_s, u"The requested username is invalid."_s);
        return true;
    }
    if (const std::optional<StanzaError> limited = m_limits->check(session.peerAddress(), m_clock.elapsed())) {
        refuse(session, iq, limited->type, limited->condition, limited->text);
        return true;
    }
    Event registering(&session, nullptr);
    registering.set(u"username"_s, username.value());
    registering.set(u"host"_s, module().host());
    registering.set(u"ip"_s, session.peerAddress());
    registering.set(u"allowed"_s, true);
    module().fireEvent(u"user-registering"_s, registering);
    if (!registering.value(u"allowed"_s).toBool()) {
        const QString type = registering.value(u"error_type"_s).toString();
        const QString condition = registering.value(u"error_condition"_s).toString();
        refuse(session, iq, type.isEmpty() ? u"modify"_s : type, condition.isEmpty() ? u"not-acceptable"_s : condition,
               registering.value(u"reason"_s).toString());
        return true;
    }
    create(session, iq, username.value(), submission.password);
    return true;
}

void RegisterModule::create(ClientSession& session, const XmlElement& iq, const QString& username,
                            const QString& password)
{
    AccountManager* accounts = module().context().accounts;
    if (!accounts) {
        refuse(session, iq, u"cancel"_s, u"service-unavailable"_s);
        return;
    }
    const SessionToken token(session);
    ClientSession* target = &session;
    const QString host = module().host();
    const QString address = session.peerAddress();
    accounts->create(host, username, password)
        .then(this, [this, token, target, iq, username, host, address](Result<void> created) {
            if (!created) {
                const QString condition = created.error().condition;
                module().log(ModuleApi::LogLevel::Debug,
                             u"account %1@%2 not created: %3"_s.arg(username, host, created.error().toString()));
                if (!token.isAlive()) {
                    return;
                }
                if (condition == u"conflict"_s) {
                    refuse(*target, iq, u"cancel"_s, u"conflict"_s, u"The requested username already exists."_s);
                } else if (condition == u"jid-malformed"_s || condition == u"not-acceptable"_s) {
                    refuse(*target, iq, u"modify"_s, u"not-acceptable"_s, created.error().text);
                } else {
                    refuse(*target, iq, u"wait"_s, u"internal-server-error"_s, u"Failed to create the account"_s);
                }
                return;
            }
            m_registered(1);
            module().log(ModuleApi::LogLevel::Info,
                         u"user account created: %1@%2 (from %3)"_s.arg(username, host, address));
            // Prosody keeps the time of registration (and any extra fields) in account_details.
            (void)m_details->set(username, QVariantMap{{u"registered"_s, QDateTime::currentSecsSinceEpoch()}});
            if (token.isAlive()) {
                target->send(Stanza::reply(iq));
            }
            Event registered(token.isAlive() ? target : nullptr, nullptr);
            registered.set(u"username"_s, username);
            registered.set(u"host"_s, host);
            registered.set(u"source"_s, u"mod_register"_s);
            registered.set(u"ip"_s, address);
            module().fireEvent(u"user-registered"_s, registered);
        });
}

} // namespace Canto::Modules
