# cmake -DSOURCE_DIR=<repo> -P check_include_spelling.cmake
#
# The per-layer include roots only work if every project include goes through them. A quoted
# include is first looked up next to the including file, so "../server/x.h", or
# "memory/x.h" written in src/storage/, would reach a header without the layer's include
# flags being asked. So: no include contains "..", and no quoted include names a file that
# exists relative to the including file. src/main.cc is exempt: it is the top of the stack, so
# there is nothing it must not see.
cmake_minimum_required(VERSION 3.25)

file(GLOB_RECURSE files ${SOURCE_DIR}/src/*.h ${SOURCE_DIR}/src/*.cc ${SOURCE_DIR}/include/*.h)
list(REMOVE_ITEM files ${SOURCE_DIR}/src/main.cc)
if(files STREQUAL "")
  message(FATAL_ERROR "no sources found under ${SOURCE_DIR}")
endif()
set(bad "")
foreach(file IN LISTS files)
  get_filename_component(dir ${file} DIRECTORY)
  file(STRINGS ${file} lines REGEX "^[ \t]*#[ \t]*include[ \t]*[\"<]")
  foreach(line IN LISTS lines)
    set(relative FALSE)
    if(line MATCHES "\"([^\"]+)\"")
      if(EXISTS ${dir}/${CMAKE_MATCH_1})
        set(relative TRUE)
      endif()
    endif()
    if(line MATCHES "\\.\\." OR relative)
      file(RELATIVE_PATH rel ${SOURCE_DIR} ${file})
      string(APPEND bad "\n  ${rel}: ${line}")
    endif()
  endforeach()
endforeach()
if(NOT bad STREQUAL "")
  message(FATAL_ERROR "includes that bypass the layer include roots "
                      "(spell them \"<layer dir>/<file>\", never with \"..\"):${bad}")
endif()
list(LENGTH files n)
message(STATUS "${n} files: every include goes through a layer include root")
