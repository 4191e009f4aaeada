#pragma once

#include <QtPlugin>

/// Imports the test-only module plugins (tests/support/testmodules) into a test executable, so
/// ModuleManager finds them among QPluginLoader::staticPlugins(). Use once, at file scope.
#define CANTO_IMPORT_TEST_MODULES()                                                                                    \
    Q_IMPORT_PLUGIN(TestProbePlugin)                                                                                   \
    Q_IMPORT_PLUGIN(TestProbeTwoPlugin)                                                                                \
    Q_IMPORT_PLUGIN(TestDependentPlugin)                                                                               \
    Q_IMPORT_PLUGIN(TestChainPlugin)                                                                                   \
    Q_IMPORT_PLUGIN(TestGlobalPlugin)                                                                                  \
    Q_IMPORT_PLUGIN(TestFailingPlugin)                                                                                 \
    Q_IMPORT_PLUGIN(TestThrowingPlugin)                                                                                \
    Q_IMPORT_PLUGIN(TestBrokenDependencyPlugin)
