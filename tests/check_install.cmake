# Installs the build into PREFIX and checks that the program, the .desktop entry and the icon
# arrived, and that the entry names the program and the icon.
file(REMOVE_RECURSE "${PREFIX}")
execute_process(COMMAND "${CMAKE_COMMAND}" --install "${BUILD_DIR}" --prefix "${PREFIX}"
                RESULT_VARIABLE result OUTPUT_QUIET)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "cmake --install failed: ${result}")
endif()
foreach(path bin/attnviz share/applications/attnviz.desktop
             share/icons/hicolor/scalable/apps/attnviz.svg)
  if(NOT EXISTS "${PREFIX}/${path}")
    message(FATAL_ERROR "not installed: ${path}")
  endif()
endforeach()
file(READ "${PREFIX}/share/applications/attnviz.desktop" entry)
if(NOT entry MATCHES "\nExec=attnviz" OR NOT entry MATCHES "\nIcon=attnviz")
  message(FATAL_ERROR "the .desktop entry does not start attnviz with its icon")
endif()
message(STATUS "installed: program, .desktop entry, icon")
