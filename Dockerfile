# Meridian service image: build the runnable jar, cut a lean Java runtime for it with jlink (modules from
# the jar, see scripts/runtime-image.sh; the same image cli's RuntimeImageTest serves from), ship both on a
# slim base. Users and events live in the embedded database under /app/data (mount a volume) unless
# MERIDIAN_DB points at PostgreSQL.
#
# The container listens on all interfaces, so it requires bearer tokens: mount a tokens file (one
# 'ROLE TOKEN' line per client, roles read < write < admin; see docs/SECURITY.md) at
# /run/secrets/meridian-tokens. Without it the service refuses to start.
#
#   docker build -t meridian .
#   printf 'admin %s\nread %s\n' "$(openssl rand -hex 24)" "$(openssl rand -hex 24)" > tokens && chmod 600 tokens
#   docker run -p 8080:8080 -p 9090:9090 -v meridian-data:/app/data \
#     -v "$PWD/tokens:/run/secrets/meridian-tokens:ro" meridian
#   docker run -e MERIDIAN_DB='jdbc:postgresql://db:5432/meridian?user=meridian' ... meridian

# The build uses the Maven the wrapper pins (./mvnw fetches it with curl) on a full JDK 25 (jlink, jdeps).
FROM eclipse-temurin:25-jdk AS build
RUN command -v curl >/dev/null || (apt-get update && apt-get install -y --no-install-recommends curl \
    && rm -rf /var/lib/apt/lists/*)
WORKDIR /src
COPY . .
RUN ./mvnw -B -q -DskipTests -Dspotless.check.skip=true package -pl cli -am \
 && scripts/runtime-image.sh cli/target/meridian.jar /runtime

FROM debian:bookworm-slim
RUN useradd --system --home-dir /app meridian \
 && mkdir -p /app/data \
 && chown meridian /app/data
WORKDIR /app
COPY --from=build /runtime /opt/meridian-java
COPY --from=build /src/cli/target/meridian.jar /app/meridian.jar
COPY NOTICE /app/NOTICE
USER meridian
ENV MERIDIAN_HOST=0.0.0.0 \
    MERIDIAN_TOKENS=/run/secrets/meridian-tokens
EXPOSE 8080 9090
VOLUME ["/app/data"]
# The launcher's defaults for serve (see the meridian script): heap sized from the admission budget (bundled
# cities + 8 in-flight requests: 128 + 14 x 8 MB), not from the container's memory, starting at 8 MB; the JIT
# compiling after 3x the usual calls (start-up code is left interpreted); two malloc arenas, and
# allocations of 1 MiB and more mapped on their own (freed buffers go back to the system); native access for
# the epoll transport; sun.misc.Unsafe allowed to Netty (8 MB less idle memory, docs/ARCHITECTURE.md).
ENV MALLOC_ARENA_MAX=2 \
    MALLOC_MMAP_THRESHOLD_=1048576
ENTRYPOINT ["/opt/meridian-java/bin/java", "-XX:+UseSerialGC", "-Xms8m", "-Xmx240m", "-XX:CompileThresholdScaling=3", "-XX:+ExitOnOutOfMemoryError", "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow", "-jar", "/app/meridian.jar"]
CMD ["serve"]
