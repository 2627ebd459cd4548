# Three Debian packages from one build, one CPack component each (packaging/build-debs.sh):
#   unitclock-server  the billing server as a hardened systemd service; no SDL or X11 dependency
#   unitclock         the kiosk app, with a cage kiosk unit, a desktop entry, an icon and AppStream data
#   unitclock-cli     the units calculator and store inspection tool, with the code catalog
# Shared-library dependencies come from dpkg-shlibdeps; lintian checks the result in CI.

# [SECTION] What every package carries: copyright, changelog, a man page.
set(UNITCLOCK_PACKAGING_DIR ${PROJECT_SOURCE_DIR}/packaging)
set(UNITCLOCK_GENERATED_DOC ${PROJECT_BINARY_DIR}/packaging)
file(MAKE_DIRECTORY ${UNITCLOCK_GENERATED_DOC})

find_program(GZIP_EXECUTABLE gzip REQUIRED)
find_program(HELP2MAN_EXECUTABLE help2man)

add_custom_command(
  OUTPUT ${UNITCLOCK_GENERATED_DOC}/changelog.Debian.gz
  COMMAND ${GZIP_EXECUTABLE} -9n -c ${UNITCLOCK_PACKAGING_DIR}/debian/changelog > ${UNITCLOCK_GENERATED_DOC}/changelog.Debian.gz
  DEPENDS ${UNITCLOCK_PACKAGING_DIR}/debian/changelog
  COMMENT "Compressing the Debian changelog")
set(UNITCLOCK_DOC_OUTPUTS ${UNITCLOCK_GENERATED_DOC}/changelog.Debian.gz)

# One man page per program, generated from its --help and --version by help2man.
# packaging/man/PROGRAM.h2m adds the sections --help does not give (EXIT STATUS, FILES, ENVIRONMENT).
function(unitclock_man_page target component summary program help_option)
  set(include ${UNITCLOCK_PACKAGING_DIR}/man/${program}.h2m)
  add_custom_command(
    OUTPUT ${UNITCLOCK_GENERATED_DOC}/${target}.1.gz
    COMMAND ${HELP2MAN_EXECUTABLE} --no-info --no-discard-stderr --section=1 --name=${summary}
            --include=${include} --help-option=${help_option} --output=${UNITCLOCK_GENERATED_DOC}/${target}.1 $<TARGET_FILE:${target}>
    COMMAND ${GZIP_EXECUTABLE} -9nf ${UNITCLOCK_GENERATED_DOC}/${target}.1
    DEPENDS ${target} ${include}
    COMMENT "Writing the man page of ${target}")
  set(UNITCLOCK_DOC_OUTPUTS ${UNITCLOCK_DOC_OUTPUTS} ${UNITCLOCK_GENERATED_DOC}/${target}.1.gz PARENT_SCOPE)
  get_target_property(out ${target} OUTPUT_NAME)
  if(NOT out)
    set(out ${target})
  endif()
  install(FILES ${UNITCLOCK_GENERATED_DOC}/${target}.1.gz DESTINATION share/man/man1 RENAME ${out}.1.gz
          COMPONENT ${component})
endfunction()

# [SECTION] Components
set(UNITCLOCK_COMPONENTS server cli)
if(HELP2MAN_EXECUTABLE)
  unitclock_man_page(unitclock-server server "the Unitclock billing server" unitclock-server --help)
  unitclock_man_page(unitclock_cli cli "the Unitclock units calculator and device store tool" unitclock-cli --help)
endif()
if(TARGET unitclock)
  list(APPEND UNITCLOCK_COMPONENTS kiosk)
  if(HELP2MAN_EXECUTABLE)
    unitclock_man_page(unitclock kiosk "the Unitclock therapy session timer for clinic tablets and kiosks" unitclock --help)
  endif()
endif()
add_custom_target(unitclock_package_docs ALL DEPENDS ${UNITCLOCK_DOC_OUTPUTS})

set(UNITCLOCK_PKG_server unitclock-server)
set(UNITCLOCK_PKG_kiosk unitclock)
set(UNITCLOCK_PKG_cli unitclock-cli)
foreach(component IN LISTS UNITCLOCK_COMPONENTS)
  set(pkg ${UNITCLOCK_PKG_${component}})
  install(FILES ${UNITCLOCK_PACKAGING_DIR}/debian/copyright ${UNITCLOCK_GENERATED_DOC}/changelog.Debian.gz
          DESTINATION share/doc/${pkg} COMPONENT ${component})
endforeach()

# The server: a system user, a hardened unit configured from /etc/unitclock/server.conf, an nginx example.
install(FILES ${UNITCLOCK_PACKAGING_DIR}/systemd/unitclock-server.service
              ${UNITCLOCK_PACKAGING_DIR}/systemd/unitclock-server-backup.service
              ${UNITCLOCK_PACKAGING_DIR}/systemd/unitclock-server-backup.timer
        DESTINATION /lib/systemd/system COMPONENT server)
install(FILES ${UNITCLOCK_PACKAGING_DIR}/systemd/unitclock-server.tmpfiles DESTINATION lib/tmpfiles.d
        RENAME unitclock-server.conf COMPONENT server)
install(FILES ${UNITCLOCK_PACKAGING_DIR}/systemd/unitclock-server.sysusers DESTINATION lib/sysusers.d
        RENAME unitclock-server.conf COMPONENT server)
install(FILES ${UNITCLOCK_PACKAGING_DIR}/etc/server.conf DESTINATION /etc/unitclock COMPONENT server)
install(FILES ${UNITCLOCK_PACKAGING_DIR}/nginx/unitclock-server.conf DESTINATION share/doc/unitclock-server/examples
        RENAME nginx-site.conf COMPONENT server)

# The kiosk: a cage unit per tty, its user, and what a desktop needs to list it.
install(FILES ${UNITCLOCK_PACKAGING_DIR}/systemd/unitclock-kiosk@.service DESTINATION /lib/systemd/system
        COMPONENT kiosk)
install(FILES ${UNITCLOCK_PACKAGING_DIR}/systemd/unitclock-kiosk.sysusers DESTINATION lib/sysusers.d
        RENAME unitclock-kiosk.conf COMPONENT kiosk)
install(FILES ${UNITCLOCK_PACKAGING_DIR}/kiosk/org.unitclock.Unitclock.desktop DESTINATION share/applications
        COMPONENT kiosk)
install(FILES ${UNITCLOCK_PACKAGING_DIR}/kiosk/org.unitclock.Unitclock.svg
        DESTINATION share/icons/hicolor/scalable/apps COMPONENT kiosk)
install(FILES ${UNITCLOCK_PACKAGING_DIR}/kiosk/org.unitclock.Unitclock.metainfo.xml DESTINATION share/metainfo
        COMPONENT kiosk)

# Maintainer scripts: CPack takes them by their Debian names.
foreach(script server/postinst server/prerm server/postrm server/conffiles kiosk/postinst kiosk/postrm)
  string(REPLACE "/" "." source ${script})
  configure_file(${UNITCLOCK_PACKAGING_DIR}/debian/${source} ${UNITCLOCK_GENERATED_DOC}/control/${script}
                 COPYONLY)
endforeach()

# [SECTION] CPack
set(CPACK_GENERATOR DEB)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL ${UNITCLOCK_COMPONENTS})
set(CPACK_PACKAGE_NAME unitclock)
set(CPACK_PACKAGE_VENDOR "The Unitclock authors")
set(CPACK_PACKAGE_CONTACT "Unitclock team <team@unitclock.org>")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_RESOURCE_FILE_LICENSE ${PROJECT_SOURCE_DIR}/LICENSE)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_SECTION misc)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE https://unitclock.org)

set(CPACK_DEBIAN_SERVER_PACKAGE_NAME unitclock-server)
set(CPACK_DEBIAN_SERVER_PACKAGE_SECTION net)
set(CPACK_DEBIAN_SERVER_PACKAGE_DEPENDS "tzdata, systemd (>= 247)")
set(CPACK_DEBIAN_SERVER_PACKAGE_SUGGESTS "nginx")
set(CPACK_DEBIAN_SERVER_DESCRIPTION "billing server for the Unitclock therapy session timer
 The central server of Unitclock: enrolls clinic devices, serves the roster and
 configuration, ingests signed therapy sessions idempotently, recomputes each
 patient's billing units for the day across devices, flags what needs a
 supervisor, and exports the day's charges as CSV and HL7 v2.5.1 DFT^P03.
 Runs as a hardened systemd service configured in /etc/unitclock/server.conf.")
set(CPACK_DEBIAN_SERVER_PACKAGE_CONTROL_EXTRA
    "${UNITCLOCK_GENERATED_DOC}/control/server/postinst;${UNITCLOCK_GENERATED_DOC}/control/server/prerm;${UNITCLOCK_GENERATED_DOC}/control/server/postrm;${UNITCLOCK_GENERATED_DOC}/control/server/conffiles")
set(CPACK_DEBIAN_SERVER_PACKAGE_CONTROL_STRICT_PERMISSION ON)

set(CPACK_DEBIAN_KIOSK_PACKAGE_NAME unitclock)
set(CPACK_DEBIAN_KIOSK_PACKAGE_SECTION misc)
set(CPACK_DEBIAN_KIOSK_PACKAGE_DEPENDS "fonts-inter, tzdata, systemd (>= 247)")
set(CPACK_DEBIAN_KIOSK_PACKAGE_RECOMMENDS "cage, xwayland")  # cage 0.1.4 will not start without Xwayland
set(CPACK_DEBIAN_KIOSK_DESCRIPTION "point-of-care therapy session timer for clinic tablets and kiosks
 Occupational, physical and speech therapists tap the activity they are doing
 and tap again when they switch. Unitclock records timed and untimed minutes
 as they happen, computes CPT billing units on the device under the CMS
 8-minute rule or the AMA per-code rule, keeps everything in a local store
 through power cuts and days offline, and syncs signed sessions to the
 clinic's billing server. Includes a cage kiosk unit for wall-mounted screens.")
set(CPACK_DEBIAN_KIOSK_PACKAGE_CONTROL_EXTRA
    "${UNITCLOCK_GENERATED_DOC}/control/kiosk/postinst;${UNITCLOCK_GENERATED_DOC}/control/kiosk/postrm")
set(CPACK_DEBIAN_KIOSK_PACKAGE_CONTROL_STRICT_PERMISSION ON)

set(CPACK_DEBIAN_CLI_PACKAGE_NAME unitclock-cli)
set(CPACK_DEBIAN_CLI_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_CLI_DESCRIPTION "therapy billing units calculator and device store tool
 Computes CPT billing units and modifiers from minutes per code under the CMS
 8-minute rule or the AMA per-code rule, and lists, shows or exports the
 sessions of a Unitclock device store. Ships the code catalog and payer
 profiles as JSON.")
include(CPack)
