# clb-direct's container image, from the jar Maven builds and tests:
#
#   ./mvnw -B -pl app -am package -DskipTests
#   docker build -t clb-direct:0.1.0-SNAPSHOT .
#
# Runtime only, on purpose: the image holds exactly the jar CI tested (no second build inside Docker
# with its own, possibly different, dependency resolution), the build needs no network for Maven, and
# the context is one file (.dockerignore lets nothing else in). docs/image.md has the details and the
# Jib alternative (./mvnw -pl app jib:dockerBuild), which needs no Docker daemon.

# A JRE 17 (clb-direct targets Java 17) on Ubuntu: glibc, a shell and `sleep`, which the Deployment's
# preStop hook runs. Pin a digest (eclipse-temurin:17-jre@sha256:...) for reproducible builds.
FROM eclipse-temurin:17-jre

# A named non-root user for uid/gid 65532, the ids the Deployment's securityContext runs as.
RUN groupadd --gid 65532 clb-direct \
 && useradd --uid 65532 --gid 65532 --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin clb-direct

# Owned by root and not writable by the process; the root filesystem can be mounted read-only
# (the JVM and Tomcat write only under /tmp).
COPY app/target/clb-direct.jar /app/clb-direct.jar

USER 65532:65532
# 9443: the webhook (HTTPS); 8080: probes and metrics (plain HTTP).
EXPOSE 9443 8080
ENTRYPOINT ["java", "-jar", "/app/clb-direct.jar"]
