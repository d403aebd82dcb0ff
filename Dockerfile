# Strata container image (Debian 12 "bookworm").
#
#   docker build -t strata .
#   docker run --rm -p 6379:6379 strata
#
# Stage 1 installs the build dependencies with the same scripts/setup a developer uses and
# builds a Release strata-server (tests are not built here; run scripts/test for those).
FROM debian:bookworm-slim AS build
WORKDIR /src
# Copied first so the dependency layer is cached until the scripts change.
COPY scripts/ scripts/
RUN scripts/setup --deps-only --no-test-deps \
    && rm -rf /var/lib/apt/lists/*
COPY . .
RUN cmake -S . -B /build -G Ninja -DCMAKE_BUILD_TYPE=Release -DSTRATA_BUILD_TESTS=OFF \
    && cmake --build /build --parallel \
    && /build/strata-server --version
# The runtime packages are whatever owns the shared libraries the binary links (today
# libjemalloc2 and libtomlplusplus3, plus libstdc++6/libgcc-s1/libc6 from the base image),
# so a new dependency cannot be forgotten in the runtime stage.
RUN set -e; \
    for lib in $(ldd /build/strata-server | awk '$2 == "=>" && $3 ~ /^\// {print $3}'); do \
      dpkg -S "$lib" 2>/dev/null || dpkg -S "$(readlink -f "$lib")"; \
    done | cut -d: -f1 | sort -u > /build/runtime-packages; \
    cat /build/runtime-packages

# Stage 2: only the binary, its shared libraries and the configuration file.
FROM debian:bookworm-slim
COPY --from=build /build/runtime-packages /tmp/runtime-packages
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
       $(cat /tmp/runtime-packages) \
    && rm -rf /var/lib/apt/lists/* /tmp/runtime-packages \
    && useradd --system --home-dir /var/lib/strata --create-home --shell /usr/sbin/nologin strata
COPY --from=build /build/strata-server /usr/local/bin/strata-server
COPY conf/strata.toml /etc/strata/strata.toml
# storage.dir is "./data", i.e. /var/lib/strata/data for the server started below.
WORKDIR /var/lib/strata
USER strata
EXPOSE 6379
CMD ["strata-server","--config","/etc/strata/strata.toml","--bind","0.0.0.0"]
