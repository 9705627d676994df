# SPDX-License-Identifier: MIT
# The Debian package (issue #19): `cpack -G DEB` in a Release build, driven by tools/package.sh
# (./test.sh --package). CPack packs exactly what `cmake --install` installs, so the package
# and a source install cannot differ; the Debian-only files (copyright, changelog) live in
# cmake/package/. Why CPack and not a debian/ folder: tools/package.sh's header.

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME bgo)
set(CPACK_PACKAGE_VENDOR "bgo maintainers")
set(CPACK_PACKAGE_CONTACT "bgo maintainers <maintainers@users.noreply.r-seed-12d94c7e.example>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "process supervisor for your own machine (pm2-style)")
# The long description: lines of the control file's Description after the summary.
set(CPACK_PACKAGE_DESCRIPTION
    "bgo keeps servers, workers and scripts running in the background. bgod,
one daemon per user, starts them, sees them exit at once, restarts them by
policy (watch mode, readiness and liveness checks, dependencies, cron, memory
limits) and writes their output to rotated log files; bgo is its command-line
client, which starts bgod on demand. An application can be described in a
bgo.yaml and brought up with bgo up. Includes systemd user units, shell
completions for bash, zsh and fish, and man pages.")
# The package installs into the build's CMAKE_INSTALL_PREFIX, which tools/package.sh sets to
# /usr, through DESTDIR: the install(CODE) rules (units, completions) then see the real prefix,
# so bgod.service's ExecStart names /usr/bin/bgod, not CPack's staging folder.
set(CPACK_SET_DESTDIR ON)
set(CPACK_PACKAGING_INSTALL_PREFIX ${CMAKE_INSTALL_PREFIX})
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # bgo_<version>_<arch>.deb
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# Depends: from the binaries' shared libraries (dpkg-shlibdeps), nothing by hand.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# notify-send shows bgod's desktop notifications (docs/startup.md); without it there are none.
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "libnotify-bin")
# dpkg-deb's default, stated: lintian and apt read xz everywhere.
set(CPACK_DEBIAN_COMPRESSION_TYPE xz)
# /usr/share/doc/bgo: the copyright file Debian policy asks for, and the changelog lintian asks
# for, both generated here so the version and date have one source (project() and the build).
string(TIMESTAMP BGO_PACKAGE_DATE "%a, %d %b %Y %H:%M:%S +0000" UTC)  # honours SOURCE_DATE_EPOCH
configure_file(${PROJECT_SOURCE_DIR}/cmake/package/changelog.in
               ${CMAKE_BINARY_DIR}/package/changelog @ONLY)
add_custom_command(
  OUTPUT ${CMAKE_BINARY_DIR}/package/changelog.gz
  COMMAND gzip -9n -c ${CMAKE_BINARY_DIR}/package/changelog > ${CMAKE_BINARY_DIR}/package/changelog.gz
  DEPENDS ${CMAKE_BINARY_DIR}/package/changelog
  COMMENT "Compressing the package changelog")
add_custom_target(bgo_package_changelog ALL DEPENDS ${CMAKE_BINARY_DIR}/package/changelog.gz)
install(FILES ${PROJECT_SOURCE_DIR}/cmake/package/copyright ${CMAKE_BINARY_DIR}/package/changelog.gz
        DESTINATION share/doc/bgo)

include(CPack)
