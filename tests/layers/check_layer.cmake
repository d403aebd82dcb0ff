# cmake -DCXX=... -DINCLUDES=a|b -DVISIBLE=h1|h2 -DHIDDEN=h3|h4 -DWORK_DIR=... -P check_layer.cmake
#
# Preprocesses `#include "<header>"` with one layer's include directories (INCLUDES, minus
# the compiler's implicit ones in IMPLICIT). Every VISIBLE header must be found; every HIDDEN
# header must fail with the compiler's "not found" error *for that header* (a failure inside
# a header that was found proves nothing).
cmake_minimum_required(VERSION 3.25)

foreach(var CXX INCLUDES VISIBLE WORK_DIR)
  if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
    message(FATAL_ERROR "check_layer.cmake: ${var} is not set")
  endif()
endforeach()
foreach(var INCLUDES IMPLICIT VISIBLE HIDDEN)
  string(REPLACE "|" ";" ${var} "${${var}}")
endforeach()

set(flags ${STD_FLAG})
foreach(dir IN LISTS INCLUDES)
  if(NOT dir IN_LIST IMPLICIT)
    list(APPEND flags -I${dir})
  endif()
endforeach()

file(MAKE_DIRECTORY ${WORK_DIR})
set(failures 0)

# Sets `rc` and `err` in the caller.
macro(preprocess header)
  file(WRITE ${WORK_DIR}/probe.cc "#include \"${header}\"\n")
  execute_process(COMMAND ${CXX} ${flags} -E -o /dev/null ${WORK_DIR}/probe.cc
                  RESULT_VARIABLE rc ERROR_VARIABLE err OUTPUT_QUIET)
endmacro()

foreach(header IN LISTS VISIBLE)
  preprocess(${header})
  if(rc EQUAL 0)
    message(STATUS "visible as it must be: ${header}")
  else()
    message(SEND_ERROR "${header} must be visible to this layer but is not:\n${err}")
    math(EXPR failures "${failures} + 1")
  endif()
endforeach()

foreach(header IN LISTS HIDDEN)
  preprocess(${header})
  string(FIND "${err}" "${header}: No such file or directory" gcc_not_found)
  string(FIND "${err}" "'${header}' file not found" clang_not_found)
  if(NOT rc EQUAL 0 AND (gcc_not_found GREATER -1 OR clang_not_found GREATER -1))
    message(STATUS "hidden as it must be: ${header}")
  else()
    message(SEND_ERROR "${header} belongs to a higher layer and must not be found "
                       "(exit ${rc}):\n${err}")
    math(EXPR failures "${failures} + 1")
  endif()
endforeach()

if(failures GREATER 0)
  message(FATAL_ERROR "${failures} layering check(s) failed; flags: ${flags}")
endif()
