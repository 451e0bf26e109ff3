# syntax=docker/dockerfile:1
# walkindb in a container: built from this repository with the Maven wrapper, run on a JRE 25 as
# a user without privileges, data in the /data volume. How to run it, and what the server's own
# jail (Landlock + seccomp) needs from the container runtime: docs/DEPLOY.md, "Container".
#
#   docker build -t walkindb .
#   docker run --rm -p 127.0.0.1:8080:8080 -v walkindb-data:/data walkindb
#
# scripts/container-check builds and exercises this image where a container engine runs.

# ---- build: JDK 25, gcc (SQLite is compiled from source), Node.js and npm (the SQLite source
# comes from the npm registry; the JS SDK and the playground are built with tsc) ----
FROM eclipse-temurin:25-jdk-noble AS build
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends gcc libc6-dev nodejs npm \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Only what the server's build reads (.dockerignore keeps build output and caches out). Maven,
# its plugins and the libraries stay in a build cache between builds (/root/.m2).
COPY mvnw pom.xml ./
COPY .mvn .mvn
COPY scripts scripts
COPY sqlite sqlite
COPY clients/js clients/js
COPY playground playground
COPY mcp/tools.json mcp/tools.json
COPY server server
RUN --mount=type=cache,target=/root/.m2 ./mvnw -B -DskipTests package \
    && install -D -m 0644 server/target/walkindb-server.jar /out/walkindb-server.jar

# ---- run: the JRE only, no compiler, no build tools ----
FROM eclipse-temurin:25-jre-noble
RUN groupadd --system --gid 10001 walkindb \
    && useradd --system --uid 10001 --gid walkindb --home-dir /data --no-create-home \
       --shell /usr/sbin/nologin walkindb \
    && install -d -o walkindb -g walkindb -m 0700 /data
COPY --from=build /out/walkindb-server.jar /opt/walkindb/walkindb-server.jar

# Inside the container the server must listen on every interface of the container's network;
# publish the port on the host's loopback (or behind a proxy). The admin listener (GET /status,
# GET /metrics) too, for Prometheus on the same container network: never publish it publicly.
ENV WALKINDB_ADDR=0.0.0.0:8080 \
    WALKINDB_ADMIN_ADDR=0.0.0.0:9091 \
    WALKINDB_DATA_DIR=/data \
    MALLOC_ARENA_MAX=2
VOLUME ["/data"]
WORKDIR /data
USER walkindb:walkindb
EXPOSE 8080 9091

# Bash's /dev/tcp: the image needs no curl, and the check costs no JVM start.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /healthz HTTP/1.0\\r\\n\\r\\n' >&3 && grep -q '\"status\":\"ok\"' <&3"]

# The JVM flags of scripts/jvm-flags (ContainerFilesTest keeps the two in step). SIGTERM (docker
# stop) lets calls in flight finish and exits 0 within 5 s: the default 10 s stop timeout is enough.
ENTRYPOINT ["java", "-XX:+UseSerialGC", "-Xms8m", "-Xmx96m", "-XX:MaxNewSize=24m", "-XX:NewSize=3m", \
    "-XX:SurvivorRatio=4", "-XX:TargetSurvivorRatio=90", "-XX:+UseCompactObjectHeaders", \
    "-XX:ReservedCodeCacheSize=32m", "-XX:-TieredCompilation", "-Xss512k", "-XX:-UsePerfData", \
    "-XX:TrimNativeHeapInterval=5000", "-Djdk.virtualThreadScheduler.parallelism=8", \
    "--enable-native-access=ALL-UNNAMED", \
    "-jar", "/opt/walkindb/walkindb-server.jar"]
CMD []
