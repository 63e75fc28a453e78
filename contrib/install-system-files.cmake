# Install-time part of `make install` / `cmake --install` (see the install section of
# CMakeLists.txt): runs when the final prefix is known, since `--prefix` may override the
# configured one. Installs the systemd unit with the installed paths written into it, and the
# example configuration unless one is there already (an administrator's edits are kept).
# Inputs: CHAT_SOURCE_DIR, CHAT_BINARY_DIR, CHAT_SBINDIR, CHAT_SYSCONFDIR (GNUInstallDirs'
# values, relative to the prefix unless absolute).

function(chat_under_prefix dir out)
  if(IS_ABSOLUTE "${dir}")
    set(${out} "${dir}" PARENT_SCOPE)
  else()
    set(${out} "${CMAKE_INSTALL_PREFIX}/${dir}" PARENT_SCOPE)
  endif()
endfunction()

chat_under_prefix("${CHAT_SBINDIR}" sbindir)
# GNUInstallDirs' rule: configuration for a /usr installation lives in /etc, not /usr/etc.
if(NOT IS_ABSOLUTE "${CHAT_SYSCONFDIR}" AND CMAKE_INSTALL_PREFIX STREQUAL "/usr")
  set(sysconfdir "/etc")
else()
  chat_under_prefix("${CHAT_SYSCONFDIR}" sysconfdir)
endif()

file(READ "${CHAT_SOURCE_DIR}/contrib/chat-server.service" unit)
string(REPLACE "/usr/sbin/chat-server" "${sbindir}/chat-server" unit "${unit}")
string(REPLACE "/etc/chat-server/" "${sysconfdir}/chat-server/" unit "${unit}")
# A name of its own per run: installs to different prefixes may run at the same time.
string(RANDOM LENGTH 12 run)
set(generated "${CHAT_BINARY_DIR}/contrib/chat-server.service.${run}")
file(WRITE "${generated}" "${unit}")
# file(INSTALL) puts $DESTDIR in front and records the file in install_manifest.txt.
file(INSTALL "${generated}" DESTINATION "${CMAKE_INSTALL_PREFIX}/lib/systemd/system" RENAME chat-server.service
     PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
file(REMOVE "${generated}")

if(EXISTS "$ENV{DESTDIR}${sysconfdir}/chat-server/chat-server.conf")
  message(STATUS "Keeping: $ENV{DESTDIR}${sysconfdir}/chat-server/chat-server.conf")
else()
  file(INSTALL "${CHAT_SOURCE_DIR}/contrib/chat-server.conf" DESTINATION "${sysconfdir}/chat-server"
       PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
endif()
