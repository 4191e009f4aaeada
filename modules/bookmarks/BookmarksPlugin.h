#pragma once

#include "modules/bookmarks/BookmarksModule.h"
#include "server/core/Module.h"

namespace Canto::Modules {

/// Plugin entry point of the "bookmarks" module (metadata in bookmarks.json).
class BookmarksPlugin : public QObject, public ModuleFactory
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID CantoModuleFactory_iid FILE "bookmarks.json")
    Q_INTERFACES(Canto::ModuleFactory)

public:
    std::unique_ptr<Module> create(ModuleApi& api) override { return std::make_unique<BookmarksModule>(api); }
};

} // namespace Canto::Modules
