# clb-direct's container image, from the jar Maven builds and tests:
#
#   ./mvnw -B -pl app -am package -DskipTests
#   docker build -t clb-direct:0.1.0-SNAPSHOT .
#
# No second build inside Docker, on purpose: the image holds exactly the jar CI tested (no Maven run in
# Docker with its own, possibly different, dependency resolution), the build needs no network for Maven,
# and the context is one file (.dockerignore lets nothing else in). docs/image.md has the details and the
# Jib alternative (./mvnw -pl app jib:dockerBuild), which needs no Docker daemon.
#
# Layered: the first stage only unpacks that jar into Spring Boot's layers (its BOOT-INF/layers.idx), and
# the image gets one Docker layer per Spring Boot layer, least often changed first. A code change then
# ships the small application layer; the third-party dependencies (about 58 MB) stay cached.

# A JRE 17 (clb-direct targets Java 17) on Ubuntu: glibc, a shell and `sleep`, which the Deployment's
# preStop hook runs. Pin a digest (eclipse-temurin:17-jre@sha256:...) for reproducible builds; the
# builder stage uses the same image, so it costs no extra pull.
FROM eclipse-temurin:17-jre AS layers
WORKDIR /build
COPY app/target/clb-direct.jar clb-direct.jar
# dependencies/, spring-boot-loader/, snapshot-dependencies/, application/ (Spring Boot 3.3+ `tools`
# jar mode; --launcher keeps the Boot launcher so the exploded layout starts like the jar).
RUN java -Djarmode=tools -jar clb-direct.jar extract --layers --launcher --destination extracted \
 && mkdir -p extracted/dependencies extracted/spring-boot-loader extracted/snapshot-dependencies extracted/application

FROM eclipse-temurin:17-jre

# A named non-root user for uid/gid 65532, the ids the Deployment's securityContext runs as.
RUN groupadd --gid 65532 clb-direct \
 && useradd --uid 65532 --gid 65532 --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin clb-direct

# Owned by root and not writable by the process; the root filesystem can be mounted read-only
# (the JVM and Tomcat write only under /tmp). Together the four layers are the jar's contents, exploded
# under /app (BOOT-INF/lib, BOOT-INF/classes, the loader's org/springframework/boot/loader).
COPY --from=layers /build/extracted/dependencies/ /app/
COPY --from=layers /build/extracted/spring-boot-loader/ /app/
COPY --from=layers /build/extracted/snapshot-dependencies/ /app/
COPY --from=layers /build/extracted/application/ /app/

USER 65532:65532
# 9443: the webhook (HTTPS); 8080: probes and metrics (plain HTTP).
EXPOSE 9443 8080
# What `java -jar clb-direct.jar` does, on the exploded jar. Sub-commands work the same way, e.g.
# `kubectl exec ... -- java -cp /app org.springframework.boot.loader.launch.JarLauncher rotate-certificates`.
ENTRYPOINT ["java", "-cp", "/app", "org.springframework.boot.loader.launch.JarLauncher"]
