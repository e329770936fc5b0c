# Fails when a user-visible string of the interface has no finished zh_CN translation: runs
# lupdate over the sources into a copy of the committed .ts and looks for unfinished entries.
file(MAKE_DIRECTORY ${WORK})
configure_file(${TS} ${WORK}/check.ts COPYONLY)
execute_process(
  COMMAND ${LUPDATE} ${SOURCE_DIR}/ui/src ${SOURCE_DIR}/ui/include -no-obsolete -locations none
          -ts ${WORK}/check.ts
  RESULT_VARIABLE status OUTPUT_VARIABLE output ERROR_VARIABLE output)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "lupdate failed: ${output}")
endif()
file(READ ${WORK}/check.ts text)
string(REGEX MATCHALL "<source>[^<]*</source>[ \r\n]*<translation type=\"unfinished\">"
       unfinished "${text}")
list(LENGTH unfinished count)
if(count GREATER 0)
  string(REPLACE ";" "\n" listed "${unfinished}")
  message(FATAL_ERROR "${count} string(s) lack a zh_CN translation in ${TS}:\n${listed}\n"
          "Run: cmake --build build --target update_translations, then translate them.")
endif()
string(REGEX MATCHALL "<translation></translation>" empty "${text}")
list(LENGTH empty empty_count)
if(empty_count GREATER 0)
  message(FATAL_ERROR "${empty_count} empty translation(s) in ${TS}")
endif()
message(STATUS "every interface string has its zh_CN translation")
