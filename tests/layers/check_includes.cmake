# The layering rules that the per-target include roots (CMakeLists.txt, chat_include_root)
# cannot express, checked on the sources: a system header is on every target's path, and
# protocol/ may see reactor/payload.h only. Run by ctest (layers.includes):
#   cmake -DCHAT_SOURCE_DIR=<source root> -P tests/layers/check_includes.cmake
# Rules (docs/ARCHITECTURE.md, "Layers and the build"):
#   protocol/ includes no socket or readiness header and no reactor/ header but payload.h;
#   reactor/ and resp/ include nothing of chat (protocol/, bin/), and reactor/ not resp/;
#   net/ includes nothing of bin/ (nor resp/), and of protocol/ only client_id.h.
#   doors/irc/ includes no socket header, of reactor/ only payload.h, and nothing of bin/ or resp/.
#   doors/web/ is like protocol/: no socket header, reactor/payload.h only.
#   cluster/ includes no socket header and nothing of bin/, doors/ (it joins protocol/ and bus/).
if(NOT CHAT_SOURCE_DIR)
  message(FATAL_ERROR "usage: cmake -DCHAT_SOURCE_DIR=<dir> -P check_includes.cmake")
endif()

set(socket_headers "sys/socket\\.h|netinet/[^>]*|arpa/[^>]*|netdb\\.h|sys/un\\.h|poll\\.h|sys/epoll\\.h|sys/event\\.h")
set(violations 0)

# Reports every #include line of the folder's sources that matches `forbidden` but not
# `allowed` ("" allows nothing).
function(forbid folder forbidden allowed why)
  file(GLOB_RECURSE sources ${CHAT_SOURCE_DIR}/${folder}/*.h ${CHAT_SOURCE_DIR}/${folder}/*.cpp)
  set(found ${violations})
  foreach(source ${sources})
    file(STRINGS ${source} lines REGEX "^[ \t]*#[ \t]*include[ \t]*[<\"]")
    foreach(line ${lines})
      if(line MATCHES "${forbidden}" AND (allowed STREQUAL "" OR NOT line MATCHES "${allowed}"))
        file(RELATIVE_PATH shown ${CHAT_SOURCE_DIR} ${source})
        string(STRIP "${line}" line)
        message(NOTICE "${shown}: ${line}: ${why}")
        math(EXPR found "${found} + 1")
      endif()
    endforeach()
  endforeach()
  set(violations ${found} PARENT_SCOPE)
endfunction()

set(include "#[ \t]*include[ \t]*")
forbid(protocol "${include}<(${socket_headers})>" "" "protocol/ includes no socket header")
forbid(protocol "${include}\"reactor/" "${include}\"reactor/payload\\.h\"" "protocol/ uses reactor/payload.h only")
forbid(protocol "${include}\"(bin|resp|bench|tests)/" "" "protocol/ depends on reactor/payload.h only")
forbid(reactor "${include}\"(protocol|bin|resp|bench|tests)/" "" "reactor/ depends on nothing of ours")
forbid(bus "${include}\"(protocol|bin|bench|tests)/" "" "bus/ knows resp/ and reactor/ and nothing of chat")
forbid(resp "${include}\"(protocol|bin|bench|tests)/" "" "resp/ knows reactor/ and nothing of chat")
# The cluster joins the chat to the bus; it owns no socket and knows no door nor program.
forbid(cluster "${include}<(${socket_headers})>" "" "cluster/ includes no socket header (the bus has the connections)")
forbid(cluster "${include}\"(bin|doors|bench|tests)/" "" "cluster/ knows protocol/, bus/ and net/'s log only")
forbid(net "${include}\"protocol/" "${include}\"protocol/client_id\\.h\"" "net/ sees protocol/client_id.h only")
forbid(net "${include}\"(bin|resp|bench|tests)/" "" "net/ knows reactor/ and nothing of the programs")
# The IRC wire library is bytes in, bytes out, like protocol/: the session that owns a socket
# comes later and elsewhere.
forbid(doors/irc "${include}<(${socket_headers})>" "" "doors/irc/ includes no socket header")
forbid(doors/irc "${include}\"reactor/" "${include}\"reactor/payload\\.h\"" "doors/irc/ uses reactor/payload.h only")
forbid(doors/irc "${include}\"(bin|resp|bench|tests)/" "" "doors/irc/ knows protocol/ and reactor/payload.h only")
forbid(doors/web "${include}<(${socket_headers})>" "" "doors/web/ is bytes in, bytes out: no socket header")
forbid(doors/web "${include}\"reactor/" "${include}\"reactor/payload\\.h\"" "doors/web/ uses reactor/payload.h only")
forbid(doors/web "${include}\"(protocol|bin|resp|bench|tests)/" "" "doors/web/ depends on reactor/payload.h only")

if(violations GREATER 0)
  message(FATAL_ERROR "${violations} include(s) cross a layer (docs/ARCHITECTURE.md, \"Layers and the build\")")
endif()
message(STATUS "layers: protocol/, reactor/, resp/, net/, doors/irc/ and doors/web/ include only what their layer allows")
