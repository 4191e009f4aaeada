# Compiler settings shared by every Canto target: strict warnings as errors, strict Qt defines,
# and the sanitizers of the dev preset.
option(CANTO_SANITIZE "Build with AddressSanitizer and UndefinedBehaviorSanitizer" OFF)

add_library(canto_compile_options INTERFACE)
target_compile_options(canto_compile_options INTERFACE
    -Wall -Wextra -Wpedantic -Werror -Wshadow=local -Wnon-virtual-dtor -Wcast-qual
    -Wno-error=deprecated-declarations)
target_compile_definitions(canto_compile_options INTERFACE
    QT_NO_KEYWORDS QT_NO_CAST_FROM_ASCII QT_NO_CAST_TO_ASCII QT_NO_URL_CAST_FROM_STRING
    QT_NO_NARROWING_CONVERSIONS_IN_CONNECT QT_USE_QSTRINGBUILDER
    CANTO_VERSION="${PROJECT_VERSION}")
if(CANTO_SANITIZE)
    target_compile_options(canto_compile_options INTERFACE -fsanitize=address,undefined -fno-omit-frame-pointer
        -fno-sanitize-recover=undefined)
    target_link_options(canto_compile_options INTERFACE -fsanitize=address,undefined)
endif()

find_program(CCACHE_PROGRAM ccache)
if(CCACHE_PROGRAM)
    set(CMAKE_CXX_COMPILER_LAUNCHER "${CCACHE_PROGRAM}")
endif()
