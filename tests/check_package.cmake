# The Debian package, as an administrator gets it. Run by ctest (label `package`):
#
#   -DMODE=build    builds attnviz_<VERSION>_amd64.deb: `cpack -G DEB` in BUILD_DIR when that
#                   tree is portable (NATIVE off), otherwise scripts/package.sh into WORK/tree;
#                   checks its control fields, unpacks it with `dpkg -x` into WORK/root, checks
#                   every file (and the tree with appstreamcli validate-tree), that the program
#                   has no AVX/AVX-512 instruction (portable), and runs the unpacked
#                   `attnviz --help`, `--version` and one `--export`.
#   -DMODE=lintian  lintian on the package that MODE=build made: no error.
#
# Also needs SOURCE_DIR, VERSION (the project version) and WORK (a scratch folder).
cmake_minimum_required(VERSION 3.25)

function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    string(REPLACE ";" " " command "${ARGN}")
    message(FATAL_ERROR "`${command}` failed (${rc}):\n${out}\n${err}")
  endif()
  set(out "${out}" PARENT_SCOPE)
endfunction()

function(expect_match text regex what)
  if(NOT text MATCHES "${regex}")
    message(FATAL_ERROR "${what}: expected to match `${regex}`, got:\n${text}")
  endif()
endfunction()

set(deb_path_file "${WORK}/deb-path.txt")

if(MODE STREQUAL "lintian")
  if(NOT EXISTS "${deb_path_file}")
    message(FATAL_ERROR "no package to check: the test package.BuildsInstallsAndRuns did not run")
  endif()
  file(READ "${deb_path_file}" deb)
  find_program(LINTIAN lintian REQUIRED)
  # Exit 0 unless lintian reports an error; warnings are listed in the README.
  execute_process(COMMAND ${LINTIAN} --fail-on error --tag-display-limit 0 --display-info "${deb}"
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  message(STATUS "lintian ${deb}:\n${out}${err}")
  if(NOT rc EQUAL 0 OR out MATCHES "(^|\n)E: ")
    message(FATAL_ERROR "lintian reports errors (exit ${rc})")
  endif()
  return()
endif()

# 1. Build the package.
file(REMOVE "${deb_path_file}")
file(MAKE_DIRECTORY "${WORK}")
if(NATIVE)
  # This tree is built with -march=native: build a portable one, as a person would.
  run("${SOURCE_DIR}/scripts/package.sh" "${WORK}/tree")
  string(STRIP "${out}" deb)
  string(REGEX REPLACE ".*\n" "" deb "${deb}")
else()
  run(${CMAKE_COMMAND} -E chdir "${BUILD_DIR}" cpack -G DEB)
  set(deb "${BUILD_DIR}/attnviz_${VERSION}_amd64.deb")
endif()
get_filename_component(deb_name "${deb}" NAME)
if(NOT EXISTS "${deb}" OR NOT deb_name STREQUAL "attnviz_${VERSION}_amd64.deb")
  message(FATAL_ERROR "expected attnviz_${VERSION}_amd64.deb, got `${deb}`")
endif()
file(WRITE "${deb_path_file}" "${deb}")

# 2. Its control fields: name, the project version, Depends computed by dpkg-shlibdeps.
run(dpkg-deb --field "${deb}")
set(control "${out}")
expect_match("${control}" "(^|\n)Package: attnviz\n" "Package")
expect_match("${control}" "(^|\n)Version: ${VERSION}\n" "Version")
expect_match("${control}" "(^|\n)Architecture: amd64\n" "Architecture")
expect_match("${control}" "(^|\n)Section: education\n" "Section")
expect_match("${control}" "(^|\n)Maintainer: [^\n]+<[^\n@]+@[^\n]+>\n" "Maintainer")
expect_match("${control}" "(^|\n)Homepage: https://" "Homepage")
expect_match("${control}" "(^|\n)Description: [^\n]+\n [^\n]+" "Description")
# Versioned dependencies on the shared libraries it links, as dpkg-shlibdeps writes them.
foreach(library libc6 libstdc\\+\\+6 libgomp1 libqt6core6 libqt6gui6 libqt6widgets6 libqt6svg6
                libqcustomplot2\\.1-qt6 libpcre2-8-0 libutf8proc2 libsentencepiece0)
  expect_match("${control}" "(^|\n)Depends: ([^\n]*[ ,])?${library} \\(>= [^\n]+\n" "Depends on ${library}")
endforeach()

# 3. Unpack it into a throwaway root, as dpkg would install it.
set(root "${WORK}/root")
file(REMOVE_RECURSE "${root}")
run(dpkg -x "${deb}" "${root}")
set(share "${root}/usr/share")
foreach(path usr/bin/attnviz usr/share/applications/attnviz.desktop
             usr/share/icons/hicolor/scalable/apps/attnviz.svg
             usr/share/metainfo/io.github.attnviz.metainfo.xml usr/share/man/man1/attnviz.1.gz
             usr/share/doc/attnviz/copyright usr/share/doc/attnviz/changelog.gz)
  if(NOT EXISTS "${root}/${path}")
    message(FATAL_ERROR "${deb_name} does not install /${path}")
  endif()
endforeach()
file(READ "${share}/applications/attnviz.desktop" entry)
expect_match("${entry}" "\nExec=attnviz\n" "the .desktop entry's Exec")
expect_match("${entry}" "\nIcon=attnviz\n" "the .desktop entry's Icon")

# Each PNG is as large as the folder it is in says (width and height from the IHDR chunk).
foreach(size 16 32 48 64 128 256)
  set(png "${share}/icons/hicolor/${size}x${size}/apps/attnviz.png")
  if(NOT EXISTS "${png}")
    message(FATAL_ERROR "${deb_name} has no ${size}x${size} icon")
  endif()
  file(READ "${png}" header LIMIT 24 HEX)
  math(EXPR expected "${size}" OUTPUT_FORMAT HEXADECIMAL)
  string(SUBSTRING "${expected}" 2 -1 expected)
  string(LENGTH "${expected}" digits)
  while(digits LESS 8)
    string(PREPEND expected "0")
    math(EXPR digits "${digits} + 1")
  endwhile()
  expect_match("${header}" "^89504e470d0a1a0a0000000d49484452${expected}${expected}$"
               "icons/hicolor/${size}x${size}/apps/attnviz.png: a ${size}x${size} PNG")
endforeach()

file(READ "${share}/metainfo/io.github.attnviz.metainfo.xml" metainfo)
expect_match("${metainfo}" "<id>io.github.attnviz</id>" "metainfo id")
expect_match("${metainfo}" "<release version=\"${VERSION}\"" "metainfo release")
expect_match("${metainfo}" "<launchable type=\"desktop-id\">attnviz.desktop</launchable>"
             "metainfo launchable")

# The installed tree as a software centre reads it: metainfo, the desktop entry it launches and
# the icon, checked together.
run(appstreamcli validate-tree --no-net --pedantic "${root}")
if(out MATCHES "(^|\n)[EWIP]: ")
  message(FATAL_ERROR "appstreamcli validate-tree on the unpacked package:\n${out}")
endif()

run(gzip -dc "${share}/man/man1/attnviz.1.gz")
expect_match("${out}" "\n\\.TH ATTNVIZ \"1\" \"[^\"]+\" \"attnviz ${VERSION}\"" "man page title")
expect_match("${out}" "\\\\-\\\\-export" "man page lists --export")

# 4. Portable: no 256- or 512-bit vector instruction in the program (-march=native on this
# machine would put AVX-512 into Eigen's kernels).
find_program(OBJDUMP objdump REQUIRED)
run(${OBJDUMP} --disassemble --no-show-raw-insn "${root}/usr/bin/attnviz")
string(REGEX MATCHALL "%[yz]mm[0-9]+" wide "${out}")
list(LENGTH wide wide_count)
if(NOT wide_count EQUAL 0)
  message(FATAL_ERROR "the packaged attnviz uses ${wide_count} AVX/AVX-512 register operands: "
                      "not built portable (-DATTN_NATIVE=OFF)")
endif()

# 5. The unpacked program runs: --help, --version, one export without a display.
set(attnviz "${root}/usr/bin/attnviz")
run(${CMAKE_COMMAND} -E env QT_QPA_PLATFORM=offscreen "${attnviz}" --help)
expect_match("${out}" "--export <DIR>" "attnviz --help")
run("${attnviz}" --version)
expect_match("${out}" "^attnviz ${VERSION}\n$" "attnviz --version")
set(export_dir "${WORK}/export")
file(REMOVE_RECURSE "${export_dir}")
run(${CMAKE_COMMAND} -E env --unset=DISPLAY --unset=WAYLAND_DISPLAY "${attnviz}" --export
    "${export_dir}" --source "The animal didn't cross the street" --heads 2 --format png,json)
foreach(file grid.png trace.json)
  if(NOT EXISTS "${export_dir}/${file}")
    message(FATAL_ERROR "the packaged attnviz --export wrote no ${file}: ${out}")
  endif()
endforeach()
file(READ "${export_dir}/grid.png" signature LIMIT 8 HEX)
expect_match("${signature}" "^89504e470d0a1a0a$" "grid.png is a PNG")
file(READ "${export_dir}/trace.json" trace)
expect_match("${trace}" "\"heads\"" "trace.json")
message(STATUS "${deb_name}: control fields, files, portable code, --help, --version, --export")
