# clb-direct's container image, from the jar Maven builds and tests:
#
#   ./mvnw -B -pl app -am package -DskipTests
#   docker build -t clb-direct:0.1.0-SNAPSHOT .
#
# No second build inside Docker, on purpose: the image holds exactly the jar CI tested (no Maven run in
# Docker with its own, possibly different, dependency resolution), the build needs no network for Maven,
# and the context is that jar plus hack/cds-archive.sh (.dockerignore lets nothing else in). docs/image.md has the details and the
# Jib alternative (./mvnw -pl app jib:dockerBuild), which needs no Docker daemon.
#
# Layered: the first stage only unpacks that jar into Spring Boot's layers (its BOOT-INF/layers.idx), and
# the image gets one Docker layer per Spring Boot layer, least often changed first. A code change then
# ships the small application layer; the third-party dependencies (about 58 MB) stay cached.
#
# Started with a class-data-sharing archive: a last layer, /app/clb-direct.jsa, written by a training run
# of the application in this very image (hack/cds-archive.sh), which the JVM maps at start instead of
# loading and verifying ~10,000 classes again. It cuts the CPU the start needs by about 40 % (docs/
# benchmarks.md, item 6) and changes with every build (about 53 MB, 15 MB compressed).

# A JRE 17 (clb-direct targets Java 17) on Ubuntu: glibc, a shell and `sleep`, which the Deployment's
# preStop hook runs. Pin a digest (eclipse-temurin:17-jre@sha256:...) for reproducible builds; the
# builder stage uses the same image, so it costs no extra pull.
FROM eclipse-temurin:17-jre AS layers
WORKDIR /build
COPY app/target/clb-direct.jar clb-direct.jar
# dependencies/lib/*.jar, spring-boot-loader/ (empty), snapshot-dependencies/, application/clb-direct.jar
# and application/lib/ (clb-direct's own module jars): Spring Boot 3.3+ `tools` jar mode. Without
# --launcher: a thin clb-direct.jar whose manifest lists lib/*.jar, plain jars on a class path, which is
# what class-data sharing needs (it cannot archive classes from jars nested in a jar).
RUN java -Djarmode=tools -jar clb-direct.jar extract --layers --destination extracted \
 && mkdir -p extracted/dependencies extracted/spring-boot-loader extracted/snapshot-dependencies extracted/application

FROM eclipse-temurin:17-jre

# A named non-root user for uid/gid 65532, the ids the Deployment's securityContext runs as.
RUN groupadd --gid 65532 clb-direct \
 && useradd --uid 65532 --gid 65532 --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin clb-direct

# Owned by root and not writable by the process; the root filesystem can be mounted read-only
# (the JVM and Tomcat write only under /tmp). Together the four layers are /app/clb-direct.jar and
# /app/lib/*.jar.
COPY --from=layers /build/extracted/dependencies/ /app/
COPY --from=layers /build/extracted/spring-boot-loader/ /app/
COPY --from=layers /build/extracted/snapshot-dependencies/ /app/
COPY --from=layers /build/extracted/application/ /app/

# The archive is trained here, in the final image, and not in the first stage: the JVM accepts it only
# with the JVM that wrote it and with the very jar files it was written from (path, size, modification
# time). The training run needs no cluster (the script explains) and takes a few seconds.
COPY hack/cds-archive.sh /usr/local/bin/clb-direct-cds-archive
RUN clb-direct-cds-archive /app

USER 65532:65532
# 9443: the webhook (HTTPS); 8080: probes and metrics (plain HTTP).
EXPOSE 9443 8080
# -Xshare is left at its default (auto): should the archive ever not match, the JVM starts without it,
# slower, rather than not at all. Sub-commands work the same way, e.g.
# `kubectl exec ... -- java -jar /app/clb-direct.jar rotate-certificates`.
ENTRYPOINT ["java", "-XX:SharedArchiveFile=/app/clb-direct.jsa", "-jar", "/app/clb-direct.jar"]
