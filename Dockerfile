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
 && scripts/runtime-image.sh cli/target/meridian.jar /opt/meridian

FROM debian:bookworm-slim
RUN useradd --system --home-dir /app meridian \
 && mkdir -p /app/data /app/cache \
 && chown meridian /app/data /app/cache
WORKDIR /app
COPY --from=build /opt/meridian /opt/meridian
COPY NOTICE /app/NOTICE
USER meridian
ENV MERIDIAN_HOST=0.0.0.0 \
    MERIDIAN_TOKENS=/run/secrets/meridian-tokens \
    MERIDIAN_CACHE_DIR=/app/cache
EXPOSE 8080 9090
VOLUME ["/app/data"]
# bin/meridian starts the jar with the launcher's JVM defaults (scripts/jvm-defaults.sh: heap sized from the
# admission budget rather than the container's memory, the collector, malloc settings, native access, Unsafe
# for Netty; MERIDIAN_JAVA_OPTS replaces them). The first serve of a container records an AOT cache in
# /app/cache when it stops, and later starts of that container use it.
ENTRYPOINT ["/opt/meridian/bin/meridian"]
CMD ["serve"]
